import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "@jest/globals";
import { actionTables, codeTable } from "../../scripts/action-docs.js";
import { allChecks } from "../../shared/dists/checks.js";
import { repoRoot } from "../harness/runner.js";

const shipped = readdirSync(path.join(repoRoot, "actions")).filter((name) =>
  existsSync(path.join(repoRoot, "actions", name, "action.yml")),
);
const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
/** Snippets pin the full release version (tags are immutable; no floating @v1 is kept). */
const { version } = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8"));

describe.each(shipped)("the %s docs", (name) => {
  test("the README has a section with a usage snippet and tables that match action.yml", () => {
    expect(readme).toContain(`## ${name}`);
    expect(readme).toContain(`uses: <owner>/pyship/actions/${name}@v${version}`);
    expect(readme).toContain(actionTables(name));
  });

  test("the action's own README has the same tables", () => {
    const own = readFileSync(path.join(repoRoot, "actions", name, "README.md"), "utf8");
    expect(own).toContain(actionTables(name));
  });
});

test.each(shipped.filter((name) => codeTable(name)))(
  "%s's README lists every code it can report",
  (name) => {
    const own = readFileSync(path.join(repoRoot, "actions", name, "README.md"), "utf8");
    expect(own).toContain(codeTable(name));
  },
);

test("every error check cites a section of docs/pypi-upload-rules.md that names it", () => {
  const rules = readFileSync(path.join(repoRoot, "docs/pypi-upload-rules.md"), "utf8");
  for (const check of allChecks.filter((one) => one.severity === "error")) {
    expect([check.code, check.rule]).toEqual([check.code, expect.any(String)]);
    const section = rules.split(`\n## ${check.rule}\n`)[1]?.split("\n## ")[0] ?? "";
    expect([check.code, section]).toEqual([check.code, expect.stringContaining(check.code)]);
  }
});
