/** The audit as SARIF 2.1.0 for GitHub code scanning, located at each package's lockfile entry. */
import { createHash } from "node:crypto";
import type { AdvisorySeverity, SeverityLevel } from "../advisories/severity.js";
import type { AuditedPackage, AuditResult, Vulnerability } from "./model.js";

export interface SarifTool {
  name: string;
  version: string;
  informationUri: string;
}

export interface SarifOptions {
  /** `runAutomationDetails.id`: the category that keeps several uploads per commit apart. */
  category?: string;
}

type SarifLevel = "error" | "warning" | "note";

/** GitHub's limit for rule descriptions. */
const descriptionLimit = 1024;

/** Stand-ins for an advisory without a CVSS score, inside each band GitHub uses. */
const representativeScore: Record<SeverityLevel, number> = {
  low: 3.0,
  medium: 5.5,
  high: 8.0,
  critical: 9.5,
};

const sarifLevel: Record<SeverityLevel, SarifLevel> = {
  low: "note",
  medium: "warning",
  high: "error",
  critical: "error",
};

/** A string "0.1"–"10.0", as `security-severity` requires. */
export function securitySeverity(severity: AdvisorySeverity): string {
  const score = severity.score ?? representativeScore[severity.level];
  return Math.min(10, Math.max(0.1, score)).toFixed(1);
}

export function sarifLevelOf(severity: AdvisorySeverity): SarifLevel {
  return sarifLevel[severity.level];
}

/** A workspace-relative path as a URI reference: forward slashes, each segment escaped. */
export function lockfileUri(lockfile: string): string {
  return lockfile
    .replaceAll("\\", "/")
    .replace(/^(\.\/)+/, "")
    .split("/")
    .map((segment) => encodeURIComponent(segment))
    .join("/");
}

function truncate(text: string, limit = descriptionLimit): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

function withoutStop(text: string): string {
  return text.trim().replace(/\.+$/, "");
}

function fixText(fixVersions: string[]): string {
  return fixVersions.length > 0 ? `fixed in ${fixVersions.join(", ")}` : "no fix available";
}

function groupText(pkg: AuditedPackage): string {
  return pkg.groups.length > 0 ? ` (groups: ${pkg.groups.join(", ")})` : "";
}

interface Finding {
  pkg: AuditedPackage;
  vuln: Vulnerability;
}

/** Each advisory once, in the order it is first met, with every package it affects. */
function groupByAdvisory(result: AuditResult): Map<string, Finding[]> {
  const byId = new Map<string, Finding[]>();
  for (const report of result.packages) {
    for (const vuln of report.vulns) {
      const findings = byId.get(vuln.id) ?? [];
      findings.push({ pkg: report.package, vuln });
      byId.set(vuln.id, findings);
    }
  }
  return byId;
}

/** The most severe rating among an advisory's findings (they normally agree). */
function worstSeverity(findings: Finding[]): AdvisorySeverity {
  const rank = (severity: AdvisorySeverity) => Number(securitySeverity(severity));
  return findings
    .map((finding) => finding.vuln.severity)
    .reduce((worst, next) => (rank(next) > rank(worst) ? next : worst));
}

function helpText(id: string, findings: Finding[]): { text: string; markdown: string } {
  const { vuln } = findings[0];
  const aliases = vuln.aliases.length > 0 ? ` (${vuln.aliases.join(", ")})` : "";
  const lines = findings.map(
    ({ pkg, vuln: v }) =>
      `- ${pkg.name} ${pkg.version}${groupText(pkg)}: ${fixText(v.fixVersions)}`,
  );
  const rows = findings.map(({ pkg, vuln: v }) => {
    const fixes = v.fixVersions.length > 0 ? v.fixVersions.join(", ") : "none";
    return `| ${pkg.name} | ${pkg.version} | ${fixes} |`;
  });
  const text = [
    `${id}${aliases}: ${vuln.summary || "security advisory"}`,
    "",
    "Affected packages:",
    ...lines,
    "",
    `Advisory: ${vuln.url}`,
  ].join("\n");
  const markdown = [
    `**[${id}](${vuln.url})**${aliases}: ${vuln.summary || "security advisory"}`,
    "",
    "| Package | Locked version | Fix versions |",
    "| --- | --- | --- |",
    ...rows,
    "",
    `See ${vuln.url} for details.`,
  ].join("\n");
  return { text, markdown };
}

function rule(id: string, findings: Finding[]) {
  const { vuln } = findings[0];
  const severity = worstSeverity(findings);
  const summary = vuln.summary || `Vulnerability in ${findings[0].pkg.name}`;
  const aliases = vuln.aliases.length > 0 ? ` Aliases: ${vuln.aliases.join(", ")}.` : "";
  return {
    id,
    name: id,
    shortDescription: { text: truncate(`${id}: ${summary}`) },
    fullDescription: { text: truncate(`${withoutStop(summary)}.${aliases}`) },
    helpUri: vuln.url,
    help: helpText(id, findings),
    defaultConfiguration: { level: sarifLevelOf(severity) },
    properties: {
      tags: ["security", "vulnerability", "dependency"],
      precision: "very-high",
      "security-severity": securitySeverity(severity),
    },
  };
}

function fingerprint(parts: string[], occurrence: number): string {
  const hash = createHash("sha256").update(parts.join("\0")).digest("hex");
  return `${hash}:${occurrence}`;
}

/** Against a PR's base lock: SARIF's own `baselineState`, and pyship's word for it. */
function baselineOf(vuln: Vulnerability) {
  if (!vuln.baseline) return {};
  const baselineState = vuln.baseline === "new" ? "new" : "unchanged";
  return { baselineState, properties: { baseline: vuln.baseline } };
}

export function toSarif(result: AuditResult, tool: SarifTool, options: SarifOptions = {}): object {
  const uri = lockfileUri(result.lockfile);
  const advisories = groupByAdvisory(result);
  const ids = [...advisories.keys()];
  const rules = ids.map((id) => rule(id, advisories.get(id) ?? []));
  const seen = new Map<string, number>();
  const results = result.packages.flatMap(({ package: pkg, vulns }) =>
    vulns.map((vuln) => {
      // Advisory + file + package: the identity of the alert, whatever moves in the lock.
      const identity = [vuln.id, uri, pkg.key];
      const occurrence = (seen.get(identity.join("\0")) ?? 0) + 1;
      seen.set(identity.join("\0"), occurrence);
      const summary = vuln.summary ? `: ${withoutStop(vuln.summary)}` : "";
      return {
        ruleId: vuln.id,
        ruleIndex: ids.indexOf(vuln.id),
        level: sarifLevelOf(vuln.severity),
        message: {
          text: `${pkg.name} ${pkg.version}${groupText(pkg)} is affected by ${vuln.id}${summary}; ${fixText(vuln.fixVersions)}.`,
        },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri, uriBaseId: "%SRCROOT%" },
              region: { startLine: Math.max(1, pkg.line) },
            },
          },
        ],
        partialFingerprints: { primaryLocationLineHash: fingerprint(identity, occurrence) },
        ...baselineOf(vuln),
      };
    }),
  );
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: tool.name,
            version: tool.version,
            informationUri: tool.informationUri,
            rules,
          },
        },
        automationDetails: { id: options.category ?? "pyship-audit/" },
        columnKind: "utf16CodeUnits",
        results,
      },
    ],
  };
}
