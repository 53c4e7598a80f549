/**
 * bench/audit: the offline audit of a 1,000-package requirements.txt against an OSV all.zip of
 * ~20,800 advisories (both generated, seeded, from the real advisories' shapes: generate.ts),
 * against a parse-only pass over the same zip measured in the same run:
 * - audit: readLock → auditedPackages (no manifest, every group) → loadAdvisoryDb → runAudit;
 * - parse-only (the peer): the same zip reading (yauzl, each member inflated) and JSON.parse of
 *   every member, with no validation, indexing or evaluation.
 * Both run as child processes of one ncc bundle of audit-child.ts, as the action ships (no tsx
 * start-up; like `npm run bundle`, ncc type-checks the tree first), each mode importing only the
 * modules it uses. Process time is the child's wall time seen from here (spawn to exit); each
 * child also reports its own time and phases. One untimed run of each first, then interleaved
 * rounds (alternating which goes first), medians. The audit's findings are checked against what the generator computed from its own ranges.
 * Goals: the audit under 1.5 s of process time, and at most 2x the parse-only pass.
 *
 * Run: `npm run bench audit` or `npx tsx bench/audit/index.ts`.
 * Environment: PYSHIP_BENCH_RUNS (rounds, default 5), PYSHIP_TEST_NODE (the node that runs the
 * children; default this one).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { inheritedEnv } from "../../test/harness/runner.js";
import { exec } from "../setup-venv/step.js";
import { generate } from "./generate.js";

const RUNS = Number(process.env.PYSHIP_BENCH_RUNS) || 5;
const node = process.env.PYSHIP_TEST_NODE ?? process.execPath;
const root = mkdtempSync(path.join(os.tmpdir(), "pyship-bench-audit-"));
const TIMEOUT_MS = 120_000;
const GOAL_MS = 1500;
const GOAL_RATIO = 2;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

type Mode = "audit" | "parse-only";

interface ChildAnswer {
  ms: number;
  sinceStartMs: number;
  phases: Record<string, number>;
  maxRssMB: number;
  advisories: number;
  findings?: number;
  vulnerablePackages?: number;
  packages?: number;
  skipped?: number;
  warnings?: number;
}

interface Run extends ChildAnswer {
  wallMs: number;
}

try {
  const started = performance.now();
  const data = generate(root);
  console.log(
    `generated in ${seconds(performance.now() - started)}: all.zip of ${data.advisories} advisories ` +
      `for ${data.advisedPackages} packages (${(data.zipBytes / 1e6).toFixed(1)} MB, ` +
      `${(data.jsonBytes / 1e6).toFixed(1)} MB of JSON, ${data.listedVersions} listed versions); ` +
      `requirements.txt of ${data.lockPackages} pins`,
  );

  const ncc = createRequire(import.meta.url).resolve("@vercel/ncc/dist/ncc/cli.js");
  const bundle = path.join(root, "child");
  execFileSync(
    process.execPath,
    [ncc, "build", path.join(import.meta.dirname, "audit-child.ts"), "-o", bundle, "-q"],
    { stdio: "inherit" },
  );
  const version = execFileSync(node, ["--version"], { encoding: "utf8" }).trim();

  const runChild = async (mode: Mode): Promise<Run> => {
    const run = await exec(node, [path.join(bundle, "index.js"), mode, data.zip, data.lockfile], {
      env: inheritedEnv(),
      cwd: root,
      timeoutMs: TIMEOUT_MS,
    });
    if (run.status !== 0) throw new Error(`${mode} child failed:\n${run.output}`);
    const answer = JSON.parse(run.output.trim().split("\n").at(-1) ?? "{}") as ChildAnswer;
    if (answer.advisories !== data.advisories) {
      throw new Error(`${mode} read ${answer.advisories} advisories, not ${data.advisories}`);
    }
    if (mode === "audit") {
      const got = [answer.findings, answer.vulnerablePackages, answer.packages, answer.skipped];
      const want = [data.expected.findings, data.expected.vulnerablePackages, data.lockPackages, 0];
      if (got.join() !== want.join()) {
        throw new Error(
          `unexpected audit answer: findings, vulnerable packages, packages, skipped = ${got.join(", ")}; expected ${want.join(", ")}`,
        );
      }
    }
    return { ...answer, wallMs: run.ms };
  };

  await runChild("audit");
  await runChild("parse-only");
  const runs: Record<Mode, Run[]> = { audit: [], "parse-only": [] };
  for (let round = 0; round < RUNS; round++) {
    const order: Mode[] = round % 2 ? ["parse-only", "audit"] : ["audit", "parse-only"];
    for (const mode of order) runs[mode].push(await runChild(mode));
  }

  const stat = (mode: Mode, pick: (run: Run) => number) => median(runs[mode].map(pick));
  const [auditWall, peerWall] = [
    stat("audit", (r) => r.wallMs),
    stat("parse-only", (r) => r.wallMs),
  ];
  const [auditMs, peerMs] = [stat("audit", (r) => r.ms), stat("parse-only", (r) => r.ms)];
  const phases = (mode: Mode) =>
    Object.keys(runs[mode][0].phases)
      .map((name) => `${name} ${stat(mode, (r) => r.phases[name]).toFixed(0)} ms`)
      .join(", ");

  console.log(
    `\naudit of ${data.lockPackages} pins against ${data.advisories} advisories (${data.expected.findings} findings in ${data.expected.vulnerablePackages} packages), ${version}, ${RUNS} rounds, medians`,
  );
  console.log(
    "| row | process time | ratio | in-process | ratio | peak RSS | phases (in-process) |\n|---|---|---|---|---|---|---|",
  );
  console.log(
    `| audit (readLock, auditedPackages, loadAdvisoryDb, runAudit) | ${seconds(auditWall)} | ${(auditWall / peerWall).toFixed(2)}x | ${seconds(auditMs)} | ${(auditMs / peerMs).toFixed(2)}x | ${stat("audit", (r) => r.maxRssMB).toFixed(0)} MB | ${phases("audit")} |`,
  );
  console.log(
    `| parse-only (yauzl, inflate, JSON.parse) | ${seconds(peerWall)} | 1.00x | ${seconds(peerMs)} | 1.00x | ${stat("parse-only", (r) => r.maxRssMB).toFixed(0)} MB | ${phases("parse-only")} |`,
  );
  console.log(
    `outside the child's own timing (node start-up, exit), medians: audit ${(auditWall - auditMs).toFixed(0)} ms, parse-only ${(peerWall - peerMs).toFixed(0)} ms`,
  );
  console.log(
    `goal process time < ${seconds(GOAL_MS)}: ${auditWall < GOAL_MS ? "met" : "NOT met"} (${seconds(auditWall)})`,
  );
  console.log(
    `goal <= ${GOAL_RATIO.toFixed(2)}x parse-only: ${auditWall / peerWall <= GOAL_RATIO ? "met" : "NOT met"} (${(auditWall / peerWall).toFixed(2)}x)`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
