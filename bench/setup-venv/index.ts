/**
 * bench/setup-venv: the bundled setup-venv action on a generated project of 60 wheels (about
 * 40 MB; some packages with hundreds of modules) locked in a hashed requirements.txt, served by
 * the harness index, with the real @actions/cache against the harness cache service. Same lock,
 * same interpreter, interleaved rounds:
 * - (a) warm: setup-venv with an exact cache hit, against `python -m venv` + `pip install -r
 *   requirements.txt` with a warm pip cache (setup-python's way; goal: setup-venv >= 8x faster),
 *   and against the floor, a bare `tar -x` of the very archive the cache holds, with the command
 *   @actions/cache runs (goal: setup-venv <= 1.3x the floor);
 * - (b) cold: setup-venv with `cache: false` against `python -m venv` + `pip install --no-deps
 *   --require-hashes -r requirements.txt --no-cache-dir` (goal: <= 1.1x).
 * A setup-venv figure is the whole cost to the job: the main step plus its post step. Phase
 * tables (from timestamps of each process's output lines) say where the time goes; `--profile`
 * adds context rows (pip writing its cache as the action's pip does; `node -e 0`), a cache hit's
 * timestamped log and a --cpu-prof of it.
 *
 * Run: `npm run bench setup-venv` or `npx tsx bench/setup-venv/index.ts [--profile]`.
 * Environment: PYSHIP_BENCH_RUNS (timed rounds, default 5), PYSHIP_BENCH_PYTHON (the
 * python-version input, default 3.11), PYSHIP_BENCH_TMPDIR (where the venvs and everything else
 * go, default os.tmpdir(); /dev/shm takes the disk out of the figures), PYSHIP_TEST_NODE (the
 * node that runs the bundle).
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type RunningCacheService, startCacheService } from "../../test/harness/cache-service.js";
import { startIndex } from "../../test/harness/index-server.js";
import { inheritedEnv } from "../../test/harness/runner.js";
import { buildPackages } from "../../test/harness/wheels.js";
import { topSelfTime } from "../lock-check/profile.js";
import { benchPackages, lockProject, writeProject } from "./packages.js";
import {
  type ActionRun,
  actionRunner,
  type Exec,
  exec,
  type Line,
  snapshotAction,
} from "./step.js";

const RUNS = positiveInteger(process.env.PYSHIP_BENCH_RUNS, 5);
const PYTHON_VERSION = process.env.PYSHIP_BENCH_PYTHON || "3.11";
/** Timed rounds stop being added past this, so the bench stays bounded on a slow machine. */
const BUDGET_MS = 150_000;
const TIMEOUT_MS = 180_000;
const PROFILE = process.argv.includes("--profile");

const node = process.env.PYSHIP_TEST_NODE ?? process.execPath;
/** Everything lives here: wheels, venvs, caches, runner homes, temp files, the cache's blobs. */
const root = mkdtempSync(
  path.join(process.env.PYSHIP_BENCH_TMPDIR || os.tmpdir(), "pyship-bench-setup-venv-"),
);
const servers: { close(): Promise<void> }[] = [];
const cleanUp = () => rmSync(root, { recursive: true, force: true });
process.once("SIGINT", () => {
  cleanUp();
  process.exit(130);
});

