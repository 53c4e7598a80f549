/** The lockfile to audit: the one named, else the first found (pinned requirements files too). */
import { existsSync } from "node:fs";
import { findLockfiles, readLock } from "../lockfiles/index.js";
import type { Lock } from "../lockfiles/model.js";
import { requireValidLock } from "../lockfiles/validate.js";
import { ConfigurationError } from "../runtime/errors.js";

export function findAuditLock(
  directory: string,
  explicit: string | undefined,
  display: (file: string) => string,
): Lock {
  if (explicit) {
    if (!existsSync(explicit)) {
      throw new ConfigurationError(`input 'lockfile': ${display(explicit)} does not exist`);
    }
    return requireValidLock(readLock(explicit, display(explicit)));
  }
  if (!existsSync(directory)) {
    throw new ConfigurationError(`input 'working-directory': ${display(directory)} does not exist`);
  }
  const [first] = findLockfiles(directory);
  if (!first) {
    throw new ConfigurationError(
      `no lockfile in ${display(directory)}: looked for uv.lock, poetry.lock, pdm.lock, Pipfile.lock, pylock.toml and requirements*.txt. Set input 'lockfile'.`,
    );
  }
  return requireValidLock(readLock(first, display(first)));
}
