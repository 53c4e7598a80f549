/** ARCHITECTURE.md's folder graph, enforced: every relative import in actions/, shared/, scripts/, bench/, demo/. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@jest/globals";
import { importSpecifiers } from "../scripts/sources-stamp.mjs";
import { repoRoot } from "./harness/runner.js";

// Which shared/ folder may import which (runtime at the bottom).
const shared: Record<string, string[]> = {
  runtime: [],
  project: ["runtime"],
  http: ["runtime"],
  digests: ["runtime"],
  lockfiles: ["project", "runtime"],
  python: ["project", "runtime"],
  workspace: ["github", "lockfiles", "project", "runtime"],
  dists: ["digests", "project", "runtime"],
  advisories: ["http", "project", "runtime"],
  audit: ["advisories", "lockfiles", "project", "runtime", "sigstore", "workspace"],
  cache: ["http", "python", "runtime"],
  venv: ["dists", "lockfiles", "project", "python", "runtime"],
  lockcheck: ["lockfiles", "project", "runtime", "workspace"],
  github: ["http", "runtime"],
  artifact: ["http", "runtime"],
  sigstore: ["http", "runtime"],
  publish: ["digests", "dists", "http", "project", "runtime", "sigstore"],
};

/** The node of the graph a file belongs to: `shared/<folder>`, `actions/<name>`, or a top folder. */
function node(file: string): string {
  const parts = path.relative(repoRoot, file).split(path.sep);
  return ["shared", "actions"].includes(parts[0]) ? parts.slice(0, 2).join("/") : parts[0];
}

/** Whether the written rules let `from` import `to`. */
function allowed(from: string, to: string): boolean {
  if (from === to) return true;
  const [top, name] = from.split("/");
  if (top === "shared") return to.startsWith("shared/") && shared[name].includes(to.slice(7));
  if (top === "actions") return to.startsWith("shared/");
  if (top === "scripts") return to.startsWith("shared/");
  if (top === "bench" || top === "demo") return to.startsWith("shared/") || to === "test";
  return false;
}

function sources(folder: string): string[] {
  const root = path.join(repoRoot, folder);
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter((name) => /\.(ts|mts|mjs|js)$/.test(name) && !name.includes("node_modules"))
    .map((name) => path.join(root, name));
}

/** Every first-party import edge: `file → target node`. */
function edges(): { file: string; from: string; to: string }[] {
  const found = [];
  for (const file of ["actions", "shared", "scripts", "bench", "demo"].flatMap(sources)) {
    for (const specifier of importSpecifiers(readFileSync(file, "utf8"))) {
      if (!specifier.startsWith(".")) continue;
      const target = path.resolve(path.dirname(file), specifier);
      found.push({ file: path.relative(repoRoot, file), from: node(file), to: node(target) });
    }
  }
  return found;
}

test("every import follows ARCHITECTURE.md's folder graph", () => {
  const all = edges();
  expect(all.length).toBeGreaterThan(100);
  const stray = all.filter((e) => !allowed(e.from, e.to)).map((e) => `${e.file} → ${e.to}`);
  expect(stray).toEqual([]);
});

test("the folders the rules name are the folders shared/ holds", () => {
  const folders = readdirSync(path.join(repoRoot, "shared"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  expect(folders.sort()).toEqual(Object.keys(shared).sort());
});

test("shared/'s folder graph has no cycle, in the rules or in the imports", () => {
  const graph = new Map(Object.entries(shared).map(([k, v]) => [k, new Set(v)]));
  for (const { from, to } of edges()) {
    if (from.startsWith("shared/") && to.startsWith("shared/") && from !== to) {
      graph.get(from.slice(7))?.add(to.slice(7));
    }
  }
  const cycles: string[] = [];
  const visit = (name: string, trail: string[]) => {
    if (trail.includes(name)) return cycles.push([...trail, name].join(" → "));
    for (const next of graph.get(name) ?? []) visit(next, [...trail, name]);
  };
  for (const name of graph.keys()) visit(name, []);
  expect(cycles).toEqual([]);
});

test("the known stray edges are against the rules", () => {
  expect(allowed("shared/audit", "shared/venv")).toBe(false);
  expect(allowed("shared/cache", "shared/venv")).toBe(false);
  expect(allowed("scripts", "test")).toBe(false);
  expect(allowed("shared/runtime", "shared/project")).toBe(false);
});
