/** A fake runner (tool cache, PATH, pyenv root) in a temp dir, linked to this machine's Pythons. */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe } from "@jest/globals";

const realPyenvRoot = process.env.PYENV_ROOT || path.join(os.homedir(), ".pyenv");
export const pyenvPython = (version: string, name = "python3") =>
  path.join(realPyenvRoot, "versions", version, "bin", name);
export const systemPython = "/usr/bin/python3.11";

const needed = ["3.9.18", "3.10.13", "3.11.7", "3.12.1", "3.13.0"].map((v) => pyenvPython(v));
export const haveInterpreters = [...needed, systemPython].every((file) => existsSync(file));
/** These tests need Debian's 3.11 and pyenv's 3.9 to 3.13, as on the development machine. */
export const describeWithPythons = haveInterpreters ? describe : describe.skip;

export interface Fixture {
  root: string;
  env: NodeJS.ProcessEnv;
  cache: string;
  bin: string;
  pyenvRoot: string;
  /** Lines logged by the tool cache's 3.10.13 wrapper, one per run. */
  toolCacheRuns: () => number;
  /** Lines logged by PATH's python3.9 wrapper, one per run. */
  pathRuns: () => number;
}

function link(target: string, file: string) {
  mkdirSync(path.dirname(file), { recursive: true });
  symlinkSync(target, file);
}

/** A shell script that logs each run and then runs `target`. */
function wrapper(target: string, file: string, log: string) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `#!/bin/sh\necho run >> '${log}'\nexec '${target}' "$@"\n`);
  chmodSync(file, 0o755);
}

const lineCount = (file: string) =>
  existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).length : 0;

export function makeFixture(): Fixture {
  const root = mkdtempSync(path.join(os.tmpdir(), "pyship-python-"));
  const cache = path.join(root, "cache");
  const bin = path.join(root, "bin");
  const pyenvRoot = path.join(root, "pyenv");
  const inCache = (version: string, arch = "x64") =>
    path.join(cache, "Python", version, arch, "bin", "python3");

  link(pyenvPython("3.12.1"), inCache("3.12.1"));
  link(pyenvPython("3.11.7"), inCache("3.11.7"));
  wrapper(pyenvPython("3.10.13"), inCache("3.10.13"), path.join(root, "tool-cache.log"));
  link(pyenvPython("3.9.18"), inCache("3.9.18", "arm64")); // another architecture

  link(systemPython, path.join(bin, "python3.11"));
  link("/usr/bin/python3", path.join(bin, "python3")); // the same file as python3.11
  link(pyenvPython("3.10.13", "python3.10"), path.join(bin, "python3.10"));
  wrapper(pyenvPython("3.9.18"), path.join(bin, "python3.9"), path.join(root, "path.log"));
  wrapper("/bin/false", path.join(root, "shims", "python3.12"), path.join(root, "shim.log"));
  link(pyenvPython("3.13.0"), path.join(root, "venv", "bin", "python3"));
  writeFileSync(path.join(root, "venv", "pyvenv.cfg"), "home = /nowhere\n");

  link(pyenvPython("3.11.7"), path.join(pyenvRoot, "versions", "3.11.7", "bin", "python3"));
  link(pyenvPython("3.13.0"), path.join(pyenvRoot, "versions", "3.13.0", "bin", "python3"));
  mkdirSync(path.join(pyenvRoot, "versions", "empty"));

  const PATH = [bin, path.join(root, "shims"), path.join(root, "venv", "bin")].join(path.delimiter);
  return {
    root,
    env: { PATH, RUNNER_TOOL_CACHE: cache, RUNNER_ARCH: "X64", PYENV_ROOT: pyenvRoot, HOME: root },
    cache,
    bin,
    pyenvRoot,
    toolCacheRuns: () => lineCount(path.join(root, "tool-cache.log")),
    pathRuns: () => lineCount(path.join(root, "path.log")),
  };
}
