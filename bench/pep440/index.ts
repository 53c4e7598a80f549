/**
 * bench/pep440: the same 100,000 (version, specifier) checks in pyship's `satisfies` and in
 * packaging's `SpecifierSet.contains(v, prereleases=True)`, in the same run. Both sides parse each
 * distinct version and specifier once per round (pyship's caches, a dict of packaging objects) and
 * start every round cold. Goal: packaging / pyship ≥ 3.
 *
 * Python: the oracle chroot's python3 and packaging when it is built, else /usr/bin/python3 with
 * Debian's packaging (the report names which). Run: `npm run bench pep440`.
 * Environment: PYSHIP_BENCH_RUNS (default 7).
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import {
  clearParseCaches,
  isValidSpecifier,
  isValidVersion,
  normalizeVersion,
  satisfies,
} from "../../shared/project/pep440.js";
import { fuzzer } from "../../test/shared/project/pep440-cases.js";

const CHECKS = 100_000;
const SEED = 440;
const RUNS = Math.max(1, Number(process.env.PYSHIP_BENCH_RUNS) || 7);
const oracles = path.join(import.meta.dirname, "..", "..", "scripts", "oracles.sh");

const pythonProgram = `
import json, sys, time
import packaging
from packaging.specifiers import SpecifierSet
from packaging.version import Version
data = json.load(sys.stdin)
pairs, runs = data["pairs"], data["runs"]
def round_():
    specs, versions, answers = {}, {}, []
    for v, s in pairs:
        spec = specs.get(s)
        if spec is None:
            spec = specs[s] = SpecifierSet(s)
        version = versions.get(v)
        if version is None:
            version = versions[v] = Version(v)
        # === compares the string as written, so packaging needs the string there.
        answers.append(spec.contains(v if "===" in s else version, prereleases=True))
    return answers
answers = round_()
times = []
for _ in range(runs):
    start = time.perf_counter()
    round_()
    times.append(time.perf_counter() - start)
print(json.dumps({"packaging": packaging.__version__, "python": sys.version.split()[0], "times": times, "answers": answers}))
`;

/** Realistic repetition: a few thousand versions and a few hundred specifier sets, as in locks. */
function pairs(): [string, string][] {
  const fuzz = fuzzer(SEED);
  const versions = uniqueValid(6000, () => fuzz.version().trim(), isValidVersion, 2000);
  const specifiers = uniqueValid(4000, fuzz.specifier, comparable, 500);
  return Array.from({ length: CHECKS }, () => [fuzz.pick(versions), fuzz.pick(specifiers)]);
}

/**
 * packaging 26.2 reads `~=1.0.1.rev1` (a suffix spelled other than a/b/rc/post/dev) as
 * `==1.0.1.*`, against PEP 440; those sets are left out so both sides answer alike.
 */
const comparable = (specifier: string) =>
  isValidSpecifier(specifier) &&
  [...specifier.matchAll(/~=\s*([^,\s]+)/g)].every((m) => normalizeVersion(m[1]) === m[1]);

function uniqueValid(
  tries: number,
  make: () => string,
  valid: (s: string) => boolean,
  max: number,
) {
  const found = new Set<string>();
  for (let i = 0; i < tries && found.size < max; i++) {
    const value = make();
    if (valid(value)) found.add(value);
  }
  return [...found];
}

function runPython(input: string): { result?: PythonResult; where: string; error?: string } {
  const chroot = spawnSync("bash", [oracles, "path"], { encoding: "utf8" });
  const [command, args, where] =
    chroot.status === 0
      ? ["bash", [oracles, "run", "--", "python3", "-c", pythonProgram], "oracle chroot"]
      : ["/usr/bin/python3", ["-I", "-c", pythonProgram], "machine /usr/bin/python3 (Debian)"];
  const run = spawnSync(command, args, { input, encoding: "utf8", maxBuffer: 1 << 28 });
  if (run.status !== 0) return { where, error: run.stderr.slice(-2000) };
  return { where, result: JSON.parse(run.stdout) as PythonResult };
}

interface PythonResult {
  packaging: string;
  python: string;
  times: number[];
  answers: boolean[];
}

function pyshipRound(checks: [string, string][]): boolean[] {
  clearParseCaches();
  return checks.map(([v, s]) => satisfies(v, s));
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

function main(): number {
  const checks = pairs();
  const ours = pyshipRound(checks);
  const python = runPython(JSON.stringify({ pairs: checks, runs: RUNS }));
  if (!python.result) {
    console.error(`packaging did not run (${python.where}):\n${python.error}`);
    return 1;
  }
  const { result } = python;
  const wrong = ours.filter((answer, i) => answer !== result.answers[i]).length;
  if (wrong > 0) {
    console.error(
      `BUG: pyship and packaging ${result.packaging} disagree on ${wrong} of ${CHECKS} checks:`,
    );
    console.error(checks.filter((_, i) => ours[i] !== result.answers[i]).slice(0, 10));
    return 1;
  }
  const times: number[] = [];
  for (let round = 0; round < RUNS; round++) {
    const start = performance.now();
    pyshipRound(checks);
    times.push((performance.now() - start) / 1000);
  }
  const [pyship, packaging] = [median(times), median(result.times)];
  const ratio = packaging / pyship;
  console.log(
    `${CHECKS} checks (${ours.filter(Boolean).length} hold), identical answers; ${RUNS} cold rounds each.`,
  );
  console.log(
    `packaging ${result.packaging} on Python ${result.python}, from the ${python.where}.\n`,
  );
  console.log("| side | median | min |\n|---|---:|---:|");
  console.log(
    `| pyship satisfies | ${(pyship * 1000).toFixed(1)} ms | ${(Math.min(...times) * 1000).toFixed(1)} ms |`,
  );
  console.log(
    `| packaging SpecifierSet.contains | ${(packaging * 1000).toFixed(1)} ms | ${(Math.min(...result.times) * 1000).toFixed(1)} ms |`,
  );
  console.log(
    `\npackaging / pyship = ${ratio.toFixed(2)}× (goal ≥ 3: ${ratio >= 3 ? "met" : "MISSED"})`,
  );
  // The last line, spaced as Python's json.dumps prints it.
  console.log(
    `{"bench": "pep440", "median_s": {"pyship": ${pyship.toFixed(6)}, "packaging": ${packaging.toFixed(6)}}, "ratios": {"packaging_over_pyship": ${ratio.toFixed(2)}}}`,
  );
  return 0;
}

process.exitCode = main();
