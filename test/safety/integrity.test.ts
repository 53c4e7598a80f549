/**
 * Nothing unverified installs: hashes, names, versions and URLs from a lock are checked before
 * pip sees them, a restored venv must be the one its key names, and manifests and locks are
 * strict UTF-8. Through the bundles of setup-venv, audit and lock-check.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { runCommand } from "../../shared/runtime/command.js";
import { type RunningCacheService, startCacheService } from "../harness/cache-service.js";
import { type RunningIndex, startIndex } from "../harness/index-server.js";
import { advisoryFixtures, type RunningOsvApi, startOsvApi } from "../harness/osv-api.js";
import { pipCompileFile, sha256Of } from "../harness/pip-compile.js";
import { type ActionResult, repoRoot } from "../harness/runner.js";
import { escapeRegExp, requireTestPythons } from "../harness/test-pythons.js";
import { buildPackages } from "../harness/wheels.js";
import { expectSafeEnd, makeSandbox, runSafely, type Sandbox } from "./sandbox.js";

const scratch = mkdtempSync(path.join(os.tmpdir(), "pyship-integrity-"));
const wheels = path.join(scratch, "wheels");
const pythons = requireTestPythons();
const { newer, twin } = pythons;
const python = newer.version;
let index: RunningIndex;
let cacheService: RunningCacheService;
let osv: RunningOsvApi;

beforeAll(async () => {
  await buildPackages(
    [
      { name: "alpha", version: "1.0" },
      { name: "beta", version: "2.0" },
      { name: "devtool", version: "0.5" },
    ],
    wheels,
  );
  index = await startIndex({ directory: wheels });
  cacheService = await startCacheService();
  osv = await startOsvApi({ advisories: advisoryFixtures });
}, 60_000);
afterAll(async () => {
  await index?.close();
  await cacheService?.close();
  await osv?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const digest = (name: string) => sha256Of(path.join(wheels, `${name}-py3-none-any.whl`));

/** A pip-compile lock of alpha and beta with their real hashes, edited by `edit`. */
function requirementsLock(edit: (text: string) => string = (t) => t): string {
  const pin = (name: string, version: string) => ({
    requirement: `${name}==${version}`,
    hashes: [digest(`${name}-${version}`)],
    via: ["-r requirements.in"],
  });
  return edit(pipCompileFile([pin("alpha", "1.0"), pin("beta", "2.0")], index.simpleUrl));
}

/** A uv project whose app depends on `entry`'s package (named `dependency`). */
function uvProject(dependency: string, entry: string) {
  return {
    "pyproject.toml": '[project]\nname = "app"\nversion = "0.1.0"\n',
    "uv.lock": [
      "version = 1",
      'requires-python = ">=3.9"',
      "",
      "[[package]]",
      'name = "app"',
      'version = "0.1.0"',
      'source = { virtual = "." }',
      `dependencies = [{ name = ${JSON.stringify(dependency)} }]`,
      "",
      "[[package]]",
      entry,
      "",
    ].join("\n"),
  };
}

/** The attacker's extra requirements, outside the workspace: never read by pip. */
const smuggled = (sandbox: Sandbox) => {
  const file = path.join(sandbox.outside, "x.txt");
  writeFileSync(file, "devtool==0.5\n");
  return file;
};

function sandboxWith(files: Record<string, string | Buffer>): Sandbox {
  const sandbox = makeSandbox("pyship-integrity-");
  for (const [name, content] of Object.entries(files))
    writeFileSync(path.join(sandbox.workspace, name), content);
  return sandbox;
}

function sandboxOf(fixture: string, edit?: (workspace: string) => void): Sandbox {
  const sandbox = makeSandbox("pyship-integrity-");
  cpSync(path.join(repoRoot, "test/fixtures", fixture), sandbox.workspace, { recursive: true });
  edit?.(sandbox.workspace);
  return sandbox;
}

const editFile = (dir: string, name: string, change: (text: string) => string) =>
  writeFileSync(path.join(dir, name), change(readFileSync(path.join(dir, name), "utf8")));

