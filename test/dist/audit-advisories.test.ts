import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { type RunningOsvApi, startOsvApi } from "../harness/osv-api.js";
import { type ActionResult, runAction } from "../harness/runner.js";

const scratch = mkdtempSync(path.join(os.tmpdir(), "pyship-audit-severity-"));
let osv: RunningOsvApi;

/** One advisory per package whose only severity is a CVSS vector (no database label). */
const vectors: Record<string, { type: string; score: string }> = {
  "critical-three-one": {
    type: "CVSS_V3",
    score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
  },
  "low-three-one": { type: "CVSS_V3", score: "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N" },
  "high-two": { type: "CVSS_V2", score: "AV:N/AC:L/Au:N/C:P/I:P/A:P" },
  "critical-four": {
    type: "CVSS_V4",
    score: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
  },
  "broken-vector": { type: "CVSS_V3", score: "CVSS:3.1/AV:N" },
};

const advisories = Object.entries(vectors).map(([name, severity], index) => ({
  id: `PYSEC-2099-${index + 1}`,
  modified: "2026-01-01T00:00:00Z",
  summary: `${name} is vulnerable`,
  severity: [severity],
  affected: [
    {
      package: { ecosystem: "PyPI", name },
      ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "2.0" }] }],
    },
  ],
}));

beforeAll(async () => {
  osv = await startOsvApi({ advisories });
});
afterAll(async () => {
  await osv?.close();
  rmSync(scratch, { recursive: true, force: true });
});

function audit(
  packages: string[],
  failOn: string,
  more: Record<string, string> = {},
): Promise<ActionResult> {
  const workspace = mkdtempSync(path.join(scratch, "ws-"));
  writeFileSync(
    path.join(workspace, "requirements.txt"),
    packages.map((name) => `${name}==1.0\n`).join(""),
  );
  return runAction({
    action: "audit",
    workspace,
    inputs: { "osv-url": osv.url, "fail-on": failOn, ...more },
  });
}

const messages = (result: ActionResult) => result.annotations.map((a) => a.message).join("\n");

describe("audit scores CVSS vectors in the bundle", () => {
  test("a CVSS 3.1 vector of 9.8 fails fail-on: critical", async () => {
    const result = await audit(["critical-three-one"], "critical");
    expect(result.exitCode).toBe(1);
    expect(messages(result)).toContain("critical (9.8)");
    expect(result.summary).toContain("critical (9.8)");
    expect(result.outputs["max-severity"]).toBe("critical");
  });

  test("a CVSS 3.1 vector of 1.6 passes fail-on: medium", async () => {
    const result = await audit(["low-three-one"], "medium");
    expect(result.exitCode).toBe(0);
    expect(result.summary).toContain("low (1.6)");
    expect(result.outputs["max-severity"]).toBe("low");
  });

  test("CVSS v2 and v4.0 vectors are scored; an unscorable one says so", async () => {
    const result = await audit(["high-two", "critical-four", "broken-vector"], "none");
    expect(result.exitCode).toBe(0);
    expect(messages(result)).toContain("high-two 1.0: PYSEC-2099-3, high (7.5)");
    expect(messages(result)).toContain("critical-four 1.0: PYSEC-2099-4, critical (9.3)");
    expect(messages(result)).toContain("the CVSS vector 'CVSS:3.1/AV:N' could not be scored");
  });
});

test("SBOM purls keep the dots of a name, as packageurl-js writes them", async () => {
  const result = await audit(["zope.interface", "Ruamel_Yaml"], "none", {
    "sbom-file": "sbom.json",
  });
  expect(result.exitCode).toBe(0);
  const bom = JSON.parse(readFileSync(path.join(result.workspace, "sbom.json"), "utf8"));
  expect(bom.components.map((component: { purl: string }) => component.purl)).toEqual([
    "pkg:pypi/zope.interface@1.0",
    "pkg:pypi/ruamel-yaml@1.0",
  ]);
});
