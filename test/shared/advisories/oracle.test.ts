/**
 * The 24 pypa/advisory-database fixtures as an oracle: each advisory's `versions` list enumerates
 * the PyPI releases it affects, so evaluation (with the list, and from the ranges alone) must
 * agree with it on every known release, and on never-released neighbours as explained below.
 */

import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "@jest/globals";
import { evaluateAdvisory, fixVersions, isAffected } from "../../../shared/advisories/evaluate.js";
import { type Advisory, eventOf, parseAdvisory } from "../../../shared/advisories/model.js";
import { normalizeName } from "../../../shared/project/names.js";
import { compareVersions } from "../../../shared/project/pep440.js";
import { advisoryFixtures } from "../../harness/osv-api.js";

const fixtureDir = advisoryFixtures;

const files = readdirSync(fixtureDir, { recursive: true, encoding: "utf8" })
  .filter((file) => file.endsWith(".yaml"))
  .sort();
const advisories = files.map((file) => ({
  file,
  advisory: parseAdvisory(readFileSync(path.join(fixtureDir, file), "utf8"), file),
}));

const same = (a: string, b: string) => compareVersions(a, b) === 0;
const pypiEntries = (advisory: Advisory, name?: string) =>
  advisory.affected.filter(
    (e) => e.package?.ecosystem === "PyPI" && (!name || normalizeName(e.package.name) === name),
  );
const ecosystemEvents = (advisory: Advisory, name: string) =>
  pypiEntries(advisory, name).flatMap((e) =>
    e.ranges.filter((r) => r.type === "ECOSYSTEM").flatMap((r) => r.events.map(eventOf)),
  );

/** Versions known to exist on PyPI: every fixture's list for the package, and its event versions. */
function knownReleases(name: string): string[] {
  const known: string[] = [];
  for (const { advisory } of advisories) {
    for (const entry of pypiEntries(advisory, name)) known.push(...entry.versions);
    for (const { version } of ecosystemEvents(advisory, name))
      if (version !== "0") known.push(version);
  }
  const sorted = known.sort(compareVersions);
  return sorted.filter((v, i) => i === 0 || !same(sorted[i - 1], v));
}

/** x.y.z ± 1 on the last segment, after padding to three segments. */
function neighbours(version: string): string[] {
  if (!/^\d+(\.\d+)*$/.test(version)) return [];
  const parts = version.split(".").map(Number);
  while (parts.length < 3) parts.push(0);
  const last = parts.length - 1;
  const around = [parts[last] + 1, parts[last] - 1].filter((n) => n >= 0);
  return around.map((n) => [...parts.slice(0, last), n].join("."));
}

const withoutList = (advisory: Advisory): Advisory => ({
  ...advisory,
  affected: advisory.affected.map((entry) => ({ ...entry, versions: [] })),
});

test("all 24 fixtures parse, and each has PyPI entries with a versions list", () => {
  expect(advisories).toHaveLength(24);
  for (const { advisory } of advisories) {
    expect(pypiEntries(advisory).length).toBeGreaterThan(0);
    expect(pypiEntries(advisory).every((e) => e.versions.length > 0)).toBe(true);
  }
});

/** INDEX.md was written from the upstream files; its events and counts cross-check the YAML reading. */
test("parsed ECOSYSTEM events and list sizes match INDEX.md", () => {
  const rows = readFileSync(path.join(fixtureDir, "INDEX.md"), "utf8")
    .split("\n")
    .filter((line) => /^\| \w[^|]*\.yaml \|/.test(line))
    .map((line) => line.split("|").map((cell) => cell.trim()));
  expect(rows).toHaveLength(24);
  for (const [, file, , , events, count] of rows) {
    const { advisory } = advisories.find((a) => a.file === file) ?? { advisory: undefined };
    if (!advisory) throw new Error(`${file} is listed in INDEX.md but was not loaded`);
    const name = normalizeName(pypiEntries(advisory)[0].package?.name ?? "");
    const short = { introduced: "int", fixed: "fix", last_affected: "last", limit: "limit" };
    const parsed = ecosystemEvents(advisory, name).map((e) => `${short[e.kind]}=${e.version}`);
    const indexed = events.replace(/\(.*?\)/g, "").match(/\b(int|fix|last)=\S+/g) ?? [];
    expect(parsed.sort()).toEqual(indexed.map((e) => e.replace(/;$/, "")).sort());
    expect(pypiEntries(advisory).flatMap((e) => e.versions)).toHaveLength(Number(count));
  }
});

