/** dist/sources.sha256: the stamp that keeps the dist tests off bundles older than their sources. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@jest/globals";
import {
  assertFreshBundles,
  bundledModules,
  bundleEntries,
  sourcesStamp,
  staleSources,
} from "../../scripts/sources-stamp.mjs";
import { repoRoot } from "../harness/runner.js";

/** A copy of the files the stamp covers, with the committed dist/sources.sha256. */
function copyOfSources(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "pyship-stamp-"));
  for (const name of [
    "actions",
    "shared",
    "package-lock.json",
    "tsconfig.json",
    "scripts/bundle.mjs",
  ]) {
    cpSync(path.join(repoRoot, name), path.join(root, name), { recursive: true });
  }
  cpSync(path.join(repoRoot, "dist/sources.sha256"), path.join(root, "dist/sources.sha256"));
  return root;
}

test("the committed stamp matches today's sources (else: npm run bundle)", () => {
  expect(readFileSync(path.join(repoRoot, "dist/sources.sha256"), "utf8")).toBe(
    sourcesStamp(path.join(repoRoot, "actions")),
  );
  expect(() => assertFreshBundles(path.join(repoRoot, "dist"))).not.toThrow();
});

test("the import walk reaches shared modules, dynamic imports included", () => {
  const modules = bundledModules(bundleEntries(path.join(repoRoot, "actions")).map((e) => e.entry));
  const names = modules.map((file) => path.relative(repoRoot, file));
  expect(names).toContain("shared/runtime/inputs.ts");
  expect(names).toContain("shared/cache/venv-store.ts");
  expect(names.every((name) => !name.includes("node_modules"))).toBe(true);
});

test("a changed or deleted source makes the check fail, naming it and npm run bundle", () => {
  const root = copyOfSources();
  const dist = path.join(root, "dist");
  expect(staleSources(dist, root)).toEqual([]);
  const inputs = path.join(root, "shared/runtime/inputs.ts");
  writeFileSync(inputs, `${readFileSync(inputs, "utf8")}\n// changed\n`);
  rmSync(path.join(root, "package-lock.json"));
  expect(staleSources(dist, root)).toEqual([
    "package-lock.json (deleted)",
    "shared/runtime/inputs.ts",
  ]);
  expect(() => assertFreshBundles(dist, root)).toThrow(
    "the bundles in dist/ are stale, their sources changed since: package-lock.json (deleted), shared/runtime/inputs.ts; run npm run bundle",
  );
  rmSync(root, { recursive: true, force: true });
});

test("a dist folder without a stamp fails with the same advice", () => {
  const root = mkdtempSync(path.join(os.tmpdir(), "pyship-stamp-"));
  expect(() => assertFreshBundles(path.join(root, "dist"), root)).toThrow(
    "dist/sources.sha256 is missing: run npm run bundle",
  );
  rmSync(root, { recursive: true, force: true });
});