/** `before` + one invalid byte + `after`, written over `name`. */
const withBadByte = (dir: string, name: string, before: string, byte = 0xe9) => {
  const text = readFileSync(path.join(dir, name), "utf8");
  const at = text.indexOf(before) + before.length;
  expect(at).toBeGreaterThan(before.length - 1);
  const bytes = Buffer.concat([
    Buffer.from(text.slice(0, at)),
    Buffer.from([byte]),
    Buffer.from(text.slice(at)),
  ]);
  writeFileSync(path.join(dir, name), bytes);
  const offset = Buffer.byteLength(text.slice(0, at));
  return { offset, line: text.slice(0, at).split("\n").length };
};

const actionInputs = {
  "setup-venv": { "python-version": python, "install-project": "false", cache: "false" },
  audit: {},
  "lock-check": {},
} as const;
type Action = keyof typeof actionInputs;

/**
 * The job's HOME is the sandbox's, so pyenv's interpreters are named by PYENV_ROOT; and pip runs
 * `rustc --version` for its user agent, which on this machine is a rustup proxy that writes
 * `$HOME/.rustup`: PATH leaves it out.
 */
const setupVenvEnv = {
  PYENV_ROOT: pythons.root,
  PATH: (process.env.PATH ?? "")
    .split(path.delimiter)
    .filter((dir) => !dir.includes(".cargo"))
    .join(path.delimiter),
};

const run = (sandbox: Sandbox, action: Action, inputs: Record<string, string> = {}) =>
  runSafely(sandbox, {
    action,
    inputs: {
      ...actionInputs[action],
      ...(action === "audit" ? { "osv-url": osv.url } : {}),
      ...inputs,
    },
    env: action === "setup-venv" ? setupVenvEnv : {},
  });

const errorsOf = (result: ActionResult) => result.annotations.filter((a) => a.level === "error");

const lineIn = (sandbox: Sandbox, file: string, needle: string) =>
  readFileSync(path.join(sandbox.workspace, file), "utf8")
    .split("\n")
    .findIndex((line) => line.includes(needle)) + 1;

describe("setup-venv: hashes are checked as pip checks them", () => {
  test.each([
    ["not hex", "sha256:NOTHEX", /the hash "sha256:NOTHEX" is not 64 hex digits of sha256/],
    ["md5 only", `md5:${"0".repeat(32)}`, /"beta": the entry has only md5 hashes/],
    ["the wrong length", `sha256:${"a".repeat(63)}`, /is not 64 hex digits of sha256/],
  ])(
    "a hash that is %s is an error at its line; nothing installs",
    async (_, hash, message) => {
      const sandbox = sandboxWith({
        "requirements.txt": requirementsLock((t) =>
          t.replace(`--hash=sha256:${digest("beta-2.0")}`, `--hash=${hash}`),
        ),
      });
      const outcome = await run(sandbox, "setup-venv");
      expectSafeEnd(sandbox, outcome, { exitCode: 1, errorNames: message });
      expect(errorsOf(outcome.result)).toEqual([
        expect.objectContaining({
          file: "requirements.txt",
          line: lineIn(sandbox, "requirements.txt", `--hash=${hash}`),
        }),
      ]);
      expect(outcome.result.annotations.filter((a) => a.level === "notice")).toEqual([]);
      expect(existsSync(path.join(sandbox.workspace, ".venv"))).toBe(false);
    },
    120_000,
  );

  test("upper-case hex is accepted, as pip accepts it, and installs", async () => {
    const sandbox = sandboxWith({
      "requirements.txt": requirementsLock((t) =>
        t.replace(
          /--hash=sha256:([0-9a-f]{64})/g,
          (_, hex: string) => `--hash=sha256:${hex.toUpperCase()}`,
        ),
      ),
    });
    const outcome = await run(sandbox, "setup-venv");
    expectSafeEnd(sandbox, outcome, { exitCode: 0 });
    expect(outcome.result.annotations).toEqual([]);
    expect(outcome.result.outputs.packages).toBe("2");
    const venvPython = path.join(sandbox.workspace, ".venv/bin/python");
    const freeze = await runCommand(venvPython, ["-m", "pip", "freeze"]);
    expect(freeze.output.split("\n").filter(Boolean).sort()).toEqual(["alpha==1.0", "beta==2.0"]);
  }, 300_000);
});

