/** audit's main step: reads the lock, queries the advisories, reports them and gates on severity. */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { loadAdvisoryDb } from "../../shared/advisories/offline-db.js";
import { OsvUnavailable } from "../../shared/advisories/osv-client.js";
import {
  meetsThreshold,
  type SeverityLevel,
  severityLevels,
  severityText,
} from "../../shared/advisories/severity.js";
import { type AdvisorySource, runAudit } from "../../shared/audit/audit.js";
import { auditCodes } from "../../shared/audit/codes.js";
import type {
  AuditedPackage,
  AuditResult,
  PackageReport,
  Vulnerability,
} from "../../shared/audit/model.js";
import { type AuditScope, auditedPackages } from "../../shared/audit/packages.js";
import { provenanceCounts, provenanceFindings } from "../../shared/audit/provenance-findings.js";
import { provenanceSection } from "../../shared/audit/provenance-summary.js";
import { toReportJson } from "../../shared/audit/report-json.js";
import { toSarif } from "../../shared/audit/sarif.js";
import { toCycloneDx } from "../../shared/audit/sbom.js";
import { ignoredTable, scopeText, vulnerabilityTable } from "../../shared/audit/summary.js";
import { Deadline } from "../../shared/http/deadline.js";
import { type ActionIo, CheckFailed, type Finding } from "../../shared/runtime/index.js";
import { openProject } from "../../shared/workspace/open-project.js";
import type { AuditInputs } from "./inputs.js";
import { type ProvenanceStep, provenanceStep } from "./provenance.js";

const tool = {
  name: "pyship-audit",
  version: "1",
  informationUri: "https://github.com/pyship/pyship",
};

export interface AuditDeps {
  /** `YYYY-MM-DD`, for expiring ignores. */
  today(): string;
}

const defaultDeps: AuditDeps = { today: () => new Date().toISOString().slice(0, 10) };

