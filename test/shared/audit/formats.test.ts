/**
 * The audit over every lock format: one small project per format (test/fixtures/audit/<format>/)
 * pins the same four packages — requests 2.30.0 and urllib3 1.26.4 (vulnerable), idna 3.7 (the
 * fixed version of PYSEC-2024-60, so clean) and, in a dev/test group, jinja2 2.10 (vulnerable) —
 * and each is read, selected and audited offline against the 24 real advisories.
 *
 * The fixtures are hand-written in each tool's shape, without file hashes (the audit needs only
 * names and versions); the poetry, pdm and Pipfile content hashes are the ones their manifests
 * hash to, so lock-check finds no drift in them.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, test } from "@jest/globals";
import { type AdvisoryDb, loadAdvisoryDb } from "../../../shared/advisories/offline-db.js";
import { runAudit } from "../../../shared/audit/audit.js";
import { auditedPackages, notInSelectedGroups } from "../../../shared/audit/packages.js";
import { type Lock, type LockFormat, readLock } from "../../../shared/lockfiles/index.js";
import { readManifest } from "../../../shared/project/manifest.js";
import { advisoryFixtures } from "../../harness/osv-api.js";
import { repoRoot } from "../../harness/runner.js";

const fixtures = path.join(repoRoot, "test/fixtures/audit");

/** What every format must find: advisory id → the fix versions above the locked one. */
const expected: Record<string, { version: string; vulns: Record<string, string[]> }> = {
  idna: { version: "3.7", vulns: {} },
  jinja2: {
    version: "2.10",
    vulns: { "PYSEC-2019-217": ["2.10.1"], "PYSEC-2021-66": ["2.11.3"] },
  },
  requests: { version: "2.30.0", vulns: { "PYSEC-2023-74": ["2.31.0"] } },
  urllib3: {
    version: "1.26.4",
    vulns: {
      "PYSEC-2021-108": ["1.26.5"],
      "PYSEC-2023-192": ["1.26.17"],
      "PYSEC-2023-212": ["1.26.18"],
    },
  },
};
const mainPackages = ["idna", "requests", "urllib3"];

interface FormatCase {
  format: LockFormat;
  lockfile: string;
  /** The groups each package is reported under with `all`; undefined: not asserted (see pylock). */
  groups?: { main: string[]; dev: string[] };
  /** The `groups` request that selects only the main dependencies; undefined: no groups. */
  mainOnly?: string[];
}

// uv, Poetry and PDM always install their main dependencies ("main", "default" in rulesFor's
// `required`) and only accept the names of the other groups, so `[]` is "main only" there.
const cases: FormatCase[] = [
  { format: "uv", lockfile: "uv.lock", groups: { main: ["main"], dev: ["dev"] }, mainOnly: [] },
  {
    format: "poetry",
    lockfile: "poetry.lock",
    groups: { main: ["main"], dev: ["test"] },
    mainOnly: [],
  },
  {
    format: "pdm",
    lockfile: "pdm.lock",
    groups: { main: ["default"], dev: ["test"] },
    mainOnly: [],
  },
  {
    format: "pipfile",
    lockfile: "Pipfile.lock",
    groups: { main: ["default"], dev: ["develop"] },
    mainOnly: ["default"],
  },
  // pylock.toml selects by each package's marker; every selected package is reported under all
  // the active groups, so only jinja2's (marked `'dev' in dependency_groups`) is asserted.
  { format: "pylock", lockfile: "pylock.toml", mainOnly: [] },
  { format: "requirements", lockfile: "requirements.txt", groups: { main: [], dev: [] } },
];

/**
 * The 1-based line a package's entry starts at, found in the lock text: for TOML locks the
 * `name = "…"` line right after `[[package]]` (`[[packages]]` in pylock.toml), which is where
 * the readers point; the `"name": {` key in Pipfile.lock; the `name==version` pin in a
 * requirements file.
 */
