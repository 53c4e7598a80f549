import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { readVersionRequest } from "../../../shared/python/request.js";
import { selectInterpreter } from "../../../shared/python/select.js";
import { ConfigurationError } from "../../../shared/runtime/errors.js";
import {
  describeWithPythons,
  type Fixture,
  makeFixture,
  pyenvPython,
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
    expect(await select("3.11")).toMatchObject({ path: inCache("3.11.7"), version: "3.11.7" });
  });

  test("a range: its highest version", async () => {
    expect(await select(">=3.10,<3.13")).toMatchObject({ path: inCache("3.12.1") });
  });

  test("equal versions: the earlier source, read by one process", async () => {
    const before = fixture.toolCacheRuns();
    const info = await select("3.10");
    expect(info).toMatchObject({ path: inCache("3.10.13"), source: "tool-cache" });
    // The wrapper ran the real interpreter, which reports itself.
    expect(info.realPath).toBe(pyenvPython("3.10.13", "python3.10"));
    expect(fixture.toolCacheRuns() - before).toBe(1);
  });

  test(".python-version", async () => {
    const dir = mkdtempSync(path.join(fixture.root, "project-"));
    writeFileSync(path.join(dir, ".python-version"), "# pinned\n3.9\n3.12\n");
    const info = await selectInterpreter(
      readVersionRequest({ workingDirectory: dir }),
      fixture.env,
    );
    expect(info).toMatchObject({ path: path.join(fixture.bin, "python3.9"), version: "3.9.18" });
  });

  test(".tool-versions", async () => {
    const dir = mkdtempSync(path.join(fixture.root, "project-"));
    writeFileSync(path.join(dir, ".tool-versions"), "nodejs 20.11.0\npython 3.13.0 3.12.1\n");
    const request = readVersionRequest({
      pythonVersionFile: ".tool-versions",
      workingDirectory: dir,
    });
    expect(await selectInterpreter(request, fixture.env)).toMatchObject({
      path: path.join(fixture.pyenvRoot, "versions/3.13.0/bin/python3"),
      source: "pyenv",
    });
  });

  test("pyproject.toml as the version file", async () => {
    const dir = mkdtempSync(path.join(fixture.root, "project-"));
    writeFileSync(
      path.join(dir, "pyproject.toml"),
      '[project]\nrequires-python = ">=3.11,<3.13"\n',
    );
    const request = readVersionRequest({
      pythonVersionFile: "pyproject.toml",
      workingDirectory: dir,
    });
    expect(await selectInterpreter(request, fixture.env)).toMatchObject({ version: "3.12.1" });
  });

  test("requires-python: the highest match from any source", async () => {
    const dir = mkdtempSync(path.join(fixture.root, "project-"));
    const request = readVersionRequest({ workingDirectory: dir, requiresPython: ">=3.10" });
    expect(await selectInterpreter(request, fixture.env)).toMatchObject({
      version: "3.13.0",
      source: "pyenv",
    });
  });

  test("no request: python3 on PATH", async () => {
    const info = await selectInterpreter({ from: "python3 on PATH" }, fixture.env);
    expect(info).toMatchObject({ path: path.join(fixture.bin, "python3"), version: "3.11.2" });
  });

  test("no match lists what was found and suggests setup-python", async () => {
    const { bin, pyenvRoot } = fixture;
    await expect(select("3.14")).rejects.toThrow(
      new ConfigurationError(
        "no Python matches '3.14' (from input 'python-version'). Found: " +
          `3.13.0 (${pyenvRoot}/versions/3.13.0/bin/python3), ` +
          `3.12.1 (${inCache("3.12.1")}), ` +
          `3.11.7 (${inCache("3.11.7")}), ` +
          `3.11.2 (${bin}/python3.11), ` +
          `3.10.13 (${inCache("3.10.13")}), ` +
          `3.10.13 (${bin}/python3.10), ` +
          `3.9.18 (${bin}/python3.9). ` +
          "Add actions/setup-python with python-version: 3.14 before this step.",
      ),
    );
    await expect(select("<3.9")).rejects.toThrow(
      "Add actions/setup-python with a python-version in '<3.9' before this step.",
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
    const python = path.join(root, "Python/3.14.0-rc.1/x64/bin/python3");
    mkdirSync(path.dirname(python), { recursive: true });
    symlinkSync(pyenvPython("3.13.0"), python);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test("the name is read as PEP 440, but the interpreter has the last word", async () => {
    const env = { RUNNER_TOOL_CACHE: root, RUNNER_ARCH: "X64", PATH: "", PYENV_ROOT: root };
    await expect(
      selectInterpreter({ request: "3.14", from: "input 'python-version'" }, env),
    ).rejects.toThrow(
      "no Python matches '3.14' (from input 'python-version'). " +
        `Found: 3.14.0rc1 (${root}/Python/3.14.0-rc.1/x64/bin/python3).`,
    );
  });
});
