/** What build-dist reads out of a wheel or an sdist, and the checks it runs on them. */
import { type Finding, type FindingLevel, keyedByCode } from "../runtime/findings.js";

export type DistKind = "wheel" | "sdist";

export type MemberKind = "file" | "directory" | "symlink" | "hardlink" | "device" | "fifo";

/** One archive member, seen while streaming: nothing is extracted to disk. */
export interface ArchiveMember {
  /** The name as stored in the archive (posix separators, not normalised). */
  path: string;
  kind: MemberKind;
  /** Uncompressed size in bytes (0 for anything but files). */
  size: number;
  /** Hex sha256 of the content, for files. */
  sha256?: string;
  /** Link target, for symlinks and hard links. */
  linkTarget?: string;
  /** Unix permission bits, where the archive records them. */
  mode?: number;
}

/** A dist file read once, start to end, with its members hashed on the way. */
export interface DistArchive {
  kind: DistKind;
  /** Path on disk. */
  file: string;
  /** The file's base name. */
  filename: string;
  /** Size of the dist file in bytes. */
  size: number;
  /** Hex sha256 of the whole dist file. */
  sha256: string;
  /** Every member in archive order. */
  members: ArchiveMember[];
  /**
   * The text of the small members validation reads, keyed by member path: for wheels
   * `*.dist-info/{METADATA,WHEEL,RECORD}`, for sdists `<top>/PKG-INFO` and `<top>/pyproject.toml`.
   */
  texts: Map<string, string>;
  /** A zip whose entries overlap or share data (a zip bomb): these entries, and nothing was read. */
  overlapping?: string[];
}

/** A rule with a stable code: every finding build-dist reports comes from one of these. */
export interface Check {
  code: string;
  severity: FindingLevel;
  /** One line: what the rule means, shown in docs. */
  title: string;
  /** The section of docs/pypi-upload-rules.md naming who refuses it; every error has one. */
  rule?: string;
}

/** Declares a group of checks keyed by code. */
export function defineChecks<const T extends Record<string, Omit<Check, "code">>>(
  checks: T,
): { [K in keyof T]: Check } {
  return keyedByCode(checks);
}

/** A finding for `check` about the dist shown as `file`. */
export function finding(
  check: Check,
  file: string,
  message: string,
  extra: Partial<Pick<Finding, "fix" | "line" | "severity">> = {},
): Finding {
  return { severity: check.severity, code: check.code, file, message, ...extra };
}
