/**
 * bench/build-dist, two parts, each against a peer measured in the same run:
 * - (a) the bundled action (sdist, then the wheel from it, validated, summary written) against a
 *   bare `python -m build` of the same project with the same flags, on the smallest setuptools
 *   project and on one of 300 modules; interleaved rounds, medians. Goal: <= 1.10x.
 * - (b) validating generated wheels of 50, 100 and 200 MB (3,000 deflated modules plus stored
 *   10 MB blobs) against `sha256sum` of the same file, the floor of reading it once. Goals: the
 *   200 MB wheel in <= 2 s, and peak RSS flat as the wheel grows.
 *
 * Run: `npm run bench build-dist` or `npx tsx bench/build-dist/index.ts`.
 * Environment: PYSHIP_BENCH_RUNS (rounds, default 5), PYSHIP_BENCH_BUILD_PYTHON (the python
 * with build and setuptools, default /usr/bin/python3), PYSHIP_TEST_NODE (runs the bundle).
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { inheritedEnv, repoRoot } from "../../test/harness/runner.js";
import { actionRunner, exec, snapshotAction } from "../setup-venv/step.js";
import { writeBigWheel } from "./big-wheel.js";

const RUNS = Number(process.env.PYSHIP_BENCH_RUNS) || 5;
const PYTHON = process.env.PYSHIP_BENCH_BUILD_PYTHON || "/usr/bin/python3";
const node = process.env.PYSHIP_TEST_NODE ?? process.execPath;
const root = mkdtempSync(path.join(os.tmpdir(), "pyship-bench-build-dist-"));
const TIMEOUT_MS = 300_000;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** A setuptools project of `modules` modules in 10 subpackages, for a build of typical size. */
function writeProject(modules: number): string {
  const dir = path.join(root, `project-${modules}`);
  cpSync(path.join(repoRoot, "test/fixtures/build-dist/setuptools"), dir, { recursive: true });
  const pyproject = path.join(dir, "pyproject.toml");
  writeFileSync(
    pyproject,
    readFileSync(pyproject, "utf8").replace(
      'packages = ["demo_setuptools"]',
      'packages = {find = {include = ["demo_setuptools*"]}}',
    ),
  );
  for (let i = 0; i < modules; i++) {
    const sub = path.join(dir, "demo_setuptools", `part${i % 10}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(path.join(sub, "__init__.py"), "");
    writeFileSync(
      path.join(sub, `module${i}.py`),
      `def f${i}(x):\n    return x * ${i}\n`.repeat(20),
    );
  }
  return dir;
}

async function buildVsBare(label: string, project: string): Promise<void> {
  const actionDir = await snapshotAction(
    "build-dist",
    path.join(root, `bundle-${path.basename(project)}`),
  );
  const env = { ...inheritedEnv(), SOURCE_DATE_EPOCH: "1767225600" };
  const times = { action: [] as number[], bare: [] as number[] };
  for (let round = 0; round < RUNS; round++) {
    const workspace = path.join(root, `action-${path.basename(project)}-${round}`);
    cpSync(project, workspace, { recursive: true });
    const runner = actionRunner({
      action: actionDir,
      node,
      home: path.join(root, `home-${path.basename(project)}-${round}`),
      workspace,
      inputs: { python: PYTHON, isolation: "false", "upload-artifact": "false" },
      env,
      timeoutMs: TIMEOUT_MS,
    });
    const bareDir = path.join(root, `bare-${path.basename(project)}-${round}`);
    cpSync(project, bareDir, { recursive: true });
    const bareArgs = [
      "-m",
      "build",
      "--no-isolation",
      "--skip-dependency-check",
      "--outdir",
      path.join(bareDir, "dist"),
      bareDir,
    ];
    // Alternate which goes first, so neither always gets the warm page cache.
    const order = round % 2 ? ["bare", "action"] : ["action", "bare"];
    for (const which of order) {
      if (which === "action") {
        const { main } = await runner.run();
        if (main.status !== 0) throw new Error(`build-dist failed:\n${main.output}`);
        times.action.push(main.ms);
      } else {
        const bare = await exec(PYTHON, bareArgs, { env, cwd: bareDir, timeoutMs: TIMEOUT_MS });
        if (bare.status !== 0) throw new Error(`python -m build failed:\n${bare.output}`);
        times.bare.push(bare.ms);
      }
    }
  }
  const [action, bare] = [median(times.action), median(times.bare)];
  console.log(`\n(a) build: ${label}, sdist + wheel from sdist, ${RUNS} rounds, medians`);
  console.log("| row | median | ratio |\n|---|---|---|");
  console.log(
    `| build-dist action (bundle, validation, summary) | ${seconds(action)} | ${(action / bare).toFixed(2)}x |`,
  );
  console.log(`| bare python -m build | ${seconds(bare)} | 1.00x |`);
  console.log(`goal <= 1.10x: ${action / bare <= 1.1 ? "met" : "NOT met"}`);
}

async function validateBigWheels(): Promise<void> {
  const tsx = path.join(repoRoot, "node_modules/.bin/tsx");
  const validator = path.join(import.meta.dirname, "validate.ts");
  console.log("\n(b) validation of generated wheels, medians");
  console.log(
    "| wheel | validate | sha256sum | ratio | peak RSS | members |\n|---|---|---|---|---|---|",
  );
  const rss: number[] = [];
  let at200 = 0;
  for (const megabytes of [50, 100, 200]) {
    const dir = path.join(root, `big-${megabytes}`);
    mkdirSync(dir);
    const wheel = writeBigWheel(dir, megabytes);
    const validate: number[] = [];
    const floor: number[] = [];
    let last: { ms: number; maxRssMB: number; members: number; errors: string[] } | undefined;
    for (let round = 0; round < Math.min(RUNS, 3); round++) {
      const run = await exec(tsx, [validator, wheel], {
        env: inheritedEnv(),
        cwd: root,
        timeoutMs: TIMEOUT_MS,
      });
      if (run.status !== 0) throw new Error(`validation failed:\n${run.output}`);
      last = JSON.parse(run.output.trim().split("\n").at(-1) ?? "{}");
      if (!last || last.errors.length > 0) throw new Error(`unexpected findings: ${last?.errors}`);
      validate.push(last.ms);
      floor.push(
        (
          await exec("sha256sum", [wheel], {
            env: inheritedEnv(),
            cwd: root,
            timeoutMs: TIMEOUT_MS,
          })
        ).ms,
      );
    }
    const [ms, base] = [median(validate), median(floor)];
    rss.push(last?.maxRssMB ?? 0);
    if (megabytes === 200) at200 = ms;
    console.log(
      `| ${megabytes} MB | ${seconds(ms)} | ${seconds(base)} | ${(ms / base).toFixed(2)}x | ${rss.at(-1)?.toFixed(0)} MB | ${last?.members} |`,
    );
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`goal 200 MB <= 2 s: ${at200 <= 2000 ? "met" : "NOT met"} (${seconds(at200)})`);
  console.log(`peak RSS 200 MB / 50 MB: ${(rss[2] / rss[0]).toFixed(2)}x (flat is ~1.0x)`);
}

try {
  await buildVsBare(
    "the smallest setuptools project (one module)",
    path.join(repoRoot, "test/fixtures/build-dist/setuptools"),
  );
  await buildVsBare("a setuptools project of 300 modules", writeProject(300));
  await validateBigWheels();
} finally {
  rmSync(root, { recursive: true, force: true });
}
