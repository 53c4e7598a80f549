/** What a refused token exchange means, in the words users search for. */

import { keyedByCode } from "../runtime/findings.js";
import { type Claims, claimsLines, claimsTable, claimValue, workflowFile } from "./claims.js";
import type { MintError } from "./oidc.js";

/** A code the index gives a refused token, as the README documents it. */
export interface RefusalCode {
  code: string;
  /** What it usually means, as the log says it. */
  meaning: string;
  /** What the log adds from the token's claims, where they help. */
  details?: (claims: Claims) => string;
}

const refusals: Record<string, Omit<RefusalCode, "code">> = {
  "invalid-publisher": {
    meaning: "no trusted publisher on the index matches this job.",
    details: (claims) =>
      "Compare the project's publisher settings " +
      `with the claims: owner \`${claimValue(claims, "repository_owner")}\`, repository \`${claimValue(claims, "repository")}\`, ` +
      `workflow file name \`${workflowFile(claims.job_workflow_ref) ?? "MISSING"}\` (taken from job_workflow_ref), ` +
      `environment \`${claimValue(claims, "environment")}\` (a publisher that names an environment needs a job that uses it). ` +
      "TestPyPI needs its own account and publisher.",
  },
  "invalid-reuse-token": {
    meaning: "the OIDC token was already exchanged once; each token is single-use. Re-run the job.",
  },
  "invalid-token": {
    meaning:
      "the index could not verify the OIDC token: it expired, or its audience belongs to another index.",
  },
  "invalid-payload": {
    meaning: "the index could not read the token, or does not trust its issuer (GitHub Actions).",
  },
  "not-enabled": { meaning: "trusted publishing is turned off on this index." },
  "invalid-pending-publisher": {
    meaning:
      "a pending publisher matched, but the project already exists: add a trusted publisher to the existing project instead.",
  },
};

/** Every refusal code the log explains, for the README. */
export const refusalCodes: readonly RefusalCode[] = Object.values(keyedByCode(refusals));

const hint = (code: string, claims: Claims) => {
  const entry = Object.hasOwn(refusals, code) ? refusals[code] : undefined;
  if (!entry) return "see the index's documentation.";
  return entry.details ? `${entry.meaning} ${entry.details(claims)}` : entry.meaning;
};

export function refusalLines(errors: readonly MintError[], claims: Claims): string[] {
  return [
    "Token request failed: the server refused the request for the following reasons:",
    ...errors.map((error) => `* ${error.code}: ${error.description}`),
    "",
    "The token's claims (for debugging only; MISSING means the token does not have it):",
    ...claimsLines(claims),
    "",
    "This usually means:",
    ...errors.map((error) => `* ${error.code}: ${hint(error.code, claims)}`),
  ];
}

export function refusalMarkdown(errors: readonly MintError[], claims: Claims): string {
  return [
    "#### Trusted publishing exchange failed",
    "",
    "The index refused the token:",
    "",
    ...errors.map((error) => `* \`${error.code}\`: ${error.description}`),
    "",
    "The token's claims (for debugging only):",
    "",
    claimsTable(claims),
    "",
    "This usually means:",
    "",
    ...errors.map((error) => `* \`${error.code}\`: ${hint(error.code, claims)}`),
    "",
  ].join("\n");
}
