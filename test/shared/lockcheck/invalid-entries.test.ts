import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, test } from "@jest/globals";
import { checkProject } from "../../../shared/lockcheck/index.js";
import { repoRoot } from "../../harness/runner.js";

// What setup-venv and audit refuse, lock-check reports as errors at the lock's line.
const fixture = (name: string) => path.join(repoRoot, "test/fixtures", name);

function check(source: string, lockfile: string, edit: (text: string) => string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pyship-invalid-"));
  cpSync(source, dir, { recursive: true });
  const file = path.join(dir, lockfile);
  const text = edit(readFileSync(file, "utf8"));
  writeFileSync(file, text);
  const report = checkProject({ workingDirectory: dir, workspace: dir }).find(
    (r) => r.lockfile === lockfile,
  );
  const lineOf = (needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;
  return { report, lineOf };
}

describe("lock-check validates locked versions and markers", () => {
  test("a version that is not PEP 440 is an error at its line, not up to date", () => {
    const { report, lineOf } = check(fixture("lock-check/uv-app"), "uv.lock", (t) =>
      t.replace('version = "8.1.7"', 'version = "banana"'),
    );
    expect(report?.drift).toBe(true);
    expect(report?.findings).toEqual([
      {
        severity: "error",
        code: "invalid-entry",
        lockfile: "uv.lock",
        package: "click",
        file: "uv.lock",
        line: lineOf('version = "banana"'),
        message: '"click": version "banana" is not a PEP 440 version',
        fix: "Run: uv lock",
      },
    ]);
  });

  test.each([
    [
      "on a dependency edge",
      (t: string) =>
        t.replace('marker = "sys_platform', "marker = \"python_version >>> '3' or sys_platform"),
    ],
    [
      "in the requirements uv recorded",
      (t: string) =>
        t.replace(
          `{ name = "click", marker = "sys_platform != 'win32'", specifier`,
          `{ name = "click", marker = "python_version >>> '3'", specifier`,
        ),
    ],
  ])("a marker that does not parse %s is an error, not a warning", (_, edit) => {
    const { report } = check(fixture("lock-check/uv-app"), "uv.lock", edit);
    expect(report?.findings).toEqual([
      expect.objectContaining({
        severity: "error",
        code: "invalid-entry",
        package: "demo-app",
        message: expect.stringMatching(/^"demo-app": unexpected '>' in marker/),
      }),
    ]);
    expect(report?.findings[0].line).toBeGreaterThan(1);
  });

  test("a poetry.lock whose content hash still matches is checked all the same", () => {
    const { report, lineOf } = check(fixture("lockfiles/resume-cli"), "poetry.lock", (t) =>
      t.replace(/^version = "[^"]+"/m, 'version = "banana"'),
    );
    expect(report?.findings).toEqual([
      expect.objectContaining({
        severity: "error",
        code: "invalid-entry",
        line: lineOf('version = "banana"'),
        fix: "Run: poetry lock --no-update",
      }),
    ]);
  });
});
