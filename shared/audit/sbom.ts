/** The audit as a CycloneDX 1.6 JSON SBOM: locked packages and the advisories affecting them. */
import { createHash } from "node:crypto";
import { PackageURL } from "packageurl-js";
import type { AdvisorySeverity } from "../advisories/severity.js";
import type { AuditedPackage, AuditResult, Vulnerability } from "./model.js";

export interface SbomTool {
  name: string;
  version: string;
}

/** The project the lock belongs to, when the caller knows it. */
export interface SbomSubject {
  name: string;
  version?: string;
}

/** `pkg:pypi/<name>@<version>` as packageurl-js writes it: lowercased, `_` → `-`, dots kept. */
export function pypiPurl(pkg: Pick<AuditedPackage, "name" | "version">): string {
  return new PackageURL("pypi", undefined, pkg.name, pkg.version, undefined, undefined).toString();
}

function scoreMethod(vector: string | undefined): string {
  if (vector?.startsWith("CVSS:4.0/")) return "CVSSv4";
  if (vector?.startsWith("CVSS:3.1/")) return "CVSSv31";
  if (vector?.startsWith("CVSS:3.0/")) return "CVSSv3";
  return "other";
}

function ratings(severity: AdvisorySeverity, url: string): object[] {
  if (severity.source === "cvss") {
    return [
      {
        source: { name: "OSV", url },
        score: severity.score,
        severity: severity.level,
        method: scoreMethod(severity.vector),
        vector: severity.vector,
      },
    ];
  }
  if (severity.source === "database") {
    return [{ severity: severity.level, justification: "The advisory database's severity label" }];
  }
  return [
    {
      severity: severity.level,
      method: "other",
      justification: "No CVSS score or severity label; an unscored advisory is treated as high",
    },
  ];
}

interface Affected {
  pkg: AuditedPackage;
  vuln: Vulnerability;
}

function vulnerability(id: string, affected: Affected[]): object {
  const { vuln } = affected[0];
  const fixes = affected
    .filter(({ vuln: v }) => v.fixVersions.length > 0)
    .map(
      ({ pkg, vuln: v }) => `Upgrade ${pkg.name} ${pkg.version} to ${v.fixVersions.join(" or ")}`,
    );
  const refs = new Map(affected.map(({ pkg }) => [pypiPurl(pkg), pkg.version]));
  return {
    id,
    source: { name: "OSV", url: vuln.url },
    references: vuln.aliases.map((alias) => ({
      id: alias,
      source: { name: "OSV", url: `https://osv.dev/vulnerability/${encodeURIComponent(alias)}` },
    })),
    ratings: ratings(vuln.severity, vuln.url),
    ...(vuln.summary ? { description: vuln.summary } : {}),
    ...(fixes.length > 0 ? { recommendation: `${fixes.join(". ")}.` } : {}),
    advisories: [{ title: id, url: vuln.url }],
    affects: [...refs].map(([ref, version]) => ({
      ref,
      versions: [{ version, status: "affected" }],
    })),
  };
}

function components(result: AuditResult): object[] {
  const byPurl = new Map<string, { pkg: AuditedPackage; groups: Set<string> }>();
  for (const { package: pkg } of result.packages) {
    const purl = pypiPurl(pkg);
    const entry = byPurl.get(purl) ?? { pkg, groups: new Set<string>() };
    for (const group of pkg.groups) entry.groups.add(group);
    byPurl.set(purl, entry);
  }
  return [...byPurl].map(([purl, { pkg, groups }]) => ({
    type: "library",
    "bom-ref": purl,
    name: pkg.name,
    version: pkg.version,
    purl,
    ...(groups.size > 0
      ? { properties: [...groups].map((group) => ({ name: "pyship:group", value: group })) }
      : {}),
  }));
}

/** An RFC 9562 version-8 UUID from a SHA-256: the same BOM at the same instant, the same serial. */
function contentUuid(content: string): string {
  const hex = createHash("sha256").update(content).digest("hex").slice(0, 32).split("");
  hex[12] = "8";
  hex[16] = ((Number.parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const h = hex.join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function toCycloneDx(
  result: AuditResult,
  tool: SbomTool,
  now: Date = new Date(),
  subject?: SbomSubject,
): object {
  const byId = new Map<string, Affected[]>();
  for (const { package: pkg, vulns } of result.packages) {
    for (const vuln of vulns) byId.set(vuln.id, [...(byId.get(vuln.id) ?? []), { pkg, vuln }]);
  }
  const metadata = {
    timestamp: now.toISOString(),
    tools: { components: [{ type: "application", name: tool.name, version: tool.version }] },
    ...(subject
      ? {
          component: {
            type: "application",
            name: subject.name,
            ...(subject.version ? { version: subject.version } : {}),
          },
        }
      : {}),
  };
  const body = {
    metadata,
    components: components(result),
    vulnerabilities: [...byId].map(([id, affected]) => vulnerability(id, affected)),
  };
  return {
    $schema: "http://cyclonedx.org/schema/bom-1.6.schema.json",
    bomFormat: "CycloneDX",
    specVersion: "1.6",
    serialNumber: `urn:uuid:${contentUuid(JSON.stringify(body))}`,
    version: 1,
    ...body,
  };
}
