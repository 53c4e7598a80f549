import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@jest/globals";
import { auditedPackages, notInSelectedGroups } from "../../../shared/audit/packages.js";
import { scopeText } from "../../../shared/audit/summary.js";
import { readLock } from "../../../shared/lockfiles/index.js";
import { readManifest } from "../../../shared/project/manifest.js";
import { repoRoot } from "../../harness/runner.js";

const fixtures = path.join(repoRoot, "test/fixtures/audit");

test("a real pipenv 2026 Pipfile.lock with 'dev' in dependency_groups markers: all 101 audited", () => {
  const file = path.join(fixtures, "pipfile-group-markers/Pipfile.lock");
  const lock = readLock(file, "Pipfile.lock");
  const all = auditedPackages(lock, undefined, "all");
  expect([all.packages.length, all.locked, all.skipped]).toEqual([101, 101, []]);
  expect(scopeText(all)).toBe("101 of 101 locked packages audited");
  const main = auditedPackages(lock, undefined, ["default"]);
  expect(main.packages.length).toBe(10);
  expect(main.skipped.every((s) => s.reason === notInSelectedGroups)).toBe(true);
  expect(scopeText(main)).toMatch(
    /^10 of 101 locked packages audited; left out: 91 not in the selected groups \(`.*` and 81 more\)$/,
  );
});

test("a locked package no declared root reaches is audited and named", () => {
  const directory = mkdtempSync(path.join(os.tmpdir(), "pyship-scope-"));
  cpSync(path.join(fixtures, "uv"), directory, { recursive: true });
  const text = readFileSync(path.join(directory, "uv.lock"), "utf8");
  writeFileSync(
    path.join(directory, "uv.lock"),
    `${text}\n[[package]]\nname = "orphan"\nversion = "1.0"\nsource = { registry = "https://pypi.org/simple" }\n`,
  );
  const lock = readLock(path.join(directory, "uv.lock"), "uv.lock");
  const scope = auditedPackages(
    lock,
    readManifest(directory, (p) => p),
    "all",
  );
  expect(scope.packages.find((p) => p.key === "orphan")).toMatchObject({
    unreachable: true,
    groups: [],
  });
  expect(scope.packages.find((p) => p.key === "requests")?.unreachable).toBeUndefined();
  expect(scope.packages.length).toBe(scope.locked);
  expect(scopeText(scope)).toContain("not reachable from the manifest, audited anyway (`orphan`");
});

test("a virtual uv workspace root: every member and the root's groups, as uv sync there", () => {
  const directory = path.join(fixtures, "uv-virtual-workspace");
  const lock = readLock(path.join(directory, "uv.lock"), "uv.lock");
  const manifest = readManifest(directory, (p) => p);
  const names = (groups: "all" | string[]) =>
    auditedPackages(lock, manifest, groups)
      .packages.map((p) => `${p.key}:${p.groups.sort().join(",")}`)
      .sort();
  expect(names("all")).toEqual([
    "idna:main,test",
    "jinja2:dev",
    "markupsafe:dev",
    "requests:main",
    "urllib3:main",
  ]);
  const mainOnly = auditedPackages(lock, manifest, []);
  expect(scopeText(mainOnly)).toBe(
    "3 of 7 locked packages audited; left out: 1 from a virtual source, not an index (`app`); 2 not in the selected groups (`jinja2`, `markupsafe`); 1 from an editable source, not an index (`lib`)",
  );
});
