import { expect, test } from "@jest/globals";
import {
  claimsLines,
  claimsTable,
  decodeClaims,
  reusableWorkflowWarning,
  workflowFile,
} from "../../../shared/publish/claims.js";
import { refusalLines } from "../../../shared/publish/diagnose.js";

const jwt = (claims: object) =>
  `e30.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.sig`;

test("decodes a JWT's claims, and {} for anything else", () => {
  expect(decodeClaims(jwt({ sub: "repo:o/r:ref:refs/tags/v1" }))).toEqual({
    sub: "repo:o/r:ref:refs/tags/v1",
  });
  expect(decodeClaims("not a jwt")).toEqual({});
  expect(decodeClaims("a.!!!.c")).toEqual({});
});

test("the claims table marks missing claims", () => {
  const claims = { repository: "o/r", environment: "" };
  expect(claimsTable(claims)).toContain("| repository | o/r |");
  expect(claimsTable(claims)).toContain("| environment | MISSING |");
  expect(claimsLines(claims).join("\n")).toMatch(/job_workflow_ref\s+MISSING/);
});

test("a reusable workflow is named in the warning", () => {
  expect(workflowFile("o/r/.github/workflows/release.yml@refs/tags/v1")).toBe("release.yml");
  const same = "o/r/.github/workflows/release.yml@refs/tags/v1";
  expect(reusableWorkflowWarning({ workflow_ref: same, job_workflow_ref: same })).toBeUndefined();
  const warning = reusableWorkflowWarning({
    workflow_ref: same,
    job_workflow_ref: "o/shared/.github/workflows/publish.yml@refs/heads/main",
  });
  expect(warning).toContain("publish.yml");
  expect(warning).toContain("reusable workflow");
});

test("a refusal lists each code, the claims, and a hint per code", () => {
  const lines = refusalLines(
    [{ code: "invalid-publisher", description: "valid token, but no corresponding publisher" }],
    {
      repository: "o/r",
      repository_owner: "o",
      job_workflow_ref: "o/r/.github/workflows/ci.yml@refs/tags/v1",
    },
  ).join("\n");
  expect(lines).toContain("* invalid-publisher: valid token, but no corresponding publisher");
  expect(lines).toMatch(/environment\s+MISSING/);
  expect(lines).toContain("workflow file name `ci.yml`");
});
