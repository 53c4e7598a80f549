/** The audit as pip-audit's JSON (`pip-audit -f json`), so scripts written for it keep working. */
import type { SeverityLevel } from "../advisories/severity.js";
import type { AuditResult } from "./model.js";

export interface ReportVuln {
  id: string;
  aliases: string[];
  fix_versions: string[];
  severity: SeverityLevel;
  summary: string;
  description: string;
}

export interface ReportDependency {
  /** PEP 503 normalized, as pip-audit writes it. */
  name: string;
  version: string;
  vulns: ReportVuln[];
}

export interface ReportJson {
  dependencies: ReportDependency[];
  fixes: [];
}

export function toReportJson(result: AuditResult): ReportJson {
  return {
    dependencies: result.packages.map(({ package: pkg, vulns }) => ({
      name: pkg.key,
      version: pkg.version,
      vulns: vulns.map((vuln) => ({
        id: vuln.id,
        aliases: [...vuln.aliases],
        fix_versions: [...vuln.fixVersions],
        severity: vuln.severity.level,
        summary: vuln.summary,
        description: vuln.summary,
      })),
    })),
    fixes: [],
  };
}
