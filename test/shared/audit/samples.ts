/** Builders for hand-made audit results, shared by the output writers' tests. */
import type { AdvisorySeverity } from "../../../shared/advisories/severity.js";
import type { AuditedPackage, Vulnerability } from "../../../shared/audit/model.js";

export const pkg = (
  name: string,
  version: string,
  line = 1,
  groups: string[] = [],
): AuditedPackage => ({
  name,
  key: name.toLowerCase().replace(/[-_.]+/g, "-"),
  version,
  line,
  groups,
});

export const vuln = (
  id: string,
  severity: AdvisorySeverity,
  fixVersions: string[],
  aliases: string[] = [],
): Vulnerability => ({
  id,
  aliases,
  summary: `Summary of ${id}`,
  severity,
  fixVersions,
  url: `https://osv.dev/vulnerability/${id}`,
});

export const cvss31Medium: AdvisorySeverity = {
  level: "medium",
  score: 4.4,
  vector: "CVSS:3.1/AV:N/AC:H/PR:H/UI:N/S:U/C:H/I:N/A:N",
  source: "cvss",
};
export const unscored: AdvisorySeverity = { level: "high", source: "none" };
