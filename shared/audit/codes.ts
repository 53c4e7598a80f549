/** Every code audit reports besides advisory ids, as annotation title; the README's table is rendered from it. */
import { type FindingLevel, keyedByCode } from "../runtime/findings.js";

/** One finding code, as the README documents it. */
export interface AuditCode {
  code: string;
  /** The severity it is reported at. */
  severity: FindingLevel;
  /** Other severities it can have; `meaning` says when. */
  also?: readonly FindingLevel[];
  /** One line: what it means. */
  meaning: string;
  /** One line: what to do about it. */
  fix: string;
}

const declare = <const T extends Record<string, Omit<AuditCode, "code">>>(codes: T) =>
  keyedByCode(codes) as { [K in keyof T]: AuditCode };

const allow = "or add the package to `allow-unattested`";

export const auditCodes = declare({
  "provenance-missing": {
    severity: "error",
    meaning:
      "Under `provenance: require`: a locked file the index has no PEP 740 provenance for, or a package whose lock names no file with a sha256 to ask about.",
    fix: `Ask the project to publish with Trusted Publishing and attestations, ${allow}.`,
  },
  "provenance-invalid": {
    severity: "error",
    also: ["warning"],
    meaning:
      "A file's provenance does not verify: its signature, certificate or log entry fails against the Sigstore trust root, its statement's subject is not the locked file's name and sha256, or the publisher the index names is not the one its certificate vouches for. A warning under `provenance: report`; `allow-unattested` does not exempt it.",
    fix: "Do not install the file until you know why; compare the lock's sha256 with the index's, and tell the project.",
  },
  "provenance-unavailable": {
    severity: "error",
    also: ["warning"],
    meaning:
      "The index's Integrity API (or the public-good trust root, through TUF) could not be reached, so some files were not checked. A warning under `provenance: report`.",
    fix: `Retry, raise \`request-timeout\`, ${allow} for packages from an index without the Integrity API.`,
  },
});
