/** The one model every lock format is read into; lock-check, setup-venv and audit all use it. */
import type { Table } from "../project/files.js";

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
}

export interface LockedDependency {
  key: string;
  extras?: string[];
  marker?: string;
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
}

export interface Lock {
  format: LockFormat;
  /** The lockfile's path as shown to users (relative to the workspace). */
  file: string;
  lockVersion?: string;
  /** The tool and version that wrote it, where the lock says. */
  generator?: { tool: string; version?: string };
  contentHash?: string;
  requiresPython?: string;
  packages: LockedPackage[];
  /** The parsed document, for checks that need a format's own fields. */
  raw: Table;
  text: string;
}
