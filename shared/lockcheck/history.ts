/** The manifest as it was when a lock was written, looked up in recent git history. */
import { execFileSync } from "node:child_process";
import path from "node:path";

/**
 * Walks back through the last `depth` commits that touched `file` and returns the first version
 * for which `matches` holds (for example: its content hash equals the lock's). Undefined when git,
 * history or a match is missing (a shallow CI checkout, say).
 */
export function findInHistory(
  file: string,
  matches: (text: string) => boolean,
  depth = 20,
): string | undefined {
  const cwd = path.dirname(file);
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 10_000,
    });
  try {
    const relative = git("ls-files", "--full-name", "--", path.basename(file)).trim();
    if (relative === "") return undefined;
    for (const commit of git("log", `-n${depth}`, "--format=%H", "--", path.basename(file))
      .split("\n")
      .filter(Boolean)) {
      const text = git("show", `${commit}:${relative}`);
      if (matches(text)) return text;
    }
  } catch {
    return undefined;
  }
  return undefined;
}
