/** audit's inputs, read and validated from action.yml's names. */
import os from "node:os";
import path from "node:path";
import { type SeverityLevel, severityLevels } from "../../shared/advisories/severity.js";
import { type IgnoreRule, parseIgnoreRules } from "../../shared/audit/ignore.js";
import type { ProvenanceMode } from "../../shared/audit/provenance.js";
import { normalizeName } from "../../shared/project/names.js";
import { ConfigurationError, InputReader, quoted } from "../../shared/runtime/index.js";
import { type SigstoreInstance, sigstoreInstance } from "../../shared/sigstore/instance.js";

export interface AuditInputs {
  workingDirectory: string;
  workspace: string;
  lockfile?: string;
  groups: "all" | string[];
  service: "osv" | "offline";
  osvUrl: string;
  /** The longest the OSV queries may take, with their retries. */
  requestTimeoutMs: number;
  advisoryDb?: string;
  ignore: IgnoreRule[];
  failOn: SeverityLevel | "none";
  /** `auto`: on PR events, mark each finding new or existing against the base lock. */
  baseline: "auto" | "none";
  /** `new`: only findings absent from the base lock fail the job. */
  failOnScope: "new" | "all";
  /** An advisory with no fixed version never fails the job. */
  failOnlyFixable: boolean;
  /** On PR events, keep one sticky comment with audit's report. */
  comment: boolean;
  githubToken: string;
  sarifFile?: string;
  sbomFile?: string;
  reportFile?: string;
  provenance: ProvenanceMode;
  /** Why provenance is off though no one said so (offline), for one notice. */
  provenanceSkipped?: string;
  /** PEP 503 normalized names exempt from `provenance: require`. */
  allowUnattested: ReadonlySet<string>;
  /** The Sigstore trust root attestations are verified against (PYSHIP_SIGSTORE_TRUSTED_ROOT). */
  sigstore: SigstoreInstance;
  /** Where the public-good trust root's TUF metadata is cached. */
  tufCache: string;
}

function osvUrl(reader: InputReader): string {
  const value = reader.raw("osv-url") || "https://api.osv.dev";
  try {
    const url = new URL(value);
    if (url.protocol === "https:" || url.protocol === "http:") return value.replace(/\/+$/, "");
  } catch {
    // reported below
  }
  throw new ConfigurationError(`input 'osv-url' is not an http(s) URL: ${quoted(value)}`);
}

const offlineNotice =
  "provenance: skipped, as vulnerability-service is offline; the Integrity API needs the network";

/** `provenance`: `report` by default; offline, skipped with a notice, and `require` refused. */
function provenanceOf(reader: InputReader, service: AuditInputs["service"]) {
  const mode = reader.choice("provenance", ["off", "report", "require"] as const, "report");
  if (service === "osv" || mode === "off") return { provenance: mode };
  if (mode === "require") {
    throw new ConfigurationError(
      "input 'provenance' is require, but 'vulnerability-service' is offline: the Integrity API needs the network; set provenance: off, or audit online",
    );
  }
  return { provenance: "off" as const, provenanceSkipped: offlineNotice };
}

/** `allow-unattested`: project names (PEP 508), kept PEP 503 normalized. */
function allowUnattested(reader: InputReader): ReadonlySet<string> {
  const names = reader.list("allow-unattested");
  const bad = names.find((name) => !/^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(name));
  if (bad !== undefined) {
    throw new ConfigurationError(
      `input 'allow-unattested': ${quoted(bad)} is not a project name; list names separated by commas or newlines`,
    );
  }
  return new Set(names.map(normalizeName));
}

/** `baseline` and `fail-on-scope`: `new` needs a baseline to tell new from existing. */
function baselineOf(reader: InputReader) {
  const baseline = reader.choice("baseline", ["auto", "none"] as const, "auto");
  const failOnScope = reader.choice("fail-on-scope", ["new", "all"] as const, "all");
  if (baseline === "none" && failOnScope === "new") {
    throw new ConfigurationError(
      "input 'fail-on-scope' is new, but 'baseline' is none: without the base lock every finding is new; set baseline: auto",
    );
  }
  return { baseline, failOnScope };
}

export function loadInputs(reader = new InputReader(), env = process.env): AuditInputs {
  const workingDirectory = reader.workingDirectory();
  const service = reader.choice("vulnerability-service", ["osv", "offline"] as const, "osv");
  const advisoryDb = reader.optional("advisory-db");
  if (service === "offline" && !advisoryDb) {
    throw new ConfigurationError(
      "input 'advisory-db' is required when 'vulnerability-service' is offline: a directory of OSV advisories or an OSV all.zip",
    );
  }
  const groups = reader.list("groups");
  const file = (name: string, fallback: string) => {
    const given = env[`INPUT_${name.toUpperCase()}`] === undefined ? fallback : reader.raw(name);
    return given ? reader.writable(name, workingDirectory, "file", given) : undefined;
  };
  return Object.freeze({
    workingDirectory,
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    lockfile: reader.optional("lockfile") && reader.existing("lockfile", workingDirectory, "file"),
    groups: groups.length === 0 || (groups.length === 1 && groups[0] === "all") ? "all" : groups,
    service,
    osvUrl: osvUrl(reader),
    requestTimeoutMs: reader.duration("request-timeout", 10 * 60_000),
    advisoryDb: advisoryDb && reader.existing("advisory-db", workingDirectory),
    ignore: parseIgnoreRules(reader.list("ignore-vulns")),
    failOn: reader.choice("fail-on", ["none", ...severityLevels] as const, "low"),
    ...baselineOf(reader),
    failOnlyFixable: reader.boolean("fail-only-fixable", false),
    comment: reader.boolean("comment", false),
    githubToken: reader.raw("github-token"),
    sarifFile: file("sarif-file", "pyship-audit.sarif"),
    sbomFile: file("sbom-file", ""),
    reportFile: file("report-file", "pyship-audit.json"),
    ...provenanceOf(reader, service),
    allowUnattested: allowUnattested(reader),
    sigstore: sigstoreInstance(env),
    tufCache: path.join(env.RUNNER_TEMP || os.tmpdir(), "pyship-sigstore-tuf"),
  }) as AuditInputs;
}
