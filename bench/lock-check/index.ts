/**
 * bench/lock-check: the bundled lock-check action on generated 1,000-package projects (Poetry 1.3
 * and uv), against peers measured in the same run, interleaved. Two parts:
 * - `drift` (push events):
 *   - `poetry lock --check` on the same Poetry project (goal: the action is >= 3x faster);
 *   - the bundle's own floor, an input that fails before any file is read (goal: <= 2x the floor);
 *   - bare `node -e 0`, for context.
 * - `diff` (pull_request events, base read from git in a real repository): the bundle diffing a
 *   1,000-package uv.lock against its base commit's rewrite of it, against the action's start-up:
 *   the same bundle on a pull request of a project with no lockfile (exit 0, "nothing to check").
 *   For context, the same workspace on a push (the head lock checked, no diff).
 *
 * Run: `npm run bench lock-check` or `npx tsx bench/lock-check/index.ts [--profile]`.
 * Environment: PYSHIP_BENCH_RUNS (default 10), PYSHIP_BENCH_POETRY (a poetry executable),
 * PYSHIP_TEST_NODE (the node that runs the bundle, as in the test harness),
 * PYSHIP_BENCH_PARTS (`drift,diff` by default; e.g. `diff` for the pull-request rows only).
 */
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import {
  accessSync,
  constants,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { pullRequestEvent, pullRequestRepo } from "../../test/harness/pull-request-repo.js";
import {
  actionDirectory,
  inputEnv,
  jobEnvironment,
  readActionMetadata,
  runAction,
} from "../../test/harness/runner.js";
import { parseKeyValueFile } from "../../test/harness/workflow-files.js";
import { topSelfTime } from "./profile.js";
import { poetryProject, uvProject, uvPullRequest, writeProject } from "./projects.js";

const PACKAGES = 1000;
const RUNS = positiveInteger(process.env.PYSHIP_BENCH_RUNS, 10);
/** Timed rounds stop being added past this, so the bench stays bounded on a slow machine. */
const BUDGET_MS = 180_000;
const SPAWN_TIMEOUT_MS = 120_000;
const PROFILE = process.argv.includes("--profile");
const PARTS = new Set(
  (process.env.PYSHIP_BENCH_PARTS ?? "drift,diff").split(",").map((p) => p.trim()),
);
const DRIFT = PARTS.has("drift");
const DIFF = PARTS.has("diff");

const node = process.env.PYSHIP_TEST_NODE ?? process.execPath;
const root = mkdtempSync(path.join(os.tmpdir(), "pyship-bench-lock-check-"));
const cleanUp = () => rmSync(root, { recursive: true, force: true });
process.once("SIGINT", () => {
  cleanUp();
  process.exit(130);
});

async function main(): Promise<number> {
  if (!DRIFT && !DIFF) {
    console.error(
      `PYSHIP_BENCH_PARTS names no part (drift, diff): ${process.env.PYSHIP_BENCH_PARTS}`,
    );
    return 1;
  }
  const entry = path.resolve(
    actionDirectory("lock-check"),
    readActionMetadata(actionDirectory("lock-check")).runs.main,
  );
  const parts: Part[] = [];
  for (const [wanted, part] of [
    [DRIFT, driftPart],
    [DIFF, diffPart],
  ] as const) {
    if (!wanted) continue;
    const made = await part(entry);
    if (!made) return 1;
    parts.push(made);
  }
  const measurements = parts.flatMap((p) => p.measurements);

  // One warm-up round, then interleaved rounds in a rotating order.
  const warmUp = performance.now();
  for (const m of measurements) time(m);
  const roundMs = performance.now() - warmUp;
  const runs = Math.max(5, Math.min(RUNS, Math.floor(BUDGET_MS / roundMs)));
  if (runs < RUNS) console.log(`A round takes ${ms(roundMs)}: ${runs} runs instead of ${RUNS}.`);
  const samples = new Map(measurements.map((m) => [m.key, [] as number[]]));
  for (let round = 0; round < runs; round++) {
    for (let k = 0; k < measurements.length; k++) {
      const m = measurements[(round + k) % measurements.length];
      samples.get(m.key)?.push(time(m));
    }
  }

  // The report.
  const median = (key: string) => medianOf(samples.get(key) ?? []);
  console.log(`\nMedian wall time per process, ${runs} interleaved runs each (after 1 warm-up):\n`);
  console.log(row(["process", "median", "min", "max"]));
  console.log(row(["---", "---:", "---:", "---:"]));
  for (const m of measurements) {
    const values = samples.get(m.key) ?? [];
    console.log(
      row([m.label, ms(median(m.key)), ms(Math.min(...values)), ms(Math.max(...values))]),
    );
  }
  const ratios = parts.flatMap((p) => p.ratios).map((r) => ({ ...r, value: r.of(median) }));
  console.log(`\n${row(["ratio", "value", "goal", ""])}`);
  console.log(row(["---", "---:", "---", "---"]));
  for (const r of ratios) {
    const verdict = r.met ? (r.met(r.value) ? "met" : "MISSED") : "";
    console.log(row([r.label, `${r.value.toFixed(2)}×`, r.goal ?? "— (reported)", verdict]));
  }
  for (const part of parts) console.log(`\n${part.note(median)}`);

  if (PROFILE)
    profile(
      entry,
      parts.flatMap((p) => p.profiled),
    );

  const round3 = (value: number) => Math.round(value * 1000) / 1000;
  console.log(
    JSON.stringify({
      bench: "lock-check",
      packages: PACKAGES,
      runs,
      node: spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim(),
      ...Object.assign({}, ...parts.map((p) => p.extra ?? {})),
      median_s: Object.fromEntries(measurements.map((m) => [m.key, round3(median(m.key) / 1000)])),
      ratios: Object.fromEntries(ratios.map((r) => [r.key, Math.round(r.value * 100) / 100])),
      goals_met: Object.fromEntries(
        ratios.flatMap((r) => (r.met ? [[r.key, r.met(r.value)]] : [])),
      ),
    }),
  );
  return 0;
}

/** A part of the bench: its processes, its ratios and a note, all from the medians. */
interface Part {
  measurements: Measurement[];
  ratios: Ratio[];
  note: (median: (key: string) => number) => string;
  profiled: ReturnType<typeof actionCommand>[];
  /** Keys for the last line (input sizes). */
  extra?: Record<string, unknown>;
}

/** Push events: the action's drift check of 1,000-package Poetry and uv projects. */
async function driftPart(entry: string): Promise<Part | undefined> {
  // 1. The projects.
  const poetryDir = path.join(root, "poetry");
  const uvDir = path.join(root, "uv");
  const poetry = poetryProject(PACKAGES);
  writeProject(poetryDir, poetry, "poetry.lock");
  writeProject(uvDir, uvProject(PACKAGES), "uv.lock");
  console.log(
    `${PACKAGES} direct dependencies each; poetry.lock content-hash from the "${poetry.recipe}" recipe.`,
  );

  // 2. Correctness first: the peer and the action must both call the projects up to date.
  const poetryExe = findPoetry();
  const poetryEnv = isolatedPoetryEnv(path.join(root, "poetry-home"));
  let poetryLabel = "poetry lock --check";
  if (poetryExe) {
    const version = spawnSync(poetryExe, ["--version"], { env: poetryEnv, encoding: "utf8" });
    poetryLabel = `poetry lock --check (${version.stdout.trim().replace(/^Poetry \(version (.*)\)$/, "$1")})`;
    const check = runPoetry(poetryExe, poetryDir, poetryEnv);
    if (
      check.status !== 0 ||
      !/poetry\.lock is consistent with pyproject\.toml/.test(check.stdout)
    ) {
      console.error(`${poetryLabel} rejects the generated project (exit ${check.status}):`);
      console.error(check.stdout, check.stderr);
      return undefined;
    }
  } else {
    console.log("poetry is not installed (set PYSHIP_BENCH_POETRY): the Poetry peer is skipped.");
  }
  for (const [label, dir] of [
    ["poetry", poetryDir],
    ["uv", uvDir],
  ]) {
    const result = await runAction({ action: "lock-check", workspace: dir, inputs: {} });
    if (result.exitCode !== 0 || result.outputs.drift !== "false") {
      console.error(
        `BUG: lock-check does not call the generated ${label} project up to date ` +
          `(exit ${result.exitCode}, drift=${result.outputs.drift}). Findings:`,
      );
      console.error(JSON.stringify(JSON.parse(result.outputs.findings ?? "[]"), null, 2));
      console.error(result.stdout.slice(0, 4000), result.stderr.slice(0, 4000));
      return undefined;
    }
  }

  // 3. The processes, each checked on every run.
  const actionPoetry = actionCommand("poetry", poetryDir, {});
  const actionUv = actionCommand("uv", uvDir, {});
  const floor = actionCommand("floor", poetryDir, { mode: "bogus" });
  const measurements: Measurement[] = [
    {
      key: "node",
      label: "node -e 0",
      run: () => spawnSync(node, ["-e", "0"], { stdio: "ignore" }),
      ok: (r) => r.status === 0,
    },
    {
      key: "floor",
      label: "action: floor (mode=bogus)",
      run: () => floor.run(entry),
      ok: (r) => r.status === 1 && /::error::lock-check: input 'mode'/.test(String(r.stdout)),
    },
    {
      key: "action_poetry",
      label: `action: poetry.lock (${PACKAGES})`,
      run: () => actionPoetry.run(entry),
      ok: (r) => r.status === 0 && actionPoetry.outputs().drift === "false",
    },
    {
      key: "action_uv",
      label: `action: uv.lock (${PACKAGES})`,
      run: () => actionUv.run(entry),
      ok: (r) => r.status === 0 && actionUv.outputs().drift === "false",
    },
  ];
  if (poetryExe) {
    measurements.push({
      key: "poetry",
      label: poetryLabel,
      run: () => runPoetry(poetryExe, poetryDir, poetryEnv),
      ok: (r) => r.status === 0,
    });
  }
  const ratios: Ratio[] = [
    {
      key: "action_poetry_over_floor",
      label: "action(poetry) / floor",
      of: (median) => median("action_poetry") / median("floor"),
      goal: "≤ 2",
      met: (v) => v <= 2,
    },
    {
      key: "action_uv_over_floor",
      label: "action(uv) / floor",
      of: (median) => median("action_uv") / median("floor"),
      goal: "≤ 2",
      met: (v) => v <= 2,
    },
  ];
  if (poetryExe) {
    ratios.unshift({
      key: "poetry_over_action_poetry",
      label: "poetry / action(poetry)",
      of: (median) => median("poetry") / median("action_poetry"),
      goal: "≥ 3",
      met: (v) => v >= 3,
    });
  }
  return {
    measurements,
    ratios,
    note: (median) =>
      `(floor = node start-up + loading the ${Math.round(statSync(entry).size / 1024)} KiB bundle; ` +
      `action(poetry) − floor = ${ms(median("action_poetry") - median("floor"))}, ` +
      `action(uv) − floor = ${ms(median("action_uv") - median("floor"))})`,
    profiled: [actionPoetry, actionUv],
  };
}

/**
 * pull_request events, in real git repositories: the diff of a 1,000-package uv.lock against its
 * base commit's rewrite, against the action's start-up (a pull request of a project without a
 * lockfile: the least a successful run does). The head's push run is context (no diff).
 */
async function diffPart(entry: string): Promise<Part | undefined> {
  const pr = uvPullRequest(PACKAGES);
  const repo = pullRequestRepo(
    root,
    { "pyproject.toml": pr.base.pyproject, "uv.lock": pr.base.lock },
    { "pyproject.toml": pr.head.pyproject, "uv.lock": pr.head.lock },
  );
  const empty = pullRequestRepo(
    root,
    { "pyproject.toml": pr.head.pyproject },
    { "README.md": "a pull request without a lockfile\n" },
  );
  const headPackages = PACKAGES;
  const basePackages = PACKAGES - pr.expected.added + pr.expected.removed;
  const bytes = (text: string) => Buffer.byteLength(text);
  const { added, removed, upgraded, downgraded, hashesChanged } = pr.expected;
  const changed = upgraded + downgraded + hashesChanged;
  console.log(
    `Pull request: head uv.lock (revision 3) ${headPackages} packages, ${bytes(pr.head.lock)} bytes; ` +
      `base uv.lock ${basePackages} packages, ${bytes(pr.base.lock)} bytes; expected ${added} added, ` +
      `${removed} removed, ${changed} changed (${upgraded} upgraded, ${downgraded} downgraded, ` +
      `${hashesChanged} same version with new hashes); base read from git (commit ${repo.baseSha.slice(0, 12)}).`,
  );
  const expectedCounts = [added, removed, changed].map(String);

  // Correctness first, through the harness: the counts, the hashes-changed warnings, no drift.
  const checked = await runAction({
    action: "lock-check",
    workspace: repo.dir,
    event: pullRequestEvent(repo),
  });
  const counts = [checked.outputs.added, checked.outputs.removed, checked.outputs.changed];
  const kinds: Record<string, number> = {};
  let rebuilt = 0;
  for (const diff of JSON.parse(checked.outputs.diff ?? "[]")) {
    for (const change of diff.changes) {
      kinds[change.kind] = (kinds[change.kind] ?? 0) + 1;
      if (change.hashesChanged && change.from === change.to) rebuilt++;
    }
  }
  const wantKinds = { added, removed, upgraded, downgraded };
  if (
    checked.exitCode !== 0 ||
    checked.outputs.drift !== "false" ||
    counts.join() !== expectedCounts.join() ||
    Object.entries(wantKinds).some(([kind, n]) => (kinds[kind] ?? 0) !== n) ||
    rebuilt !== hashesChanged ||
    !checked.stdout.includes("(read through git)")
  ) {
    console.error(
      `BUG: lock-check's diff of the generated pull request is not the expected one ` +
        `(exit ${checked.exitCode}, drift=${checked.outputs.drift}, added/removed/changed=${counts}, ` +
        `want ${expectedCounts}; kinds ${JSON.stringify(kinds)}, same-version new hashes ${rebuilt}).`,
    );
    console.error(checked.stdout.slice(0, 4000), checked.stderr.slice(0, 4000));
    return undefined;
  }
  const startupCheck = await runAction({
    action: "lock-check",
    workspace: empty.dir,
    event: pullRequestEvent(empty),
  });
  if (startupCheck.exitCode !== 0 || !/no lockfile found/.test(startupCheck.stdout)) {
    console.error(
      `BUG: lock-check on a project without a lockfile (exit ${startupCheck.exitCode}):`,
    );
    console.error(startupCheck.stdout.slice(0, 4000), startupCheck.stderr.slice(0, 4000));
    return undefined;
  }

  const diff = actionCommand("diff", repo.dir, {}, pullRequestEvent(repo));
  const push = actionCommand("diff-push", repo.dir, {});
  const startup = actionCommand("startup", empty.dir, {}, pullRequestEvent(empty));
  const measurements: Measurement[] = [
    {
      key: "startup",
      label: "action: start-up (pull_request, no lockfile)",
      run: () => startup.run(entry),
      ok: (r) => r.status === 0 && /no lockfile found/.test(String(r.stdout)),
    },
    {
      key: "diff_1000_push",
      label: `action: same workspace on push (head uv.lock checked, no diff)`,
      run: () => push.run(entry),
      ok: (r) => r.status === 0 && push.outputs().drift === "false" && push.outputs().added === "0",
    },
    {
      key: "diff_1000",
      label: `action: pull_request, diff of ${basePackages} → ${headPackages} packages (uv.lock)`,
      run: () => diff.run(entry),
      ok: (r) => {
        const o = diff.outputs();
        return (
          r.status === 0 &&
          o.drift === "false" &&
          [o.added, o.removed, o.changed].join() === expectedCounts.join()
        );
      },
    },
  ];
  const ratios: Ratio[] = [
    {
      key: "diff_1000_over_startup",
      label: "diff(1,000) / start-up",
      of: (median) => median("diff_1000") / median("startup"),
    },
  ];
  return {
    measurements,
    ratios,
    note: (median) =>
      `(start-up = node start-up + the ${Math.round(statSync(entry).size / 1024)} KiB bundle + ` +
      `reading the event and inputs and finding no lockfile, exit 0; ` +
      `diff(1,000) − start-up = ${ms(median("diff_1000") - median("startup"))}, of which ` +
      `diff(1,000) − push on the same workspace = ${ms(median("diff_1000") - median("diff_1000_push"))} ` +
      `is the base lock read from git, parsed and diffed, and the diff's summary and outputs)`,
    profiled: [diff],
    extra: {
      diff_input: {
        head_packages: headPackages,
        base_packages: basePackages,
        head_lock_bytes: bytes(pr.head.lock),
        base_lock_bytes: bytes(pr.base.lock),
        added,
        removed,
        changed,
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------

interface Measurement {
  key: string;
  label: string;
  run: () => SpawnSyncReturns<string | Buffer>;
  ok: (result: SpawnSyncReturns<string | Buffer>) => boolean;
}

interface Ratio {
  key: string;
  label: string;
  of: (median: (key: string) => number) => number;
  /** A goal, where the bench has one; else the ratio is only reported. */
  goal?: string;
  met?: (value: number) => boolean;
}

/** Wall time of one child process, in ms; throws when the run did not do what it should. */
function time(m: Measurement): number {
  const start = process.hrtime.bigint();
  const result = m.run();
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.error || !m.ok(result)) {
    throw new Error(
      `${m.label}: unexpected result (exit ${result.status}${result.signal ? `, ${result.signal}` : ""}${result.error ? `, ${result.error.message}` : ""})\n${result.stdout}\n${result.stderr}`,
    );
  }
  return elapsed;
}

/** The bundle run the way the runner runs it: INPUT_* with action.yml defaults, file commands. */
function actionCommand(
  name: string,
  workspace: string,
  inputs: Record<string, string>,
  event?: { name: string; payload?: unknown },
) {
  const home = path.join(root, `runner-${name}`);
  const files = {
    GITHUB_OUTPUT: path.join(home, "output"),
    GITHUB_ENV: path.join(home, "env"),
    GITHUB_PATH: path.join(home, "path"),
    GITHUB_STATE: path.join(home, "state"),
    GITHUB_STEP_SUMMARY: path.join(home, "summary.md"),
  };
  const env: Record<string, string> = {
    ...jobEnvironment({ home, workspace, event }),
    ...inputEnv(readActionMetadata(actionDirectory("lock-check")), inputs),
    ...files,
  };
  const reset = () => {
    for (const file of Object.values(files)) writeFileSync(file, "");
  };
  return {
    env,
    workspace,
    /** The step, file commands emptied first (outside the timed part). */
    run(entry: string, nodeArgs: string[] = []) {
      reset();
      return spawnSync(node, [...nodeArgs, entry], {
        env,
        cwd: workspace,
        encoding: "utf8",
        maxBuffer: 64 * 1024 * 1024,
        timeout: SPAWN_TIMEOUT_MS,
      });
    },
    /** The outputs of the last run. */
    outputs(): Record<string, string | undefined> {
      return parseKeyValueFile(readFileSync(files.GITHUB_OUTPUT, "utf8"));
    },
  };
}

function runPoetry(poetry: string, cwd: string, env: Record<string, string>) {
  return spawnSync(poetry, ["lock", "--check"], {
    cwd,
    env,
    encoding: "utf8",
    timeout: SPAWN_TIMEOUT_MS,
  });
}

/** Poetry with no user config, cache, keyring or pip settings of this machine. */
function isolatedPoetryEnv(home: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || /^(PIP_|POETRY_|VIRTUAL_ENV$)/.test(name)) continue;
    env[name] = value;
  }
  const dirs = {
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, ".config"),
    XDG_CACHE_HOME: path.join(home, ".cache"),
    XDG_DATA_HOME: path.join(home, ".local", "share"),
    XDG_STATE_HOME: path.join(home, ".local", "state"),
    POETRY_CACHE_DIR: path.join(home, "poetry-cache"),
    POETRY_CONFIG_DIR: path.join(home, "poetry-config"),
    POETRY_DATA_DIR: path.join(home, "poetry-data"),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  return {
    ...env,
    ...dirs,
    POETRY_VIRTUALENVS_CREATE: "false",
    PIP_CONFIG_FILE: "/dev/null",
    PYTHON_KEYRING_BACKEND: "keyring.backends.null.Keyring",
    PYTHONDONTWRITEBYTECODE: "1",
  };
}

function findPoetry(): string | undefined {
  const candidates = [
    process.env.PYSHIP_BENCH_POETRY,
    "/usr/bin/poetry",
    ...(process.env.PATH ?? "").split(path.delimiter).map((dir) => path.join(dir, "poetry")),
  ];
  return candidates.find((file) => {
    if (!file) return false;
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** `--profile`: one --cpu-prof run per project, top self-time functions. */
function profile(entry: string, commands: ReturnType<typeof actionCommand>[]) {
  for (const command of commands) {
    const dir = mkdtempSync(path.join(root, "profile-"));
    const result = command.run(entry, [
      "--cpu-prof",
      `--cpu-prof-dir=${dir}`,
      "--cpu-prof-interval=100",
    ]);
    const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
    if (result.status !== 0 || !file) {
      console.log(`\nprofile of ${command.workspace} failed (exit ${result.status})`);
      continue;
    }
    const { totalMs, top } = topSelfTime(path.join(dir, file), 15);
    console.log(
      `\nTop self time, ${path.basename(command.workspace)} project (${ms(totalMs)} profiled):\n`,
    );
    console.log(row(["function", "where", "self", "share"]));
    console.log(row(["---", "---", "---:", "---:"]));
    for (const t of top) {
      console.log(row([t.name, t.where, ms(t.ms), `${(t.share * 100).toFixed(1)}%`]));
    }
  }
}

// ---------------------------------------------------------------------------------------------

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const ms = (value: number) =>
  value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(0)} ms`;
const row = (cells: string[]) => `| ${cells.join(" | ")} |`;

function positiveInteger(text: string | undefined, fallback: number): number {
  const value = Number(text);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

// Last, so every module-level const above is initialised before main() runs.
try {
  process.exitCode = await main();
} finally {
  cleanUp();
}
