/** Running an interpreter: one short process, its stdout or an error with its last output line. */
import { runCommand } from "../runtime/command.js";
import { lastLines } from "../runtime/text.js";

export async function runPython(file: string, args: string[], timeout = 30_000): Promise<string> {
  const result = await runCommand(file, args, { timeoutMs: timeout });
  if (result.code === 0) return result.stdout;
  const why = lastLines(result.output, 1)[0] || `exit code ${result.code}`;
  throw new Error(`${file} failed: ${why}`);
}
