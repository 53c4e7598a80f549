/** An action's action.yml, and where the repository's actions live. */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { assertFreshBundles } from "../../scripts/sources-stamp.mjs";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export interface CompositeStep {
  id?: string;
  name?: string;
  if?: string | boolean;
  shell?: string;
  env?: Record<string, string>;
  run?: string;
  uses?: string;
}

export interface ActionMetadata {
  inputs?: Record<string, { default?: string; required?: boolean }>;
  outputs?: Record<string, { description?: string; value?: string }>;
  runs: {
    using: string;
    main: string;
    post?: string;
    "post-if"?: string;
    steps?: CompositeStep[];
  };
}

export function actionDirectory(action: string): string {
  return action.includes("/") ? path.resolve(action) : path.join(repoRoot, "actions", action);
}

export function readActionMetadata(directory: string): ActionMetadata {
  return parseYaml(readFileSync(path.join(directory, "action.yml"), "utf8")) as ActionMetadata;
}

const checkedDists = new Set<string>();

/** Throws once per process and dist folder when its bundles are older than their sources. */
export function assertFreshDist(distDir: string): void {
  if (checkedDists.has(distDir)) return;
  assertFreshBundles(distDir);
  checkedDists.add(distDir);
}

/** A bundle the action.yml names, which must have been built from today's sources. */
export function bundleEntry(directory: string, entry: string): string {
  const file = path.resolve(directory, entry);
  if (!existsSync(file)) throw new Error(`bundle not found: ${file} (run npm run bundle)`);
  assertFreshDist(path.dirname(path.dirname(file)));
  return file;
}
