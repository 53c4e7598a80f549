/**
 * `npm run demo`: runs each landed action's dist bundle through the test harness on
 * examples/, and prints its job summary. Grows as actions land.
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "../test/harness/runner.js";

type Demo = () => Promise<void>;

/** One entry per landed action, keyed by its folder name under actions/. */
const demos: Record<string, Demo> = {};

const landed = readdirSync(path.join(repoRoot, "actions"))
  .filter((name) => existsSync(path.join(repoRoot, "actions", name, "action.yml")))
  .sort();

if (landed.length === 0) {
  console.log("pyship demo: no action has landed yet, so there is nothing to run.");
  console.log("Each action adds its demo here when it lands (see the issues).");
} else {
  for (const name of landed) {
    const demo = demos[name];
    if (demo) await demo();
    else console.log(`pyship demo: ${name} has no demo yet.`);
  }
}