describe.each(advisories.map(({ file, advisory }) => [file, advisory] as const))(
  "%s",
  (_, advisory) => {
    // Withdrawn advisories affect nothing; the oracle is checked on the same record un-withdrawn.
    const live: Advisory = { ...advisory, withdrawn: undefined };
    const names = [
      ...new Set(pypiEntries(advisory).map((e) => normalizeName(e.package?.name ?? ""))),
    ];

    test.each(names)("%s: every listed version is affected, from the ranges alone too", (name) => {
      const listed = pypiEntries(advisory, name).flatMap((e) => e.versions);
      const rangesOnly = withoutList(live);
      const warnings: string[] = [];
      expect(listed.filter((v) => !isAffected(live, name, v, warnings))).toEqual([]);
      expect(listed.filter((v) => !isAffected(rangesOnly, name, v, warnings))).toEqual([]);
      expect(warnings).toEqual([]);
    });

    /**
     * The list enumerates releases only. So a known release outside it must not be affected; a
     * never-released neighbour (2.0.9, 0.0.1, 9999.0) takes the state of the nearest known release
     * below it, because every event version is itself a known release and states only change at
     * events (`last_affected` ends the state just after its version; below every known release only
     * `introduced: "0"` is affected). This is where the literal "not in the list → not affected"
     * does not hold: an unreleased 1.26.16.1-style version inside [introduced, fixed) is affected,
     * as the OSV algorithm says, though no list can name it.
     */
    test.each(names)("%s: versions outside the list agree with it", (name) => {
      const listed = pypiEntries(advisory, name).flatMap((e) => e.versions);
      const isListed = (v: string) => listed.some((l) => same(l, v));
      const known = knownReleases(name);
      const events = ecosystemEvents(advisory, name);
      const lastAffected = (v: string) =>
        events.some((e) => e.kind === "last_affected" && same(e.version, v));
      const fromZero = events.some((e) => e.kind === "introduced" && e.version === "0");
      const expected = (v: string): boolean => {
        if (isListed(v)) return true;
        if (known.some((k) => same(k, v))) return false;
        const below = known.filter((k) => compareVersions(k, v) < 0).at(-1);
        return below === undefined ? fromZero : isListed(below) && !lastAffected(below);
      };
      const candidates = new Set<string>(["0.0.1", "9999.0", ...known]);
      for (const v of [...listed, ...events.map((e) => e.version)]) {
        for (const n of neighbours(v)) candidates.add(n);
      }
      const rangesOnly = withoutList(live);
      const wrong = [...candidates].filter(
        (v) =>
          isAffected(live, name, v) !== expected(v) ||
          isAffected(rangesOnly, name, v) !== expected(v),
      );
      expect(wrong).toEqual([]);
      // Known releases outside the list: the literal oracle, which holds for every fixture.
      const outside = known.filter((v) => !isListed(v));
      expect(outside.filter((v) => isAffected(live, name, v))).toEqual([]);
      if (advisory.withdrawn)
        expect([...candidates].filter((v) => isAffected(advisory, name, v))).toEqual([]);
    });

    test.each(names)("%s: the fix for a listed version is the next unlisted release", (name) => {
      const listed = pypiEntries(advisory, name).flatMap((e) => e.versions);
      const hasFixed = ecosystemEvents(advisory, name).some((e) => e.kind === "fixed");
      const known = knownReleases(name);
      const unlisted = known.filter((k) => !listed.some((l) => same(l, k)));
      for (const v of listed) {
        const next = unlisted.find((k) => compareVersions(k, v) > 0);
        expect([v, fixVersions(live, name, v)]).toEqual([v, hasFixed && next ? [next] : []]);
        if (advisory.withdrawn) expect(evaluateAdvisory(advisory, name, v).fixVersions).toEqual([]);
      }
    });
  },
);