describe("setup-venv: names, versions and URLs from a lock never reach pip unchecked", () => {
  const registry = () =>
    `source = { registry = "${index.simpleUrl}" }\nwheels = [{ url = "${index.url}/files/alpha-1.0-py3-none-any.whl", hash = "sha256:${digest("alpha-1.0")}" }]`;
  test.each([
    [
      "a name that is a requirements option",
      (x: string) => `-r ${x}\n#`,
      (x: string) => `name = ${JSON.stringify(`-r ${x}\n#`)}\nversion = "1.0"\n${registry()}`,
      /is not a valid project name \(PEP 508\)/,
    ],
    [
      "a version with a requirements option after a newline",
      () => "alpha",
      (x: string) => `name = "alpha"\nversion = ${JSON.stringify(`1.0\n-r ${x}`)}\n${registry()}`,
      /"alpha": version .* is not a PEP 440 version/,
    ],
    [
      "a git URL with a newline",
      () => "gitpkg",
      (x: string) =>
        `name = "gitpkg"\nversion = "1.0"\nsource = { git = ${JSON.stringify(`https://example.invalid/r.git?rev=v1\n-r ${x}#abc`)} }`,
      /"gitpkg": the git URL .* has whitespace or control characters/,
    ],
  ])(
    "%s is an error at its line; the smuggled package is not installed",
    async (_, dependency, entry, message) => {
      const probe = makeSandbox("pyship-integrity-");
      const x = smuggled(probe);
      const files = uvProject(dependency(x), entry(x));
      for (const [name, content] of Object.entries(files))
        writeFileSync(path.join(probe.workspace, name), content);
      const outcome = await run(probe, "setup-venv");
      expectSafeEnd(probe, outcome, { exitCode: 1, errorNames: message });
      const [error] = errorsOf(outcome.result);
      expect(error).toMatchObject({ file: "uv.lock" });
      expect(error.line).toBeGreaterThan(9);
      expect(existsSync(path.join(probe.workspace, ".venv"))).toBe(false);
    },
    120_000,
  );
});

describe("setup-venv: a restored venv must be the one its key names", () => {
  test("another Python's venv saved under this key is a miss, rebuilt with one warning", async () => {
    const sandbox = sandboxWith({ "requirements.txt": requirementsLock() });
    const venv = path.join(sandbox.workspace, ".venv");
    // This run's key, from a run without the cache.
    const first = await run(sandbox, "setup-venv", { "python-version": twin.version });
    expect(first.result.exitCode).toBe(0);
    const key = first.result.outputs["cache-key"];
    // Someone saves a 3.11 venv with nothing in it under that key, at the same path.
    rmSync(venv, { recursive: true });
    expect((await runCommand(newer.python3, ["-m", "venv", "--without-pip", venv])).code).toBe(0);
    await saveEntry(sandbox, venv, key);
    rmSync(venv, { recursive: true });

    const outcome = await runSafely(sandbox, {
      action: "setup-venv",
      inputs: { "python-version": twin.version, "install-project": "false" },
      env: { ...cacheService.env, ...setupVenvEnv, PIP_INDEX_URL: index.simpleUrl },
    });
    expectSafeEnd(sandbox, outcome, { exitCode: 0 });
    const { result } = outcome;
    expect(result.stdout).toContain(`Cache hit for: ${key}`);
    expect(result.annotations).toEqual([
      {
        level: "warning",
        message: expect.stringMatching(
          new RegExp(
            `^setup-venv: the cached venv is not the one its key names \\(pyvenv\\.cfg has Python ${escapeRegExp(newer.version)}, this run uses ${escapeRegExp(twin.version)}; .*no readable \\.pyship-venv\\.json\\); rebuilding it\\.$`,
          ),
        ),
      },
    ]);
    expect(result.outputs).toMatchObject({
      "cache-hit": "false",
      "cache-key": key,
      "python-version": twin.version,
      packages: "2",
    });
    expect(readFileSync(path.join(venv, "pyvenv.cfg"), "utf8")).toMatch(
      new RegExp(`^version = ${escapeRegExp(twin.version)}$`, "m"),
    );
    const freeze = await runCommand(path.join(venv, "bin/python"), ["-m", "pip", "freeze"]);
    expect(freeze.output.split("\n").filter(Boolean).sort()).toEqual(["alpha==1.0", "beta==2.0"]);
    expect(JSON.parse(readFileSync(path.join(venv, ".pyship-venv.json"), "utf8"))).toMatchObject({
      key,
      pythonVersion: twin.version,
    });
  }, 600_000);
});

