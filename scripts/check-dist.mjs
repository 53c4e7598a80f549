#!/usr/bin/env node
// Rebuilds dist/ and fails when it differs from what is committed (new, changed or deleted files).
// Arguments pass through to bundle.mjs (--source, --out).
import { execFileSync, spawnSync } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";

const args = process.argv.slice(2);
const { values } = parseArgs({
  args,
  options: { source: { type: "string" }, out: { type: "string" } },
});
const out = values.out ?? "dist";

const bundle = spawnSync(
  process.execPath,
  [path.join(import.meta.dirname, "bundle.mjs"), ...args],
  {
    stdio: "inherit",
  },
);
if (bundle.status !== 0) process.exit(bundle.status ?? 1);

const drift = execFileSync("git", ["status", "--porcelain", "--", out], { encoding: "utf8" });
if (drift.trim() !== "") {
  console.log(drift.trimEnd());
  console.log(
    `::error::check-dist: ${out}/ does not match the sources. Run 'npm run bundle' and commit ${out}/.`,
  );
  process.exitCode = 1;
} else {
  console.log(`check-dist: ${out}/ matches the sources`);
}
