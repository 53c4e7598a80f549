/**
 * diffLocks on locks today's tools write (the oracle chroot: Poetry, PDM, pipenv) against the
 * harness index: a base lock, then the head each tool writes over it after an upgrade (alpha 1.5 → 2.0),
 * an addition that pulls in a transitive package (omega → delta), a removal (gamma), and a rebuilt
 * beta 1.0 (same version, other file hashes), which only a tool that fetches hashes again records.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { directKeys } from "../../../shared/lockcheck/direct.js";
import { diffLocks, type LockDiff } from "../../../shared/lockfiles/diff.js";
import { parseLock } from "../../../shared/lockfiles/index.js";
import { parseTomlText } from "../../../shared/project/files.js";
import { manifestOf } from "../../../shared/project/pyproject.js";
import { type RunningIndex, startIndex } from "../../harness/index-server.js";
import { describeWithOracles, oracleName } from "../../harness/oracles.js";
import {
  lockWithPdm,
  lockWithPipenv,
  lockWithPoetry,
  makeToolHome,
  pdmSourceToml,
  pipfileSourceToml,
  poetrySourceToml,
  TOOL_TIMEOUT_MS,
  type ToolOptions,
} from "../../harness/python-tools.js";
import { buildPackages, type PackageSpec } from "../../harness/wheels.js";

const packages: PackageSpec[] = [
  { name: "alpha", version: "1.5" },
  { name: "alpha", version: "2.0" },
  { name: "beta", version: "1.0" },
  { name: "gamma", version: "1.0" },
  { name: "delta", version: "1.0" },
  { name: "omega", version: "1.0", dependencies: ["delta>=1.0"] },
];
const rebuiltBeta: PackageSpec = { name: "beta", version: "1.0", summary: "Rebuilt" };

interface Project {
  manifest: string;
  lockfile: string;
  /** The base manifest's dependency lines, and the head's. */
  text: (indexUrl: string, dependencies: string[]) => string;
  base: string[];
  head: string[];
  lock: (dir: string, indexUrl: string, options: ToolOptions) => Promise<unknown>;
}

const pep621 = (dependencies: string[], source: string) =>
  [
    "[project]",
    'name = "consumer"',
    'version = "0.1.0"',
    'requires-python = ">=3.9"',
    `dependencies = [${dependencies.map((d) => JSON.stringify(d)).join(", ")}]`,
    "",
    source,
  ].join("\n");

const projects: Record<"poetry" | "pdm" | "pipenv", Project> = {
  poetry: {
    manifest: "pyproject.toml",
    lockfile: "poetry.lock",
    text: (indexUrl, dependencies) =>
      pep621(dependencies, poetrySourceToml(indexUrl, "local", "current")),
    base: ["alpha<2", "beta", "gamma"],
    head: ["alpha>=2", "beta", "omega"],
    lock: lockWithPoetry,
  },
  pdm: {
    manifest: "pyproject.toml",
    lockfile: "pdm.lock",
    text: (indexUrl, dependencies) => pep621(dependencies, pdmSourceToml(indexUrl)),
    base: ["alpha<2", "beta", "gamma"],
    head: ["alpha>=2", "beta", "omega"],
    lock: lockWithPdm,
  },
  pipenv: {
    manifest: "Pipfile",
    lockfile: "Pipfile.lock",
    text: (indexUrl, dependencies) =>
      [
        pipfileSourceToml(indexUrl),
        "[packages]",
        ...dependencies.map((d) => {
          const [, name, spec] = /^([a-z]+)(.*)$/.exec(d) as RegExpExecArray;
          return `${name} = "${spec || "*"}"`;
        }),
        "",
      ].join("\n"),
    base: ["alpha<2", "beta", "gamma"],
    head: ["alpha>=2", "beta", "omega"],
    lock: lockWithPipenv,
  },
};