function entryLine(format: LockFormat, text: string, name: string, version: string): number {
  const lines = text.split("\n");
  const header = format === "pylock" ? "[[packages]]" : "[[package]]";
  const index = lines.findIndex((line, i) => {
    switch (format) {
      case "pipfile":
        return line === `        "${name}": {`;
      case "requirements":
        return line.startsWith(`${name}==${version}`);
      default:
        return lines[i - 1]?.trim() === header && line === `name = "${name}"`;
    }
  });
  if (index < 0) throw new Error(`no entry for ${name} in the ${format} fixture`);
  return index + 1;
}

let db: AdvisoryDb;
beforeAll(async () => {
  db = await loadAdvisoryDb(advisoryFixtures);
});

function load({ format, lockfile }: FormatCase): {
  lock: Lock;
  manifest: ReturnType<typeof readManifest>;
} {
  const directory = path.join(fixtures, format);
  const lock = readLock(path.join(directory, lockfile), lockfile);
  const manifest = readManifest(directory, (p) => path.basename(p));
  return { lock, manifest };
}

describe.each(cases)("$format: $lockfile", (formatCase) => {
  const { format, lockfile } = formatCase;

  test("the exact advisories, fix versions, lines and groups of all four packages", async () => {
    const { lock, manifest } = load(formatCase);
    expect(lock.format).toBe(format);
    const { packages, skipped } = auditedPackages(lock, manifest, "all");
    expect(skipped).toEqual([]);
    expect(packages.map((p) => p.key).sort()).toEqual(Object.keys(expected).sort());

    const audit = await runAudit(packages, {
      lockfile,
      source: { kind: "offline", db },
      ignore: [],
      today: "2026-11-21",
    });
    expect(audit.warnings).toEqual([]);
    expect(audit.requests).toBe(0);
    expect(audit.result.lockfile).toBe(lockfile);
    expect(audit.result.ignored).toEqual([]);

    const found = Object.fromEntries(
      audit.result.packages.map((report) => [
        report.package.key,
        {
          version: report.package.version,
          vulns: Object.fromEntries(
            report.vulns.map((vuln) => [vuln.id, vuln.fixVersions] as const),
          ),
        },
      ]),
    );
    expect(found).toEqual(expected);
    // No advisory reported twice (the map above would hide a repeat).
    expect(audit.result.packages.flatMap((r) => r.vulns)).toHaveLength(6);

    const fixture = readFileSync(path.join(fixtures, format, lockfile), "utf8");
    for (const { package: audited } of audit.result.packages) {
      expect([audited.name, audited.line]).toEqual([
        audited.name,
        entryLine(format, fixture, audited.name, audited.version),
      ]);
    }

    const groupsOf = (key: string) =>
      [...(audit.result.packages.find((r) => r.package.key === key)?.package.groups ?? [])].sort();
    const { groups } = formatCase;
    if (groups) {
      for (const key of mainPackages) expect([key, groupsOf(key)]).toEqual([key, groups.main]);
      expect(groupsOf("jinja2")).toEqual(groups.dev);
    } else {
      expect(groupsOf("jinja2")).toEqual(["dev"]);
    }
  });

  const { mainOnly } = formatCase;
  if (mainOnly) {
    test(`groups ${JSON.stringify(mainOnly)} audit the main dependencies without jinja2`, async () => {
      const { lock, manifest } = load(formatCase);
      const { packages, skipped, locked } = auditedPackages(lock, manifest, mainOnly);
      expect(skipped.map((p) => [p.name.toLowerCase(), p.reason])).toEqual([
        ["jinja2", notInSelectedGroups],
      ]);
      expect(locked).toBe(packages.length + 1);
      expect(packages.map((p) => p.key).sort()).toEqual(mainPackages);
      const audit = await runAudit(packages, {
        lockfile,
        source: { kind: "offline", db },
        ignore: [],
        today: "2026-11-21",
      });
      expect(
        audit.result.packages.flatMap((r) => r.vulns.map((v) => `${r.package.key}:${v.id}`)).sort(),
      ).toEqual([
        "requests:PYSEC-2023-74",
        "urllib3:PYSEC-2021-108",
        "urllib3:PYSEC-2023-192",
        "urllib3:PYSEC-2023-212",
      ]);
    });
  }
});
