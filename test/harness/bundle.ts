/** Bundles action sources with the project's own bundle script, for tests that need fresh bundles. */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "./runner.js";

/**
 * Bundles every action under `source` into `<tmp>/dist` and copies the action.yml files to
 * `<tmp>/actions/<name>/`, so their `../../dist/...` paths resolve as in the repository.
 * Returns the temporary root.
 */
export async function bundleActions(source: string): Promise<string> {
  const root = mkdtempSync(path.join(os.tmpdir(), "pyship-bundle-"));
  await promisify(execFile)(
    process.execPath,
    [
      path.join(repoRoot, "scripts/bundle.mjs"),
      "--source",
      source,
      "--out",
      path.join(root, "dist"),
    ],
    { cwd: repoRoot },
  );
  for (const name of readdirSync(source)) {
    const from = path.join(source, name, "action.yml");
    if (existsSync(from)) cpSync(from, path.join(root, "actions", name, "action.yml"));
  }
  return root;
}
