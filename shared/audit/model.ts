/** What an audit found, before it is shown: one model for annotations, summary, SARIF, SBOM and JSON. */
import type { AdvisorySeverity } from "../advisories/severity.js";

export interface AuditedPackage {
  /** As the lock writes it. */
  name: string;
  /** PEP 503 normalized. */
  key: string;
  version: string;
  /** 1-based line of the package's entry in the lockfile. */
  line: number;
  /** The lock's groups that include it (empty when the lock records none). */
  groups: string[];
  /** No declared root reaches it: not reachable from the manifest, audited anyway. */
  unreachable?: true;
}

export interface Vulnerability {
  id: string;
  aliases: string[];
  summary: string;
  severity: AdvisorySeverity;
  /** The smallest fixed version above the locked one, per matching range, PEP 440 sorted. */
  fixVersions: string[];
  /** The advisory's page (osv.dev). */
  url: string;
  /** Against a PR's base lock: absent from the base's audit, or found there too; undefined with no baseline. */
  baseline?: BaselineState;
}

export type BaselineState = "new" | "existing";

export interface PackageReport {
  package: AuditedPackage;
  vulns: Vulnerability[];
}

export interface IgnoredVulnerability {
  package: AuditedPackage;
  vuln: Vulnerability;
  /** `YYYY-MM-DD` when the ignore stops; undefined for a permanent one. */
  until?: string;
}

export interface AuditResult {
  /** The lockfile as shown to users, relative to the workspace (SARIF and annotations use it). */
  lockfile: string;
  /** Every audited package, vulnerable or not, in lock order. */
  packages: PackageReport[];
  ignored: IgnoredVulnerability[];
}
