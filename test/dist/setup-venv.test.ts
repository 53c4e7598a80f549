import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { runCommand } from "../../shared/runtime/command.js";
import { backendWheels } from "../harness/backend-wheels.js";
import { type RunningCacheService, startCacheService } from "../harness/cache-service.js";
import { type RunningIndex, startIndex } from "../harness/index-server.js";
import { pipCompileFile, sha256Of } from "../harness/pip-compile.js";
import { repoRoot, runAction } from "../harness/runner.js";
import { escapeRegExp, requireTestPythons } from "../harness/test-pythons.js";
import { buildPackages, type PackageSpec } from "../harness/wheels.js";

// setup-venv through its bundles: a hashed requirements lock and a small uv.lock against a local
// index, the real @actions/cache against the harness cache service.
const root = mkdtempSync(path.join(os.tmpdir(), "pyship-setup-venv-"));
const specs: PackageSpec[] = [
  { name: "alpha", version: "1.0", dependencies: ['winonly; sys_platform == "win32"'] },
  { name: "beta", version: "2.0", dependencies: ["alpha>=1"] },
  { name: "winonly", version: "1.0" },
  { name: "devtool", version: "0.5" },
];
const pythons = requireTestPythons();
const python = pythons.newer.version; // the tool cache tests link to it
let index: RunningIndex;
let cacheService: RunningCacheService;
const wheel = (name: string) => path.join(root, "wheels", `${name}-py3-none-any.whl`);

beforeAll(async () => {
  await buildPackages(specs, path.join(root, "wheels"));
  // The build backends for `pip install -e .`, from this machine (PyPI is out of reach).
  backendWheels(path.join(root, "wheels"));
  index = await startIndex({ directory: path.join(root, "wheels") });
  cacheService = await startCacheService();
}, 60_000);
afterAll(async () => {
  await index.close();
  await cacheService.close();
  rmSync(root, { recursive: true, force: true });
});

/** A project locked as pip-compile would, with real hashes and the index as an option line. */
function requirementsProject(edit?: (text: string) => string): string {
  const dir = mkdtempSync(path.join(root, "project-"));
  const pin = (name: string, version: string, via: string, marker = "") => ({
    requirement: `${name}==${version}${marker}`,
    hashes: [sha256Of(wheel(`${name}-${version}`))],
    via: [via],
  });
  const text = pipCompileFile(
    [
      pin("alpha", "1.0", "beta"),
      pin("beta", "2.0", "-r requirements.in"),
      pin("winonly", "1.0", "alpha", ' ; sys_platform == "win32"'),
    ],
    index.simpleUrl,
  );
  writeFileSync(path.join(dir, "requirements.txt"), edit ? edit(text) : text);
  writeFileSync(path.join(dir, "requirements.in"), "beta\n");
  return dir;
}

const setupVenv = (
  workspace: string,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {},
) =>
  runAction({
    action: "setup-venv",
    workspace,
    inputs: { "python-version": python, "install-project": "false", ...inputs },
    env: { ...cacheService.env, PYENV_ROOT: pythons.root, ...env },
    post: true,
  });

const freeze = async (venv: string) =>
  (await runCommand(path.join(venv, "bin", "python"), ["-m", "pip", "freeze", "--all"])).output
    .split("\n")
    .filter((line) => line && !/^(pip|setuptools|wheel)==/.test(line));

