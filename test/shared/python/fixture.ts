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
import {
  requireTestPythons,
  SYSTEM_PYTHON,
  type TestPython,
  type TestPythons,
  testPythons,
} from "../../harness/test-pythons.js";

export { SYSTEM_PYTHON as systemPython } from "../../harness/test-pythons.js";

/** The test Pythons by role; npm test stops when they are missing, other runs skip these suites. */
export const pythons = testPythons as TestPythons;
const failWithoutPythons = (name: string, _suite: () => void) =>
  describe(name, () => void requireTestPythons());
export const describeWithPythons: (name: string, suite: () => void) => void = testPythons
  ? describe
  : process.env.PYSHIP_REQUIRE_ORACLES
    ? failWithoutPythons
    : describe.skip;

export interface Fixture {
  root: string;
  env: NodeJS.ProcessEnv;
  cache: string;
  bin: string;
  pyenvRoot: string;
  /** Lines logged by the tool cache's wrapper of twin, one per run. */
  toolCacheRuns: () => number;
  /** Lines logged by PATH's wrapper of low, one per run. */
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

  const { low, twin, newer, upper, top } = pythons;
  const onPath = (python: TestPython) => path.join(bin, `python${python.minor}`);
  if (upper !== newer) link(upper.python3, inCache(upper.version));
  link(newer.python3, inCache(newer.version));
  wrapper(twin.python3, inCache(twin.version), path.join(root, "tool-cache.log"));
  link(low.python3, inCache(low.version, "arm64")); // another architecture

  link(SYSTEM_PYTHON, path.join(bin, "python3.11"));
  link("/usr/bin/python3", path.join(bin, "python3")); // the same file as python3.11
  link(twin.versioned, onPath(twin));
  wrapper(low.python3, onPath(low), path.join(root, "path.log"));
  wrapper(
    "/bin/false",
    path.join(root, "shims", `python${upper.minor}`),
    path.join(root, "shim.log"),
  );
  link(top.python3, path.join(root, "venv", "bin", "python3"));
  writeFileSync(path.join(root, "venv", "pyvenv.cfg"), "home = /nowhere\n");

  for (const python of new Set([newer, top])) {
    link(python.python3, path.join(pyenvRoot, "versions", python.version, "bin", "python3"));
  }
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

export interface FoundInterpreter {
  path: string;
  realPath: string;
  version: string;
  source: "tool-cache" | "path" | "pyenv";
}

/** What discovery should list: by source, each newest first, each real file once. */
export function expectedFound({ cache, bin, pyenvRoot }: Fixture): FoundInterpreter[] {
  const { low, twin, newer, upper, top } = pythons;
  const inCache = (version: string) => path.join(cache, "Python", version, "x64/bin/python3");
  const cached = (python: TestPython): FoundInterpreter => ({
    path: inCache(python.version),
    realPath: python.versioned,
    version: python.version,
    source: "tool-cache",
  });
  const toolCache = [
    ...(upper === newer ? [] : [cached(upper)]),
    cached(newer),
    // A wrapper script: the tool cache's directory name gives its version.
    { ...cached(twin), realPath: inCache(twin.version) },
  ];
  // python3 is the same file as python3.11; the versioned name is listed.
  const system: FoundInterpreter = {
    path: `${bin}/python3.11`,
    realPath: SYSTEM_PYTHON,
    version: "3.11.2",
    source: "path",
  };
  const twinOnPath: FoundInterpreter = {
    path: `${bin}/python${twin.minor}`,
    realPath: twin.versioned,
    version: twin.version,
    source: "path",
  };
  const lowOnPath: FoundInterpreter = {
    path: `${bin}/python${low.minor}`,
    realPath: `${bin}/python${low.minor}`,
    version: low.version,
    source: "path",
  };
  const twinIsNewer = Number(twin.minor.split(".")[1]) > 11;
  const onPath = twinIsNewer ? [twinOnPath, system, lowOnPath] : [system, twinOnPath, lowOnPath];
  // pyenv's newer is the tool cache's; shims, the venv and the arm64 build are left out.
  const pyenv: FoundInterpreter = {
    path: `${pyenvRoot}/versions/${top.version}/bin/python3`,
    realPath: top.versioned,
    version: top.version,
    source: "pyenv",
  };
  return [...toolCache, ...onPath, ...(top === newer ? [] : [pyenv])];
}
