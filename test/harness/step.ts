/** One step's process, with the runner's file commands (GITHUB_OUTPUT, GITHUB_ENV, …) read back. */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type ParsedAnnotation, parseCommands, parseKeyValueFile } from "./workflow-files.js";

export interface StepResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  env: Record<string, string>;
  path: string[];
  state: Record<string, string>;
  summary: string;
  annotations: ParsedAnnotation[];
  masks: string[];
  debug: string[];
}

/** Runs one step's command with fresh file commands, and reads what it wrote to them. */
export async function runStep(
  command: [string, ...string[]],
  env: Record<string, string>,
  stepDir: string,
  timeoutMs: number,
): Promise<StepResult> {
  mkdirSync(stepDir, { recursive: true });
  const files = {
    GITHUB_OUTPUT: path.join(stepDir, "output"),
    GITHUB_ENV: path.join(stepDir, "env"),
    GITHUB_PATH: path.join(stepDir, "path"),
    GITHUB_STATE: path.join(stepDir, "state"),
    GITHUB_STEP_SUMMARY: path.join(stepDir, "summary.md"),
  };
  for (const file of Object.values(files)) writeFileSync(file, "");

  const { exitCode, stdout, stderr } = await spawnStep(command, { ...env, ...files }, timeoutMs);
  const commands = parseCommands(stdout);
  const read = (file: string) => readFileSync(file, "utf8");
  return {
    exitCode,
    stdout,
    stderr,
    outputs: parseKeyValueFile(read(files.GITHUB_OUTPUT)),
    env: parseKeyValueFile(read(files.GITHUB_ENV)),
    path: read(files.GITHUB_PATH).split(/\r?\n/).filter(Boolean),
    state: parseKeyValueFile(read(files.GITHUB_STATE)),
    summary: read(files.GITHUB_STEP_SUMMARY),
    ...commands,
  };
}

function spawnStep(
  [program, ...args]: [string, ...string[]],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env, cwd: env.GITHUB_WORKSPACE, stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (signal)
        reject(new Error(`${args.join(" ")} was killed by ${signal}\n${stdout}\n${stderr}`));
      else resolve({ exitCode: code ?? 1, stdout, stderr });
    });
  });
}

/** A step's stdout as the log shows it: the runner swallows its `::add-mask::` commands. */
export function withoutMaskCommands(stdout: string): string {
  return stdout
    .split("\n")
    .filter((line) => !line.startsWith("::add-mask::"))
    .join("\n");
}

/** Everything a step leaves for others to see, for secret scans (mask commands excepted). */
export function shownText(result: StepResult): string {
  return [
    withoutMaskCommands(result.stdout),
    result.stderr,
    result.summary,
    JSON.stringify(result.outputs),
    JSON.stringify(result.state),
    JSON.stringify(result.env),
    result.debug.join("\n"),
  ].join("\n");
}
