import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "@jest/globals";
import { eventOf, parseAdvisory } from "../../../shared/advisories/model.js";
import { ConfigurationError } from "../../../shared/runtime/errors.js";
import { advisoryFixtures } from "../../harness/osv-api.js";

const fixtureDir = advisoryFixtures;
const fixture = (file: string) => readFileSync(path.join(fixtureDir, file), "utf8");

describe("parseAdvisory", () => {
  test("reads a pypa YAML advisory into the typed record", () => {
    const advisory = parseAdvisory(fixture("urllib3/PYSEC-2023-192.yaml"), "PYSEC-2023-192.yaml");
    expect(advisory.id).toBe("PYSEC-2023-192");
    expect(advisory.aliases).toEqual(["CVE-2023-43804", "GHSA-v845-jxx5-vc9f"]);
    expect(advisory.modified).toBe("2023-10-10T14:28:19.389317Z");
    expect(advisory.severity[0]).toEqual({
      type: "CVSS_V3",
      score: expect.stringMatching(/^CVSS:3/),
    });
    const [entry] = advisory.affected;
    expect(entry.package).toEqual({ ecosystem: "PyPI", name: "urllib3", purl: "pkg:pypi/urllib3" });
    expect(entry.ranges.map((r) => r.type)).toEqual(["GIT", "ECOSYSTEM"]);
    expect(entry.ranges[1].events.map(eventOf)).toEqual([
      { kind: "introduced", version: "2.0.0" },
      { kind: "fixed", version: "2.0.6" },
      { kind: "introduced", version: "0" },
      { kind: "fixed", version: "1.26.17" },
    ]);
    expect(entry.versions).toContain("1.10");
    expect(advisory.references.length).toBeGreaterThan(0);
  });

  test("absent lists read as empty, absent fields stay absent (pillow has no aliases or published)", () => {
    const advisory = parseAdvisory(fixture("pillow/PYSEC-2023-175.yaml"), "PYSEC-2023-175.yaml");
    expect(advisory.aliases).toEqual([]);
    expect(advisory.related).toEqual(["CVE-2023-4863", "CVE-2023-5129"]);
    expect("published" in advisory).toBe(false);
    expect("summary" in advisory).toBe(false);
  });

  test("the same advisory as JSON gives the same record", () => {
    const fromYaml = parseAdvisory(fixture("requests/PYSEC-2023-74.yaml"), "PYSEC-2023-74.yaml");
    const fromJson = parseAdvisory(JSON.stringify(fromYaml), "PYSEC-2023-74.json");
    expect(fromJson).toEqual(fromYaml);
    expect(fromYaml.details).toMatch(/\n$/); // the `|+` block scalar keeps its trailing newline
  });

  test("bare YAML numbers in version positions keep their spelling", () => {
    const advisory = parseAdvisory(
      [
        "id: X-1",
        "modified: 2024-01-01T00:00:00Z",
        "database_specific: {count: 3}",
        "affected:",
        "- package: {ecosystem: PyPI, name: demo}",
        "  ranges:",
        "  - type: ECOSYSTEM",
        "    events:",
        "    - introduced: 0",
        "    - fixed: 2.10",
        "  versions: [1.0, 1.10, 2.0.1, 1e3]",
      ].join("\n"),
      "X-1.yaml",
    );
    expect(advisory.affected[0].ranges[0].events).toEqual([{ introduced: "0" }, { fixed: "2.10" }]);
    expect(advisory.affected[0].versions).toEqual(["1.0", "1.10", "2.0.1", "1e3"]);
    expect(advisory.database_specific).toEqual({ count: 3 });
  });

  test("a byte-order mark is ignored", () => {
    const text = `\uFEFF${JSON.stringify({ id: "X-2", modified: "2024-01-01T00:00:00Z" })}`;
    expect(parseAdvisory(text, "X-2.json").affected).toEqual([]);
  });

  const base = { id: "X-3", modified: "2024-01-01T00:00:00Z" };
  const entry = (events: unknown) => ({
    ...base,
    affected: [
      { package: { ecosystem: "PyPI", name: "demo" }, ranges: [{ type: "ECOSYSTEM", events }] },
    ],
  });
  test.each([
    ["not JSON", "{nope", "X.json", "X.json: is not valid JSON"],
    ["not YAML", "id: [unclosed", "X.yaml", "X.yaml: is not valid YAML"],
    ["a list", "- 1\n- 2\n", "X.yaml", "X.yaml: must hold one OSV object"],
    ["no id", JSON.stringify({ modified: "x" }), "X.json", "X.json: id is required"],
    ["no modified", JSON.stringify({ id: "X" }), "X.json", "X.json: modified is required"],
    ["numeric id", JSON.stringify({ ...base, id: 7 }), "X.json", "X.json: id must be a string"],
    [
      "aliases not a list",
      JSON.stringify({ ...base, aliases: "CVE-1" }),
      "X.json",
      "X.json: aliases must be a list",
    ],
    [
      "affected item not an object",
      JSON.stringify({ ...base, affected: ["demo"] }),
      "X.json",
      "X.json: affected[0] must be an object",
    ],
    [
      "no package name",
      JSON.stringify({ ...base, affected: [{ package: { ecosystem: "PyPI" } }] }),
      "X.json",
      "X.json: affected[0].package.name is required",
    ],
    [
      "two keys in an event",
      JSON.stringify(entry([{ introduced: "0", fixed: "1" }])),
      "X.json",
      "X.json: affected[0].ranges[0].events[0] needs exactly one of introduced, fixed, last_affected, limit",
    ],
    [
      "no events",
      JSON.stringify(entry([])),
      "X.json",
      "X.json: affected[0].ranges[0].events must list at least one event",
    ],
    [
      "numeric version in JSON",
      JSON.stringify(entry([{ introduced: 0 }])),
      "X.json",
      "X.json: affected[0].ranges[0].events[0].introduced must be a string",
    ],
    [
      "numeric severity score",
      JSON.stringify({ ...base, severity: [{ type: "CVSS_V3", score: 9.8 }] }),
      "X.json",
      "X.json: severity[0].score must be a string",
    ],
    [
      "schema 2",
      JSON.stringify({ ...base, schema_version: "2.0.0" }),
      "X.json",
      "X.json: schema_version 2.0.0 is not supported (only 1.x)",
    ],
  ])("rejects %s, naming the file and field", (_, text, file, message) => {
    let error: unknown;
    try {
      parseAdvisory(text, file);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).message.startsWith(message)).toBe(true);
    expect((error as ConfigurationError).location.file).toBe(file);
  });
});
