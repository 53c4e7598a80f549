/** Runs a program and collects its output; never throws for a non-zero exit. */
import { type ChildProcessByStdio, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { entryKind } from "./paths.js";
import { describeSystemError, isSystemError } from "./system-errors.js";

export interface CommandResult {
  code: number;
  /** stdout and stderr, interleaved as they came. */
  output: string;
  stdout: string;
}

export interface CommandOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Each chunk of output as it comes, for logs. */
  onOutput?: (text: string) => void;
  timeoutMs?: number;
}

export function runCommand(
  file: string,
  args: string[],
  options: CommandOptions = {},
): Promise<CommandResult> {
  if (options.cwd && entryKind(options.cwd) !== "directory") {
    return Promise.resolve({
      code: 127,
      output: `cannot run ${file} in ${options.cwd}: that folder does not exist`,
      stdout: "",
    });
  }
  return new Promise((resolve) => {
    let child: ChildProcessByStdio<null, Readable, Readable>;
    try {
      child = spawn(file, args, {
        cwd: options.cwd,
        env: childEnv(options.env ?? process.env),
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (error) {
      // Some failures (a name too long, a bad argument) are thrown at once, not emitted.
      const reason = isSystemError(error) ? describeSystemError(error) : String(error);
      resolve({ code: 127, output: reason, stdout: "" });
      return;
    }
    let output = "";
    let stdout = "";
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      options.onOutput?.(text);
    };
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
      collect(chunk);
    });
    child.stderr.on("data", collect);
    const timer = options.timeoutMs
      ? setTimeout(() => child.kill("SIGKILL"), options.timeoutMs)
      : undefined;
    child.on("error", (error) => {
      clearTimeout(timer);
      const reason = isSystemError(error) ? describeSystemError(error) : error.message;
      resolve({ code: 127, output: `${output}${reason}`, stdout });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output, stdout });
    });
  });
}

/** A child's environment: its temporary files go under RUNNER_TEMP, which the runner cleans. */
function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (!env.RUNNER_TEMP || env.TMPDIR || entryKind(env.RUNNER_TEMP) !== "directory") return env;
  return { ...env, TMPDIR: env.RUNNER_TEMP };
}

/** The executable's path on PATH, or undefined. */
export function which(name: string, searchPath = process.env.PATH ?? ""): string | undefined {
  for (const directory of searchPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}
