/** Where an action may write or delete: inside the workspace or RUNNER_TEMP, symlinks followed. */
import { lstatSync, mkdtempSync, readlinkSync, realpathSync } from "node:fs";
import os from "node:os";
import path from "node:path";

type Env = Record<string, string | undefined>;

const MAX_LINKS = 40;

/** Where a write to `target` would really land: every existing part's symlinks followed. */
export function realTarget(target: string, links = 0): string {
  const absolute = path.resolve(target);
  try {
    return realpathSync.native(absolute);
  } catch {
    const parent = path.dirname(absolute);
    if (parent === absolute || links > MAX_LINKS) return absolute;
    const candidate = path.join(realTarget(parent, links + 1), path.basename(absolute));
    try {
      // A dangling link: a write would create its target.
      const link = readlinkSync(candidate);
      return realTarget(path.resolve(path.dirname(candidate), link), links + 1);
    } catch {
      return candidate;
    }
  }
}

/** Whether `child` is `parent` or below it (both already resolved). */
export function isInside(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return (
    relative === "" ||
    (!relative.startsWith(`..${path.sep}`) && relative !== ".." && !path.isAbsolute(relative))
  );
}

/** The folders an action may write into: the workspace and RUNNER_TEMP, resolved. */
export function writableRoots(env: Env = process.env): string[] {
  const roots = [env.GITHUB_WORKSPACE || process.cwd(), env.RUNNER_TEMP].filter(
    (root): root is string => Boolean(root),
  );
  return roots.map((root) => realTarget(root));
}

/** Whether a write to `target` stays inside the workspace or RUNNER_TEMP. */
export function isWritable(target: string, env: Env = process.env): boolean {
  const real = realTarget(target);
  return writableRoots(env).some((root) => isInside(real, root));
}

/** A fresh folder for temporary files: under RUNNER_TEMP on a runner, else the OS's. */
export function scratchDirectory(prefix: string, env: Env = process.env): string {
  return mkdtempSync(path.join(env.RUNNER_TEMP || os.tmpdir(), `${prefix}-`));
}

/** The kind of thing at `target`, without following a final symlink. */
export function entryKind(target: string): "missing" | "file" | "directory" | "other" {
  try {
    const stat = lstatSync(target);
    if (stat.isSymbolicLink()) {
      try {
        return entryKind(realpathSync.native(target));
      } catch {
        return "missing";
      }
    }
    return stat.isDirectory() ? "directory" : stat.isFile() ? "file" : "other";
  } catch {
    return "missing";
  }
}

/** How messages show a path: relative to the workspace, `/`-separated, `.` for the workspace itself. */
export function shownRelativeTo(workspace: string): (file: string) => string {
  return (file) => path.relative(workspace, file).split(path.sep).join("/") || ".";
}
