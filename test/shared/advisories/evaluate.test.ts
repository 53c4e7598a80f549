import { describe, expect, test } from "@jest/globals";
import { evaluateAdvisory, fixVersions, isAffected } from "../../../shared/advisories/evaluate.js";
import { type Advisory, parseAdvisory, type RangeEvent } from "../../../shared/advisories/model.js";

type Entry = { name?: string; ecosystem?: string; ranges?: unknown[]; versions?: string[] };

function advisory(entries: Entry[], extra: Record<string, unknown> = {}): Advisory {
  const affected = entries.map(({ name = "demo", ecosystem = "PyPI", ranges = [], versions }) => ({
    package: { ecosystem, name },
    ranges,
    versions,
  }));
  const record = { id: "TEST-1", modified: "2024-01-01T00:00:00Z", affected, ...extra };
  return parseAdvisory(JSON.stringify(record), "TEST-1.json");
}

const range = (...events: RangeEvent[]) => ({ type: "ECOSYSTEM", events });
const one = (...events: RangeEvent[]) => advisory([{ ranges: [range(...events)] }]);
const affectedOf = (a: Advisory, versions: string[]) =>
  versions.filter((v) => isAffected(a, "demo", v));

describe("ranges", () => {
  test("unsorted events with two introduced/fixed pairs", () => {
    const a = one(
      { introduced: "2.0.0" },
      { fixed: "2.0.6" },
      { introduced: "0" },
      { fixed: "1.26.17" },
    );
    const candidates = "0.1 1.26.16 1.26.17 1.27 1.99 2.0.0 2.0.5 2.0.6 2.1".split(" ");
    expect(affectedOf(a, candidates)).toEqual(["0.1", "1.26.16", "2.0.0", "2.0.5"]);
  });

  test('introduced "0" is below every version, pre-releases of 0 included', () => {
    const a = one({ introduced: "0" }, { fixed: "1.0" });
    expect(
      affectedOf(a, ["0.dev1", "0a1", "0", "0.0.1", "0.9.post3", "1.0rc1", "1.0", "1.0.1"]),
    ).toEqual(["0.dev1", "0a1", "0", "0.0.1", "0.9.post3", "1.0rc1"]);
  });

  test("last_affected is inclusive and only post-releases and later leave the range", () => {
    const a = one({ introduced: "0" }, { last_affected: "1.11.0" });
    const candidates = "1.10 1.11.0rc1 1.11 1.11.0 1.11.0+local 1.11.0.post1 1.11.1".split(" ");
    expect(affectedOf(a, candidates)).toEqual(["1.10", "1.11.0rc1", "1.11", "1.11.0"]);
    expect(fixVersions(a, "demo", "1.10")).toEqual([]);
  });

  test("limit caps a range; `*` is no cap", () => {
    const capped = one({ introduced: "1.0" }, { limit: "2.0" });
    expect(affectedOf(capped, ["0.9", "1.0", "1.9.9", "2.0rc1", "2.0", "3.0"])).toEqual([
      "1.0",
      "1.9.9",
      "2.0rc1",
    ]);
    const open = one({ introduced: "1.0" }, { limit: "*" });
    expect(affectedOf(open, ["0.9", "1.0", "9999"])).toEqual(["1.0", "9999"]);
  });

  test("fixed is exclusive; pre-, post-, dev and local releases order by PEP 440", () => {
    const a = one({ introduced: "1.0" }, { fixed: "2.0" });
    const candidates = "1.0.dev1 1.0rc1 1.0 1.0.post1 1.9+local 2.0.dev1 2.0b1 2.0 2.0.post1".split(
      " ",
    );
    expect(affectedOf(a, candidates)).toEqual([
      "1.0",
      "1.0.post1",
      "1.9+local",
      "2.0.dev1",
      "2.0b1",
    ]);
  });

  test("pre-release bounds", () => {
    const a = one({ introduced: "3.0.0b1" }, { fixed: "3.0.0rc2" });
    expect(affectedOf(a, ["3.0.0a9", "3.0.0b1", "3.0.0rc1", "3.0.0rc2", "3.0.0"])).toEqual([
      "3.0.0b1",
      "3.0.0rc1",
    ]);
  });

  test("several ranges in one entry, SEMVER read like ECOSYSTEM, GIT ignored", () => {
    const a = advisory([
      {
        ranges: [
          range({ introduced: "1.0" }, { fixed: "1.5" }),
          { type: "SEMVER", events: [{ introduced: "3.0.0" }, { fixed: "3.1.0" }] },
          {
            type: "GIT",
            repo: "https://example.org/demo",
            events: [{ introduced: "0" }, { fixed: "abc123" }],
          },
        ],
      },
    ]);
    expect(affectedOf(a, ["0.5", "1.2", "1.5", "2.0", "3.0.1", "3.1.0"])).toEqual(["1.2", "3.0.1"]);
  });

  test("entries for other packages and other ecosystems do not count", () => {
    const a = advisory([
      { name: "demo", ranges: [range({ introduced: "1.0" }, { fixed: "1.1" })] },
      { name: "demo", ecosystem: "npm", ranges: [range({ introduced: "0" })] },
      { name: "other", ranges: [range({ introduced: "0" })] },
      { name: "Demo", ranges: [range({ introduced: "5.0" }, { fixed: "5.1" })] },
    ]);
    expect(affectedOf(a, ["0.5", "1.0", "2.0", "5.0", "6.0"])).toEqual(["1.0", "5.0"]);
    expect(isAffected(a, "other", "0.5")).toBe(true);
    expect(isAffected(a, "unrelated", "1.0")).toBe(false);
  });

  test("names match PEP 503-normalized", () => {
    const a = advisory([{ name: "Foo_Bar", ranges: [range({ introduced: "0" }, { fixed: "2" })] }]);
    for (const name of ["foo-bar", "FOO.BAR", "foo__bar", "Foo_Bar"])
      expect(isAffected(a, name, "1")).toBe(true);
    expect(isAffected(a, "foobar", "1")).toBe(false);
  });

  test("withdrawn advisories affect nothing", () => {
    const a = advisory(
      [{ ranges: [range({ introduced: "0" }, { fixed: "2" })], versions: ["1.0"] }],
      {
        withdrawn: "2023-11-08T00:54:24Z",
      },
    );
    expect(isAffected(a, "demo", "1.0")).toBe(false);
    expect(fixVersions(a, "demo", "1.0")).toEqual([]);
  });
});

