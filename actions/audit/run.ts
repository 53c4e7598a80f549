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
import { markedAgainstBase, withBasePackages } from "../../shared/audit/baseline.js";
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
import { type Baseline, readBaseline } from "./baseline.js";
import { syncComment } from "./comment.js";
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
  /** The event (a PR's base lock, the PR to comment on) and GITHUB_API_URL. */
  env: Record<string, string | undefined>;
}

const defaultDeps: AuditDeps = {
  today: () => new Date().toISOString().slice(0, 10),
  env: process.env,
};

type Found = { report: PackageReport; vuln: Vulnerability };

export async function run(
  inputs: AuditInputs,
  io: ActionIo,
  given: Partial<AuditDeps> = {},
): Promise<void> {
  const deps = { ...defaultDeps, ...given };
  const project = openProject(inputs, "audit");
  const [{ lock }] = project.locks;
  const scope = auditedPackages(lock, project.manifest(), inputs.groups);
  const { packages } = scope;
  io.info(`Auditing ${lock.file} (${lock.format}): ${scopeText(scope).replaceAll("`", "")}.`);
  const baseline = await readBaseline(inputs, project, io, deps.env);

  // The base's packages join the head's query: no second round for the unchanged ones.
  const queried = baseline ? withBasePackages(packages, baseline.packages) : packages;
  const source = await advisorySource(inputs, io, new Set(queried.map((pkg) => pkg.key)));
  const audit = await auditOrFail(queried, lock.file, source, inputs, deps.today());
  for (const warning of audit.warnings) io.warning(warning);
  for (const warning of unknownAllowed(inputs, packages)) io.warning(warning);
  const provenance = await provenanceStep(inputs, lock, packages, io);
  const attested = provenance ? provenanceIssues(provenance, inputs, lock.file) : [];

  const result = baseline
    ? markedAgainstBase(audit.result, packages, baseline.packages)
    : audit.result;
  const vulns = result.packages.flatMap((report) => report.vulns.map((vuln) => ({ report, vuln })));
  const failing = vulns.filter(({ vuln }) => fails(vuln, inputs));
  io.annotate([
    ...vulns.map(({ report, vuln }) => finding(report, vuln, lock.file, inputs)),
    ...attested,
  ]);
  setOutputs(result, vulns, inputs, io, provenance);
  const summary = await writeSummary(
    result,
    scope,
    failing.length,
    inputs,
    io,
    provenance,
    baseline,
  );
  if (inputs.comment)
    await syncComment(inputs, vulns.length > 0 ? summary : undefined, io, deps.env);

  const failures = [];
  if (failing.length > 0) failures.push(failingText(failing, inputs, baseline));
  const unattested = attested.filter((issue) => issue.severity === "error");
  if (unattested.length > 0) failures.push(requireFailure(unattested, provenance));
  if (failures.length > 0)
    throw new CheckFailed(`${failures.join("; ")}; see the annotations and the job summary.`);
}

async function auditOrFail(
  packages: AuditedPackage[],
  lockfile: string,
  source: AdvisorySource,
  inputs: AuditInputs,
  today: string,
) {
  try {
    return await runAudit(packages, { lockfile, source, ignore: inputs.ignore, today });
  } catch (error) {
    if (error instanceof OsvUnavailable)
      throw new CheckFailed(`The audit did not run: ${error.message}.`);
    throw error;
  }
}

/** At or above fail-on; under `fail-on-scope: new`, not in the base; under `fail-only-fixable`, with a fix. */
function fails(vuln: Vulnerability, inputs: AuditInputs): boolean {
  if (!meetsThreshold(vuln.severity.level, inputs.failOn)) return false;
  if (inputs.failOnScope === "new" && vuln.baseline === "existing") return false;
  return !inputs.failOnlyFixable || vuln.fixVersions.length > 0;
}

function failingText(failing: Found[], inputs: AuditInputs, baseline: Baseline | undefined) {
  const count = `${failing.length} vulnerabilit${failing.length === 1 ? "y" : "ies"}`;
  const scope = inputs.failOnScope === "new" && baseline ? " not in the base lock" : "";
  const fixable = inputs.failOnlyFixable ? " with a fixed version" : "";
  const packages = new Set(failing.map(({ report }) => report.package.key)).size;
  return `${count} at or above fail-on (${inputs.failOn})${scope}${fixable} in ${packages} package(s)`;
}

function setOutputs(
  result: AuditResult,
  vulns: Found[],
  inputs: AuditInputs,
  io: ActionIo,
  provenance: ProvenanceStep | undefined,
): void {
  io.setOutput("vulnerable-packages", String(result.packages.filter((r) => r.vulns.length).length));
  io.setOutput("vulnerabilities", String(vulns.length));
  const fresh = vulns.filter(({ vuln }) => vuln.baseline !== "existing");
  io.setOutput("new-vulnerabilities", String(fresh.length));
  io.setOutput("max-severity", maxSeverity(vulns.map(({ vuln }) => vuln.severity.level)));
  io.setOutput("sarif-file", write(inputs.sarifFile, toSarif(result, tool)));
  const report = provenance?.checked ? provenance.report : undefined;
  io.setOutput("report-file", write(inputs.reportFile, toReportJson(result, report)));
  write(inputs.sbomFile, toCycloneDx(result, tool));
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

const baselineText = {
  new: " (new: not in the base lock)",
  existing: " (existing: in the base lock too)",
};

function finding(
  report: PackageReport,
  vuln: Vulnerability,
  file: string,
  inputs: AuditInputs,
): Finding {
  const { name, version, groups, line } = report.package;
  const aliases = vuln.aliases.length > 0 ? ` (${vuln.aliases.join(", ")})` : "";
  const group = groups.length > 0 ? ` in group ${groups.join(", ")}` : "";
  const state = vuln.baseline ? baselineText[vuln.baseline] : "";
  const unfixed = inputs.failOnlyFixable ? " (fail-only-fixable: reported, not failing)" : "";
  return {
    severity: fails(vuln, inputs) ? "error" : "warning",
    code: vuln.id,
    message: `${name} ${version}${group}: ${vuln.id}${aliases}, ${severityText(vuln.severity)}: ${vuln.summary}${state}`,
    fix:
      vuln.fixVersions.length > 0
        ? `Fixed in ${vuln.fixVersions.join(", ")}.`
        : `No fixed version yet${unfixed}.`,
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

/** How many findings are new against the base, when there is one: ` (2 new, 1 existing)`. */
function baselineCounts(result: AuditResult, baseline: Baseline | undefined): string {
  if (!baseline) return "";
  const vulns = result.packages.flatMap((report) => report.vulns);
  const fresh = vulns.filter((vuln) => vuln.baseline === "new").length;
  return ` (${fresh} new, ${vulns.length - fresh} existing)`;
}

/** Writes the job summary and returns it (the PR comment's body). */
async function writeSummary(
  result: AuditResult,
  scope: AuditScope,
  failing: number,
  inputs: AuditInputs,
  io: ActionIo,
  provenance: ProvenanceStep | undefined,
  baseline: Baseline | undefined,
): Promise<string> {
  const vulnerable = result.packages.filter((report) => report.vulns.length > 0);
  const status =
    vulnerable.length === 0
      ? `✅ no known vulnerabilities in ${scope.packages.length} of ${scope.locked} locked packages`
      : `${failing > 0 ? "❌" : "⚠️"} ${vulnerable.length} vulnerable package${vulnerable.length === 1 ? "" : "s"}${baselineCounts(result, baseline)}`;
  const source =
    inputs.service === "osv"
      ? `OSV (${inputs.osvUrl})`
      : `the offline database ${inputs.advisoryDb}`;
  const gate = [
    `fail-on: ${inputs.failOn}`,
    ...(inputs.failOnScope === "new" ? ["fail-on-scope: new"] : []),
    ...(inputs.failOnlyFixable ? ["fail-only-fixable"] : []),
  ].join(", ");
  const parts = [
    `### audit: ${result.lockfile}: ${status}`,
    `${scopeText(scope)}; checked against ${source}; ${gate}.`,
    ...(baseline ? [`Baseline: ${baseline.note}.`] : []),
  ];
  if (vulnerable.length > 0) parts.push(vulnerabilityTable(result));
  if (result.ignored.length > 0) parts.push(`#### Ignored\n\n${ignoredTable(result)}`);
  if (provenance?.checked) {
    const { result: checked, mode, trustSource } = provenance.report;
    parts.push(provenanceSection(checked, mode, trustSource));
  } else if (provenance) parts.push(`#### Provenance\n\nNot checked: ${provenance.reason}.`);
  const summary = `${parts.join("\n\n")}\n`;
  await io.summary(summary);
  return summary;
}
