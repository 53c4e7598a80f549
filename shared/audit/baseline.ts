/** audit against a PR's base lock: one round of queries for head and base, each finding marked new or existing. */
import type { AuditedPackage, AuditResult, BaselineState, Vulnerability } from "./model.js";

const idOf = (pkg: AuditedPackage) => `${pkg.key}==${pkg.version}`;

/** The head's packages, then the base's the head does not already query: one batch for both. */
export function withBasePackages(head: AuditedPackage[], base: AuditedPackage[]): AuditedPackage[] {
  const queried = new Set(head.map(idOf));
  const extra = new Map(base.filter((pkg) => !queried.has(idOf(pkg))).map((p) => [idOf(p), p]));
  return [...head, ...extra.values()];
}

const namesOf = (vuln: Vulnerability) => [vuln.id, ...vuln.aliases];

/**
 * The head's part of an audit of withBasePackages(head, base), each vulnerability marked
 * existing when the base's audit has the same advisory (by id or alias) for the same package.
 */
export function markedAgainstBase(
  audit: AuditResult,
  head: AuditedPackage[],
  base: AuditedPackage[],
): AuditResult {
  const byId = new Map(audit.packages.map((report) => [idOf(report.package), report]));
  const inBase = new Set(
    base.flatMap((pkg) =>
      (byId.get(idOf(pkg))?.vulns ?? []).flatMap(namesOf).map((name) => `${pkg.key} ${name}`),
    ),
  );
  const stateOf = (key: string, vuln: Vulnerability): BaselineState =>
    namesOf(vuln).some((name) => inBase.has(`${key} ${name}`)) ? "existing" : "new";
  const reports = audit.packages.slice(0, head.length);
  const headPackages = new Set(reports.map((report) => report.package));
  return {
    ...audit,
    packages: reports.map((report) => ({
      ...report,
      vulns: report.vulns.map((vuln) => ({
        ...vuln,
        baseline: stateOf(report.package.key, vuln),
      })),
    })),
    ignored: audit.ignored.filter((entry) => headPackages.has(entry.package)),
  };
}
