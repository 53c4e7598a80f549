import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { loadAdvisoryDb } from "../../../shared/advisories/offline-db.js";
import { runAudit } from "../../../shared/audit/audit.js";
import { parseIgnoreRules } from "../../../shared/audit/ignore.js";
import type { AuditedPackage } from "../../../shared/audit/model.js";
import { Deadline } from "../../../shared/http/deadline.js";
import { advisoryFixtures, type RunningOsvApi, startOsvApi } from "../../harness/osv-api.js";

const pkg = (name: string, version: string, line: number): AuditedPackage => ({
  name,
  key: name.toLowerCase(),
  version,
  line,
  groups: ["main"],
});
const packages = [
  pkg("requests", "2.30.0", 10),
  pkg("urllib3", "1.26.4", 20),
  pkg("idna", "3.7", 30),
];
let osv: RunningOsvApi;

beforeAll(async () => {
  osv = await startOsvApi({ advisories: advisoryFixtures });
});
afterAll(async () => osv?.close());

const summary = (audit: Awaited<ReturnType<typeof runAudit>>) =>
  audit.result.packages.map((report) => [
    report.package.name,
    report.vulns.map((vuln) => `${vuln.id}>${vuln.fixVersions.join("|")}`).sort(),
  ]);

test("offline and online find the same advisories and fix versions", async () => {
  const db = await loadAdvisoryDb(advisoryFixtures);
  const base = { lockfile: "uv.lock", ignore: [], today: "2026-11-21" };
  const offline = await runAudit(packages, { ...base, source: { kind: "offline", db } });
  const online = await runAudit(packages, {
    ...base,
    source: {
      kind: "osv",
      client: { url: osv.url, retry: { retries: 0 }, deadline: new Deadline(60_000, "the test") },
    },
  });
  expect(summary(online)).toEqual(summary(offline));
  expect(summary(offline)[0]).toEqual(["requests", ["PYSEC-2023-74>2.31.0"]]);
  expect(summary(offline)[2]).toEqual(["idna", []]);
  expect((summary(offline)[1][1] as string[]).length).toBeGreaterThan(0);
});

test("ignore-vulns by id or alias, with expiry", async () => {
  const db = await loadAdvisoryDb(advisoryFixtures);
  const requests = db.byPackage.get("requests")?.find((a) => a.id === "PYSEC-2023-74");
  const alias = requests?.aliases[0] ?? "";
  const run = (rules: string[]) =>
    runAudit([packages[0]], {
      lockfile: "uv.lock",
      source: { kind: "offline", db },
      ignore: parseIgnoreRules(rules),
      today: "2026-11-21",
    });
  expect((await run([alias])).result.ignored).toHaveLength(1);
  const later = await run(["PYSEC-2023-74:2027-01-01"]);
  expect(later.result.ignored[0].until).toBe("2027-01-01");
  const expired = await run(["PYSEC-2023-74:2026-01-01"]);
  expect(expired.result.ignored).toEqual([]);
  expect(expired.result.packages[0].vulns).toHaveLength(1);
  expect(expired.warnings[0]).toContain("expired on 2026-01-01");
  expect(() => parseIgnoreRules(["PYSEC-1:2026-13-45"])).toThrow("is not a date");
});