describe("the versions list", () => {
  test("compares PEP 440-normalized spellings", () => {
    const a = advisory([{ versions: ["1.0", "2.0.0-RC1", "v3.0", "0.8.0-alpha2", "not-pep440"] }]);
    const candidates = "1.0.0 1 2.0rc1 3.0.0 0.8a2 not-pep440 1.0.1 2.0 3.0.post1".split(" ");
    expect(affectedOf(a, candidates)).toEqual([
      "1.0.0",
      "1",
      "2.0rc1",
      "3.0.0",
      "0.8a2",
      "not-pep440",
    ]);
  });

  test("a version in the list but outside the ranges takes the smallest fix above it", () => {
    const a = advisory([
      {
        ranges: [
          range({ introduced: "1.0" }, { fixed: "1.2" }, { introduced: "2.0" }, { fixed: "2.3" }),
        ],
        versions: ["0.9"],
      },
    ]);
    expect(evaluateAdvisory(a, "demo", "0.9")).toEqual({
      affected: true,
      fixVersions: ["1.2"],
      warnings: [],
    });
  });
});

describe("fix versions", () => {
  test("the smallest fixed above the version, per range", () => {
    const a = one(
      { introduced: "4.2" },
      { fixed: "4.2.3" },
      { introduced: "4.0" },
      { fixed: "4.1.10" },
      { introduced: "3.2" },
      { fixed: "3.2.20" },
    );
    expect(fixVersions(a, "demo", "4.0.5")).toEqual(["4.1.10"]);
    expect(fixVersions(a, "demo", "3.2.1")).toEqual(["3.2.20"]);
    expect(fixVersions(a, "demo", "4.2.0")).toEqual(["4.2.3"]);
    expect(fixVersions(a, "demo", "4.1.10")).toEqual([]);
  });

  test("ranges that do not hold the version give no fix; matches are sorted and deduplicated", () => {
    const a = advisory([
      {
        ranges: [
          range({ introduced: "0" }, { fixed: "1.10" }),
          range({ introduced: "0" }, { fixed: "1.9" }),
        ],
      },
      {
        name: "DEMO",
        ranges: [
          range({ introduced: "0" }, { fixed: "1.10.0" }),
          range({ introduced: "5" }, { fixed: "6" }),
        ],
      },
    ]);
    expect(fixVersions(a, "demo", "1.0")).toEqual(["1.9", "1.10"]);
    expect(fixVersions(a, "demo", "1.9.5")).toEqual(["1.10"]);
    expect(fixVersions(a, "demo", "5.5")).toEqual(["6"]);
  });
});

describe("versions that are not PEP 440", () => {
  test("an invalid event is skipped and reported, not thrown", () => {
    const a = one(
      { introduced: "0" },
      { fixed: "1.0-final-really" },
      { introduced: "bogus!" },
      { limit: "??" },
    );
    const warnings: string[] = [];
    expect(isAffected(a, "demo", "5.0", warnings)).toBe(true);
    expect(warnings).toEqual([
      "TEST-1: ECOSYSTEM event fixed: 1.0-final-really is not a PEP 440 version; skipped",
      "TEST-1: ECOSYSTEM event introduced: bogus! is not a PEP 440 version; skipped",
      "TEST-1: ECOSYSTEM event limit: ?? is not a PEP 440 version; skipped",
    ]);
    expect(evaluateAdvisory(a, "demo", "5.0").warnings).toHaveLength(3);
    expect(isAffected(one({ introduced: "junk" }, { fixed: "2.0" }), "demo", "1.0")).toBe(false);
  });

  test("an invalid installed version only matches the list, as written", () => {
    const a = advisory([{ ranges: [range({ introduced: "0" })], versions: ["release-2013"] }]);
    const result = evaluateAdvisory(a, "demo", "weird version");
    expect(result.affected).toBe(false);
    expect(result.warnings).toEqual([
      "TEST-1: demo weird version is not a PEP 440 version; ranges skipped",
    ]);
    expect(isAffected(a, "demo", "release-2013")).toBe(true);
  });

  test("no warnings for packages the advisory does not name", () => {
    const a = one({ introduced: "junk" });
    expect(evaluateAdvisory(a, "other", "1.0").warnings).toEqual([]);
  });
});
