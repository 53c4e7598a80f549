/**
 * `npm run demo`: runs each landed action's dist bundle through the test harness on
 * examples/, and prints its job summary. Grows as actions land.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type ActionResult, repoRoot, runAction } from "../test/harness/runner.js";

const example = path.join(repoRoot, "examples/hello-pyship");

/** A scratch copy of the example project, so the demo never touches the repository. */
function exampleCopy(edit?: (dir: string) => void): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pyship-demo-"));
  cpSync(example, dir, { recursive: true });
  edit?.(dir);
  return dir;
}

function show(title: string, result: ActionResult): void {
  const rule = "─".repeat(72);
  console.log(`\n${rule}\n${title}  (exit code ${result.exitCode})\n${rule}`);
  for (const a of result.annotations) {
    const where = a.file ? ` ${a.file}${a.line ? `:${a.line}` : ""}` : "";
    console.log(`${a.level}${where}: ${a.message}`);
  }
  console.log(result.summary.trim() || "(no job summary)");
}

type Demo = () => Promise<void>;

/** One entry per landed action, keyed by its folder name under actions/. */
const demos: Record<string, Demo> = {
  async "lock-check"() {
    show(
      "lock-check on examples/hello-pyship (clean)",
      await runAction({ action: "lock-check", workspace: exampleCopy() }),
    );
    const drifted = exampleCopy((dir) => {
      const file = path.join(dir, "pyproject.toml");
      writeFileSync(
        file,
        readFileSync(file, "utf8").replace(
          "dependencies = []",
          'dependencies = ["requests>=2.32"]',
        ),
      );
    });
    show(
      'lock-check on a copy that added "requests>=2.32" without re-locking',
      await runAction({ action: "lock-check", workspace: drifted }),
    );
  },
};

const landed = readdirSync(path.join(repoRoot, "actions"))
  .filter((name) => existsSync(path.join(repoRoot, "actions", name, "action.yml")))
  .sort();

if (landed.length === 0) {
  console.log("pyship demo: no action has landed yet, so there is nothing to run.");
} else {
  for (const name of landed) {
    const demo = demos[name];
    if (demo) await demo();
    else console.log(`pyship demo: ${name} has no demo yet.`);
  }
}
