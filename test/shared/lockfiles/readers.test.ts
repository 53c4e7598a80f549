import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "@jest/globals";
import { findLockfiles, type Lock, readLock } from "../../../shared/lockfiles/index.js";
import type { RequirementsLock } from "../../../shared/lockfiles/requirements.js";
import { repoRoot } from "../../harness/runner.js";

const fixtures = path.join(repoRoot, "test/fixtures/lockfiles");
const read = (relative: string) => readLock(path.join(fixtures, relative), relative);
const lineText = (lock: Lock, line: number) =>
  readFileSync(path.join(fixtures, lock.file), "utf8").split("\n")[line - 1];

describe("every format reads into one Lock model", () => {
  test("uv.lock", () => {
    const lock = read("uv-flask-example/uv.lock");
    expect(lock).toMatchObject({ format: "uv", lockVersion: "1", requiresPython: ">=3.11" });
    const click = lock.packages.find((p) => p.key === "click");
    expect(click).toMatchObject({ version: "8.1.7", source: { kind: "registry" } });
    expect(click?.dependencies).toEqual([
      { key: "colorama", marker: "platform_system == 'Windows'", extras: undefined },
    ]);
    expect(click?.files[0].hashes[0]).toMatch(/^sha256:/);
    expect(lineText(lock, click?.line ?? 0)).toBe('name = "click"');
    const root = lock.packages.find((p) => p.key === "uv-example-flask");
    expect(root?.source).toEqual({ kind: "virtual", path: "." });
  });

  test("poetry.lock", () => {
    const lock = read("resume-cli/poetry.lock");
    expect(lock).toMatchObject({
      format: "poetry",
      lockVersion: "2.0",
      generator: { tool: "poetry", version: "1.8.4" },
      contentHash: "79bf486d4c4806405d0da97db4a08f47a8fc7e71a5165bc3e04c284cd1344b39",
    });
    const flask = lock.packages.find((p) => p.key === "flask");
    expect(lineText(lock, flask?.line ?? 0)).toBe('name = "flask"');
  });

  test("pdm.lock, with a package locked twice (plain and with extras)", () => {
    const lock = read("gilded-rose-python/pdm.lock");
    expect(lock).toMatchObject({ format: "pdm", lockVersion: "4.4.1" });
    const coverage = lock.packages.filter((p) => p.key === "coverage");
    expect(coverage.map((p) => p.extras)).toEqual([[], ["toml"]]);
    expect(coverage[0].groups).toEqual(["dev"]);
  });

  test("Pipfile.lock", () => {
    const lock = read("gilded-rose-python/Pipfile.lock");
    expect(lock).toMatchObject({ format: "pipfile", lockVersion: "6" });
    const astroid = lock.packages.find((p) => p.key === "astroid");
    expect(astroid).toMatchObject({ version: "3.0.1", groups: ["develop"] });
    expect(lineText(lock, astroid?.line ?? 0)).toBe('        "astroid": {');
  });

  test("pip-compile requirements.txt, with its header, hashes and via annotations", () => {
    const lock = read(
      "vscode-python-tools-extension-template/requirements.txt",
    ) as RequirementsLock;
    expect(lock.header).toEqual({
      tool: "pip-compile",
      command: "pip-compile --generate-hashes ./requirements.in",
      line: 5,
    });
    const attrs = lock.packages.find((p) => p.key === "attrs");
    expect(attrs).toMatchObject({ version: "23.2.0", line: 7, via: ["cattrs", "lsprotocol"] });
    expect(attrs?.files[0].hashes).toHaveLength(2);
    expect(lock.packages.find((p) => p.key === "pygls")?.via).toEqual(["-r ./requirements.in"]);
    expect(lock.packages).toHaveLength(7);
  });

  test("findLockfiles lists them in a stable order", () => {
    expect(
      findLockfiles(path.join(fixtures, "gilded-rose-python")).map((f) => path.basename(f)),
    ).toEqual(["pdm.lock", "Pipfile.lock"]);
  });
});

describe("malformed lockfiles give located errors", () => {
  test("TOML", () => {
    expect(() => readLock("/dev/null/uv.lock", "uv.lock")).toThrow("uv.lock cannot be read");
  });
});
