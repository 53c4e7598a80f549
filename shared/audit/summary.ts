/** The audit's job summary tables. */
import { severityText } from "../advisories/severity.js";
import { markdownCell, markdownTable } from "../runtime/findings.js";
import type { AuditResult, Vulnerability } from "./model.js";
import type { AuditScope } from "./packages.js";

const severityMark = { low: "🟢", medium: "🟡", high: "🟠", critical: "🔴" };

function severityCell(vuln: Vulnerability): string {
  return markdownCell(`${severityMark[vuln.severity.level]} ${severityText(vuln.severity)}`);
}

const baselineMark = { new: "🆕 new", existing: "existing" };

/**
 * One row per package and advisory: package, version, advisory, aliases, severity, fixed in,
 * group; and, against a PR's base lock, whether it is new. New ones come first.
 */
export function vulnerabilityTable(result: AuditResult): string {
  const found = result.packages.flatMap((report) => report.vulns.map((vuln) => ({ report, vuln })));
  const marked = found.some(({ vuln }) => vuln.baseline);
  if (marked)
    found.sort((a, b) => Number(a.vuln.baseline !== "new") - Number(b.vuln.baseline !== "new"));
  const rows = found.map(({ report, vuln }) => [
    `\`${report.package.name}\``,
    report.package.version,
    `[${vuln.id}](${vuln.url})`,
    markdownCell(vuln.aliases.join(", ")),
    severityCell(vuln),
    markdownCell(vuln.fixVersions.join(", ") || "no fix yet"),
    markdownCell(report.package.groups.join(", ")),
    ...(marked ? [vuln.baseline ? baselineMark[vuln.baseline] : ""] : []),
  ]);
  const columns = ["package", "version", "advisory", "aliases", "severity", "fixed in", "group"];
  return markdownTable(marked ? [...columns, "baseline"] : columns, rows);
}

export function ignoredTable(result: AuditResult): string {
  const rows = result.ignored.map(({ package: pkg, vuln, until }) => [
    `\`${pkg.name}\``,
    pkg.version,
    `[${vuln.id}](${vuln.url})`,
    severityCell(vuln),
    until ? `until ${until}` : "always",
  ]);
  return markdownTable(["package", "version", "advisory", "severity", "ignored"], rows);
}

/** Names, the first few of a long list. */
function nameList(names: string[], shown = 10): string {
  const head = names.slice(0, shown).map((name) => `\`${name}\``);
  return names.length > shown
    ? `${head.join(", ")} and ${names.length - shown} more`
    : head.join(", ");
}

/** "N of M locked packages audited", why any were left out, and which no manifest root reaches. */
export function scopeText(scope: AuditScope): string {
  const parts = [`${scope.packages.length} of ${scope.locked} locked packages audited`];
  const byReason = new Map<string, string[]>();
  for (const { name, reason } of scope.skipped)
    byReason.set(reason, [...(byReason.get(reason) ?? []), name]);
  const leftOut = [...byReason].map(
    ([reason, names]) => `${names.length} ${reason} (${nameList(names)})`,
  );
  if (leftOut.length > 0) parts.push(`left out: ${leftOut.join("; ")}`);
  const unreachable = scope.packages.filter((pkg) => pkg.unreachable).map((pkg) => pkg.name);
  if (unreachable.length > 0) {
    parts.push(
      `${unreachable.length} not reachable from the manifest, audited anyway (${nameList(unreachable)})`,
    );
  }
  return parts.join("; ");
}
