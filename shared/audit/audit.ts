/** The audit: which advisories affect each audited package, with severities, fixes and ignores. */
import { evaluateAdvisory } from "../advisories/evaluate.js";
import { type Advisory, parseAdvisory } from "../advisories/model.js";
import type { AdvisoryDb } from "../advisories/offline-db.js";
import { type OsvClientOptions, queryOsv } from "../advisories/osv-client.js";
import { advisorySeverity } from "../advisories/severity.js";
import { type IgnoreRule, ignoreDecision } from "./ignore.js";
import type {
  AuditedPackage,
  AuditResult,
  IgnoredVulnerability,
  PackageReport,
  Vulnerability,
} from "./model.js";

export type AdvisorySource =
  | { kind: "offline"; db: AdvisoryDb }
  | { kind: "osv"; client: OsvClientOptions };

export interface AuditOptions {
  lockfile: string;
  source: AdvisorySource;
  ignore: IgnoreRule[];
  /** `YYYY-MM-DD`, for expiring ignores. */
  today: string;
}

export interface Audit {
  result: AuditResult;
  /** Expired ignores and advisories that could not be read. */
  warnings: string[];
  /** HTTP requests made (online). */
  requests: number;
}

function vulnerability(advisory: Advisory, pkg: AuditedPackage): Vulnerability {
  return {
    id: advisory.id,
    aliases: advisory.aliases,
    summary: advisory.summary ?? advisory.details?.split("\n")[0] ?? "",
    severity: advisorySeverity(advisory),
    fixVersions: evaluateAdvisory(advisory, pkg.key, pkg.version).fixVersions,
    url: `https://osv.dev/vulnerability/${encodeURIComponent(advisory.id)}`,
  };
}

/** The advisories affecting each package, in package order. */
async function matches(
  packages: AuditedPackage[],
  source: AdvisorySource,
  warnings: string[],
): Promise<{ found: Advisory[][]; requests: number }> {
  if (source.kind === "offline") {
    const found = packages.map((pkg) =>
      (source.db.byPackage.get(pkg.key) ?? []).filter((advisory) => {
        const evaluation = evaluateAdvisory(advisory, pkg.key, pkg.version);
        warnings.push(...evaluation.warnings);
        return evaluation.affected;
      }),
    );
    return { found, requests: 0 };
  }
  const answer = await queryOsv(
    packages.map((pkg) => ({ name: pkg.key, version: pkg.version })),
    source.client,
  );
  const parsed = new Map<string, Advisory>();
  for (const [id, record] of answer.records) {
    try {
      parsed.set(id, parseAdvisory(JSON.stringify(record), `${id}.json`));
    } catch (error) {
      warnings.push(
        `skipped advisory ${id} from OSV: ${error instanceof Error ? error.message : error}`,
      );
    }
  }
  const found = answer.ids.map((ids) =>
    ids.flatMap((id) => {
      const advisory = parsed.get(id);
      return advisory && !advisory.withdrawn ? [advisory] : [];
    }),
  );
  return { found, requests: answer.requests };
}

export async function runAudit(packages: AuditedPackage[], options: AuditOptions): Promise<Audit> {
  const warnings: string[] = [];
  const { found, requests } = await matches(packages, options.source, warnings);
  const reports: PackageReport[] = [];
  const ignored: IgnoredVulnerability[] = [];
  const expired = new Set<string>();
  packages.forEach((pkg, index) => {
    const vulns: Vulnerability[] = [];
    for (const advisory of found[index]) {
      const vuln = vulnerability(advisory, pkg);
      const decision = ignoreDecision(options.ignore, [vuln.id, ...vuln.aliases], options.today);
      if (decision && !decision.expired) {
        ignored.push({ package: pkg, vuln, until: decision.rule.until });
        continue;
      }
      if (decision?.expired && !expired.has(decision.rule.id)) {
        expired.add(decision.rule.id);
        warnings.push(
          `ignore-vulns: the ignore of ${decision.rule.id} expired on ${decision.rule.until}; it is reported again`,
        );
      }
      vulns.push(vuln);
    }
    reports.push({ package: pkg, vulns });
  });
  return { result: { lockfile: options.lockfile, packages: reports, ignored }, warnings, requests };
}
