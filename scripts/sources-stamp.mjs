// The content stamp of the bundles' sources (dist/sources.sha256), which bundle.mjs writes and the test harness checks.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

/** The repository root: the folder above scripts/. */
export const repoRoot = path.dirname(import.meta.dirname);

/** The stamp's file name inside a dist folder. */
export const STAMP = "sources.sha256";

/** Files besides the modules that shape every bundle: the dependencies, compiler options, the bundler. */
const FIXED = ["package-lock.json", "tsconfig.json", "scripts/bundle.mjs"];

/** Every module specifier a TypeScript or JavaScript source imports or re-exports, dynamic imports included. */
export function importSpecifiers(text) {
  return ts.preProcessFile(text, true, true).importedFiles.map((file) => file.fileName);
}

/** The first-party file a relative specifier names (`./x.js` is `./x.ts` on disk), or undefined. */
export function resolveSpecifier(fromFile, specifier) {
  if (!specifier.startsWith(".")) return undefined;
  const target = path.resolve(path.dirname(fromFile), specifier);
  for (const candidate of [
    target.replace(/\.js$/, ".ts"),
    target.replace(/\.mjs$/, ".mts"),
    target,
  ]) {
    if (existsSync(candidate) && !candidate.includes(`${path.sep}node_modules${path.sep}`)) {
      return candidate;
    }
  }
  return undefined;
}

/** The entry points bundle.mjs builds from `source`: each `<name>/index.ts` and `<name>/post.ts`. */
export function bundleEntries(source) {
  const entries = [];
  for (const name of existsSync(source) ? readdirSync(source).sort() : []) {
    for (const [file, bundle] of [
      ["index.ts", name],
      ["post.ts", `${name}-post`],
    ]) {
      const entry = path.join(source, name, file);
      if (existsSync(entry)) entries.push({ entry, bundle });
    }
  }
  return entries;
}

/** The first-party modules the entries reach through their imports (type-only ones too), absolute and sorted. */
export function bundledModules(entries) {
  const seen = new Set();
  const pending = [...entries];
  while (pending.length > 0) {
    const file = pending.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    if (!/\.[cm]?[jt]s$/.test(file)) continue;
    for (const specifier of importSpecifiers(readFileSync(file, "utf8"))) {
      const target = resolveSpecifier(file, specifier);
      if (target && !seen.has(target)) pending.push(target);
    }
  }
  return [...seen].sort();
}

const sha256 = (file) => createHash("sha256").update(readFileSync(file)).digest("hex");
const relative = (root, file) => path.relative(root, file).split(path.sep).join("/");

/** The stamp for bundling `source`: `sha256sum` lines for its modules and the fixed files, paths from `root`. */
export function sourcesStamp(source, root = repoRoot) {
  const modules = bundledModules(bundleEntries(source).map((e) => e.entry));
  const tsconfig = path.join(source, "tsconfig.json");
  const files = [
    ...modules,
    ...FIXED.map((name) => path.join(root, name)),
    ...(existsSync(tsconfig) ? [tsconfig] : []),
  ].filter((file) => existsSync(file));
  const lines = [...new Set(files)]
    .map((file) => `${sha256(file)}  ${relative(root, file)}`)
    .sort((a, b) => (a.slice(66) < b.slice(66) ? -1 : 1));
  return `${lines.join("\n")}\n`;
}

/** The sources whose content differs from `distDir`'s stamp (changed or gone); undefined when it has no stamp. */
export function staleSources(distDir, root = repoRoot) {
  const stamp = path.join(distDir, STAMP);
  if (!existsSync(stamp)) return undefined;
  const stale = [];
  for (const line of readFileSync(stamp, "utf8").split("\n").filter(Boolean)) {
    const digest = line.slice(0, 64);
    const name = line.slice(66);
    const file = path.resolve(root, name);
    if (!existsSync(file)) stale.push(`${name} (deleted)`);
    else if (sha256(file) !== digest) stale.push(name);
  }
  return stale;
}

/** Throws, naming the changed sources, unless `distDir`'s bundles were built from today's sources. */
export function assertFreshBundles(distDir, root = repoRoot) {
  const stale = staleSources(distDir, root);
  const where = relative(root, distDir) || ".";
  if (stale === undefined) {
    throw new Error(`${where}/${STAMP} is missing: run npm run bundle`);
  }
  if (stale.length > 0) {
    throw new Error(
      `the bundles in ${where}/ are stale, their sources changed since: ${stale.join(", ")}; run npm run bundle`,
    );
  }
}
