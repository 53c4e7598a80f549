import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, test } from "@jest/globals";
import { checkProject } from "../../../shared/lockcheck/index.js";
import { repoRoot } from "../../harness/runner.js";

// Hand-written uv.lock cases (uv is not installable here), after uv's documented format.
const base = path.join(repoRoot, "test/fixtures/lock-check/uv-app");

function check(mutate: (pyproject: string) => string, mutateLock = (lock: string) => lock) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pyship-uv-"));
  cpSync(base, dir, { recursive: true });
  const pyprojectPath = path.join(dir, "pyproject.toml");
  const pyproject = mutate(readFileSync(pyprojectPath, "utf8"));
  writeFileSync(pyprojectPath, pyproject);
  writeFileSync(
    path.join(dir, "uv.lock"),
    mutateLock(readFileSync(path.join(dir, "uv.lock"), "utf8")),
  );
  const [report] = checkProject({ workingDirectory: dir, workspace: dir });
  const lineOf = (needle: string) => pyproject.split("\n").findIndex((l) => l.includes(needle)) + 1;
  return { report, lineOf, errors: report.findings.filter((f) => f.severity === "error") };
}

describe("uv.lock against pyproject.toml", () => {
  test("the base project is up to date", () => {
    expect(check((p) => p).report.findings).toEqual([]);
  });

  test.each([
    [
      "specifiers compare as sets",
      (p: string) => p.replace('"requests>=2.31"', '"requests>=2.31.0"'),
    ],
    [
      "markers compare normalized",
      (p: string) => p.replace("sys_platform != 'win32'", "sys_platform!='win32'"),
    ],
    ["requires-python compares as a range", (p: string) => p.replace('">=3.11"', '">=3.11.0"')],
    ["a description change is no drift", (p: string) => p.replace("A hand-written", "A")],
  ])("%s", (_, mutate) => {
    expect(check(mutate).report.findings).toEqual([]);
  });

  test("a tightened constraint names the package, the line, both sides and the fix", () => {
    const { errors, lineOf } = check((p) => p.replace('"requests>=2.31"', '"requests>=2.32.4"'));
    expect(errors).toEqual([
      expect.objectContaining({
        code: "specifier-changed",
        package: "requests",
        file: "pyproject.toml",
        line: lineOf('"requests>=2.32.4"'),
        declared: ">=2.32.4",
        locked: "2.32.3",
        message:
          "requests: pyproject.toml asks for >=2.32.4, uv.lock has 2.32.3 (locked for >=2.31).",
        fix: "Run: uv lock",
      }),
    ]);
  });

  test("an added dependency is not locked", () => {
    const { errors, lineOf } = check((p) =>
      p.replace('    "requests>=2.31",', '    "requests>=2.31",\n    "httpx>=0.27",'),
    );
    expect(errors).toEqual([
      expect.objectContaining({
        code: "not-locked",
        package: "httpx",
        line: lineOf('"httpx>=0.27"'),
      }),
    ]);
  });

  test("a removed dependency is reported at its line in the lock", () => {
    const { errors, report } = check((p) => p.replace('    "requests>=2.31",\n', ""));
    const lockLines = report.lock?.text.split("\n") ?? [];
    const line =
      lockLines.findIndex((l) => l.includes('{ name = "requests", specifier = ">=2.31" }')) + 1;
    expect(errors).toEqual([
      expect.objectContaining({ code: "not-declared", package: "requests", file: "uv.lock", line }),
    ]);
  });

  test("requires-python", () => {
    const { errors, lineOf } = check((p) =>
      p.replace('requires-python = ">=3.11"', 'requires-python = ">=3.12"'),
    );
    expect(errors).toEqual([
      expect.objectContaining({
        code: "requires-python",
        declared: ">=3.12",
        locked: ">=3.11",
        line: lineOf("requires-python"),
      }),
    ]);
  });

  test("~=3.11.0 and ==3.11.* are the same range", () => {
    const { report } = check(
      (p) => p.replace('requires-python = ">=3.11"', 'requires-python = "~=3.11.0"'),
      (l) => l.replace('requires-python = ">=3.11"', 'requires-python = "==3.11.*"'),
    );
    expect(report.findings).toEqual([]);
  });

  test("a new dependency group", () => {
    const { errors } = check((p) =>
      p.replace('lint = ["ruff>=0.5"]', 'lint = ["ruff>=0.5"]\ndocs = ["mkdocs>=1.6"]'),
    );
    expect(errors).toEqual([expect.objectContaining({ code: "not-locked", package: "mkdocs" })]);
    expect(errors[0].message).toContain("(group docs)");
  });

  test("a group that includes another is flattened", () => {
    const { errors } = check((p) => p.replace('lint = ["ruff>=0.5"]', 'lint = ["ruff>=0.6"]'));
    expect(errors.map((e) => [e.code, e.package])).toEqual([
      ["specifier-changed", "ruff"],
      ["specifier-changed", "ruff"],
    ]);
  });

  test("a new extra", () => {
    const { errors } = check((p) =>
      p.replace('cli = ["rich>=13"]', 'cli = ["rich>=13"]\nyaml = ["pyyaml>=6"]'),
    );
    expect(errors.map((e) => e.code).sort()).toEqual(["extras", "not-locked"]);
  });

  test("a changed source", () => {
    const { errors } = check(
      (p) =>
        `${p}\n[tool.uv.sources]\nrequests = { git = "https://github.com/psf/requests", tag = "v2.32.3" }\n`,
    );
    expect(errors).toEqual([
      expect.objectContaining({
        code: "source-changed",
        package: "requests",
        declared: "git https://github.com/psf/requests@v2.32.3",
        locked: "the index",
      }),
    ]);
  });

  test("a new project version", () => {
    const { errors } = check((p) => p.replace('version = "0.1.0"', 'version = "0.2.0"'));
    expect(errors).toEqual([
      expect.objectContaining({ code: "version", declared: "0.2.0", locked: "0.1.0" }),
    ]);
  });

  test("a dynamic version is not compared", () => {
    const { report } = check((p) => p.replace('version = "0.1.0"', 'dynamic = ["version"]'));
    expect(report.findings).toEqual([]);
  });

  test("a marker that only might differ is a warning, not drift", () => {
    const { report } = check((p) => p.replace("sys_platform != 'win32'", "os_name != 'nt'"));
    expect(report.drift).toBe(false);
    expect(report.findings).toEqual([
      expect.objectContaining({ severity: "warning", code: "marker-changed" }),
    ]);
  });

  test("a lock version newer than known warns and checks anyway", () => {
    const { report } = check(
      (p) => p,
      (l) => l.replace("version = 1\n", "version = 2\n"),
    );
    expect(report.findings).toEqual([
      expect.objectContaining({ severity: "warning", code: "unknown-lock-version" }),
    ]);
  });

  test("constraint-dependencies against the manifest", () => {
    const { errors } = check((p) => `${p}\n[tool.uv]\nconstraint-dependencies = ["urllib3<2"]\n`);
    expect(errors).toEqual([expect.objectContaining({ code: "manifest-constraints" })]);
  });
});
