/**
 * The emulated runner: runs an action's dist bundle the way GitHub's runner does,
 * with INPUT_* variables, the file commands, the event payload and the post step.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { inputVariable } from "../../shared/runtime/inputs.js";
import {
  type ActionMetadata,
  actionDirectory,
  bundleEntry,
  readActionMetadata,
  repoRoot,
} from "./action-metadata.js";
import { runComposite } from "./composite.js";
import { runStep, type StepResult } from "./step.js";

export type { ActionMetadata, StepResult };
export { actionDirectory, readActionMetadata, repoRoot };

export interface RunOptions {
  /** An action name under actions/, or a path to a directory that holds action.yml. */
  action: string;
  inputs?: Record<string, string>;
  /** Extra environment for the step (a job's `env:`). */
  env?: Record<string, string>;
  event?: { name: string; payload?: unknown };
  ref?: string;
  workspace?: string;
  /** The runner's own folder (temp, tool cache, step files); a fresh one by default. */
  home?: string;
  /** Also run the post entry, as the runner does at the end of the job. */
  post?: boolean;
  /** The node binary; defaults to PYSHIP_TEST_NODE, else this process's node. */
  node?: string;
  timeoutMs?: number;
}

export interface ActionResult extends StepResult {
  post?: StepResult;
  workspace: string;
  runnerTemp: string;
  toolCache: string;
}

/**
 * Variables of the outer process that must not leak into a step: the runner's own, and this
 * machine's Python tool settings (a hosted runner has none).
 */
const notInherited =
  /^(INPUT_|STATE_|GITHUB_|RUNNER_|ACTIONS_|PIP_|PIPENV_|POETRY_|PDM_|UV_|VIRTUAL_ENV$|PYTHONPATH$)/;

export async function runAction(options: RunOptions): Promise<ActionResult> {
  const directory = actionDirectory(options.action);
  const metadata = readActionMetadata(directory);
  const home = options.home ?? mkdtempSync(path.join(os.tmpdir(), "pyship-runner-"));
  const workspace = options.workspace ?? path.join(home, "workspace");
  const base: Record<string, string> = {
    ...jobEnvironment({ home, workspace, event: options.event, ref: options.ref }),
    ...inputEnv(metadata, options.inputs ?? {}),
    ...options.env,
  };
  const runnerTemp = base.RUNNER_TEMP;
  const toolCache = base.RUNNER_TOOL_CACHE;

  const node = options.node ?? process.env.PYSHIP_TEST_NODE ?? process.execPath;
  const timeoutMs = options.timeoutMs ?? 5 * 60_000;
  if (metadata.runs.using === "composite") {
    const composite = await runComposite(directory, metadata, {
      env: {
        ...jobEnvironment({ home, workspace, event: options.event, ref: options.ref }),
        ...options.env,
      },
      inputs: options.inputs ?? {},
      home,
      node,
      timeoutMs,
    });
    return { ...composite, workspace, runnerTemp, toolCache };
  }
  const main = await runStep(
    [node, bundleEntry(directory, metadata.runs.main)],
    base,
    path.join(home, "main"),
    timeoutMs,
  );
  const result: ActionResult = { ...main, workspace, runnerTemp, toolCache };

  if (options.post && metadata.runs.post && shouldRunPost(metadata.runs["post-if"], main)) {
    const stateEnv = Object.fromEntries(
      Object.entries(main.state).map(([name, value]) => [`STATE_${name}`, value]),
    );
    const env = { ...base, ...main.env, ...stateEnv };
    env.PATH = [...main.path.slice().reverse(), base.PATH].join(path.delimiter);
    const postEntry = bundleEntry(directory, metadata.runs.post);
    result.post = await runStep([node, postEntry], env, path.join(home, "post"), timeoutMs);
  }
  return result;
}

export interface JobOptions {
  /** A scratch directory for the runner's own files (temp, tool cache, event payload). */
  home: string;
  workspace: string;
  event?: { name: string; payload?: unknown };
  ref?: string;
}

/** The environment a runner gives every step of a job: GITHUB_*, RUNNER_*, and the machine's own. */
export function jobEnvironment(options: JobOptions): Record<string, string> {
  const runnerTemp = path.join(options.home, "temp");
  const toolCache = path.join(options.home, "toolcache");
  for (const dir of [runnerTemp, toolCache, options.workspace]) mkdirSync(dir, { recursive: true });
  const eventPath = path.join(options.home, "event.json");
  writeFileSync(eventPath, JSON.stringify(options.event?.payload ?? {}));
  const ref = options.ref ?? "refs/heads/main";
  return {
    ...inheritedEnv(),
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_EVENT_NAME: options.event?.name ?? "push",
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REF: ref,
    GITHUB_REF_NAME: ref.replace(/^refs\/(heads|tags)\//, ""),
    GITHUB_REF_TYPE: ref.startsWith("refs/tags/") ? "tag" : "branch",
    GITHUB_REPOSITORY: "pyship-test/example",
    GITHUB_REPOSITORY_OWNER: "pyship-test",
    GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567",
    GITHUB_RUN_ID: "1",
    GITHUB_RUN_ATTEMPT: "1",
    GITHUB_ACTOR: "pyship-test",
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_API_URL: "https://api.github.com",
    RUNNER_TEMP: runnerTemp,
    RUNNER_TOOL_CACHE: toolCache,
    RUNNER_OS: "Linux",
    RUNNER_ARCH: "X64",
  };
}

/** This machine's environment as a runner step sees it: without the runner's and Python tools' variables. */
export function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && !notInherited.test(name) && name !== "NODE_OPTIONS") {
      env[name] = value;
    }
  }
  // This machine's pip.conf points at local mirrors; a runner's pip has no config file.
  env.PIP_CONFIG_FILE = os.devNull;
  return env;
}

/** INPUT_* for the given inputs, with defaults from action.yml, as the runner sets them. */
export function inputEnv(metadata: ActionMetadata, given: Record<string, string>) {
  const declared = metadata.inputs ?? {};
  const unknown = Object.keys(given).filter((name) => !(name in declared));
  if (unknown.length > 0) throw new Error(`inputs not declared in action.yml: ${unknown}`);
  const env: Record<string, string> = {};
  for (const [name, spec] of Object.entries(declared)) {
    const value = given[name] ?? evaluateDefault(spec.default);
    if (value !== undefined) env[inputVariable(name)] = value;
  }
  return env;
}

function evaluateDefault(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return String(value).replace(/\$\{\{\s*github\.token\s*\}\}/g, "ghs_harness_token");
}

function shouldRunPost(condition: string | undefined, main: StepResult): boolean {
  const expression = (condition ?? "always()").replace(/^\$\{\{\s*|\s*\}\}$/g, "");
  if (expression === "success()") return main.exitCode === 0;
  if (expression === "failure()") return main.exitCode !== 0;
  return true;
}
