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

const composite = (dir: string) => readActionMetadata(dir).runs.using === "composite";

describe.each(all.filter(({ dir }) => !composite(dir)))(
  "actions/$name/action.yml",
  ({ name, dir, shipped }) => {
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
  },
);

describe.each(shipped.filter((name) => composite(path.join(repoRoot, "actions", name))))(
  "actions/%s/action.yml (composite)",
  (name) => {
    const { runs, inputs = {} } = readActionMetadata(path.join(repoRoot, "actions", name));
    const steps = runs.steps ?? [];

    test("each step is bash running a committed sibling bundle or a check, with inputs in underscore form", () => {
      for (const step of steps) {
        expect(step.shell).toBe("bash");
        const bundle = /^node "\$GITHUB_ACTION_PATH\/\.\.\/\.\.\/dist\/([\w-]+)\/index\.js"$/.exec(
          step.run?.trim() ?? "",
        );
        if (!bundle) continue;
        expect(existsSync(path.join(repoRoot, "dist", bundle[1], "index.js"))).toBe(true);
        const sibling = readActionMetadata(path.join(repoRoot, "actions", bundle[1]));
        for (const variable of Object.keys(step.env ?? {})) {
          const input = variable
            .replace(/^INPUT_/, "")
            .toLowerCase()
            .replace(/_/g, "-");
          expect([variable, input in (sibling.inputs ?? {})]).toEqual([variable, true]);
        }
      }
    });

    test("every input is used by a step, and every output comes from one", () => {
      const text = JSON.stringify(steps);
      for (const input of Object.keys(inputs)) expect(text).toContain(`inputs.${input}`);
      const ids = new Set(steps.map((step) => step.id).filter(Boolean));
      for (const [output, spec] of Object.entries(
        readActionMetadata(path.join(repoRoot, "actions", name)).outputs ?? {},
      )) {
        const from = /steps\.([\w-]+)\.outputs/.exec(spec.value ?? "");
        expect([output, from && ids.has(from[1])]).toEqual([output, true]);
      }
    });
  },
);

test("every action entry has an action.yml, so no bundle ships without metadata", () => {
  const entries = readdirSync(path.join(repoRoot, "actions")).filter((name) =>
    existsSync(path.join(repoRoot, "actions", name, "index.ts")),
  );
  const bundled = shipped.filter((name) => !composite(path.join(repoRoot, "actions", name)));
  expect(entries.sort()).toEqual(bundled.sort());
});
