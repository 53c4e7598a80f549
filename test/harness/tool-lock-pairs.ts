/**
 * Lock pairs today's tools write (the oracle chroot: Poetry, PDM, pipenv) against a harness index:
 * a base lock, then the head each tool writes over it after an upgrade (alpha 1.5 → 2.0), an
 * addition that pulls in a transitive package (omega → delta), a removal (gamma), and a rebuilt
 * beta 1.0 (same version, other file hashes), which only a tool that fetches hashes again records.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type RunningIndex, startIndex } from "./index-server.js";
import {
  lockWithPdm,
  lockWithPipenv,
  lockWithPoetry,
  makeToolHome,
  pdmSourceToml,
  pipfileSourceToml,
  poetrySourceToml,
  type ToolOptions,
} from "./python-tools.js";
import { buildPackages, type PackageSpec } from "./wheels.js";

const packages: PackageSpec[] = [
  { name: "alpha", version: "1.5" },
  { name: "alpha", version: "2.0" },
  { name: "beta", version: "1.0" },
  { name: "gamma", version: "1.0" },
  { name: "delta", version: "1.0" },
  { name: "omega", version: "1.0", dependencies: ["delta>=1.0"] },
];
const rebuiltBeta: PackageSpec = { name: "beta", version: "1.0", summary: "Rebuilt" };

export interface Project {
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

export const projects: Record<"poetry" | "pdm" | "pipenv", Project> = {
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

export type LockTool = keyof typeof projects;

/** One tool's project at the base and at the head: its manifest's and lockfile's texts. */
export interface ToolLockPair {
  manifest: string;
  lockfile: string;
  base: { manifest: string; lock: string };
  head: { manifest: string; lock: string };
}

/** Every tool's base and head, locked under `root` against an index it starts (close it after). */
export async function writeToolLockPairs(
  root: string,
): Promise<{ index: RunningIndex; pairs: Record<LockTool, ToolLockPair> }> {
  const wheels = path.join(root, "packages");
  await buildPackages(packages, wheels);
  const index = await startIndex({ directory: wheels });
  const home = makeToolHome(root);
  const texts = { base: new Map<string, string[]>(), head: new Map<string, string[]>() };
  const lockAll = (side: "base" | "head") =>
    Promise.all(
      Object.entries(projects).map(async ([name, project]) => {
        const dir = path.join(root, side, name);
        mkdirSync(dir, { recursive: true });
        const manifest = project.text(index.simpleUrl, project[side]);
        writeFileSync(path.join(dir, project.manifest), manifest);
        // The head re-locks over the base lock, as a developer does.
        const base = texts.base.get(name);
        if (base) writeFileSync(path.join(dir, project.lockfile), base[1]);
        await project.lock(dir, index.simpleUrl, { home, toolset: "current" });
        texts[side].set(name, [manifest, readFileSync(path.join(dir, project.lockfile), "utf8")]);
      }),
    );
  await lockAll("base");
  // beta 1.0 rebuilt on the index: same version, other file hashes.
  rmSync(path.join(wheels, "beta-1.0-py3-none-any.whl"));
  await buildPackages([rebuiltBeta], wheels);
  await index.refresh();
  await lockAll("head");
  const pairs = Object.fromEntries(
    Object.entries(projects).map(([name, project]) => {
      const [baseManifest, baseLock] = texts.base.get(name) as string[];
      const [headManifest, headLock] = texts.head.get(name) as string[];
      return [
        name,
        {
          manifest: project.manifest,
          lockfile: project.lockfile,
          base: { manifest: baseManifest, lock: baseLock },
          head: { manifest: headManifest, lock: headLock },
        },
      ];
    }),
  ) as Record<LockTool, ToolLockPair>;
  return { index, pairs };
}
