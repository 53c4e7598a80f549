import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { compareVersions } from "../../../shared/project/pep440.js";
import { readVersionRequest } from "../../../shared/python/request.js";
import { selectInterpreter } from "../../../shared/python/select.js";
import { ConfigurationError } from "../../../shared/runtime/errors.js";
import { minorAfter, type TestPython } from "../../harness/test-pythons.js";
import {
  describeWithPythons,
  expectedFound,
  type Fixture,
  makeFixture,
  pythons,
  systemPython,
} from "./fixture.js";

describeWithPythons("selectInterpreter", () => {
  let fixture: Fixture;
  beforeAll(() => {
    fixture = makeFixture();
  });
  afterAll(() => rmSync(fixture.root, { recursive: true, force: true }));

  const select = (request: string) =>
    selectInterpreter({ request, from: "input 'python-version'" }, fixture.env);
  const inCache = (version: string) =>
    path.join(fixture.cache, "Python", version, "x64/bin/python3");
  const { low, twin, newer, upper, top } = pythons;
  // Where discovery lists `python` first (top is pyenv's, unless newer plays top too).
  const firstOf = (python: TestPython) =>
    expectedFound(fixture).find((found) => found.version === python.version) as object;

  test("an exact version", async () => {
    const info = await select("3.11.2");
    expect(info).toMatchObject({
      path: path.join(fixture.bin, "python3.11"),
      realPath: systemPython,
      version: "3.11.2",
      source: "path",
    });
  });

  test("a minor version: its highest patch", async () => {
    expect(await select(newer.minor)).toMatchObject({
      path: inCache(newer.version),
      version: newer.version,
    });
  });

  test("a range: its highest version", async () => {
    const range = `>=${twin.minor},<${minorAfter(upper)}`;
    expect(await select(range)).toMatchObject({ path: inCache(upper.version) });
  });

  test("equal versions: the earlier source, read by one process", async () => {
    const before = fixture.toolCacheRuns();
    const info = await select(twin.version);
    expect(info).toMatchObject({ path: inCache(twin.version), source: "tool-cache" });
    // The wrapper ran the real interpreter, which reports itself.
    expect(info.realPath).toBe(twin.versioned);
    expect(fixture.toolCacheRuns() - before).toBe(1);
  });

  test(".python-version", async () => {
    const dir = mkdtempSync(path.join(fixture.root, "project-"));
    writeFileSync(path.join(dir, ".python-version"), `# pinned\n${low.minor}\n${upper.minor}\n`);
    const info = await selectInterpreter(
      readVersionRequest({ workingDirectory: dir }),
      fixture.env,
    );
    expect(info).toMatchObject({
      path: path.join(fixture.bin, `python${low.minor}`),
      version: low.version,
    });
  });

  test(".tool-versions", async () => {
    const dir = mkdtempSync(path.join(fixture.root, "project-"));
    writeFileSync(
      path.join(dir, ".tool-versions"),
      `nodejs 20.11.0\npython ${top.version} ${upper.version}\n`,
    );
    const request = readVersionRequest({
      pythonVersionFile: ".tool-versions",
      workingDirectory: dir,
    });
    expect(await selectInterpreter(request, fixture.env)).toMatchObject(firstOf(top));
  });

  test("pyproject.toml as the version file", async () => {
    const dir = mkdtempSync(path.join(fixture.root, "project-"));
    writeFileSync(
      path.join(dir, "pyproject.toml"),
      `[project]\nrequires-python = ">=${newer.minor},<${minorAfter(upper)}"\n`,
    );
    const request = readVersionRequest({
      pythonVersionFile: "pyproject.toml",
      workingDirectory: dir,
    });
    expect(await selectInterpreter(request, fixture.env)).toMatchObject({ version: upper.version });
  });

  test("requires-python: the highest match from any source", async () => {
    const dir = mkdtempSync(path.join(fixture.root, "project-"));
    const request = readVersionRequest({
      workingDirectory: dir,
      requiresPython: `>=${twin.minor}`,
    });
    expect(await selectInterpreter(request, fixture.env)).toMatchObject(firstOf(top));
  });

  test("no request: python3 on PATH", async () => {
    const info = await selectInterpreter({ from: "python3 on PATH" }, fixture.env);
    expect(info).toMatchObject({ path: path.join(fixture.bin, "python3"), version: "3.11.2" });
  });

  test("no match lists what was found and suggests setup-python", async () => {
    const beyond = minorAfter(top);
    const found = expectedFound(fixture)
      .sort((a, b) => compareVersions(b.version, a.version))
      .map((python) => `${python.version} (${python.path})`);
    await expect(select(beyond)).rejects.toThrow(
      new ConfigurationError(
        `no Python matches '${beyond}' (from input 'python-version'). Found: ${found.join(", ")}. ` +
          `Add actions/setup-python with python-version: ${beyond} before this step.`,
      ),
    );
    await expect(select(`<${low.minor}`)).rejects.toThrow(
      `Add actions/setup-python with a python-version in '<${low.minor}' before this step.`,
    );
  });

  test("no match keeps the request's location", async () => {
    const location = { file: ".python-version", line: 2 };
    const error = await selectInterpreter(
      { request: "3.8", from: ".python-version line 2", location },
      fixture.env,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).location).toEqual(location);
  });

  test("a bad request is a ConfigurationError", async () => {
    await expect(select("latest")).rejects.toThrow(
      "input 'python-version' is not a Python version or range: 'latest'",
    );
  });
});

describeWithPythons("a tool cache directory that names the wrong version", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), "pyship-python-cache-"));
    const python = path.join(root, `Python/${minorAfter(pythons.top)}.0-rc.1/x64/bin/python3`);
    mkdirSync(path.dirname(python), { recursive: true });
    symlinkSync(pythons.top.python3, python);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test("the name is read as PEP 440, but the interpreter has the last word", async () => {
    const beyond = minorAfter(pythons.top);
    const env = { RUNNER_TOOL_CACHE: root, RUNNER_ARCH: "X64", PATH: "", PYENV_ROOT: root };
    await expect(
      selectInterpreter({ request: beyond, from: "input 'python-version'" }, env),
    ).rejects.toThrow(
      `no Python matches '${beyond}' (from input 'python-version'). ` +
        `Found: ${beyond}.0rc1 (${root}/Python/${beyond}.0-rc.1/x64/bin/python3).`,
    );
  });
});
