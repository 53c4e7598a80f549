/** The venv cache key, and the check that a restored venv still works. */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runCommand } from "../runtime/command.js";
import { venvPython } from "../venv/install.js";

/** Bumped whenever what goes into a cached venv changes. */
const cacheVersion = "v1";

export interface VenvKeyParts {
  pythonVersion: string;
  pythonRealPath: string;
  installer: string;
  installerVersion: string;
  lockText: string;
  /** Groups, extras and install-project, as selected. */
  selection: string;
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

export function venvCacheKey(parts: VenvKeyParts): string {
  const runnerOs = parts.env.RUNNER_OS ?? process.platform;
  const arch = parts.env.RUNNER_ARCH ?? process.arch;
  const content = short(
    [
      parts.lockText,
      parts.selection,
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

/** Why a restored venv cannot be used (its interpreter is gone, say), or undefined when it works. */
export async function brokenVenv(venv: string): Promise<string | undefined> {
  const config = path.join(venv, "pyvenv.cfg");
  if (!existsSync(config)) return "pyvenv.cfg is missing";
  const home = /^home\s*=\s*(.+)$/m.exec(readFileSync(config, "utf8"))?.[1]?.trim();
  if (home && !existsSync(home)) return `its interpreter's home ${home} no longer exists`;
  const probe = await runCommand(venvPython(venv), ["-c", "import sys; print(sys.prefix)"], {
    timeoutMs: 30_000,
  });
  if (probe.code !== 0)
    return `its python does not run: ${probe.output.trim().split("\n").at(-1) ?? ""}`;
  return undefined;
}
