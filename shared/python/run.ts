/** Running an interpreter: one short process, its stdout or an error with its stderr. */
import { execFile } from "node:child_process";

export function runPython(file: string, args: string[], timeout = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { timeout, maxBuffer: 1 << 20, windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const why = stderr.trim().split("\n").at(-1) || error.message;
        reject(new Error(`${file} failed: ${why}`));
      },
    );
  });
}
