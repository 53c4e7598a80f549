/** The one model every lock format is read into; lock-check, setup-venv and audit all use it. */

export type LockFormat = "uv" | "poetry" | "pdm" | "pipfile" | "requirements" | "pylock";

export type PackageSource =
  | { kind: "registry"; url?: string }
  | { kind: "git"; url: string; reference?: string }
  | { kind: "url"; url: string }
  | { kind: "path" | "directory" | "editable" | "virtual"; path: string };

export interface LockedFile {
  name?: string;
  url?: string;
  /** `algorithm:hex`, e.g. `sha256:…`. */
  hashes: string[];
  /** When the index received the file (ISO 8601), where the lock records it (uv.lock revision ≥ 2, pylock). */
  uploadTime?: string;
}

export interface LockedDependency {
  key: string;
  extras?: string[];
  /** PEP 508 marker; `extra == '…'` conditions gate dependencies of an extra. */
  marker?: string;
  /** PEP 440 alternatives the dependency's version must satisfy, to pick among duplicates. */
  specifiers?: string[];
  /** PEP 440 alternatives for the Python version (Poetry's `python = "^3.8"`). */
  python?: string[];
}

export interface LockedPackage {
  /** As the lock writes it. */
  name: string;
  /** PEP 503 normalized. */
  key: string;
  version?: string;
  /** 1-based line of the entry in the lockfile. */
  line: number;
  /** The groups that include it, in the format's own names, where the lock records them. */
  groups: string[];
  marker?: string;
  extras?: string[];
  source: PackageSource;
  files: LockedFile[];
  dependencies: LockedDependency[];
  /** uv: a project's dependency groups, by group name. */
  groupDependencies?: Record<string, LockedDependency[]>;
  /** uv: the requirements recorded from the manifest (`[package.metadata]`), for validation. */
  recorded?: LockedDependency[];
}

export interface Lock {
  format: LockFormat;
  /** The lockfile's path as shown to users (relative to the workspace). */
  file: string;
  lockVersion?: string;
  /** The tool and version that wrote it, where the lock says. */
  generator?: { tool: string; version?: string };
  contentHash?: string;
  /** 1-based line of the stored content hash, in formats that store one. */
  contentHashLine?: number;
  requiresPython?: string;
  packages: LockedPackage[];
  /** Package indexes the lock names (other than PyPI), in order of preference. */
  indexes: string[];
  /** sha256 hex of the lockfile's text. */
  digest: string;
  /** The file as read: for shared/lockfiles only (setup-venv's cache key moves to `digest`). */
  text: string;
}
