/** audit's inputs, read and validated from action.yml's names. */
import { type SeverityLevel, severityLevels } from "../../shared/advisories/severity.js";
import { type IgnoreRule, parseIgnoreRules } from "../../shared/audit/ignore.js";
import { ConfigurationError, InputReader, quoted } from "../../shared/runtime/index.js";

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
  sarifFile?: string;
  sbomFile?: string;
  reportFile?: string;
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
    sarifFile: file("sarif-file", "pyship-audit.sarif"),
    sbomFile: file("sbom-file", ""),
    reportFile: file("report-file", "pyship-audit.json"),
  }) as AuditInputs;
}
