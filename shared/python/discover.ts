/** Finding installed interpreters: the runner's tool cache, then PATH, then pyenv. */
import { accessSync, constants, existsSync, readdirSync, realpathSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { compareVersions, isValidVersion } from "../project/pep440.js";
import { runPython } from "./run.js";

export type InterpreterSource = "tool-cache" | "path" | "pyenv";

export interface Interpreter {
  path: string;
  /** The file behind every symlink; two paths to one file are one interpreter. */
  realPath: string;
  /** PEP 440, e.g. `3.12.4` or `3.13.0rc1`. */
  version: string;
  source: InterpreterSource;
}

interface Candidate {
  path: string;
  source: InterpreterSource;
  /** Known without running it (from a directory name). */
  version?: string;
}

const windows = process.platform === "win32";

/** Every interpreter found, in discovery order, each real file once (its first path wins). */
export async function findInterpreters(
  env: NodeJS.ProcessEnv = process.env,
): Promise<Interpreter[]> {
  const candidates = [...toolCache(env), ...onPath(env), ...pyenv(env)];
  const seen = new Set<string>();
  const unique: (Candidate & { realPath: string })[] = [];
  for (const candidate of candidates) {
    const realPath = executableRealPath(candidate.path);
    if (!realPath || seen.has(realPath) || isVirtualEnv(candidate.path)) continue;
    seen.add(realPath);
    unique.push({ ...candidate, realPath });
  }
  const found = await Promise.all(
    unique.map(async ({ version, ...interpreter }) => ({
      ...interpreter,
      version: version ?? (await probeVersion(interpreter.path, interpreter.realPath)),
    })),
  );
  return found.filter(
    (interpreter): interpreter is Interpreter => interpreter.version !== undefined,
  );
}

/** `python3` on PATH (`python.exe` on Windows), as a shell would run it. */
export function pythonOnPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const name = windows ? "python.exe" : "python3";
  for (const directory of pathDirectories(env)) {
    const file = path.join(directory, name);
    if (executableRealPath(file) && !isVirtualEnv(file)) return file;
  }
  return undefined;
}

const runnerArch: Record<string, string> = { X64: "x64", ARM64: "arm64", X86: "x86", ARM: "arm" };
const nodeArch: Record<string, string> = { x64: "x64", arm64: "arm64", ia32: "x86", arm: "arm" };

/** actions/setup-python's layout: `Python/<version>/<arch>/bin/python3`, newest first. */
function toolCache(env: NodeJS.ProcessEnv): Candidate[] {
  if (!env.RUNNER_TOOL_CACHE) return [];
  const root = path.join(env.RUNNER_TOOL_CACHE, "Python");
  const arch = runnerArch[env.RUNNER_ARCH ?? ""] ?? nodeArch[process.arch] ?? process.arch;
  return byVersionDescending(listDirectory(root)).map((name) => ({
    path: path.join(root, name, arch, ...(windows ? ["python.exe"] : ["bin", "python3"])),
    source: "tool-cache",
    version: toolCacheVersion(name),
  }));
}

/** The tool cache names versions in semver: `3.13.0-rc.1` is PEP 440's `3.13.0rc1`. */
function toolCacheVersion(name: string): string | undefined {
  const match = /^(\d+\.\d+\.\d+)(?:-(alpha|beta|rc)\.?(\d+))?$/.exec(name);
  if (!match) return undefined;
  const pre = match[2] ? `${{ alpha: "a", beta: "b", rc: "rc" }[match[2]]}${match[3]}` : "";
  return `${match[1]}${pre}`;
}

/** `python3.X` (newest first) then `python3` in each PATH directory, in PATH order. */
function onPath(env: NodeJS.ProcessEnv): Candidate[] {
  const names = (directory: string) => {
    if (windows) return ["python.exe", "python3.exe"];
    const minors = listDirectory(directory).filter((name) => /^python3\.\d+$/.test(name));
    return [...byVersionDescending(minors, (name) => name.slice("python".length)), "python3"];
  };
  return pathDirectories(env).flatMap((directory) =>
    names(directory).map((name) => ({ path: path.join(directory, name), source: "path" as const })),
  );
}

/**
 * PATH without shim directories (pyenv's, asdf's): a shim is a script that picks a version
 * by its own rules; the interpreters behind it are found in their own trees.
 * Windows' Store alias `WindowsApps\python.exe` only opens the Store.
 */
function pathDirectories(env: NodeJS.ProcessEnv): string[] {
  const value = env.PATH ?? env.Path ?? "";
  return value
    .split(path.delimiter)
    .filter((directory) => directory && path.basename(directory) !== "shims")
    .filter((directory) => !/[\\/]WindowsApps[\\/]?$/i.test(directory));
}

/** `$PYENV_ROOT/versions/<version>/bin/python3`, newest first; the directory names the version. */
function pyenv(env: NodeJS.ProcessEnv): Candidate[] {
  const root = env.PYENV_ROOT || path.join(env.HOME || os.homedir(), ".pyenv");
  const versions = path.join(root, "versions");
  return byVersionDescending(listDirectory(versions)).map((name) => ({
    path: path.join(versions, name, ...(windows ? ["python.exe"] : ["bin", "python3"])),
    source: "pyenv",
    version: /^\d+\.\d+\.\d+((a|b|rc)\d+)?$/.test(name) ? name : undefined,
  }));
}

function listDirectory(directory: string): string[] {
  try {
    return readdirSync(directory);
  } catch {
    return [];
  }
}

/** Valid versions newest first, then the other names as they were. */
function byVersionDescending(names: string[], versionOf = (name: string) => name): string[] {
  const valid = names.filter((name) => isValidVersion(versionOf(name)));
  valid.sort((a, b) => compareVersions(versionOf(b), versionOf(a)));
  return [...valid, ...names.filter((name) => !valid.includes(name))];
}

function executableRealPath(file: string): string | undefined {
  try {
    const realPath = realpathSync(file);
    if (!statSync(realPath).isFile()) return undefined;
    if (!windows) accessSync(realPath, constants.X_OK);
    return realPath;
  } catch {
    return undefined;
  }
}

/** A virtual environment's python stands for its base interpreter, which is found on its own. */
function isVirtualEnv(file: string): boolean {
  return existsSync(path.join(path.dirname(path.dirname(file)), "pyvenv.cfg"));
}

/** Versions read by running interpreters, by real file and its modification time. */
const probed = new Map<string, Promise<string | undefined>>();

const printVersion = "import sys; print(sys.version.split()[0])";

/** The interpreter's own version, or undefined when it does not run. */
function probeVersion(file: string, realPath: string): Promise<string | undefined> {
  const key = `${realPath}\0${statSync(realPath).mtimeMs}`;
  let version = probed.get(key);
  if (!version) {
    // -E -S: ignore PYTHON* variables and skip `site`, the slow part of startup.
    version = runPython(file, ["-E", "-S", "-c", printVersion], 10_000)
      .then((output) => output.trim().replace(/\+$/, ""))
      .then((output) => (isValidVersion(output) ? output : undefined))
      .catch(() => undefined);
    probed.set(key, version);
  }
  return version;
}
