/** What setup-venv needs to know about the project: its lockfile and whether it is a package. */
import { existsSync } from "node:fs";
import path from "node:path";
import { findLockfiles, readLock } from "../lockfiles/index.js";
import { distinctIndexes } from "../lockfiles/indexes.js";
import type { Lock } from "../lockfiles/model.js";
import { requireValidLock } from "../lockfiles/validate.js";
import { isTable, readTomlFile, tableAt } from "../project/files.js";
import { type Manifest, manifestOf } from "../project/pyproject.js";
import { ConfigurationError } from "../runtime/errors.js";

/** The lock to install from: the one named, else the first lockfile found, else a hashed requirements file. */
export function findInstallLock(
  directory: string,
  explicit: string | undefined,
  display: (p: string) => string,
): Lock {
  if (explicit) {
    if (!existsSync(explicit))
      throw new ConfigurationError(`input 'lockfile': ${display(explicit)} does not exist`);
    return requireValidLock(readLock(explicit, display(explicit)));
  }
  if (!existsSync(directory))
    throw new ConfigurationError(`input 'working-directory': ${display(directory)} does not exist`);
  for (const file of findLockfiles(directory)) {
    const lock = readLock(file, display(file));
    if (
      lock.format !== "requirements" ||
      lock.packages.some((p) => p.files.some((f) => f.hashes.length > 0))
    ) {
      return requireValidLock(lock);
    }
  }
  throw new ConfigurationError(
    `no lockfile in ${display(directory) || "."}: looked for uv.lock, poetry.lock, pdm.lock, Pipfile.lock, pylock.toml and a hashed requirements*.txt. Set input 'lockfile', or lock the project first.`,
  );
}

export function readManifest(
  directory: string,
  display: (p: string) => string,
): Manifest | undefined {
  const file = path.join(directory, "pyproject.toml");
  if (!existsSync(file)) return undefined;
  const { data, text } = readTomlFile(file, display(file));
  return manifestOf(data, text, display(file), file);
}

/** Where pip finds the lock's packages: what the lock records, and PDM's `[[tool.pdm.source]]`. */
export function installIndexes(lock: Lock, manifest: Manifest | undefined): string[] {
  if (lock.format !== "pdm" || !manifest) return lock.indexes;
  const sources = tableAt(manifest.data, ["tool", "pdm"]).source;
  const list = (Array.isArray(sources) ? sources : []).filter(isTable);
  // A source named pypi replaces the default index, so it goes first.
  const ordered = [
    ...list.filter((s) => s.name === "pypi"),
    ...list.filter((s) => s.name !== "pypi"),
  ];
  return distinctIndexes([...ordered.map((s) => String(s.url ?? "")), ...lock.indexes]);
}

/** Whether `pip install -e .` makes sense: a build system, and no tool setting that says otherwise. */
export function isPackage(directory: string, manifest: Manifest | undefined): boolean {
  if (!manifest) return existsSync(path.join(directory, "setup.py"));
  const tool = tableAt(manifest.data, ["tool"]);
  if (tableAt(tool, ["uv"]).package === false) return false;
  if (tableAt(tool, ["pdm"]).distribution === false) return false;
  if (tableAt(tool, ["poetry"])["package-mode"] === false) return false;
  return "build-system" in manifest.data || existsSync(path.join(directory, "setup.py"));
}

/** Events whose runs hold secrets or write access while running code a pull request can shape. */
const privilegedEvents = ["pull_request_target", "workflow_run", "release"];

/**
 * Caching is off by default where a poisoned cache could reach a release or a privileged run;
 * `off` says why, for a notice.
 */
export function cacheWanted(
  input: "auto" | "true" | "false",
  env: Record<string, string | undefined>,
): { wanted: boolean; off?: string } {
  if (input !== "auto") return { wanted: input === "true" };
  const event = env.GITHUB_EVENT_NAME ?? "";
  const ref = env.GITHUB_REF ?? "";
  const off = privilegedEvents.includes(event)
    ? `a ${event} run is privileged`
    : ref.startsWith("refs/tags/")
      ? `${ref} is a tag push`
      : undefined;
  if (!off) return { wanted: true };
  return {
    wanted: false,
    off: `cache: auto does not cache here: ${off}, and a poisoned cache could reach it. Set cache: true to cache anyway.`,
  };
}
