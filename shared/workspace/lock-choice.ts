/** Which lockfiles each action takes from a project: setup-venv's, audit's and lock-check's rules. */
import { existsSync } from "node:fs";
import { findLockfiles, readLock } from "../lockfiles/index.js";
import type { Lock } from "../lockfiles/model.js";
import type { RequirementsLock } from "../lockfiles/requirements.js";
import { requireValidLock } from "../lockfiles/validate.js";
import { ConfigurationError } from "../runtime/errors.js";

type Shown = (file: string) => string;

/** A lock read from disk, with where it is. */
export interface LockAt {
  lock: Lock;
  /** Absolute. */
  path: string;
}

const missingLockfile = (file: string, shown: Shown) =>
  new ConfigurationError(`input 'lockfile': ${shown(file)} does not exist`);

const missingDirectory = (directory: string, shown: Shown) =>
  new ConfigurationError(`input 'working-directory': ${shown(directory)} does not exist`);

function readNamedLock(explicit: string, shown: Shown): Lock {
  if (!existsSync(explicit)) throw missingLockfile(explicit, shown);
  return requireValidLock(readLock(explicit, shown(explicit)));
}

const hasHashes = (lock: Lock) =>
  lock.packages.some((p) => p.files.some((f) => f.hashes.length > 0));

/** setup-venv's: the one named, else the first lockfile found, else a hashed requirements file. */
export function findInstallLock(directory: string, explicit: string | undefined, shown: Shown) {
  if (explicit) return readNamedLock(explicit, shown);
  if (!existsSync(directory)) throw missingDirectory(directory, shown);
  for (const file of findLockfiles(directory)) {
    const lock = readLock(file, shown(file));
    if (lock.format !== "requirements" || hasHashes(lock)) return requireValidLock(lock);
  }
  throw new ConfigurationError(
    `no lockfile in ${shown(directory) || "."}: looked for uv.lock, poetry.lock, pdm.lock, Pipfile.lock, pylock.toml and a hashed requirements*.txt. Set input 'lockfile', or lock the project first.`,
  );
}

/** audit's: the one named, else the first found (pinned requirements files too). */
export function findAuditLock(directory: string, explicit: string | undefined, shown: Shown) {
  if (explicit) return readNamedLock(explicit, shown);
  if (!existsSync(directory)) throw missingDirectory(directory, shown);
  const [first] = findLockfiles(directory);
  if (!first) {
    throw new ConfigurationError(
      `no lockfile in ${shown(directory)}: looked for uv.lock, poetry.lock, pdm.lock, Pipfile.lock, pylock.toml and requirements*.txt. Set input 'lockfile'.`,
    );
  }
  return requireValidLock(readLock(first, shown(first)));
}

/** lock-check's: the one named, else every lock with something to check it against (pylock.toml: for the lock diff). */
export function discoverLocks(
  directory: string,
  explicit: string | undefined,
  shown: Shown,
): LockAt[] {
  if (!existsSync(directory)) throw missingDirectory(directory, shown);
  const found: LockAt[] = [];
  for (const file of explicit ? [explicit] : findLockfiles(directory)) {
    if (!existsSync(file)) throw missingLockfile(file, shown);
    const lock = readLock(file, shown(file));
    if (lock.format === "requirements" && !(lock as RequirementsLock).header && !explicit) continue;
    found.push({ lock, path: file });
  }
  return found;
}
