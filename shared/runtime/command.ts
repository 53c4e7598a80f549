/** Runs a program and collects its output; never throws for a non-zero exit. */
import { type ChildProcessByStdio, spawn } from "node:child_process";
import type { Readable } from "node:stream";
import { executableExtensions, type Host, nativeHost, searchPath } from "./host.js";
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

/** The executable's path on the environment's PATH (with PATHEXT on Windows), or undefined. */
export function which(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
  host: Host = nativeHost,
): string | undefined {
  const delimiter = host.path.delimiter;
  const extensions = host.path.extname(name) ? [""] : executableExtensions(env, host);
  for (const directory of searchPath(env).split(delimiter).filter(Boolean)) {
    for (const extension of extensions) {
      const candidate = host.path.join(directory, name + extension);
      if (host.isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}
