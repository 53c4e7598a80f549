/** What setup-venv installs from the project beyond the lock: PDM's indexes, and the project itself. */
import { existsSync } from "node:fs";
import path from "node:path";
import { distinctIndexes } from "../lockfiles/indexes.js";
import type { Lock } from "../lockfiles/model.js";
import type { ProjectManifest } from "../project/manifest.js";

/** Where pip finds the lock's packages: what the lock records, and PDM's `[[tool.pdm.source]]`. */
export function installIndexes(lock: Lock, manifest: ProjectManifest | undefined): string[] {
  if (lock.format !== "pdm" || !manifest) return lock.indexes;
  const sources = manifest.pdmSources;
  // A source named pypi replaces the default index, so it goes first.
  const ordered = [
    ...sources.filter((s) => s.name === "pypi"),
    ...sources.filter((s) => s.name !== "pypi"),
  ];
  return distinctIndexes([...ordered.map((s) => s.url), ...lock.indexes]);
}

/** Whether `pip install -e .` makes sense: a build system, and no tool setting that says otherwise. */
export function isPackage(directory: string, manifest: ProjectManifest | undefined): boolean {
  if (!manifest) return existsSync(path.join(directory, "setup.py"));
  if (manifest.packagingOff) return false;
  return manifest.hasBuildSystem || existsSync(path.join(directory, "setup.py"));
}
