/**
 * Child processes for bench/setup-venv, asynchronous (the index and the cache service run in this
 * process, so a blocking spawnSync would starve them), with every output line timestamped so a
 * run can be split into phases without instrumenting the action.
 */
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  actionDirectory,
  inputEnv,
  jobEnvironment,
  readActionMetadata,
} from "../../test/harness/runner.js";
import { parseKeyValueFile } from "../../test/harness/workflow-files.js";

export interface Line {
  /** ms since the process was spawned */
  at: number;
  text: string;
}

export interface Exec {
  status: number | null;
  signal: NodeJS.Signals | null;
  /** stdout and stderr, interleaved as they came */
  output: string;
  lines: Line[];
  /** wall time, ms */
  ms: number;
}

export interface ExecOptions {
  env: Record<string, string>;
  cwd: string;
  timeoutMs: number;
}

export function exec(file: string, args: string[], options: ExecOptions): Promise<Exec> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(file, args, { env: options.env, cwd: options.cwd, stdio: "pipe" });
    child.stdin.end();
    const lines: Line[] = [];
    let output = "";
    let partial = "";
    const collect = (chunk: Buffer) => {
      const at = performance.now() - start;
      const text = chunk.toString();
      output += text;
      const parts = (partial + text).split("\n");
      partial = parts.pop() ?? "";
      for (const line of parts) lines.push({ at, text: line });
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      const ms = performance.now() - start;
      if (partial) lines.push({ at: ms, text: partial });
      resolve({ status, signal, output, lines, ms });
    });
  });
}

/**
 * A copy of the action (action.yml and its bundles, at the same relative paths) under `dir`, so
 * a concurrent `npm run bundle` in this checkout cannot change or remove it during the run.
 * Waits up to `waitMs` for a bundle that is being rebuilt.
 */
export async function snapshotAction(action: string, dir: string, waitMs = 60_000) {
  const source = actionDirectory(action);
  const metadata = readActionMetadata(source);
  const target = path.join(dir, "actions", path.basename(source));
  const entries = [metadata.runs.main, metadata.runs.post].filter((e): e is string => !!e);
  const deadline = Date.now() + waitMs;
  while (!entries.every((e) => existsSync(path.resolve(source, e)))) {
    if (Date.now() > deadline) {
      throw new Error(`bundle not found: ${entries.join(", ")} in ${source} (run npm run bundle)`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  mkdirSync(target, { recursive: true });
  cpSync(path.join(source, "action.yml"), path.join(target, "action.yml"));
  for (const entry of entries) {
    const bundle = path.dirname(path.resolve(source, entry));
    cpSync(bundle, path.resolve(target, path.dirname(entry)), { recursive: true });
  }
  return target;
}

export interface StepResult extends Exec {
  outputs: Record<string, string>;
  env: Record<string, string>;
  path: string[];
  state: Record<string, string>;
}

export interface ActionRun {
  main: StepResult;
  /** The post step, run as the runner does at the end of the job (post-if: success()). */
  post?: StepResult;
}

/**
 * An action run the way GitHub's runner runs it (as test/harness/runner.ts does: INPUT_* with
 * action.yml defaults, file commands, the post step with STATE_* and the main step's env and
 * PATH), in a fixed runner home so nothing is left outside `home`.
 */
export function actionRunner(options: {
  action: string;
  node: string;
  home: string;
  workspace: string;
  inputs: Record<string, string>;
  /** The job's environment (already without the outer runner's variables). */
  env: Record<string, string>;
  timeoutMs: number;
}) {
  const directory = actionDirectory(options.action);
  const metadata = readActionMetadata(directory);
  const entry = (file: string) => path.resolve(directory, file);
  const base: Record<string, string> = {
    ...jobEnvironment({ home: options.home, workspace: options.workspace }),
    ...options.env,
    ...inputEnv(metadata, options.inputs),
  };

  const step = async (
    file: string,
    env: Record<string, string>,
    name: string,
    nodeArgs: string[],
  ): Promise<StepResult> => {
    const stepDir = path.join(options.home, name);
    mkdirSync(stepDir, { recursive: true });
    const files = {
      GITHUB_OUTPUT: path.join(stepDir, "output"),
      GITHUB_ENV: path.join(stepDir, "env"),
      GITHUB_PATH: path.join(stepDir, "path"),
      GITHUB_STATE: path.join(stepDir, "state"),
      GITHUB_STEP_SUMMARY: path.join(stepDir, "summary.md"),
    };
    for (const f of Object.values(files)) writeFileSync(f, "");
    const result = await exec(options.node, [...nodeArgs, entry(file)], {
      env: { ...env, ...files },
      cwd: options.workspace,
      timeoutMs: options.timeoutMs,
    });
    const read = (f: string) => readFileSync(f, "utf8");
    return {
      ...result,
      outputs: parseKeyValueFile(read(files.GITHUB_OUTPUT)),
      env: parseKeyValueFile(read(files.GITHUB_ENV)),
      path: read(files.GITHUB_PATH).split(/\r?\n/).filter(Boolean),
      state: parseKeyValueFile(read(files.GITHUB_STATE)),
    };
  };

  return {
    temp: base.RUNNER_TEMP,
    /** Main, then post when main succeeded. `args` go to node (e.g. --cpu-prof). */
    async run(args: string[] = []): Promise<ActionRun> {
      const main = await step(metadata.runs.main, base, "main", args);
      if (main.status !== 0 || !metadata.runs.post) return { main };
      const env: Record<string, string> = { ...base, ...main.env };
      for (const [name, value] of Object.entries(main.state)) env[`STATE_${name}`] = value;
      env.PATH = [...main.path.slice().reverse(), base.PATH].join(path.delimiter);
      const post = await step(metadata.runs.post, env, "post", args);
      return { main, post };
    },
  };
}