async function main(): Promise<number> {
  // 1. The bundle, the wheels, the index, the project and its lock.
  const tmp = path.join(root, "tmp");
  mkdirSync(tmp);
  process.env.TMPDIR = tmp; // os.tmpdir() of the harness servers, so the cache's blobs go there
  const actionDir = await snapshotAction("setup-venv", path.join(root, "bundle"));
  const project = benchPackages();
  const wheels = path.join(root, "wheels");
  await buildPackages(project.specs, wheels);
  const index = await startIndex({ directory: wheels });
  servers.push(index);
  const lock = lockProject(project, wheels, index.simpleUrl);
  const service = await startCacheService();
  servers.push(service);

  // Every process gets the job environment a hosted runner has: none of this machine's Python
  // tool settings, pip's config file off, and caches and temp files inside `root`.
  const jobEnv = jobEnvironment({ TMPDIR: tmp, XDG_CACHE_HOME: path.join(root, "xdg-cache") });

  // Four copies of the project, one per kind of row, so no row ever sees another's venv.
  const dirs = Object.fromEntries(
    ["cold-action", "warm-action", "cold-pip", "warm-pip"].map((name) => {
      const dir = path.join(root, "work", name);
      mkdirSync(dir, { recursive: true });
      writeProject(dir, project, lock);
      return [name, dir];
    }),
  );
  const venvOf = (dir: string) => path.join(dir, ".venv");

  const action = (name: string, cache: boolean, env: Record<string, string>) =>
    actionRunner({
      action: actionDir,
      node,
      home: path.join(root, "runner", name),
      workspace: dirs[name],
      inputs: { "python-version": PYTHON_VERSION, installer: "pip", cache: String(cache) },
      env: { ...env, ...(cache ? service.env : {}) },
      timeoutMs: TIMEOUT_MS,
    });
  // The cold action's pip writes its cache as on a fresh runner: into an empty directory.
  const coldActionCache = path.join(root, "cold-action-xdg-cache");
  const coldAction = action("cold-action", false, { ...jobEnv, XDG_CACHE_HOME: coldActionCache });
  const warmAction = action("warm-action", true, jobEnv);

  // 2. The first warm-action run misses and its post step saves the venv: later runs hit.
  const first = await warmAction.run();
  expectAction(first, "first run (cache miss, saved by the post step)", { hit: false });
  const [entry, ...others] = service.entries();
  if (!entry || others.length > 0 || entry.key !== first.main.outputs["cache-key"]) {
    throw new Error(
      `expected one cache entry ${first.main.outputs["cache-key"]}, got ${JSON.stringify(service.entries())}`,
    );
  }
  const pythonLine = /Python (\S+) at (\S+) \(/.exec(first.main.output);
  if (!pythonLine) throw new Error(`no "Python … at …" line in\n${first.main.output}`);
  const [, pythonVersion, python] = pythonLine;
  const archive = path.join(root, "cache.tzst");
  await downloadEntry(service, entry.key, entry.version, archive);
  const venvStats = await treeStats(venvOf(dirs["warm-action"]));
  console.log(
    `${project.specs.length} wheels, ${mb(project.wheelBytes)} (${project.modules} modules); ` +
      `Python ${pythonVersion} (${python}); venv ${mb(venvStats.bytes)} in ${venvStats.files} files; ` +
      `cache archive ${mb(entry.size)} (zstd).`,
  );

  // 3. The rows. Each prepares outside the timed part, and is checked on every run.
  /** `python -m venv`, then pip with the flags setup-venv gives it, plus `args`; checked. */
  const pipInstall = async (
    dir: string,
    args: string[],
    env: Record<string, string>,
  ): Promise<Omit<Sample, "ms">> => {
    const options = { env, cwd: dir, timeoutMs: TIMEOUT_MS };
    const venv = venvOf(dir);
    const created = await exec(python, ["-m", "venv", venv], options);
    expectExec(created, `${python} -m venv`);
    const pip = await exec(
      path.join(venv, "bin", "python"),
      ["-m", "pip", "install", "--no-input", "--disable-pip-version-check", ...args],
      options,
    );
    expectExec(pip, `pip install ${args.join(" ")}`);
    return { phases: pipPhases(created, pip) };
  };
  const pipCache = path.join(root, "pip-cache");
  const floorDir = path.join(root, "floor");
  const measurements: Measurement[] = [
    {
      key: "warm_action",
      label: "setup-venv, cache hit",
      prepare: () => rmSync(venvOf(dirs["warm-action"]), { recursive: true, force: true }),
      run: async () => {
        const run = await warmAction.run();
        expectAction(run, "warm run", { hit: true });
        return { parts: actionParts(run), phases: restorePhases(run) };
      },
    },
    {
      key: "floor",
      label: "floor: tar -x of the cache archive",
      prepare: () => {
        rmSync(floorDir, { recursive: true, force: true });
        mkdirSync(floorDir);
      },
      run: async () => {
        // The command @actions/cache runs to extract (tar.js, GNU tar, zstd without --long).
        const tar = await exec(
          "tar",
          ["-xf", archive, "-P", "-C", floorDir, "--use-compress-program", "unzstd"],
          { env: jobEnv, cwd: floorDir, timeoutMs: TIMEOUT_MS },
        );
        expectExec(tar, "tar -x");
        return {};
      },
    },
    {
      key: "warm_pip",
      label: "pip install -r, warm pip cache",
      prepare: () => rmSync(venvOf(dirs["warm-pip"]), { recursive: true, force: true }),
      run: () =>
        pipInstall(dirs["warm-pip"], ["-r", "requirements.txt"], {
          ...jobEnv,
          PIP_CACHE_DIR: pipCache,
        }),
    },
    {
      key: "cold_action",
      label: "setup-venv, cache: false",
      prepare: () => {
        rmSync(venvOf(dirs["cold-action"]), { recursive: true, force: true });
        rmSync(coldActionCache, { recursive: true, force: true });
      },
      run: async () => {
        const run = await coldAction.run();
        expectAction(run, "cold run", { hit: false, packages: project.specs.length });
        return { parts: actionParts(run), phases: installPhases(run) };
      },
    },
    {
      key: "cold_pip",
      label: "pip install --no-deps --require-hashes, no cache",
      prepare: () => rmSync(venvOf(dirs["cold-pip"]), { recursive: true, force: true }),
      run: () =>
        pipInstall(
          dirs["cold-pip"],
          ["--no-cache-dir", "--no-deps", "--require-hashes", "-r", "requirements.txt"],
          jobEnv,
        ),
    },
  ];

  if (PROFILE) {
    // Context for the analysis, not for the goals: the cold action's pip without the action
    // around it (same flags, and like it, writing pip's cache into an empty directory), and
    // node's own start-up, which each of the action's two steps pays.
    const pipWithCache = path.join(root, "cold-pip-xdg-cache");
    measurements.push(
      {
        key: "cold_pip_cache",
        label: "pip install --no-deps --require-hashes, empty pip cache",
        prepare: () => {
          rmSync(venvOf(dirs["cold-pip"]), { recursive: true, force: true });
          rmSync(pipWithCache, { recursive: true, force: true });
        },
        run: () =>
          pipInstall(
            dirs["cold-pip"],
            ["--no-deps", "--require-hashes", "-r", "requirements.txt"],
            {
              ...jobEnv,
              XDG_CACHE_HOME: pipWithCache,
            },
          ),
      },
      {
        key: "node",
        label: "node -e 0",
        run: async () => {
          expectExec(
            await exec(node, ["-e", "0"], { env: jobEnv, cwd: root, timeoutMs: 30_000 }),
            "node",
          );
          return {};
        },
      },
    );
  }

  // 4. Prime warm pip's cache (one untimed run), then interleaved rounds in a rotating order.
  // After the first round, every row must have installed the same distributions, the floor
  // must have extracted as many files as the venv has, and the round's time sets the count.
  await time(measurements.find((m) => m.key === "warm_pip") as Measurement);
  const samples = new Map(measurements.map((m) => [m.key, [] as Sample[]]));
  let runs = RUNS;
  for (let round = 0; round < runs; round++) {
    const started = performance.now();
    for (let k = 0; k < measurements.length; k++) {
      const m = measurements[(round + k) % measurements.length];
      samples.get(m.key)?.push(await time(m));
    }
    if (round > 0) continue;
    const expected = await distributions(venvOf(dirs["warm-action"]));
    for (const dir of ["cold-action", "cold-pip", "warm-pip"]) {
      const found = await distributions(venvOf(dirs[dir]));
      if (found !== expected) throw new Error(`${dir} installed ${found}, not ${expected}`);
    }
    const floorStats = await treeStats(path.join(floorDir, ".venv"));
    if (floorStats.files !== venvStats.files) {
      throw new Error(
        `the floor extracted ${floorStats.files} files; the venv has ${venvStats.files}`,
      );
    }
    const roundMs = performance.now() - started;
    runs = Math.max(3, Math.min(RUNS, Math.floor(BUDGET_MS / roundMs)));
    if (runs < RUNS)
      console.log(`A round takes ${ms(roundMs)}: ${runs} rounds instead of ${RUNS}.`);
  }

  // 5. The report.
  const of = (key: string) => samples.get(key) ?? [];
  const median = (key: string, pick = (s: Sample) => s.ms) => medianOf(of(key).map(pick));
  console.log(`\nMedian wall time, ${runs} interleaved runs each (after 1 priming round):\n`);
  console.log(row(["process", "median", "min", "max", "main step only"]));
  console.log(row(["---", "---:", "---:", "---:", "---:"]));
  for (const m of measurements) {
    const values = of(m.key).map((s) => s.ms);
    const mainOnly = of(m.key)[0]?.parts ? ms(median(m.key, (s) => s.parts?.main ?? 0)) : "";
    console.log(
      row([m.label, ms(median(m.key)), ms(Math.min(...values)), ms(Math.max(...values)), mainOnly]),
    );
  }
  const ratios: Ratio[] = [
    {
      key: "warm_pip_over_warm_action",
      label: "warm pip / setup-venv hit",
      value: median("warm_pip") / median("warm_action"),
      goal: "≥ 8",
      met: (v) => v >= 8,
    },
    {
      key: "warm_action_over_floor",
      label: "setup-venv hit / tar -x floor",
      value: median("warm_action") / median("floor"),
      goal: "≤ 1.3",
      met: (v) => v <= 1.3,
    },
    {
      key: "cold_action_over_cold_pip",
      label: "setup-venv cold / cold pip",
      value: median("cold_action") / median("cold_pip"),
      goal: "≤ 1.1",
      met: (v) => v <= 1.1,
    },
  ];
  console.log(`\n${row(["ratio", "value", "goal", ""])}`);
  console.log(row(["---", "---:", "---", "---"]));
  for (const r of ratios) {
    console.log(
      row([r.label, `${r.value.toFixed(2)}×`, r.goal, r.met(r.value) ? "met" : "MISSED"]),
    );
  }
  const mainOnly = median("warm_action", (s) => s.parts?.main ?? 0);
  console.log(
    `\n(setup-venv hit − floor = ${ms(median("warm_action") - median("floor"))}; ` +
      `main step alone / floor = ${(mainOnly / median("floor")).toFixed(2)}×)`,
  );
  const floors = of("floor").map((s) => s.ms);
  if (Math.max(...floors) > 1.5 * Math.min(...floors)) {
    console.log(
      `(the floor ranges from ${ms(Math.min(...floors))} to ${ms(Math.max(...floors))}: this ` +
        "disk is noisy, and the tar-bound rows with it; PYSHIP_BENCH_TMPDIR=/dev/shm takes it out)",
    );
  }

  // Where the time goes, from the timestamps of the output lines: medians per phase over the
  // timed runs (so a column need not add up to its row's median above).
  printPhases("Cache hit, median per phase", [
    ["setup-venv hit", of("warm_action")],
    ["floor", of("floor").map((s) => ({ ...s, phases: { "tar -x": s.ms } }))],
  ]);
  printPhases("Cold, median per phase", [
    ["setup-venv cold", of("cold_action")],
    ["pip, no cache", of("cold_pip")],
    ["pip, empty cache", of("cold_pip_cache")],
    ["pip -r, warm cache", of("warm_pip")],
  ]);

  if (PROFILE) {
    await profile(warmAction, () =>
      rmSync(venvOf(dirs["warm-action"]), { recursive: true, force: true }),
    );
  }

  const round3 = (value: number) => Math.round(value * 1000) / 1000;
  console.log(
    JSON.stringify({
      bench: "setup-venv",
      wheels: project.specs.length,
      wheel_mb: round3(project.wheelBytes / 1e6),
      venv_mb: round3(venvStats.bytes / 1e6),
      venv_files: venvStats.files,
      archive_mb: round3(entry.size / 1e6),
      python: pythonVersion,
      runs,
      node: (
        await exec(node, ["--version"], { env: jobEnv, cwd: root, timeoutMs: 10_000 })
      ).output.trim(),
      median_s: Object.fromEntries(measurements.map((m) => [m.key, round3(median(m.key) / 1000)])),
      ratios: Object.fromEntries(ratios.map((r) => [r.key, Math.round(r.value * 100) / 100])),
      goals_met: Object.fromEntries(ratios.map((r) => [r.key, r.met(r.value)])),
    }),
  );
  return 0;
}

// ---------------------------------------------------------------------------------------------

interface Sample {
  ms: number;
  /** main and post step times of an action run */
  parts?: Record<string, number>;
  /** named phases, ms */
  phases?: Record<string, number>;
}

interface Measurement {
  key: string;
  label: string;
  /** Outside the timed part: remove what the last run left. */
  prepare?: () => void;
  /** Throws when the run did not do what it should. */
  run: () => Promise<Omit<Sample, "ms">>;
}

interface Ratio {
  key: string;
  label: string;
  value: number;
  goal: string;
  met: (value: number) => boolean;
}

/**
 * One timed run. Before it, outside the timed part: the row's clean-up, then `sync`, so no run
 * pays for writing back the pages (or discarding the blocks) an earlier run left behind.
 */
async function time(m: Measurement): Promise<Sample> {
  m.prepare?.();
  await exec("sync", [], {
    env: process.env as Record<string, string>,
    cwd: root,
    timeoutMs: TIMEOUT_MS,
  });
  const start = performance.now();
  const result = await m.run();
  return { ...result, ms: performance.now() - start };
}

/** This process's environment as a hosted runner's job sees it (as test/harness/runner.ts). */
function jobEnvironment(extra: Record<string, string>): Record<string, string> {
  return { ...inheritedEnv(), ...extra };
}

function expectExec(result: Exec, what: string): void {
  if (result.status !== 0) {
    throw new Error(
      `${what}: exit ${result.status ?? result.signal}\n${result.output.slice(-4000)}`,
    );
  }
}

function expectAction(
  run: ActionRun,
  what: string,
  expected: { hit: boolean; packages?: number },
): void {
  const outputs = run.main.outputs;
  const problem =
    run.main.status !== 0
      ? `main step exit ${run.main.status ?? run.main.signal}`
      : run.post?.status !== 0
        ? `post step exit ${run.post?.status}`
        : outputs["cache-hit"] !== String(expected.hit)
          ? `cache-hit=${outputs["cache-hit"]}`
          : expected.packages !== undefined && outputs.packages !== String(expected.packages)
            ? `packages=${outputs.packages}`
            : /::(warning|error)/.test(run.main.output + (run.post?.output ?? ""))
              ? "a warning or error annotation"
              : undefined;
  if (problem) {
    throw new Error(
      `setup-venv ${what}: ${problem}\n${run.main.output.slice(-6000)}\n${run.post?.output.slice(-2000) ?? ""}`,
    );
  }
}

function actionParts(run: ActionRun): Record<string, number> {
  return { main: run.main.ms, post: run.post?.ms ?? 0 };
}

/** The time of the first line from index `from` on that matches `pattern`, and its index. */
function lineAt(lines: Line[], pattern: RegExp, from = 0): { at?: number; index: number } {
  const index = lines.findIndex((line, i) => i >= from && pattern.test(line.text));
  return { at: lines[index]?.at, index: index < 0 ? from : index };
}

/** Named marks (each the end of its phase) → phase durations; a missing mark merges its phase
 * into the next one; the last phase ends at `end`. */
function phasesOf(marks: [string, number | undefined][], end: number): Record<string, number> {
  const phases: Record<string, number> = {};
  let last = 0;
  let pending: string[] = [];
  marks.forEach(([name, at], i) => {
    pending.push(name);
    const until = i === marks.length - 1 ? end : at;
    if (until === undefined) return;
    phases[pending.join(" + ")] = until - last;
    last = until;
    pending = [];
  });
  return phases;
}

/** A cache hit: node + bundle start-up, Python selection, cache lookup, download, tar, the rest. */
function restorePhases(run: ActionRun): Record<string, number> {
  const lines = run.main.lines;
  const group = lineAt(lines, /^::group::Restore the venv/);
  const download = lineAt(lines, /Starting download of archive/, group.index);
  const tar = lineAt(lines, /^\[command\].*tar/, download.index);
  const restored = lineAt(lines, /^Cache restored successfully/, tar.index);
  return {
    ...phasesOf(
      [
        [STARTUP, lines[0]?.at],
        [SELECT, group.at],
        ["cache lookup (zstd --version, Twirp)", download.at],
        ["download to RUNNER_TEMP", tar.at],
        ["tar -x", restored.at],
        ["delete archive, probe the venv's python, exit", undefined],
      ],
      run.main.ms,
    ),
    [POST]: run.post?.ms ?? 0,
  };
}

const STARTUP = "node start-up, bundle load";
const SELECT = "select Python";
const POST = "post step";
const PIP_EXIT = "pip exit (setup-venv: and outputs)";

/** A cold install, in the same phases as `pipPhases` plus the action's own. */
function installPhases(run: ActionRun): Record<string, number> {
  const lines = run.main.lines;
  const group = lineAt(lines, /^::group::Install /);
  const pip = lineAt(lines, /^(Looking in indexes|Collecting)/, group.index);
  const install = lineAt(lines, /^Installing collected packages/, pip.index);
  const installed = lineAt(lines, /^Successfully installed/, install.index);
  return {
    ...phasesOf(
      [
        [STARTUP, lines[0]?.at],
        [SELECT, group.at],
        ["python -m venv, pip start-up", pip.at],
        ["pip: download, verify", install.at],
        ["pip: install, compile", installed.at],
        [PIP_EXIT, undefined],
      ],
      run.main.ms,
    ),
    [POST]: run.post?.ms ?? 0,
  };
}

function pipPhases(venv: Exec, pip: Exec): Record<string, number> {
  const lines = pip.lines;
  const first = lineAt(lines, /^(Looking in indexes|Collecting)/);
  const install = lineAt(lines, /^Installing collected packages/, first.index);
  const installed = lineAt(lines, /^Successfully installed/, install.index);
  const phases = phasesOf(
    [
      ["python -m venv, pip start-up", first.at],
      ["pip: download, verify", install.at],
      ["pip: install, compile", installed.at],
      [PIP_EXIT, undefined],
    ],
    pip.ms,
  );
  phases["python -m venv, pip start-up"] += venv.ms;
  return phases;
}

/** One table: a row per phase, a column per process. */
function printPhases(title: string, columns: [string, Sample[]][]): void {
  const present = columns.filter(([, values]) => values.length > 0);
  const names = [
    ...new Set(present.flatMap(([, v]) => v.flatMap((s) => Object.keys(s.phases ?? {})))),
  ];
  console.log(`\n${title}:\n`);
  console.log(row(["phase", ...present.map(([label]) => label)]));
  console.log(row(["---", ...present.map(() => "---:")]));
  for (const name of names) {
    const cells = present.map(([, values]) =>
      values.some((s) => s.phases?.[name] !== undefined)
        ? ms(medianOf(values.map((s) => s.phases?.[name] ?? 0)))
        : "—",
    );
    console.log(row([name, ...cells]));
  }
}

/** Downloads a cache entry's blob the way @actions/cache does: Twirp for the URL, then GET. */
async function downloadEntry(
  service: RunningCacheService,
  key: string,
  version: string,
  file: string,
): Promise<void> {
  const response = await fetch(
    `${service.url}twirp/github.actions.results.api.v1.CacheService/GetCacheEntryDownloadURL`,
    {
      method: "POST",
      headers: {
        authorization: `Bearer ${service.env.ACTIONS_RUNTIME_TOKEN}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ key, version, restore_keys: [] }),
    },
  );
  const body = (await response.json()) as { ok?: boolean; signed_download_url?: string };
  if (!body.ok || !body.signed_download_url) throw new Error(`no download URL for ${key}`);
  const blob = await fetch(body.signed_download_url);
  if (!blob.ok) throw new Error(`GET ${body.signed_download_url}: ${blob.status}`);
  writeFileSync(file, Buffer.from(await blob.arrayBuffer()));
}

/** Files (anything but directories) and bytes under `dir`, by find and du. */
async function treeStats(dir: string): Promise<{ files: number; bytes: number }> {
  const options = { env: process.env as Record<string, string>, cwd: root, timeoutMs: 60_000 };
  const find = await exec("find", [dir, "!", "-type", "d"], options);
  const du = await exec("du", ["-sb", dir], options);
  expectExec(find, "find");
  expectExec(du, "du");
  return {
    files: find.output.split("\n").filter(Boolean).length,
    bytes: Number(du.output.split(/\s/)[0]),
  };
}

/** The venv's distributions as `name==version`, sorted, one string. */
async function distributions(venv: string): Promise<string> {
  const script =
    "import importlib.metadata as m; print(' '.join(sorted(f\"{d.metadata['Name']}=={d.version}\" for d in m.distributions())))";
  const result = await exec(path.join(venv, "bin", "python"), ["-c", script], {
    env: process.env as Record<string, string>,
    cwd: root,
    timeoutMs: 60_000,
  });
  expectExec(result, `listing ${venv}`);
  return result.output.trim();
}

/**
 * `--profile`: one more cache hit, its main step's log with timestamps (debug lines included:
 * @actions/cache marks its download and tar there), then one --cpu-prof run's top self time.
 */
async function profile(runner: ReturnType<typeof actionRunner>, prepare: () => void) {
  prepare();
  const logged = await runner.run();
  expectAction(logged, "logged run", { hit: true });
  console.log("\nA cache hit's main step, ms since spawn:\n");
  for (const line of logged.main.lines) {
    if (
      /^::(group|endgroup|debug::(Starting download|Archive path))|^\[command\]|^[A-Z]/.test(
        line.text,
      )
    ) {
      console.log(`${line.at.toFixed(0).padStart(6)}  ${line.text.slice(0, 110)}`);
    }
  }
  console.log(`${logged.main.ms.toFixed(0).padStart(6)}  (exit)`);

  prepare();
  const dir = mkdtempSync(path.join(root, "profile-"));
  const run = await runner.run(["--cpu-prof", `--cpu-prof-dir=${dir}`, "--cpu-prof-interval=500"]);
  expectAction(run, "profiled run", { hit: true });
  const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  if (files.length === 0) return;
  // The main step's profile is the longer one (the post step only starts and exits).
  const { totalMs, top } = files
    .map((f) => topSelfTime(path.join(dir, f), 15))
    .sort((a, b) => b.totalMs - a.totalMs)[0];
  console.log(`\nTop self time, main step of a cache hit (${ms(totalMs)} profiled, in node):\n`);
  console.log(row(["function", "where", "self", "share"]));
  console.log(row(["---", "---", "---:", "---:"]));
  for (const t of top)
    console.log(row([t.name, t.where, ms(t.ms), `${(t.share * 100).toFixed(1)}%`]));
}

// ---------------------------------------------------------------------------------------------

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const ms = (value: number) =>
  value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(0)} ms`;
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const row = (cells: string[]) => `| ${cells.join(" | ")} |`;

function positiveInteger(text: string | undefined, fallback: number): number {
  const value = Number(text);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

// Last, so every module-level const above is initialised before main() runs.
try {
  process.exitCode = await main();
} finally {
  for (const server of servers) await server.close();
  cleanUp();
}
