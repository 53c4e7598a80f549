/** Rewrites the README tables from action.yml and the checks: `npx tsx scripts/update-doc-tables.ts`. */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { actionTables, codeTable } from "./action-docs.js";
import { repoRoot } from "./sources-stamp.mjs";

/** Replaces the run of table lines that starts at `header` (and the outputs table after it). */
function replaceTable(text: string, header: string, table: string): string {
  const start = text.indexOf(header);
  if (start < 0) return text;
  const lines = text.slice(start).split("\n");
  let end = 0;
  const tables = table.split("\n\n").length;
  for (let seen = 0; seen < tables; seen++) {
    while (end < lines.length && !lines[end].startsWith("|")) end++;
    while (end < lines.length && lines[end].startsWith("|")) end++;
  }
  return text.slice(0, start) + table + text.slice(start + lines.slice(0, end).join("\n").length);
}

/** A table's first two header cells, such as `| code | severity |`, which find it in a README. */
const firstCells = (table: string) =>
  `| ${table
    .split("\n")[0]
    .split("|")
    .slice(1, 3)
    .map((cell) => cell.trim())
    .join(" | ")} |`;

const names = readdirSync(path.join(repoRoot, "actions")).filter((name) =>
  existsSync(path.join(repoRoot, "actions", name, "action.yml")),
);
const readmePath = path.join(repoRoot, "README.md");
let readme = readFileSync(readmePath, "utf8");
for (const name of names) {
  const tables = actionTables(name);
  const section = readme.indexOf(`## ${name}`);
  if (section >= 0) {
    const head = readme.slice(0, section);
    readme = head + replaceTable(readme.slice(section), "| input | default |", tables);
  }
  const own = path.join(repoRoot, "actions", name, "README.md");
  let text = replaceTable(readFileSync(own, "utf8"), "| input | default |", tables);
  const codes = codeTable(name);
  if (codes) text = replaceTable(text, firstCells(codes), codes);
  writeFileSync(own, text);
}
writeFileSync(readmePath, readme);
