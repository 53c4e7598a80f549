/** `mode: tool`: each format's own freshness check, where its tool is on PATH. */

import type { LockFormat } from "../lockfiles/model.js";
import { runCommand, which } from "../runtime/command.js";

export interface ToolVerdict {
  command: string;
  /** undefined when the tool could not give a verdict (it crashed, or needed the network). */
  fresh?: boolean;
  output: string;
}

const executables: Partial<Record<LockFormat, string>> = {
  uv: "uv",
  poetry: "poetry",
  pdm: "pdm",
  pipfile: "pipenv",
};

const run = (file: string, args: string[], cwd: string) =>
  runCommand(file, args, { cwd, timeoutMs: 120_000 });

/** The check command for the installed tool's version. */
async function checkArgs(format: LockFormat, executable: string, cwd: string): Promise<string[]> {
  if (format === "pipfile") return ["verify"];
  if (format === "pdm") return ["lock", "--check"];
  const { output } = await run(executable, ["--version"], cwd);
  const [major = 0, minor = 0] = (/(\d+)\.(\d+)/.exec(output) ?? []).slice(1).map(Number);
  if (format === "uv") return major === 0 && minor < 5 ? ["lock", "--locked"] : ["lock", "--check"];
  // poetry: `check --lock` since 1.6, `lock --check` from 1.2 until 2.0.
  return major >= 2 || minor >= 6 ? ["check", "--lock"] : ["lock", "--check"];
}

/** Runs the tool's own check in `directory`; undefined when the tool is not on PATH. */
export async function runToolCheck(
  format: LockFormat,
  directory: string,
): Promise<ToolVerdict | undefined> {
  const name = executables[format];
  const executable = name ? which(name, process.env) : undefined;
  if (!name || !executable) return undefined;
  const args = await checkArgs(format, executable, directory);
  const { code, output } = await run(executable, args, directory);
  // Exit codes alone are ambiguous (Poetry exits 1 when it finds no interpreter), so the text decides.
  const stale =
    /out[- ]of[- ]date|not consistent|changed significantly|needs to be updated|does(n't| not) match/i;
  const fresh = code === 0 ? true : stale.test(output) ? false : undefined;
  return { command: [name, ...args].join(" "), fresh, output };
}
