/** The audit as pip-audit's JSON (`pip-audit -f json`), so scripts written for it keep working. */
import type { SeverityLevel } from "../advisories/severity.js";
import type { AuditResult, BaselineState } from "./model.js";
import type { FileProvenance, ProvenanceMode, ProvenanceResult } from "./provenance.js";
import { provenanceCounts } from "./provenance-findings.js";

export interface ReportVuln {
  id: string;
  aliases: string[];
  fix_versions: string[];
  severity: SeverityLevel;
  summary: string;
  description: string;
  /** Against a PR's base lock (pyship's addition). */
  baseline?: BaselineState;
}

export interface ReportDependency {
  /** PEP 503 normalized, as pip-audit writes it. */
  name: string;
  version: string;
  vulns: ReportVuln[];
  /** Each locked file's provenance, when it was checked (pyship's addition; pip-audit has none). */
  provenance?: ReportProvenance[];
}

export interface ReportProvenance {
  filename: string;
  sha256: string;
  status: FileProvenance["outcome"]["status"];
  index: string;
  /** The Trusted Publisher the provenance names (verified files). */
  publisher?: { kind: string; repository?: string; workflow?: string; environment?: string | null };
  /** The signing certificate's SAN and issuer (verified files). */
  certificate?: { san: string; issuer?: string };
  /** Why it is not verified. */
  reason?: string;
}

/** The provenance check as the report carries it. */
export interface ProvenanceReport {
  result: ProvenanceResult;
  mode: ProvenanceMode;
  trustSource: string;
}

export interface ReportJson {
  dependencies: ReportDependency[];
  fixes: [];
  provenance?: { mode: ProvenanceMode; verified: number; files: number; trust: string };
}

function fileEntry(file: FileProvenance, index: string): ReportProvenance {
  const { outcome } = file;
  const entry = { filename: file.filename, sha256: file.sha256, status: outcome.status, index };
  if (outcome.status !== "verified") return { ...entry, reason: outcome.reason };
  const { kind, repository, workflow, environment } = outcome.publisher;
  return {
    ...entry,
    publisher: { kind, repository, workflow, environment },
    certificate: { ...outcome.signer },
  };
}

export function toReportJson(result: AuditResult, provenance?: ProvenanceReport): ReportJson {
  const checked = new Map(
    provenance?.result.packages.map((entry) => [entry.package, entry] as const) ?? [],
  );
  const filesOf = (pkg: AuditResult["packages"][number]["package"]) => {
    const entry = checked.get(pkg);
    return entry ? { provenance: entry.files.map((file) => fileEntry(file, entry.index)) } : {};
  };
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
        ...(vuln.baseline ? { baseline: vuln.baseline } : {}),
      })),
      ...filesOf(pkg),
    })),
    fixes: [],
    ...(provenance
      ? {
          provenance: {
            mode: provenance.mode,
            ...provenanceCounts(provenance.result),
            trust: provenance.trustSource,
          },
        }
      : {}),
  };
}
