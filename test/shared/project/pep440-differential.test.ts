/**
 * pyship's PEP 440 / 508 code against `packaging` and poetry-core in the oracle chroot (one Python
 * run for every case), and against Debian 12's packaging as a second opinion.
 *
 * We follow packaging 26.2 (the chroot's) where releases differ. Packaging 23.0 (Debian 12) differs
 * from it: `SpecifierSet.contains` raised InvalidVersion on a non-version (26: False); markers compared
 * every variable as a version when the right side parsed as a specifier and used Python's string `<`
 * otherwise (26: only python_version, python_full_version, implementation_version and
 * platform_release compare as versions; string `<`/`>` are False, `<=`/`>=` mean `==`).
 * Where packaging 26.2 goes against a clear PEP, pep440-oracle.py corrects the input it is given,
 * and says why: `extra` values inside parentheses (PEP 685) and `~=` versions spelled with
 * `rev`/`pre`/`c` suffixes (PEP 440 ignores every suffix).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, expect, test } from "@jest/globals";
import { evaluateMarker, MarkerSyntaxError, parseMarker } from "../../../shared/project/markers.js";
import {
  compareVersions,
  isValidSpecifier,
  isValidVersion,
  normalizeVersion,
  satisfies,
} from "../../../shared/project/pep440.js";
import {
  isValidPoetryConstraint,
  satisfiesPoetry,
} from "../../../shared/project/poetry-constraint.js";
import {
  describeWithOracles,
  ORACLE_TIMEOUT_MS,
  oracleName,
  pythonInOracles,
} from "../../harness/oracles.js";
import {
  caseMarkers,
  casePoetryConstraints,
  caseSpecifiers,
  caseVersions,
  fixtureStrings,
  fuzzer,
  markerEnvironments,
} from "./pep440-cases.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const program = readFileSync(path.join(here, "pep440-oracle.py"), "utf8");
const DEBIAN_PYTHON = "/usr/bin/python3";
const seed = Number(process.env.PEP440_FUZZ_SEED ?? 20261202);
console.log(`pep440 differential: fuzz seed ${seed} (PEP440_FUZZ_SEED to replay)`);

type Answer = boolean | string | null | number;
interface OracleAnswers {
  packaging: string;
  versions: (string | null)[];
  order: number[];
  contains: Answer[];
  markers: Answer[];
  poetry: Answer[];
}

function buildCases() {
  const fuzz = fuzzer(seed);
  const fixtures = fixtureStrings();
  const fuzzVersions = Array.from({ length: 3000 }, fuzz.version);
  const versions = [...new Set([...caseVersions, ...fixtures.versions, ...fuzzVersions])];
  const valid = versions.filter(isValidVersion);
  const order = Array.from({ length: 4000 }, () => [fuzz.pick(valid), fuzz.pick(valid)]);
  const probes = [...caseVersions, ...fuzzVersions.slice(0, 40)];
  const contains: [string, string][] = [];
  for (const s of caseSpecifiers) for (const v of caseVersions) contains.push([v, s]);
  for (const s of fixtures.specifiers)
    for (let i = 0; i < 12; i++) contains.push([fuzz.pick(probes), s]);
  for (let i = 0; i < 8000; i++) contains.push([fuzz.pick(fuzzVersions), fuzz.specifier()]);
  const markerTexts = [
    ...new Set([
      ...caseMarkers,
      ...fixtures.markers,
      ...Array.from({ length: 2000 }, () => fuzz.marker()),
    ]),
  ];
  const markers = markerTexts.flatMap((m) =>
    markerEnvironments.map((_, e) => [m, e] as [string, number]),
  );
  const poetryProbes = [
    "0.9",
    "1.0",
    "1.0a1",
    "1.2.3",
    "1.2.3.post1",
    "1.3.0",
    "1.9",
    "2.0",
    "2.0.dev0",
    "2.0a1",
    "2.0+local",
    "2.1",
    "3.8.10",
    "3.9",
    "3.12",
    "4.0",
    "20.4.4",
    "20.4.6",
    "20.4.7",
    "0.0.3",
    "0.0.4",
    "0.2.9",
    "0.3",
  ];
  const poetry: [string, string][] = [];
  for (const c of [...new Set([...casePoetryConstraints, ...fixtures.poetry])]) {
    for (const v of poetryProbes) poetry.push([v, c]);
  }
  return {
    fixtures,
    versions,
    order,
    contains,
    markers,
    markerTexts,
    poetry,
    environments: markerEnvironments,
  };
}

type Cases = ReturnType<typeof buildCases>;

function ours(cases: Cases) {
  return {
    versions: cases.versions.map((v) => normalizeVersion(v) ?? null),
    order: cases.order.map(([a, b]) => Math.sign(compareVersions(a, b))),
    contains: cases.contains.map(([v, s]) => (isValidSpecifier(s) ? satisfies(v, s) : "invalid")),
    markers: cases.markers.map(([m, e]) => {
      try {
        const { env, extras, groups } = markerEnvironments[e];
        return evaluateMarker(parseMarker(m), {
          environment: env,
          extras,
          dependencyGroups: groups,
        });
      } catch (error) {
        if (error instanceof MarkerSyntaxError) return "invalid";
        throw error;
      }
    }),
    poetry: cases.poetry.map(([v, c]) =>
      isValidPoetryConstraint(c) ? satisfiesPoetry(v, c) : "invalid",
    ),
  };
}

/** packaging's "undefined comparison" and poetry-core's unparsable version read as "no match" here. */
const asOurs = (answer: Answer) => (answer === "invalid-version" ? false : answer);

