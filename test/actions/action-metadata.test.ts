import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "@jest/globals";
import { readActionMetadata, repoRoot } from "../harness/runner.js";

// Shipped actions point at committed bundles; the test fixture points at where its bundle goes.
const actionDirs = (root: string) =>
  readdirSync(root).filter((name) => existsSync(path.join(root, name, "action.yml")));
const shipped = actionDirs(path.join(repoRoot, "actions"));
const fixtures = path.join(repoRoot, "test/fixtures/actions");
const all = [
  ...shipped.map((name) => ({ name, dir: path.join(repoRoot, "actions", name), shipped: true })),
  ...actionDirs(fixtures).map((name) => ({ name, dir: path.join(fixtures, name), shipped: false })),
];

describe.each(all)("actions/$name/action.yml", ({ name, dir, shipped }) => {
  const { runs } = readActionMetadata(dir);

  test("runs on node24 from dist/<name>/index.js, and a post from dist/<name>-post/", () => {
    expect(runs.using).toBe("node24");
    expect(runs.main).toBe(`../../dist/${name}/index.js`);
    expect(existsSync(path.join(dir, "index.ts"))).toBe(true);
    if (runs.post !== undefined) {
      expect(runs.post).toBe(`../../dist/${name}-post/index.js`);
      expect(existsSync(path.join(dir, "post.ts"))).toBe(true);
    }
  });

  if (shipped) {
    test("its bundles are committed in dist/", () => {
      expect(existsSync(path.resolve(dir, runs.main))).toBe(true);
      if (runs.post) expect(existsSync(path.resolve(dir, runs.post))).toBe(true);
    });
  }
});

test("every action entry has an action.yml, so no bundle ships without metadata", () => {
  const entries = readdirSync(path.join(repoRoot, "actions")).filter((name) =>
    existsSync(path.join(repoRoot, "actions", name, "index.ts")),
  );
  expect(entries.sort()).toEqual(shipped.sort());
});