describeWithOracles("diffLocks on locks today's tools write", () => {
  let root: string;
  let index: RunningIndex;
  const diffs: Partial<Record<keyof typeof projects, LockDiff>> = {};

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), "pyship-lock-diff-"));
    const wheels = path.join(root, "packages");
    await buildPackages(packages, wheels);
    index = await startIndex({ directory: wheels });
    const home = makeToolHome(root);
    const bases = new Map<string, string>();
    const lockAll = (dependencies: "base" | "head", into: Map<string, string>) =>
      Promise.all(
        Object.entries(projects).map(async ([name, project]) => {
          const dir = path.join(root, dependencies, name);
          mkdirSync(dir, { recursive: true });
          const manifest = project.text(index.simpleUrl, project[dependencies]);
          writeFileSync(path.join(dir, project.manifest), manifest);
          // The head re-locks over the base lock, as a developer does.
          const base = bases.get(name);
          if (base) writeFileSync(path.join(dir, project.lockfile), base);
          await project.lock(dir, index.simpleUrl, { home, toolset: "current" });
          into.set(name, readFileSync(path.join(dir, project.lockfile), "utf8"));
        }),
      );
    await lockAll("base", bases);
    // beta 1.0 rebuilt on the index: same version, other file hashes.
    rmSync(path.join(wheels, "beta-1.0-py3-none-any.whl"));
    await buildPackages([rebuiltBeta], wheels);
    await index.refresh();
    const heads = new Map<string, string>();
    await lockAll("head", heads);
    for (const [name, project] of Object.entries(projects)) {
      const file = project.lockfile;
      const [base, head] = [bases, heads].map((texts) =>
        parseLock(texts.get(name) as string, file),
      );
      const manifestPath = path.join(root, "head", name, project.manifest);
      const text = readFileSync(manifestPath, "utf8");
      const manifest = manifestOf(parseTomlText(text, project.manifest), text, project.manifest);
      diffs[name as keyof typeof projects] = diffLocks(base, head, directKeys(head, manifest));
    }
  }, TOOL_TIMEOUT_MS);

  afterAll(async () => {
    await index?.close();
  });

  test.each(Object.keys(projects) as (keyof typeof projects)[])(
    "%s: the upgrade, the addition and what it pulled in, the removal",
    (name) => {
      const diff = diffs[name] as LockDiff;
      const summary = diff.changes.map((c) => [c.kind, c.key, c.from ?? null, c.to ?? null]);
      expect([oracleName(name), summary]).toEqual([
        oracleName(name),
        expect.arrayContaining([
          ["upgraded", "alpha", "1.5", "2.0"],
          ["added", "delta", null, "1.0"],
          ["removed", "gamma", "1.0", null],
          ["added", "omega", null, "1.0"],
        ]),
      ]);
      const delta = diff.changes.find((c) => c.key === "delta");
      expect(delta?.direct).toBe(false);
      // Pipfile.lock records no edges, so there it cannot say who pulled delta in.
      expect(delta?.pulledInBy).toEqual(name === "pipenv" ? [] : ["omega"]);
      expect(diff.changes.find((c) => c.key === "omega")?.direct).toBe(true);
    },
    TOOL_TIMEOUT_MS,
  );

  // Re-locking, Poetry and PDM keep an unchanged pin's recorded hashes; pipenv fetches them again.
  test("pipenv: the rebuilt beta 1.0 keeps its version with other hashes, flagged", () => {
    const beta = (diffs.pipenv as LockDiff).changes.find((c) => c.key === "beta");
    expect([oracleName("pipenv"), beta]).toEqual([
      oracleName("pipenv"),
      expect.objectContaining({ kind: "changed", from: "1.0", to: "1.0", hashesChanged: true }),
    ]);
  });

  test.each(["poetry", "pdm"] as const)(
    "%s: keeps beta 1.0's recorded hashes when it re-locks, so beta is unchanged",
    (name) => {
      const beta = (diffs[name] as LockDiff).changes.find((c) => c.key === "beta");
      expect([oracleName(name), beta]).toEqual([oracleName(name), undefined]);
    },
  );
});
