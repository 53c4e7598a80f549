/** The venv cache key: what the venv is built from, and where. */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import os from "node:os";

/** Bumped whenever what goes into a cached venv changes. */
const cacheVersion = "v2";

export interface VenvKeyParts {
  pythonVersion: string;
  pythonRealPath: string;
  installer: string;
  installerVersion: string;
  /** The lock, keyed by its digest. */
  lock: { digest: string };
  /** Groups, extras and install-project, as selected. */
  selection: { groups: string[]; extras: string[]; withProject: boolean };
  venvPath: string;
  suffix: string;
  env: Record<string, string | undefined>;
}

const short = (text: string, length = 16) =>
  createHash("sha256").update(text).digest("hex").slice(0, length);

/** `/etc/os-release` ID and VERSION_ID (Linux), else the platform and release. */
export function osIdentity(): string {
  try {
    const release = readFileSync("/etc/os-release", "utf8");
    const field = (name: string) =>
      new RegExp(`^${name}="?([^"\\n]*)"?$`, "m").exec(release)?.[1] ?? "";
    return `${field("ID")}${field("VERSION_ID")}`;
  } catch {
    return `${process.platform}${os.release()}`;
  }
}

const selectionText = ({ groups, extras, withProject }: VenvKeyParts["selection"]) =>
  JSON.stringify({ groups, extras, withProject });

export function venvCacheKey(parts: VenvKeyParts): string {
  const runnerOs = parts.env.RUNNER_OS ?? process.platform;
  const arch = parts.env.RUNNER_ARCH ?? process.arch;
  const content = short(
    [
      parts.lock.digest,
      selectionText(parts.selection),
      parts.venvPath,
      `${parts.installer} ${parts.installerVersion}`,
    ].join("\0"),
  );
  const key = [
    "pyship-venv",
    cacheVersion,
    runnerOs,
    arch,
    osIdentity(),
    `py${parts.pythonVersion}`,
    short(parts.pythonRealPath, 8),
    parts.installer,
    content,
    parts.suffix,
  ]
    .filter(Boolean)
    .join("-");
  return key.replace(/[,\s]/g, "_").slice(0, 512);
}
