/**
 * The advisory oracle through the online path: the OSV client and the audit against the local
 * OSV API report each advisory for every version its `versions` list names, and for no other
 * known release of the package.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { type Advisory, eventOf, parseAdvisory } from "../../../shared/advisories/model.js";
import { runAudit } from "../../../shared/audit/audit.js";
import type { AuditedPackage } from "../../../shared/audit/model.js";
import { Deadline } from "../../../shared/http/deadline.js";
import { normalizeName } from "../../../shared/project/names.js";
import { compareVersions } from "../../../shared/project/pep440.js";
import { advisoryFixtures, type RunningOsvApi, startOsvApi } from "../../harness/osv-api.js";

const advisories: Advisory[] = readdirSync(advisoryFixtures, { recursive: true, encoding: "utf8" })
  .filter((file) => file.endsWith(".yaml"))
  .sort()
  .map((file) => parseAdvisory(readFileSync(path.join(advisoryFixtures, file), "utf8"), file));

const pypi = (advisory: Advisory) =>
  advisory.affected.filter((entry) => entry.package?.ecosystem === "PyPI");

/** Every release the fixtures know for a package: all lists and all event versions. */
function knownReleases(name: string): string[] {
  const known = advisories.flatMap((advisory) =>
    pypi(advisory)
      .filter((entry) => normalizeName(entry.package?.name ?? "") === name)
      .flatMap((entry) => [
        ...entry.versions,
        ...entry.ranges.flatMap((range) => range.events.map((event) => eventOf(event).version)),
      ]),
  );
  return [...new Set(known.filter((version) => version !== "0"))];
}

/** PEP 440 equality; the spelling for a version PEP 440 cannot read. */
function sameVersion(a: string, b: string): boolean {
  try {
    return compareVersions(a, b) === 0;
  } catch {
    return a === b;
  }
}

let osv: RunningOsvApi;
beforeAll(async () => {
  osv = await startOsvApi({ advisories: advisoryFixtures, pageSize: 3 });
});
afterAll(async () => osv?.close());

test.each(advisories.map((advisory) => [advisory.id, advisory] as const))(
  "%s",
  async (_id, advisory) => {
    for (const entry of pypi(advisory)) {
      const name = normalizeName(entry.package?.name ?? "");
      const listed = (version: string) => entry.versions.some((v) => sameVersion(v, version));
      const versions = knownReleases(name);
      const packages: AuditedPackage[] = versions.map((version, line) => ({
        name,
        key: name,
        version,
        line: line + 1,
        groups: [],
      }));
      const audit = await runAudit(packages, {
        lockfile: "requirements.txt",
        source: {
          kind: "osv",
          client: {
            url: osv.url,
            retry: { retries: 0 },
            deadline: new Deadline(60_000, "the test"),
          },
        },
        ignore: [],
        today: "2026-11-21",
      });
      const reported = audit.result.packages
        .filter((report) => report.vulns.some((vuln) => vuln.id === advisory.id))
        .map((report) => report.package.version)
        .sort();
      const expected = advisory.withdrawn ? [] : versions.filter(listed).sort();
      expect(reported).toEqual(expected);
    }
  },
);