/** Saves `venv` under `key` with the real @actions/cache, as another job of the repository could. */
async function saveEntry(sandbox: Sandbox, venv: string, key: string) {
  const script =
    'import * as cache from "@actions/cache"; process.exitCode = (await cache.saveCache([process.argv[1], ], process.argv[2])) > 0 ? 0 : 2;';
  const saved = await runCommand(
    process.execPath,
    ["--input-type=module", "-e", script, venv, key],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        ...cacheService.env,
        GITHUB_WORKSPACE: sandbox.workspace,
        RUNNER_TEMP: mkdtempSync(path.join(scratch, "temp-")),
      },
    },
  );
  expect(saved.code).toBe(0);
}

const actions: Action[] = ["setup-venv", "audit", "lock-check"];

describe("setup-venv, audit and lock-check: locked versions and markers, one validation", () => {
  test.each(actions)(
    "%s: a locked version 'banana' is an error at its line",
    async (action) => {
      const sandbox = sandboxOf("lock-check/uv-app", (dir) =>
        editFile(dir, "uv.lock", (t) => t.replace('version = "8.1.7"', 'version = "banana"')),
      );
      const outcome = await run(sandbox, action);
      expectSafeEnd(sandbox, outcome, {
        exitCode: 1,
        errorNames: /"click": version "banana" is not a PEP 440 version/,
      });
      expect(errorsOf(outcome.result)[0]).toMatchObject({
        file: "uv.lock",
        line: lineIn(sandbox, "uv.lock", 'version = "banana"'),
      });
      if (action === "lock-check") {
        expect(outcome.result.outputs.drift).toBe("true");
        expect(errorsOf(outcome.result)[0].title).toBe("invalid-entry");
      }
    },
    120_000,
  );

  test.each(actions)(
    "%s: a marker that does not parse is an error, not a warning",
    async (action) => {
      const sandbox = sandboxOf("lock-check/uv-app", (dir) =>
        editFile(dir, "uv.lock", (t) =>
          t.replace(
            `{ name = "click", marker = "sys_platform != 'win32'" }`,
            `{ name = "click", marker = "python_version >>> '3'" }`,
          ),
        ),
      );
      const outcome = await run(sandbox, action);
      expectSafeEnd(sandbox, outcome, {
        exitCode: 1,
        errorNames: /"demo-app": unexpected '>' in marker 'python_version >>> '3''/,
      });
      expect(errorsOf(outcome.result)[0]).toMatchObject({
        file: "uv.lock",
        line: lineIn(sandbox, "uv.lock", "python_version >>>"),
      });
      expect(outcome.result.annotations.filter((a) => a.level === "warning")).toEqual([]);
    },
    120_000,
  );
});

describe("setup-venv, audit and lock-check: invalid UTF-8 is an error at its byte offset", () => {
  const cases: [string, string, string, string][] = [
    ["uv.lock", "lock-check/uv-app", "uv.lock", 'name = "reque'],
    ["pyproject.toml", "lock-check/uv-app", "pyproject.toml", 'description = "A hand'],
    ["Pipfile.lock", "audit/pipfile", "Pipfile.lock", '"default": {'],
  ];
  test.each(
    cases.flatMap(([label, fixture, file, before]) =>
      actions.map((action) => [label, action, fixture, file, before] as const),
    ),
  )(
    "%s through %s",
    async (_, action, fixture, file, before) => {
      let bad = { offset: 0, line: 0 };
      const sandbox = sandboxOf(fixture, (dir) => {
        bad = withBadByte(dir, file, before);
      });
      const outcome = await run(sandbox, action);
      expectSafeEnd(sandbox, outcome, {
        exitCode: 1,
        errorNames: `${file} is not valid UTF-8: byte 0xE9 at offset ${bad.offset} (line ${bad.line})`,
      });
      expect(errorsOf(outcome.result)).toEqual([expect.objectContaining({ file, line: bad.line })]);
    },
    120_000,
  );
});
