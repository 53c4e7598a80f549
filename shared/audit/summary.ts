/** The audit's job summary tables. */
import { severityText } from "../advisories/severity.js";
import { markdownCell, markdownTable } from "../runtime/findings.js";
import type { AuditResult, Vulnerability } from "./model.js";

const severityMark = { low: "🟢", medium: "🟡", high: "🟠", critical: "🔴" };

function severityCell(vuln: Vulnerability): string {
  return markdownCell(`${severityMark[vuln.severity.level]} ${severityText(vuln.severity)}`);
}

/** One row per package and advisory: package, version, advisory, aliases, severity, fixed in, group. */
export function vulnerabilityTable(result: AuditResult): string {
  const rows = result.packages.flatMap((report) =>
    report.vulns.map((vuln) => [
      `\`${report.package.name}\``,
      report.package.version,
      `[${vuln.id}](${vuln.url})`,
      markdownCell(vuln.aliases.join(", ")),
      severityCell(vuln),
      markdownCell(vuln.fixVersions.join(", ") || "no fix yet"),
      markdownCell(report.package.groups.join(", ")),
    ]),
  );
  return markdownTable(
    ["package", "version", "advisory", "aliases", "severity", "fixed in", "group"],
    rows,
  );
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
