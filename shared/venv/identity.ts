/** What a venv was built for, written into it, and the check that a restored one still fits and runs. */
import { existsSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import path from "node:path";
import { venvPython } from "../python/venv-layout.js";
import { runCommand } from "../runtime/command.js";
import { lastLines } from "../runtime/text.js";
import { removeVenv } from "./location.js";

/** What a venv was built for: written into it after the install, checked when it is restored. */
export interface VenvIdentity {
  key: string;
  pythonVersion: string;
  pythonRealPath: string;
}

const identityFile = ".pyship-venv.json";

export function writeVenvIdentity(venv: string, identity: VenvIdentity): void {
  writeFileSync(path.join(venv, identityFile), `${JSON.stringify(identity, null, 2)}\n`);
}

/** Why a restored venv cannot be used (another interpreter's, or its interpreter gone), or undefined. */
export async function unusableVenv(
  venv: string,
  expected: VenvIdentity,
): Promise<string | undefined> {
  const config = path.join(venv, "pyvenv.cfg");
  if (!existsSync(config)) return "the cached venv is broken (pyvenv.cfg is missing)";
  const settings = venvSettings(readFileSync(config, "utf8"));
  const differences = identityDifferences(venv, settings, expected);
  if (differences.length > 0)
    return `the cached venv is not the one its key names (${differences.join("; ")})`;
  const home = settings.get("home");
  if (home && !existsSync(home))
    return `the cached venv is broken (its interpreter's home ${home} no longer exists)`;
  const probe = await runCommand(venvPython(venv), ["-c", "import sys; print(sys.prefix)"], {
    timeoutMs: 30_000,
  });
  if (probe.code !== 0)
    return `the cached venv is broken (its python does not run: ${lastLines(probe.output, 1)[0] ?? ""})`;
  return undefined;
}

/** pyvenv.cfg's `key = value` lines. */
function venvSettings(text: string): Map<string, string> {
  const settings = new Map<string, string>();
  for (const match of text.matchAll(/^\s*([\w-]+)\s*=\s*(.*?)\s*$/gm))
    settings.set(match[1], match[2]);
  return settings;
}

/** How the venv's pyvenv.cfg and identity file differ from what this run expects. */
function identityDifferences(
  venv: string,
  settings: Map<string, string>,
  expected: VenvIdentity,
): string[] {
  const differences: string[] = [];
  const release = (version: string) => /^\d+\.\d+\.\d+/.exec(version)?.[0] ?? version;
  const version = settings.get("version") ?? settings.get("version_info") ?? "";
  if (release(version) !== release(expected.pythonVersion))
    differences.push(
      `pyvenv.cfg has Python ${version || "no version"}, this run uses ${expected.pythonVersion}`,
    );
  const interpreter = realPath(settings.get("executable") ?? venvPython(venv));
  if (interpreter !== expected.pythonRealPath)
    differences.push(`its interpreter is ${interpreter}, this run uses ${expected.pythonRealPath}`);
  const recorded = readIdentity(venv);
  if (!recorded) differences.push(`it has no readable ${identityFile}`);
  else
    for (const field of ["key", "pythonVersion", "pythonRealPath"] as const)
      if (recorded[field] !== expected[field])
        differences.push(
          `${identityFile} has ${field} ${JSON.stringify(recorded[field])}, this run expects ${JSON.stringify(expected[field])}`,
        );
  return differences;
}

function readIdentity(venv: string): Partial<VenvIdentity> | undefined {
  try {
    const data: unknown = JSON.parse(readFileSync(path.join(venv, identityFile), "utf8"));
    return typeof data === "object" && data !== null ? (data as Partial<VenvIdentity>) : undefined;
  } catch {
    return undefined;
  }
}

const realPath = (file: string) => {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
};

/** Whether a restored venv can be kept; one that cannot is warned about and removed. */
export async function keepRestoredVenv(
  venv: string,
  identity: VenvIdentity,
  warn: (message: string) => void,
): Promise<boolean> {
  const unusable = await unusableVenv(venv, identity);
  if (!unusable) return true;
  warn(`setup-venv: ${unusable}; rebuilding it.`);
  removeVenv(venv);
  return false;
}
