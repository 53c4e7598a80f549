/** What a change to a lock does, base → head, read from the one Lock model (every format alike). */
import type { Lock, PackageSource } from "./model.js";

export type ChangeKind = "added" | "removed" | "upgraded" | "downgraded" | "changed";

export interface PackageChange {
  kind: ChangeKind;
  /** PEP 503 normalized. */
  key: string;
  /** As the head lock writes it (the base's for a removal). */
  name: string;
  from?: string;
  to?: string;
  /** The head lock's line of the entry (the base's for a removal). */
  line: number;
  /** Where it comes from, when that changed (registry ↔ git/URL/path, another index). */
  source?: { from: PackageSource; to: PackageSource };
  /** Same version, other file hashes: how a rebuilt or tampered artifact shows up. */
  hashesChanged?: boolean;
  marker?: { from?: string; to?: string };
  /** Declared in the manifest (a root's own dependency), rather than pulled in. */
  direct: boolean;
  /** For a transitive addition: the direct dependencies whose edges reach it. */
  pulledInBy: string[];
  groups: string[];
}

export interface LockDiff {
  file: string;
  format: Lock["format"];
  /** No base lock: every package is "added". */
  newLock: boolean;
  requiresPython?: { from?: string; to?: string };
  changes: PackageChange[];
  counts: { added: number; removed: number; changed: number };
}

/** The semantic diff of two revisions of one lockfile; `base` undefined means a new lockfile. */
export function diffLocks(
  base: Lock | undefined,
  head: Lock,
  direct: ReadonlySet<string>,
): LockDiff {
  void base;
  void direct;
  throw new Error(`diffLocks(${head.file}) is not implemented yet`);
}
