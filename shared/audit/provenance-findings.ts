/** What the provenance check found, as findings: per package at its lock line, by code. */
import type { Finding } from "../runtime/findings.js";
import { auditCodes } from "./codes.js";
import type {
  FileProvenance,
  PackageProvenance,
  ProvenanceMode,
  ProvenanceResult,
} from "./provenance.js";

export interface ProvenancePolicy {
  mode: Exclude<ProvenanceMode, "off">;
  /** PEP 503 normalized names exempt from `require`'s missing and unavailable failures. */
  allowUnattested: ReadonlySet<string>;
  lockfile: string;
}

/** Files checked and verified: "N of M files verified". */
export function provenanceCounts(result: ProvenanceResult): { verified: number; files: number } {
  const files = result.packages.flatMap((pkg) => pkg.files);
  const verified = files.filter((file) => file.outcome.status === "verified").length;
  return { verified, files: files.length };
}

const names = (files: FileProvenance[]) => files.map((file) => file.filename).join(", ");

function packageFindings(pkg: PackageProvenance, policy: ProvenancePolicy): Finding[] {
  const { name, version, key, line } = pkg.package;
  const at = { file: policy.lockfile, line };
  const enforced = policy.mode === "require" && !policy.allowUnattested.has(key);
  const level = policy.mode === "require" ? "error" : "warning";
  const findings: Finding[] = [];
  const withStatus = (status: string) => pkg.files.filter((file) => file.outcome.status === status);
  for (const file of withStatus("invalid")) {
    const reason = file.outcome.status === "invalid" ? file.outcome.reason : "";
    findings.push({
      severity: level,
      code: auditCodes["provenance-invalid"].code,
      message: `${name} ${version}: the provenance of ${file.filename} from ${pkg.index} does not verify: ${reason}.`,
      fix: auditCodes["provenance-invalid"].fix,
      ...at,
    });
  }
  if (!enforced) return findings;
  const missing = withStatus("missing");
  const unchecked =
    pkg.files.length === 0
      ? pkg.unnamed > 0
        ? `the lock records ${pkg.unnamed} sha256 hash${pkg.unnamed === 1 ? "" : "es"} but no file names, so ${pkg.index} cannot be asked`
        : "the lock records no file with a sha256 to check"
      : undefined;
  if (missing.length > 0 || unchecked) {
    findings.push({
      severity: "error",
      code: auditCodes["provenance-missing"].code,
      message: `${name} ${version}: ${unchecked ?? `no provenance at ${pkg.index} for ${names(missing)}`}.`,
      fix: auditCodes["provenance-missing"].fix,
      ...at,
    });
  }
  const unavailable = withStatus("unavailable");
  if (unavailable.length > 0) {
    const reason =
      unavailable[0].outcome.status === "unavailable" ? unavailable[0].outcome.reason : "";
    findings.push({
      severity: "error",
      code: auditCodes["provenance-unavailable"].code,
      message: `${name} ${version}: ${pkg.index} could not be asked about ${names(unavailable)} (${reason}).`,
      fix: auditCodes["provenance-unavailable"].fix,
      ...at,
    });
  }
  return findings;
}

/**
 * `report`: a warning per file whose provenance does not verify, and one warning when the
 * Integrity API could not be asked. `require`: an error per package without a verifiable
 * attestation for every locked file, naming the files.
 */
export function provenanceFindings(result: ProvenanceResult, policy: ProvenancePolicy): Finding[] {
  const findings = result.packages.flatMap((pkg) => packageFindings(pkg, policy));
  if (policy.mode === "report") {
    const unavailable = result.packages.flatMap((pkg) =>
      pkg.files.flatMap((file) => (file.outcome.status === "unavailable" ? [{ pkg, file }] : [])),
    );
    if (unavailable.length > 0) {
      const [{ pkg, file }] = unavailable;
      const reason = file.outcome.status === "unavailable" ? file.outcome.reason : "";
      findings.push({
        severity: "warning",
        code: auditCodes["provenance-unavailable"].code,
        message: `The Integrity API could not be asked about ${unavailable.length} file(s), such as ${file.filename} at ${pkg.index} (${reason}); they are reported unchecked.`,
        fix: auditCodes["provenance-unavailable"].fix,
        file: policy.lockfile,
      });
    }
  }
  return findings;
}