describe("setup-venv through the bundled action", () => {
  test("installs the lock, exports the venv, and the cache cycle restores it whole", async () => {
    const workspace = requirementsProject();
    const cold = await setupVenv(workspace, { "cache-suffix": "cycle" });
    expect(cold.annotations).toEqual([]);
    expect(cold.exitCode).toBe(0);
    const venv = path.join(workspace, ".venv");
    expect(cold.outputs).toMatchObject({
      "python-version": python,
      "python-path": path.join(venv, "bin", "python"),
      "venv-path": venv,
      "cache-hit": "false",
      lockfile: "requirements.txt",
      installer: "pip",
      packages: "2",
    });
    expect(cold.outputs["cache-key"]).toMatch(
      new RegExp(`^pyship-venv-v2-Linux-X64-.*-py${escapeRegExp(python)}-.*-cycle$`),
    );
    expect(cold.env).toEqual({ VIRTUAL_ENV: venv });
    expect(cold.path).toEqual([path.join(venv, "bin")]);
    expect(await freeze(venv)).toEqual(["alpha==1.0", "beta==2.0"]);
    expect(cold.state).toEqual({
      venv,
      "cache-key": cold.outputs["cache-key"],
      "save-cache": "true",
    });
    expect(cold.post?.exitCode).toBe(0);
    expect(cacheService.entries().map((e) => e.key)).toContain(cold.outputs["cache-key"]);
    expect(cold.summary).toContain("| Installed | 2 distributions |");

    rmSync(venv, { recursive: true });
    const warm = await setupVenv(workspace, { "cache-suffix": "cycle" });
    expect(warm.exitCode).toBe(0);
    expect(warm.outputs).toMatchObject({
      "cache-hit": "true",
      packages: "0",
      "cache-key": cold.outputs["cache-key"],
    });
    expect(warm.stdout).not.toContain("pip install");
    expect(warm.state["save-cache"]).toBe("false");
    expect(await freeze(venv)).toEqual(["alpha==1.0", "beta==2.0"]);
    const imported = await runCommand(path.join(venv, "bin", "python"), [
      "-c",
      "import alpha, beta",
    ]);
    expect(imported.code).toBe(0);
  });

  test("installs the project itself, editable, and its tests run in the venv", async () => {
    const workspace = mkdtempSync(path.join(root, "hello-"));
    cpSync(path.join(repoRoot, "examples/hello-pyship"), workspace, { recursive: true });
    const result = await setupVenv(
      workspace,
      { "install-project": "true", cache: "false" },
      { PIP_INDEX_URL: index.simpleUrl },
    );
    expect(result.exitCode).toBe(0);
    expect(result.outputs).toMatchObject({ lockfile: "uv.lock", packages: "1" });
    const venv = path.join(workspace, ".venv");
    expect((await freeze(venv)).join("\n")).toMatch(/hello[-_]pyship/);
    const tests = await runCommand(
      path.join(venv, "bin", "python"),
      ["-m", "unittest", "discover", "-s", "tests"],
      { cwd: workspace },
    );
    expect(tests.output).toContain("OK");
    expect(tests.code).toBe(0);
  });

  test("a restored venv whose interpreter is gone is detected and rebuilt", async () => {
    const workspace = requirementsProject();
    // A tool cache that points at the real interpreter, as actions/setup-python lays it out.
    const toolCache = path.join(root, `toolcache-${Date.now()}`);
    const bin = path.join(toolCache, "Python", python, "x64", "bin");
    mkdirSync(bin, { recursive: true });
    symlinkSync(pythons.newer.python3, path.join(bin, "python3"));
    const first = await setupVenv(
      workspace,
      { "cache-suffix": "corrupt" },
      { RUNNER_TOOL_CACHE: toolCache },
    );
    expect(first.exitCode).toBe(0);
    expect(readFileSync(path.join(workspace, ".venv/pyvenv.cfg"), "utf8")).toContain(bin);

    // The runner image changed: that tool cache is gone, the same Python lives elsewhere.
    rmSync(toolCache, { recursive: true });
    rmSync(path.join(workspace, ".venv"), { recursive: true });
    const second = await setupVenv(
      workspace,
      { "cache-suffix": "corrupt" },
      { RUNNER_TOOL_CACHE: toolCache },
    );
    expect(second.outputs["cache-key"]).toBe(first.outputs["cache-key"]);
    expect(second.annotations).toEqual([
      expect.objectContaining({
        level: "warning",
        message: expect.stringMatching(
          /the cached venv is broken \(its interpreter's home .* no longer exists\); rebuilding it/,
        ),
      }),
    ]);
    expect(second.outputs).toMatchObject({ "cache-hit": "false", packages: "2" });
    expect(await freeze(path.join(workspace, ".venv"))).toEqual(["alpha==1.0", "beta==2.0"]);
  });

  test("with no cache service it warns and carries on", async () => {
    const workspace = requirementsProject();
    const result = await runAction({
      action: "setup-venv",
      workspace,
      inputs: { "python-version": python, "install-project": "false" },
      env: { PYENV_ROOT: pythons.root },
      post: true,
    });
    expect(result.exitCode).toBe(0);
    expect(result.annotations).toEqual([
      expect.objectContaining({
        level: "warning",
        message: "setup-venv: no cache service is available here; the venv will not be cached.",
      }),
    ]);
    expect(result.post?.stdout).toContain("nothing to save");
  });

  test("a tag push does not use the cache unless asked", async () => {
    const workspace = requirementsProject();
    const result = await runAction({
      action: "setup-venv",
      workspace,
      inputs: { "python-version": python, "install-project": "false" },
      env: { ...cacheService.env, PYENV_ROOT: pythons.root },
      ref: "refs/tags/v1.0.0",
    });
    expect(result.exitCode).toBe(0);
    expect(result.summary).toContain("| Cache | off |");
    expect(result.state["save-cache"]).toBe("false");
  });

  test.each(["workflow_run", "pull_request_target"])(
    "cache: auto is off on %s, with a notice saying why",
    async (event) => {
      const result = await runAction({
        action: "setup-venv",
        workspace: requirementsProject(),
        inputs: { "python-version": python, "install-project": "false" },
        env: { ...cacheService.env, PYENV_ROOT: pythons.root },
        event: { name: event, payload: {} },
      });
      expect(result.exitCode).toBe(0);
      expect(result.summary).toContain("| Cache | off |");
      expect(result.annotations).toContainEqual(
        expect.objectContaining({
          level: "notice",
          message: expect.stringContaining(
            `cache: auto does not cache here: a ${event} run is privileged`,
          ),
        }),
      );
    },
  );

  test("a Pipfile.lock with pipenv 2026's 'dev' in dependency_groups markers installs develop", async () => {
    const workspace = mkdtempSync(path.join(root, "pipfile-"));
    const entry = (name: string, version: string, markers?: string) => ({
      hashes: [`sha256:${sha256Of(wheel(`${name}-${version}`))}`],
      index: "local",
      ...(markers ? { markers } : {}),
      version: `==${version}`,
    });
    const lock = {
      _meta: {
        hash: { sha256: "0".repeat(64) },
        "pipfile-spec": 6,
        requires: { python_version: "3.11" },
        sources: [{ name: "local", url: index.simpleUrl, verify_ssl: false }],
      },
      default: { beta: entry("beta", "2.0"), alpha: entry("alpha", "1.0") },
      develop: { devtool: entry("devtool", "0.5", "'dev' in dependency_groups") },
    };
    writeFileSync(path.join(workspace, "Pipfile.lock"), `${JSON.stringify(lock, null, 4)}\n`);
    writeFileSync(
      path.join(workspace, "Pipfile"),
      `[[source]]\nurl = "${index.simpleUrl}"\nname = "local"\n\n[packages]\nbeta = "*"\n\n[dev-packages]\ndevtool = "*"\n`,
    );
    const result = await setupVenv(workspace, { cache: "false" });
    expect(result.exitCode).toBe(0);
    expect(await freeze(result.outputs["venv-path"] ?? "")).toEqual([
      "alpha==1.0",
      "beta==2.0",
      "devtool==0.5",
    ]);
  });

  test("a virtual uv workspace root installs every member's and the root's dev group", async () => {
    const workspace = mkdtempSync(path.join(root, "virtual-root-"));
    const registry = `source = { registry = "${index.simpleUrl}" }`;
    const locked = (name: string, version: string, dependencies: string[] = []) =>
      [
        "[[package]]",
        `name = "${name}"`,
        `version = "${version}"`,
        registry,
        ...(dependencies.length > 0
          ? [`dependencies = [${dependencies.map((d) => `{ name = "${d}" }`).join(", ")}]`]
          : []),
        `wheels = [{ url = "${index.url}/files/${name}-${version}-py3-none-any.whl", hash = "sha256:${sha256Of(wheel(`${name}-${version}`))}" }]`,
        "",
      ].join("\n");
    const lock = [
      'version = 1\nrevision = 3\nrequires-python = ">=3.9"\n',
      '[manifest]\nmembers = ["app", "tools"]\n',
      '[manifest.dependency-groups]\ndev = [{ name = "devtool", specifier = "==0.5" }]\n',
      locked("alpha", "1.0"),
      '[[package]]\nname = "app"\nversion = "0.1.0"\nsource = { virtual = "packages/app" }\ndependencies = [{ name = "beta" }]\n',
      locked("beta", "2.0", ["alpha"]),
      locked("devtool", "0.5"),
      '[[package]]\nname = "tools"\nversion = "0.1.0"\nsource = { virtual = "packages/tools" }\n',
    ].join("\n");
    writeFileSync(path.join(workspace, "uv.lock"), lock);
    writeFileSync(
      path.join(workspace, "pyproject.toml"),
      '[tool.uv.workspace]\nmembers = ["packages/*"]\n\n[dependency-groups]\ndev = ["devtool==0.5"]\n',
    );
    for (const member of ["app", "tools"]) {
      mkdirSync(path.join(workspace, "packages", member), { recursive: true });
      writeFileSync(
        path.join(workspace, "packages", member, "pyproject.toml"),
        `[project]\nname = "${member}"\nversion = "0.1.0"\n${member === "app" ? 'dependencies = ["beta"]\n' : ""}`,
      );
    }
    const result = await setupVenv(workspace, { cache: "false" });
    expect(result.exitCode).toBe(0);
    expect(await freeze(result.outputs["venv-path"] ?? "")).toEqual([
      "alpha==1.0",
      "beta==2.0",
      "devtool==0.5",
    ]);
  });

  test("a hash mismatch names the package and leaves no venv behind", async () => {
    const workspace = requirementsProject((text) =>
      text.replace(/(beta==2\.0 \\\n\s+--hash=sha256:)[0-9a-f]{64}/, `$1${"0".repeat(64)}`),
    );
    const result = await setupVenv(workspace, { cache: "false" });
    expect(result.exitCode).toBe(1);
    expect(result.annotations).toEqual([
      expect.objectContaining({
        level: "error",
        message: expect.stringMatching(/^setup-venv: hash mismatch for beta==2\.0:/),
      }),
    ]);
    expect(existsSync(path.join(workspace, ".venv"))).toBe(false);
    expect(result.post).toBeUndefined();
  });

  test("an unknown group lists the available ones", async () => {
    const workspace = mkdtempSync(path.join(root, "uv-"));
    writeFileSync(
      path.join(workspace, "pyproject.toml"),
      '[project]\nname = "app"\nversion = "0.1.0"\n',
    );
    writeFileSync(
      path.join(workspace, "uv.lock"),
      'version = 1\nrequires-python = ">=3.9"\n\n[[package]]\nname = "app"\nversion = "0.1.0"\nsource = { virtual = "." }\n\n[package.dev-dependencies]\ndev = []\nlint = []\n',
    );
    const result = await setupVenv(workspace, { groups: "dev, docs", cache: "false" });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      "::error::setup-venv: input 'groups': uv.lock has no group 'docs'; available: dev, lint",
    );
  });

  test("an unparseable lock gets an error at its line", async () => {
    const workspace = mkdtempSync(path.join(root, "bad-"));
    writeFileSync(path.join(workspace, "uv.lock"), 'version = 1\n[[package]\nname = "x"\n');
    const result = await setupVenv(workspace, { cache: "false" });
    expect(result.exitCode).toBe(1);
    expect(result.annotations[0]).toMatchObject({ level: "error", file: "uv.lock", line: 2 });
  });

  test("no lockfile says where it looked", async () => {
    const result = await setupVenv(mkdtempSync(path.join(root, "empty-")), { cache: "false" });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(
      /::error::setup-venv: no lockfile in \.: looked for uv\.lock, poetry\.lock/,
    );
  });

  test("a Python that is not there lists the ones that are", async () => {
    const result = await setupVenv(requirementsProject(), {
      "python-version": "3.99",
      cache: "false",
    });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(
      new RegExp(
        `::error::setup-venv: no Python matches '3\\.99'.*Found: .*${escapeRegExp(python)}.*actions/setup-python`,
      ),
    );
  });
});
