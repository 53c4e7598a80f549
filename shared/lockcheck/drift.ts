/** What lock-check reports: a Finding that also names the lockfile and the package. */
import type { Lock, LockedPackage } from "../lockfiles/model.js";
import type { RequirementsLock } from "../lockfiles/requirements.js";
import type { Finding } from "../runtime/findings.js";
import type { LockCheckCode } from "./codes.js";

export interface DriftFinding extends Finding {
  code: LockCheckCode;
  lockfile: string;
  package?: string;
  declared?: string;
  locked?: string;
}

/** The command that brings a lock up to date, from its format and the version that wrote it. */
export function fixCommand(lock: Lock): string {
  switch (lock.format) {
    case "uv":
      return "uv lock";
    case "poetry":
      return writtenByPoetry1(lock) ? "poetry lock --no-update" : "poetry lock";
    case "pdm":
      return "pdm lock";
    case "pipfile":
      return "pipenv lock";
    case "requirements":
      return (lock as RequirementsLock).header?.command ?? "pip-compile";
    default:
      return "re-lock";
  }
}

/** Only a lock that names its Poetry 1.x gets 1.x's command; Poetry 2 removed `--no-update`. */
function writtenByPoetry1(lock: Lock): boolean {
  const version = lock.generator?.version;
  return version !== undefined && Number(version.split(".")[0]) < 2;
}

/** Builds findings for one lock with its fix hint filled in. */
export function findingsFor(lock: Lock) {
  const fix = `Run: ${fixCommand(lock)}`;
  return (finding: Omit<DriftFinding, "lockfile" | "fix"> & { fix?: string }): DriftFinding => ({
    lockfile: lock.file,
    fix,
    ...finding,
  });
}

/** A locked package that nothing declares any more; `why` ends the message. */
export function notDeclared(lock: Lock, locked: LockedPackage, why: string): DriftFinding {
  return findingsFor(lock)({
    severity: "error",
    code: "not-declared",
    package: locked.name,
    locked: locked.version,
    file: lock.file,
    line: locked.line,
    message: `${locked.name}: ${lock.file} ${why}`,
  });
}

/** A warning when the lock's version is newer than pyship knows; undefined otherwise. */
export function newerLockVersion(
  lock: Lock,
  version: string,
  newest: string,
): DriftFinding | undefined {
  const [a, b] = [version, newest].map((v) => v.split(".").map(Number));
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) === (b[i] ?? 0)) continue;
    if ((a[i] ?? 0) < (b[i] ?? 0)) return undefined;
    return findingsFor(lock)({
      severity: "warning",
      code: "unknown-lock-version",
      file: lock.file,
      line: 1,
      message: `${lock.file} has lock version ${version}, newer than pyship knows (${newest}); checked on a best-effort basis.`,
    });
  }
  return undefined;
}
