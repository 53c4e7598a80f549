/** Every dist/<name>/licenses.txt names every third-party package its bundle and chunks hold. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "@jest/globals";
import { assertFreshDist } from "../harness/action-metadata.js";
import { repoRoot } from "../harness/runner.js";

const dist = path.join(repoRoot, "dist");
const bundles = readdirSync(dist).filter((name) => existsSync(path.join(dist, name, "index.js")));

/** Package names from `node_modules/<pkg>/` paths left in the bundle's code (module comments, requires). */
function referencedPackages(directory: string): Set<string> {
  const names = new Set<string>();
  for (const file of readdirSync(directory).filter((f) => f.endsWith(".js"))) {
    const text = readFileSync(path.join(directory, file), "utf8");
    for (const match of text.matchAll(/node_modules\/((?:@[\w.-]+\/)?[\w.-]+)\//g)) {
      names.add(match[1]);
    }
  }
  names.delete("@vercel/ncc"); // ncc's own runtime paths, not a bundled package
  return names;
}

/** The package names licenses.txt lists: the first line of each entry. */
function listedPackages(directory: string): Set<string> {
  const text = readFileSync(path.join(directory, "licenses.txt"), "utf8");
  const entries = text.split(/\n\n(?=[@\w][\w./@-]*\n)/);
  return new Set(entries.map((entry) => entry.split("\n")[0]));
}

describe("licenses.txt lists every bundled package", () => {
  test("there are bundles to check, built from today's sources", () => {
    assertFreshDist(dist);
    expect(bundles.length).toBeGreaterThan(3);
  });

  test.each(bundles)("dist/%s", (bundle) => {
    const directory = path.join(dist, bundle);
    const listed = listedPackages(directory);
    const missing = [...referencedPackages(directory)].filter((name) => !listed.has(name));
    expect(missing).toEqual([]);
  });

  test("the code-split build-dist bundle lists its chunks' packages too", () => {
    const listed = listedPackages(path.join(dist, "build-dist"));
    for (const name of ["@azure/storage-blob", "@octokit/core", "fast-xml-parser", "yauzl"]) {
      expect([name, listed.has(name)]).toEqual([name, true]);
    }
  });
});
