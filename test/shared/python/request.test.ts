import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "@jest/globals";
import { readVersionRequest, requestSpecifier } from "../../../shared/python/request.js";
import { ConfigurationError } from "../../../shared/runtime/errors.js";

const projects: string[] = [];
afterAll(() => {
  for (const dir of projects) rmSync(dir, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pyship-python-request-"));
  projects.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

function failure(run: () => unknown): ConfigurationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error("expected a ConfigurationError");
}

describe("requestSpecifier", () => {
  test.each([
    ["3.12", "==3.12.*"],
    ["3.12.x", "==3.12.*"],
    ["3", "==3.*"],
    ["3.12.4", "==3.12.4"],
    ["3.13.0rc1", "==3.13.0rc1"],
    [">=3.10,<3.13", ">=3.10,<3.13"],
    ["~=3.11.0", "~=3.11.0"],
    [" >= 3.10 ", ">= 3.10"],
  ])("%s is %s", (request, specifier) => {
    expect(requestSpecifier(request)).toBe(specifier);
  });

  test.each(["latest", "3.12-dev", "pypy3.10", "3.12.4.5", ">=3.1O", "3.x.y", "", "3.12 3.11"])(
    "'%s' is not a request",
    (request) => {
      expect(requestSpecifier(request)).toBeUndefined();
    },
  );
});

describe("readVersionRequest", () => {
  const empty = project({});

  test("input python-version comes first", () => {
    const dir = project({ ".python-version": "3.10\n" });
    expect(
      readVersionRequest({ pythonVersion: " 3.12 ", workingDirectory: dir, requiresPython: ">=3" }),
    ).toEqual({ request: "3.12", from: "input 'python-version'" });
  });

  test.each(["latest", "3.12-dev", ">=3.1O"])("a bad python-version names the input: %s", (bad) => {
    const error = failure(() =>
      readVersionRequest({ pythonVersion: bad, workingDirectory: empty }),
    );
    expect(error.message).toBe(
      `input 'python-version' is not a Python version or range: '${bad}'. ` +
        "Use a version like 3.12 or 3.12.4, or a range like >=3.10,<3.13.",
    );
  });

  test("both inputs are an error", () => {
    const run = () =>
      readVersionRequest({
        pythonVersion: "3.12",
        pythonVersionFile: "x",
        workingDirectory: empty,
      });
    expect(failure(run).message).toMatch(/'python-version' or 'python-version-file', not both/);
  });

  test(".python-version: the first version, after comments and blank lines", () => {
    const dir = project({ ".python-version": "# pinned for CI\n\n3.11.7  # patch\n3.12\n" });
    expect(readVersionRequest({ workingDirectory: dir, requiresPython: ">=3.12" })).toEqual({
      request: "3.11.7",
      from: ".python-version line 3",
      location: { file: ".python-version", line: 3 },
    });
  });

  test(".python-version 'system' means python3 on PATH", () => {
    const dir = project({ ".python-version": "system\n" });
    const request = readVersionRequest({ workingDirectory: dir });
    expect(request.request).toBeUndefined();
    expect(request.from).toMatch(/^\.python-version line 1/);
  });

  test("a bad .python-version is located", () => {
    const dir = project({ ".python-version": "# comment\npypy3.10-7.3.12\n" });
    const error = failure(() => readVersionRequest({ workingDirectory: dir }));
    expect(error.message).toMatch(/^\.python-version line 2 is not a Python version or range/);
    expect(error.location).toEqual({ file: ".python-version", line: 2 });
  });

  test("an empty .python-version is an error", () => {
    const dir = project({ ".python-version": "# nothing\n" });
    expect(failure(() => readVersionRequest({ workingDirectory: dir })).message).toBe(
      ".python-version has no Python version",
    );
  });

  test("python-version-file: .tool-versions", () => {
    const dir = project({ ".tool-versions": "nodejs 20.11.0\npython 3.12.1 3.11.7\n" });
    expect(
      readVersionRequest({ pythonVersionFile: ".tool-versions", workingDirectory: dir }),
    ).toEqual({
      request: "3.12.1",
      from: ".tool-versions line 2",
      location: { file: ".tool-versions", line: 2 },
    });
  });

  test("python-version-file: .tool-versions without python", () => {
    const dir = project({ ".tool-versions": "nodejs 20.11.0\n" });
    const run = () =>
      readVersionRequest({ pythonVersionFile: ".tool-versions", workingDirectory: dir });
    expect(failure(run).message).toBe(".tool-versions has no python line with a version");
  });

  test("python-version-file: pyproject.toml's requires-python", () => {
    const dir = project({
      "pyproject.toml": '[project]\nname = "demo"\nrequires-python = ">=3.10,<3.13"\n',
    });
    expect(
      readVersionRequest({ pythonVersionFile: "pyproject.toml", workingDirectory: dir }),
    ).toEqual({
      request: ">=3.10,<3.13",
      from: "requires-python in pyproject.toml",
      location: { file: "pyproject.toml", line: 3 },
    });
  });

  test("python-version-file: pyproject.toml without requires-python", () => {
    const dir = project({ "pyproject.toml": '[project]\nname = "demo"\n' });
    const run = () =>
      readVersionRequest({ pythonVersionFile: "pyproject.toml", workingDirectory: dir });
    expect(failure(run).message).toBe("pyproject.toml has no project.requires-python");
  });

  test("python-version-file: a missing file", () => {
    const run = () =>
      readVersionRequest({ pythonVersionFile: "config/.python-version", workingDirectory: empty });
    expect(failure(run).message).toBe("config/.python-version does not exist");
  });

  test("requires-python when there is no .python-version", () => {
    expect(readVersionRequest({ workingDirectory: empty, requiresPython: ">=3.10" })).toEqual({
      request: ">=3.10",
      from: "requires-python in pyproject.toml",
    });
  });

  test("a bad requires-python is named", () => {
    const run = () => readVersionRequest({ workingDirectory: empty, requiresPython: ">=three" });
    expect(failure(run).message).toMatch(/^requires-python in pyproject.toml is not a Python/);
  });

  test("nothing at all means python3 on PATH", () => {
    expect(readVersionRequest({ workingDirectory: empty, requiresPython: " " })).toEqual({
      from: "python3 on PATH",
    });
  });
});
