/** Opening a project the way each action does: its locks, its manifest, and how paths are shown. */
import path from "node:path";
import { type ProjectManifest, readManifest } from "../project/manifest.js";
import { shownRelativeTo } from "../runtime/paths.js";
import { discoverLocks, findAuditLock, findInstallLock, type LockAt } from "./lock-choice.js";

export type { ProjectManifest } from "../project/manifest.js";
export type { LockAt } from "./lock-choice.js";

/** Whose lock-selection rule applies. */
export type Purpose = "install" | "audit" | "lock-check";

export interface ProjectPlace {
  workspace: string;
  workingDirectory: string;
  /** An explicit lockfile, else the purpose's own choice. */
  lockfile?: string;
}

export interface Project {
  /** One for install and audit; every checkable lock for lock-check. */
  locks: LockAt[];
  /** Where the manifest is looked for: beside the first lock, else the working directory. */
  directory: string;
  /** pyproject.toml there, read on first use. */
  manifest(): ProjectManifest | undefined;
  shown(file: string): string;
}

export function openProject(place: ProjectPlace, purpose: Purpose): Project {
  const shown = shownRelativeTo(place.workspace);
  const locks = chooseLocks(place, purpose, shown);
  const directory = locks[0] ? path.dirname(locks[0].path) : place.workingDirectory;
  let manifest: { read: ProjectManifest | undefined } | undefined;
  return {
    locks,
    directory,
    manifest: () => {
      manifest ??= { read: readManifest(directory, shown) };
      return manifest.read;
    },
    shown,
  };
}

function chooseLocks(place: ProjectPlace, purpose: Purpose, shown: (file: string) => string) {
  const { workingDirectory, lockfile } = place;
  if (purpose === "lock-check") return discoverLocks(workingDirectory, lockfile, shown);
  const find = purpose === "install" ? findInstallLock : findAuditLock;
  const lock = find(workingDirectory, lockfile, shown);
  return [{ lock, path: path.resolve(place.workspace, lock.file) }];
}
