/** PEP 440 / 508 / Poetry forms that used to reach users as a TypeError, through the bundled lock-check. */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, test } from "@jest/globals";
import { repoRoot, runAction } from "../harness/runner.js";

function workspaceWith(source: string, file: string, change: (text: string) => string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pyship-pep440-"));
  cpSync(source, dir, { recursive: true });
  const target = path.join(dir, file);
  writeFileSync(target, change(readFileSync(target, "utf8")));
  return dir;
}

const noCrash = (result: { stdout: string; stderr: string }) => {
  expect(`${result.stdout}${result.stderr}`).not.toMatch(/TypeError|is not a function|\n\s+at /);
};

describe("lock-check reads every PEP 440 / Poetry form it meets", () => {
  test("Poetry lock constraints `3.*` and a `||` union are read; the touching union equals the manifest's python", async () => {
    const workspace = workspaceWith(
      path.join(repoRoot, "test/fixtures/lockfiles/resume-cli"),
      "poetry.lock",
      (text) =>
        text
          .replace('colorama = {version = "*",', 'colorama = {version = "3.*",')
          .replace('blinker = ">=1.6.2"', 'blinker = ">=1.6.2,<1.7 || >=1.7.2"')
          .replace(
            'python-versions = ">=3.12,<4.0"\ncontent-hash',
            'python-versions = ">=3.12,<3.13 || >=3.13,<4.0"\ncontent-hash',
          ),
    );
    const result = await runAction({ action: "lock-check", workspace });
    noCrash(result);
    expect(result.annotations).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.outputs.drift).toBe("false");
  });

  test("a requires-python with a trailing comma and a `>= '3.6.*'` marker are read: no TypeError, no requires-python finding", async () => {
    const workspace = workspaceWith(
      path.join(repoRoot, "test/fixtures/lock-check/uv-app"),
      "pyproject.toml",
      (text) =>
        text
          .replace('requires-python = ">=3.11"', 'requires-python = ">=3.11,"')
          .replace(
            `"click>=8.0; sys_platform != 'win32'"`,
            `"click>=8.0; python_version >= '3.6.*'"`,
          ),
    );
    const result = await runAction({ action: "lock-check", workspace });
    noCrash(result);
    // `>=3.11,` is `>=3.11` (packaging skips the empty clause); the marker change is only a warning.
    expect(result.exitCode).toBe(0);
    expect(result.outputs.drift).toBe("false");
    expect(result.annotations.map(({ level, title, line }) => ({ level, title, line }))).toEqual([
      { level: "warning", title: "marker-changed", line: 8 },
    ]);
  });
});
