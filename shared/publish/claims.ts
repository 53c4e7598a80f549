/** The claims of a GitHub OIDC token, for diagnostics only: never for trust decisions. */
import { markdownCell, markdownTable } from "../runtime/findings.js";
import type { Claims } from "../runtime/jwt.js";

export { type Claims, decodeClaims } from "../runtime/jwt.js";

/** The claims a trusted publisher is matched on, in the order the table shows them. */
export const shownClaims = [
  "sub",
  "repository",
  "repository_owner",
  "repository_owner_id",
  "workflow_ref",
  "job_workflow_ref",
  "ref",
  "environment",
] as const;

export function claimValue(claims: Claims, name: string): string {
  const value = claims[name];
  return value === undefined || value === null || value === "" ? "MISSING" : String(value);
}

export function claimsTable(claims: Claims): string {
  return markdownTable(
    ["claim", "value"],
    shownClaims.map((name) => [name, markdownCell(claimValue(claims, name))]),
  );
}

export function claimsLines(claims: Claims): string[] {
  const width = Math.max(...shownClaims.map((name) => name.length));
  return shownClaims.map((name) => `  ${name.padEnd(width)}  ${claimValue(claims, name)}`);
}

/** The workflow file of a `owner/repo/.github/workflows/<file>@<ref>` reference. */
export function workflowFile(ref: unknown): string | undefined {
  if (typeof ref !== "string") return undefined;
  return /\/\.github\/workflows\/([^@]+)@/.exec(ref)?.[1];
}

/** A warning when the job runs in a reusable workflow, which PyPI matches by its own file name. */
export function reusableWorkflowWarning(claims: Claims): string | undefined {
  const caller = claims.workflow_ref;
  const callee = claims.job_workflow_ref;
  if (typeof caller !== "string" || typeof callee !== "string" || caller === callee)
    return undefined;
  return (
    `This job runs in a reusable workflow (job_workflow_ref ${callee}, called from ${caller}). ` +
    `PyPI matches the trusted publisher on the reusable workflow's own file name, ` +
    `${workflowFile(callee) ?? "?"}, not on ${workflowFile(caller) ?? "the caller's"}; register that file name as the publisher's workflow.`
  );
}
