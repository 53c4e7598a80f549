/** Creating a venv and installing an InstallPlan into it with pip or uv: no resolver, no deps. */
import { existsSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { venvPython } from "../python/venv-layout.js";
import { type CommandOptions, runCommand } from "../runtime/command.js";
import { ConfigurationError } from "../runtime/errors.js";
import { scratchDirectory } from "../runtime/paths.js";
import { lastLines } from "../runtime/text.js";
import { claimVenv, removeVenv } from "./location.js";
import { type InstallPlan, requirementsText } from "./plan.js";

export type Installer = "pip" | "uv";

export async function createVenv(
  python: string,
  venv: string,
  installer: Installer,
  log: CommandOptions["onOutput"],
) {
  removeVenv(venv);
  claimVenv(venv);
  // uv installs into a bare venv; pip needs its own copy inside it.
  const args = ["-m", "venv", ...(installer === "uv" ? ["--without-pip"] : []), venv];
  const result = await runCommand(python, args, { onOutput: log });
  if (result.code !== 0) {
    removeVenv(venv);
    const hint = /ensurepip/.test(result.output)
      ? " (on Debian and Ubuntu, install python3-venv)"
      : "";
    throw new ConfigurationError(
      `could not create the venv at ${venv}${hint}: ${lastLines(result.output, 5).join("\n")}`,
    );
  }
}

export interface InstallOptions {
  installer: Installer;
  venv: string;
  cwd: string;
  log?: CommandOptions["onOutput"];
}

/** Installs the plan; a hash mismatch names the package. */
export async function installPlan(plan: InstallPlan, options: InstallOptions): Promise<void> {
  const dir = scratchDirectory("pyship-requirements");
  try {
    const indexArgs = plan.indexes.flatMap((url, i) => [
      i === 0 ? "--index-url" : "--extra-index-url",
      url,
    ]);
    for (const [lines, requireHashes] of [
      [plan.hashed, true],
      [plan.unhashed, false],
    ] as const) {
      if (lines.length === 0) continue;
      const file = path.join(dir, requireHashes ? "hashed.txt" : "unhashed.txt");
      writeFileSync(file, requirementsText(lines));
      await runInstaller(options, [
        "--no-deps",
        ...(requireHashes ? ["--require-hashes"] : []),
        ...indexArgs,
        "-r",
        file,
      ]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Installs the project itself, editable and without its dependencies. */
export async function installProject(directory: string, options: InstallOptions): Promise<void> {
  await runInstaller(options, ["--no-deps", "-e", directory]);
}

async function runInstaller(options: InstallOptions, args: string[]) {
  const python = venvPython(options.venv);
  const [file, fullArgs] =
    options.installer === "uv"
      ? ["uv", ["pip", "install", "--python", python, ...args]]
      : // The venv itself is what gets cached: pip's own wheel cache would only cost disk writes.
        [
          python,
          [
            "-m",
            "pip",
            "install",
            "--no-input",
            "--disable-pip-version-check",
            "--no-cache-dir",
            ...args,
          ],
        ];
  const result = await runCommand(file, fullArgs, { cwd: options.cwd, onOutput: options.log });
  if (result.code === 0) return;
  const mismatched = hashMismatches(result.output);
  if (mismatched.length > 0) {
    throw new ConfigurationError(
      `hash mismatch for ${mismatched.join(", ")}: the index served a file whose hash is not in the lockfile. Re-lock if the package was re-published, else treat it as tampering.`,
    );
  }
  throw new ConfigurationError(
    `${options.installer} install failed: ${lastLines(result.output, 5).join("\n")}`,
  );
}

/** `name==version` of the packages pip or uv reported a hash mismatch for. */
export function hashMismatches(output: string): string[] {
  const pip = output.includes("DO NOT MATCH THE HASHES")
    ? [...output.matchAll(/^\s+(\S+==\S+) from \S+/gm)].map((m) => m[1])
    : [];
  const uv = [...output.matchAll(/Hash mismatch for `([^`]+)`/g)].map((m) => m[1]);
  return [...new Set([...pip, ...uv])];
}

export const venvExists = (venv: string) => existsSync(venvPython(venv));
