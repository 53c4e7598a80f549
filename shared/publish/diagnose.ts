/** What a refused token exchange means, in the words users search for. */
import { type Claims, claimsLines, claimsTable, claimValue, workflowFile } from "./claims.js";
import type { MintError } from "./oidc.js";

const hints: Record<string, (claims: Claims) => string> = {
  "invalid-publisher": (claims) =>
    "no trusted publisher on the index matches this job. Compare the project's publisher settings " +
    `with the claims: owner \`${claimValue(claims, "repository_owner")}\`, repository \`${claimValue(claims, "repository")}\`, ` +
    `workflow file name \`${workflowFile(claims.job_workflow_ref) ?? "MISSING"}\` (taken from job_workflow_ref), ` +
    `environment \`${claimValue(claims, "environment")}\` (a publisher that names an environment needs a job that uses it). ` +
    "TestPyPI needs its own account and publisher.",
  "invalid-reuse-token": () =>
    "the OIDC token was already exchanged once; each token is single-use. Re-run the job.",
  "invalid-token": () =>
    "the index could not verify the OIDC token: it expired, or its audience belongs to another index.",
  "invalid-payload": () =>
    "the index could not read the token, or does not trust its issuer (GitHub Actions).",
  "not-enabled": () => "trusted publishing is turned off on this index.",
  "invalid-pending-publisher": () =>
    "a pending publisher matched, but the project already exists: add a trusted publisher to the existing project instead.",
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
    ...errors.map(
      (error) =>
        `* ${error.code}: ${hints[error.code]?.(claims) ?? "see the index's documentation."}`,
    ),
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
    ...errors.map(
      (error) =>
        `* \`${error.code}\`: ${hints[error.code]?.(claims) ?? "see the index's documentation."}`,
    ),
    "",
  ].join("\n");
}
