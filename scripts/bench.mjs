#!/usr/bin/env node
// `npm run bench`: runs every bench/<name>/index.ts. Each reports ratios against a peer
// measured in the same run; benchmarks never run in the test suite.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";

const only = process.argv.slice(2);
const root = path.join(import.meta.dirname, "..", "bench");
const benches = readdirSync(root)
  .filter((name) => existsSync(path.join(root, name, "index.ts")))
  .filter((name) => only.length === 0 || only.includes(name));

if (benches.length === 0) console.log("bench: no benchmark has landed yet.");
for (const name of benches) {
  console.log(`\n## bench/${name}`);
  const tsx = path.join(import.meta.dirname, "..", "node_modules", ".bin", "tsx");
  const result = spawnSync(tsx, [path.join(root, name, "index.ts")], { stdio: "inherit" });
  if (result.status !== 0) process.exitCode = 1;
}
