/** Prints an action's README tables from its action.yml: `npx tsx scripts/action-tables.ts <name>`. */
import { actionTables, checksTable } from "./action-docs.js";

const name = process.argv[2];
if (!name) {
  console.error("usage: npx tsx scripts/action-tables.ts <action>");
  process.exitCode = 1;
} else {
  console.log(actionTables(name));
  if (name === "build-dist") {
    const { allChecks } = await import("../shared/dists/checks.js");
    console.log(`\n${checksTable(allChecks)}`);
  }
}
