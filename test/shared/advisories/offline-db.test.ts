import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { isAffected } from "../../../shared/advisories/evaluate.js";
import { loadAdvisoryDb } from "../../../shared/advisories/offline-db.js";
import { ConfigurationError } from "../../../shared/runtime/errors.js";
import { writeZip } from "../../harness/archives.js";
import { advisoryFixtures } from "../../harness/osv-api.js";

const fixtureDir = advisoryFixtures;
const fixture = (file: string) => readFileSync(path.join(fixtureDir, file));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "pyship-advisories-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const osv = (id: string, name: string, modified = "2024-01-01T00:00:00Z") => ({
  id,
  modified,
  affected: [
    {
      package: { ecosystem: "PyPI", name },
      ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "2.0" }] }],
    },
  ],
});
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

async function configurationError(promise: Promise<unknown>): Promise<ConfigurationError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConfigurationError);
  return error as ConfigurationError;
}

describe("loadAdvisoryDb", () => {
  test("reads the 24 fixtures as a directory tree, indexed by package", async () => {
    const db = await loadAdvisoryDb(fixtureDir);
    expect(db.count).toBe(24);
    expect(db.skipped).toEqual([]);
    expect(
      db.byPackage
        .get("urllib3")
        ?.map((a) => a.id)
        .sort(),
    ).toEqual(["PYSEC-2021-108", "PYSEC-2023-192", "PYSEC-2023-212"]);
    expect([...db.byPackage.values()].reduce((n, list) => n + list.length, 0)).toBe(24);
    const [flask] = db.byPackage.get("flask") ?? [];
    expect(isAffected(flask, "Flask", "0.12.2")).toBe(true);
  });

  test("skips a file that does not parse, with its reason, and ignores other files", async () => {
    const tree = path.join(dir, "tree");
    mkdirSync(path.join(tree, "vulns/foo-bar"), { recursive: true });
    mkdirSync(path.join(tree, ".git"), { recursive: true });
    writeFileSync(path.join(tree, "vulns/foo-bar/GOOD-1.json"), json(osv("GOOD-1", "Foo_Bar")));
    writeFileSync(path.join(tree, "vulns/foo-bar/BAD-1.yaml"), "id: BAD-1\naffected: nope\n");
    writeFileSync(path.join(tree, "vulns/README.md"), "# not an advisory\n");
    writeFileSync(path.join(tree, ".git/HEAD.json"), "{");
    const db = await loadAdvisoryDb(tree);
    expect(db.count).toBe(1);
    expect([...db.byPackage.keys()]).toEqual(["foo-bar"]);
    expect(db.skipped).toEqual([
      { file: path.join(tree, "vulns/foo-bar/BAD-1.yaml"), reason: "modified is required" },
    ]);
  });

  test("reads an OSV all.zip, JSON and YAML members alike", async () => {
    const zip = path.join(dir, "all.zip");
    writeZip(zip, [
      { name: "PYSEC-2023-192.json", data: json(osv("PYSEC-2023-192", "urllib3")) },
      { name: "vulns/" },
      { name: "vulns/flask/PYSEC-2023-62.yaml", data: fixture("flask/PYSEC-2023-62.yaml") },
      { name: "PYSEC-0000-broken.json", data: Buffer.from('{"id": "PYSEC-0000-broken"') },
      {
        name: "NPM-1.json",
        data: json({
          ...osv("NPM-1", "left-pad"),
          affected: [{ package: { ecosystem: "npm", name: "left-pad" } }],
        }),
      },
      { name: "notes.txt", data: Buffer.from("ignored") },
    ]);
    const db = await loadAdvisoryDb(zip);
    expect(db.count).toBe(3);
    expect([...db.byPackage.keys()].sort()).toEqual(["flask", "urllib3"]);
    expect(db.skipped).toHaveLength(1);
    expect(db.skipped[0].file).toBe(`${zip}!PYSEC-0000-broken.json`);
    expect(db.skipped[0].reason).toMatch(/^is not valid JSON/);
  });

  test("the newest record wins when an ID appears twice", async () => {
    const zip = path.join(dir, "dupes.zip");
    writeZip(zip, [
      { name: "a/X-1.json", data: json(osv("X-1", "old-name", "2024-01-01T00:00:00Z")) },
      { name: "b/X-1.json", data: json(osv("X-1", "new-name", "2024-06-01T00:00:00Z")) },
    ]);
    const db = await loadAdvisoryDb(zip);
    expect([...db.byPackage.keys()]).toEqual(["new-name"]);
    expect(db.skipped).toEqual([
      { file: `${zip}!a/X-1.json`, reason: `X-1 is also in ${zip}!b/X-1.json, modified later` },
    ]);
  });

  test("a corrupt or truncated zip is a ConfigurationError naming it", async () => {
    const garbage = path.join(dir, "garbage.zip");
    writeFileSync(garbage, "this is not a zip file at all");
    const error = await configurationError(loadAdvisoryDb(garbage));
    expect(error.message).toMatch(`advisory database ${garbage} is not a readable zip archive`);
    expect(error.location.file).toBe(garbage);

    const whole = path.join(dir, "whole.zip");
    writeZip(whole, [{ name: "X-1.json", data: json(osv("X-1", "demo")) }]);
    const truncated = path.join(dir, "truncated.zip");
    writeFileSync(truncated, readFileSync(whole).subarray(0, 40));
    expect((await configurationError(loadAdvisoryDb(truncated))).message).toMatch(truncated);

    const damaged = path.join(dir, "damaged.zip");
    const bytes = readFileSync(whole);
    bytes.fill(0xff, 30 + "X-1.json".length, 30 + "X-1.json".length + 8); // the deflated data
    writeFileSync(damaged, bytes);
    expect((await configurationError(loadAdvisoryDb(damaged))).message).toMatch(
      `advisory database ${damaged} is not a readable zip archive`,
    );
  });

  test("a missing path is a ConfigurationError", async () => {
    const missing = path.join(dir, "nowhere/all.zip");
    const error = await configurationError(loadAdvisoryDb(missing));
    expect(error.message).toBe(`advisory database ${missing}: does not exist`);
  });

  test("a source with no readable advisory is a ConfigurationError", async () => {
    const empty = path.join(dir, "empty");
    mkdirSync(empty);
    expect((await configurationError(loadAdvisoryDb(empty))).message).toBe(
      `advisory database ${empty} holds no readable OSV advisory (0 files skipped)`,
    );
    const bad = path.join(dir, "bad.zip");
    writeZip(bad, [{ name: "X.json", data: Buffer.from("[]") }]);
    expect((await configurationError(loadAdvisoryDb(bad))).message).toBe(
      `advisory database ${bad} holds no readable OSV advisory (1 files skipped; first: ${bad}!X.json: must hold one OSV object)`,
    );
  });
});
