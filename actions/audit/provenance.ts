/** audit's provenance step: the trust root, the Integrity API lookups and the verification, logged. */
import type { AuditedPackage } from "../../shared/audit/model.js";
import {
  checkProvenance,
  lockedDists,
  type PackageDists,
  type PackageProvenance,
} from "../../shared/audit/provenance.js";
import { provenanceCounts } from "../../shared/audit/provenance-findings.js";
import type { ProvenanceReport } from "../../shared/audit/report-json.js";
import { Deadline } from "../../shared/http/deadline.js";
import type { Lock } from "../../shared/lockfiles/model.js";
import type { ActionIo } from "../../shared/runtime/index.js";
import { IntegrityClient } from "../../shared/sigstore/integrity-api.js";
import { loadTrust, TrustRootUnavailable } from "../../shared/sigstore/trusted-root.js";
import type { AuditInputs } from "./inputs.js";

/** What the step did: a report, or why it did not check (the trust root could not be had). */
export type ProvenanceStep =
  | { checked: true; report: ProvenanceReport }
  | { checked: false; reason: string };

/** Checks every audited package's locked files; undefined when provenance is off. */
export async function provenanceStep(
  inputs: AuditInputs,
  lock: Lock,
  packages: AuditedPackage[],
  io: ActionIo,
): Promise<ProvenanceStep | undefined> {
  if (inputs.provenanceSkipped) io.notice(inputs.provenanceSkipped);
  if (inputs.provenance === "off") return undefined;
  const mode = inputs.provenance;
  const dists = lockedDists(lock, packages);
  const files = dists.reduce((sum, pkg) => sum + pkg.files.size, 0);
  if (files === 0) {
    io.info("Provenance: the lock names no file with a sha256 to ask about.");
    return {
      checked: true,
      report: {
        result: { packages: dists.map(unchecked), requests: 0 },
        mode,
        trustSource: "none (no file to check)",
      },
    };
  }
  let trust: Awaited<ReturnType<typeof loadTrust>>;
  try {
    trust = await loadTrust(inputs.sigstore, inputs.tufCache);
  } catch (error) {
    if (!(error instanceof TrustRootUnavailable)) throw error;
    return { checked: false, reason: error.message };
  }
  const client = new IntegrityClient({
    deadline: new Deadline(inputs.requestTimeoutMs, "the provenance lookups"),
    retry: {
      retries: 3,
      onRetry: (reason, delayMs, attempt) =>
        io.info(
          `Integrity API: ${reason}; retry ${attempt} of 3 in ${(delayMs / 1000).toFixed(1)} s`,
        ),
    },
  });
  const result = await io.group("Checking the locked files' provenance", () =>
    checkProvenance(dists, client, trust.material),
  );
  const { verified } = provenanceCounts(result);
  io.info(
    `Provenance: ${verified} of ${files} files verified (${result.requests} Integrity API requests).`,
  );
  return { checked: true, report: { result, mode, trustSource: trust.source } };
}

/** A package with no file to ask about, as the report shows it. */
const unchecked = (pkg: PackageDists): PackageProvenance => ({
  package: pkg.package,
  index: pkg.index,
  files: [],
  unnamed: pkg.unnamed.size,
});