/**
 * packaging raises UndefinedComparison for a whole marker when any `~=`/`===` compares non-versions
 * (it evaluates every clause); pyship short-circuits and reads that one comparison as false, so
 * those markers have no packaging answer to agree with and are counted apart.
 */
const undefinedInPackaging = (answer: Answer) => answer === "undefined";

function mismatches(
  kind: keyof ReturnType<typeof ours>,
  cases: Cases,
  mine: Answer[],
  theirs: Answer[],
) {
  const inputs: unknown[] = cases[kind];
  return mine.flatMap((answer, i) =>
    answer === asOurs(theirs[i]) || undefinedInPackaging(theirs[i])
      ? []
      : [{ index: i, input: inputs[i], pyship: answer, oracle: theirs[i] }],
  );
}

let cases: Cases;
let mine: ReturnType<typeof ours>;
let oracle: OracleAnswers;

describeWithOracles(
  `PEP 440 / 508 agree with ${oracleName("packaging")} and ${oracleName("poetry-core")}`,
  () => {
    beforeAll(async () => {
      cases = buildCases();
      mine = ours(cases);
      oracle = await pythonInOracles<OracleAnswers>(program, cases, {
        timeoutMs: ORACLE_TIMEOUT_MS,
      });
    }, ORACLE_TIMEOUT_MS);

    test("the fixtures gave strings to compare", () => {
      const { files, versions, specifiers, markers, poetry } = cases.fixtures;
      console.log(
        `fixtures: ${files} files, ${versions.length} versions, ${specifiers.length} specifiers, ${markers.length} markers, ${poetry.length} Poetry constraints`,
      );
      expect(files).toBeGreaterThan(500);
      expect(markers.length).toBeGreaterThan(50);
    });

    for (const kind of ["versions", "order", "contains", "markers"] as const) {
      test(`${kind}: every case as ${oracleName("packaging")} answers`, () => {
        const wrong = mismatches(kind, cases, mine[kind], oracle[kind]);
        const unanswered = oracle[kind].filter(undefinedInPackaging).length;
        console.log(
          `${kind}: ${mine[kind].length - wrong.length - unanswered} of ${mine[kind].length - unanswered} agree with ${oracleName("packaging")}${unanswered ? ` (${unanswered} more where it raises UndefinedComparison)` : ""}`,
        );
        if (process.env.PEP440_DUMP)
          console.log(
            JSON.stringify(
              [
                ...new Map(
                  wrong.map((w) => [JSON.stringify((w.input as unknown[])[0]), w]),
                ).values(),
              ].slice(0, 60),
              null,
              1,
            ),
          );
        expect(wrong.slice(0, 15)).toEqual([]);
      });
    }

    test(`Poetry constraints: every case as ${oracleName("poetry-core")} answers`, () => {
      const wrong = mismatches("poetry", cases, mine.poetry, oracle.poetry);
      console.log(
        `poetry: ${mine.poetry.length - wrong.length} of ${mine.poetry.length} agree with ${oracleName("poetry-core")}`,
      );
      expect(wrong.slice(0, 15)).toEqual([]);
    });

    // Debian 12's packaging 23.0: where it answers differently from packaging 26, we follow 26.
    const debian = existsSync(DEBIAN_PYTHON) ? debianPackagingVersion() : undefined;
    (debian ? test : test.skip)(
      `second opinion: Debian 12 packaging ${debian ?? "?"} differs from us only where ${oracleName("packaging")} changed`,
      () => {
        const run = spawnSync(DEBIAN_PYTHON, ["-I", "-c", program], {
          input: JSON.stringify({ ...cases, poetry: [] }),
          encoding: "utf8",
          maxBuffer: 1 << 28,
        });
        expect(run.status === 0 ? "" : run.stderr.slice(-2000)).toBe("");
        const old = JSON.parse(run.stdout) as OracleAnswers;
        for (const kind of ["versions", "order", "contains", "markers"] as const) {
          const differing = mismatches(kind, cases, mine[kind], old[kind]);
          const unexplained = differing.filter(
            ({ index }) =>
              !undefinedInPackaging(oracle[kind][index]) &&
              asOurs(oracle[kind][index]) !== mine[kind][index],
          );
          console.log(
            `${kind}: packaging ${old.packaging} differs from us in ${differing.length} of ${mine[kind].length}, all where packaging ${oracle.packaging} changed`,
          );
          expect(unexplained.slice(0, 15)).toEqual([]);
        }
      },
    );
  },
);

function debianPackagingVersion(): string | undefined {
  const run = spawnSync(
    DEBIAN_PYTHON,
    ["-I", "-c", "import packaging; print(packaging.__version__)"],
    { encoding: "utf8" },
  );
  return run.status === 0 ? run.stdout.trim() : undefined;
}