export async function run(inputs: AuditInputs, io: ActionIo, deps = defaultDeps): Promise<void> {
  const project = openProject(inputs, "audit");
  const [{ lock }] = project.locks;
  const scope = auditedPackages(lock, project.manifest(), inputs.groups);
  const { packages } = scope;
  io.info(`Auditing ${lock.file} (${lock.format}): ${scopeText(scope).replaceAll("`", "")}.`);

  const source = await advisorySource(inputs, io, new Set(packages.map((pkg) => pkg.key)));
  let audit: Awaited<ReturnType<typeof runAudit>>;
  try {
    audit = await runAudit(packages, {
      lockfile: lock.file,
      source,
      ignore: inputs.ignore,
      today: deps.today(),
    });
  } catch (error) {
    if (error instanceof OsvUnavailable)
      throw new CheckFailed(`The audit did not run: ${error.message}.`);
    throw error;
  }
  for (const warning of audit.warnings) io.warning(warning);
  for (const warning of unknownAllowed(inputs, packages)) io.warning(warning);
  const provenance = await provenanceStep(inputs, lock, packages, io);
  const attested = provenance ? provenanceIssues(provenance, inputs, lock.file) : [];

  const result = audit.result;
  const vulnerable = result.packages.filter((report) => report.vulns.length > 0);
  const vulns = vulnerable.flatMap((report) => report.vulns.map((vuln) => ({ report, vuln })));
  const failing = vulns.filter(({ vuln }) => meetsThreshold(vuln.severity.level, inputs.failOn));
  io.annotate([
    ...vulns.map(({ report, vuln }) => finding(report, vuln, lock.file, inputs.failOn)),
    ...attested,
  ]);

  io.setOutput("vulnerable-packages", String(vulnerable.length));
  io.setOutput("vulnerabilities", String(vulns.length));
  io.setOutput("max-severity", maxSeverity(vulns.map(({ vuln }) => vuln.severity.level)));
  io.setOutput("sarif-file", write(inputs.sarifFile, toSarif(result, tool)));
  const report = provenance?.checked ? provenance.report : undefined;
  io.setOutput("report-file", write(inputs.reportFile, toReportJson(result, report)));
  write(inputs.sbomFile, toCycloneDx(result, tool));
  await writeSummary(result, scope, failing.length, inputs, io, provenance);

  const failures = [];
  if (failing.length > 0) {
    failures.push(
      `${failing.length} vulnerabilit${failing.length === 1 ? "y" : "ies"} at or above fail-on (${inputs.failOn}) in ${new Set(failing.map(({ report }) => report.package.key)).size} package(s)`,
    );
  }
  const unattested = attested.filter((issue) => issue.severity === "error");
  if (unattested.length > 0) failures.push(requireFailure(unattested, provenance));
  if (failures.length > 0)
    throw new CheckFailed(`${failures.join("; ")}; see the annotations and the job summary.`);
}

/** `allow-unattested` names no audited package: likely a typo. */
function unknownAllowed(inputs: AuditInputs, packages: AuditedPackage[]): string[] {
  const audited = new Set(packages.map((pkg) => pkg.key));
  const unknown = [...inputs.allowUnattested].filter((name) => !audited.has(name));
  return unknown.length > 0 && inputs.provenance !== "off"
    ? [`allow-unattested names ${unknown.join(", ")}, which no audited package is`]
    : [];
}

/** The provenance findings, or one for a trust root that could not be had. */
function provenanceIssues(step: ProvenanceStep, inputs: AuditInputs, file: string): Finding[] {
  const mode = inputs.provenance === "require" ? "require" : "report";
  if (step.checked)
    return provenanceFindings(step.report.result, {
      mode,
      allowUnattested: inputs.allowUnattested,
      lockfile: file,
    });
  return [
    {
      severity: mode === "require" ? "error" : "warning",
      code: auditCodes["provenance-unavailable"].code,
      message: `Provenance was not checked: ${step.reason}.`,
      fix: "Retry; behind a firewall, set PYSHIP_SIGSTORE_TRUSTED_ROOT to a copy of public-good's trusted_root.json.",
      file,
    },
  ];
}

function requireFailure(issues: Finding[], step: ProvenanceStep | undefined): string {
  if (!step?.checked) return "provenance: require, but no file could be checked";
  const { verified, files } = provenanceCounts(step.report.result);
  const codes = [...new Set(issues.map((issue) => issue.code))].join(", ");
  return `provenance: require: ${verified} of ${files} files verified; ${issues.length} package finding(s) (${codes}) name the packages and files without a verifiable attestation`;
}

async function advisorySource(
  inputs: AuditInputs,
  io: ActionIo,
  packages: ReadonlySet<string>,
): Promise<AdvisorySource> {
  if (inputs.service === "osv") {
    return {
      kind: "osv",
      client: {
        url: inputs.osvUrl,
        deadline: new Deadline(inputs.requestTimeoutMs, "the OSV queries"),
        retry: {
          retries: 3,
          onRetry: (reason, delayMs, attempt) =>
            io.info(`OSV: ${reason}; retry ${attempt} of 3 in ${(delayMs / 1000).toFixed(1)} s`),
        },
      },
    };
  }
  const source = inputs.advisoryDb ?? "";
  const db = await io.group(`Reading the advisory database ${source}`, () =>
    loadAdvisoryDb(source, { packages }),
  );
  io.info(`${db.count} advisories read.`);
  for (const { file, reason } of db.skipped) io.warning(`Skipped advisory ${file}: ${reason}`);
  return { kind: "offline", db };
}

function finding(
  report: PackageReport,
  vuln: Vulnerability,
  file: string,
  failOn: SeverityLevel | "none",
): Finding {
  const { name, version, groups, line } = report.package;
  const aliases = vuln.aliases.length > 0 ? ` (${vuln.aliases.join(", ")})` : "";
  const group = groups.length > 0 ? ` in group ${groups.join(", ")}` : "";
  return {
    severity: meetsThreshold(vuln.severity.level, failOn) ? "error" : "warning",
    code: vuln.id,
    message: `${name} ${version}${group}: ${vuln.id}${aliases}, ${severityText(vuln.severity)}: ${vuln.summary}`,
    fix:
      vuln.fixVersions.length > 0
        ? `Fixed in ${vuln.fixVersions.join(", ")}.`
        : "No fixed version yet.",
    file,
    line,
  };
}

function maxSeverity(levels: SeverityLevel[]): string {
  const highest = Math.max(-1, ...levels.map((level) => severityLevels.indexOf(level)));
  return highest < 0 ? "none" : severityLevels[highest];
}

function write(file: string | undefined, content: object): string {
  if (!file) return "";
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`);
  return file;
}

async function writeSummary(
  result: AuditResult,
  scope: AuditScope,
  failing: number,
  inputs: AuditInputs,
  io: ActionIo,
  provenance: ProvenanceStep | undefined,
): Promise<void> {
  const vulnerable = result.packages.filter((report) => report.vulns.length > 0);
  const status =
    vulnerable.length === 0
      ? `✅ no known vulnerabilities in ${scope.packages.length} of ${scope.locked} locked packages`
      : `${failing > 0 ? "❌" : "⚠️"} ${vulnerable.length} vulnerable package${vulnerable.length === 1 ? "" : "s"}`;
  const source =
    inputs.service === "osv"
      ? `OSV (${inputs.osvUrl})`
      : `the offline database ${inputs.advisoryDb}`;
  const parts = [
    `### audit: ${result.lockfile}: ${status}`,
    `${scopeText(scope)}; checked against ${source}; fail-on: ${inputs.failOn}.`,
  ];
  if (vulnerable.length > 0) parts.push(vulnerabilityTable(result));
  if (result.ignored.length > 0) parts.push(`#### Ignored\n\n${ignoredTable(result)}`);
  if (provenance?.checked) {
    const { result: checked, mode, trustSource } = provenance.report;
    parts.push(provenanceSection(checked, mode, trustSource));
  } else if (provenance) parts.push(`#### Provenance\n\nNot checked: ${provenance.reason}.`);
  await io.summary(`${parts.join("\n\n")}\n`);
}
