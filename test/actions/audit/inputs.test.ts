import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, test } from "@jest/globals";
import { loadInputs } from "../../../actions/audit/inputs.js";
import { InputReader } from "../../../shared/runtime/inputs.js";

const w = mkdtempSync(path.join(os.tmpdir(), "pyship-inputs-"));
mkdirSync(path.dirname(path.join(w, "app/locks/uv.lock")), { recursive: true });
writeFileSync(path.join(w, "app/locks/uv.lock"), "");
mkdirSync(path.dirname(path.join(w, "app/db/all.zip")), { recursive: true });
writeFileSync(path.join(w, "app/db/all.zip"), "");

function inputs(given: Record<string, string>) {
  const variables: NodeJS.ProcessEnv = { GITHUB_WORKSPACE: `${w}` };
  for (const [name, value] of Object.entries(given))
    variables[`INPUT_${name.toUpperCase()}`] = value;
  return loadInputs(new InputReader(variables), variables);
}

describe("audit inputs", () => {
  test("defaults", () => {
    expect(inputs({})).toEqual({
      workingDirectory: `${w}`,
      workspace: `${w}`,
      lockfile: undefined,
      groups: "all",
      service: "osv",
      osvUrl: "https://api.osv.dev",
      requestTimeoutMs: 600_000,
      advisoryDb: undefined,
      ignore: [],
      failOn: "low",
      baseline: "auto",
      failOnScope: "all",
      failOnlyFixable: false,
      comment: false,
      githubToken: "",
      sarifFile: `${w}/pyship-audit.sarif`,
      sbomFile: undefined,
      reportFile: `${w}/pyship-audit.json`,
      provenance: "report",
      allowUnattested: new Set(),
      sigstore: {
        fulcioUrl: "https://fulcio.sigstore.dev",
        rekorUrl: "https://rekor.sigstore.dev",
        tsaUrl: undefined,
        trustedRootPath: undefined,
      },
      tufCache: path.join(os.tmpdir(), "pyship-sigstore-tuf"),
    });
    expect(Object.isFrozen(inputs({}))).toBe(true);
  });

  test("provenance: require with allow-unattested names, PEP 503 normalized", () => {
    expect(
      inputs({ provenance: "Require", "allow-unattested": "Foo_Bar, zope.interface\nsix" }),
    ).toMatchObject({
      provenance: "require",
      allowUnattested: new Set(["foo-bar", "zope-interface", "six"]),
    });
  });

  test("offline, provenance is off with one notice; an explicit off says nothing", () => {
    const offline = { "vulnerability-service": "offline", "advisory-db": "app/db/all.zip" };
    expect(inputs(offline)).toMatchObject({
      provenance: "off",
      provenanceSkipped: expect.stringContaining("vulnerability-service is offline"),
    });
    expect(inputs({ ...offline, provenance: "off" }).provenanceSkipped).toBeUndefined();
  });

  test("values, and empty file inputs write nothing", () => {
    expect(
      inputs({
        "working-directory": "app",
        lockfile: "locks/uv.lock",
        groups: "main, dev",
        "vulnerability-service": "offline",
        "advisory-db": "db/all.zip",
        "ignore-vulns": "PYSEC-1\nGHSA-x:2027-01-01",
        "fail-on": "HIGH",
        "sarif-file": "",
        "sbom-file": "out/sbom.json",
        "osv-url": "http://127.0.0.1:9/",
        "request-timeout": "0.5",
        "fail-on-scope": "New",
        "fail-only-fixable": "true",
        comment: "true",
        "github-token": "ghs_x",
      }),
    ).toMatchObject({
      workingDirectory: `${w}/app`,
      lockfile: `${w}/app/locks/uv.lock`,
      groups: ["main", "dev"],
      service: "offline",
      advisoryDb: `${w}/app/db/all.zip`,
      ignore: [{ id: "PYSEC-1" }, { id: "GHSA-x", until: "2027-01-01" }],
      failOn: "high",
      sarifFile: undefined,
      sbomFile: `${w}/app/out/sbom.json`,
      osvUrl: "http://127.0.0.1:9",
      requestTimeoutMs: 30_000,
      baseline: "auto",
      failOnScope: "new",
      failOnlyFixable: true,
      comment: true,
      githubToken: "ghs_x",
    });
  });

  test.each([
    [{ "vulnerability-service": "offline" }, "input 'advisory-db' is required"],
    [{ "fail-on": "severe" }, "input 'fail-on' must be one of none, low, medium, high, critical"],
    [{ "osv-url": "api.osv.dev" }, "input 'osv-url' is not an http(s) URL"],
    [{ "ignore-vulns": "PYSEC-1:2026-02-31x" }, "input 'ignore-vulns'"],
    [{ "ignore-vulns": "PYSEC-1:2026-02-31" }, "is not a date"],
    [{ provenance: "strict" }, "input 'provenance' must be one of off, report, require"],
    [{ baseline: "main" }, "input 'baseline' must be one of auto, none"],
    [{ "fail-on-scope": "old" }, "input 'fail-on-scope' must be one of new, all"],
    [{ "fail-only-fixable": "maybe" }, "input 'fail-only-fixable'"],
    [
      { baseline: "none", "fail-on-scope": "new" },
      "input 'fail-on-scope' is new, but 'baseline' is none",
    ],
    [
      { "allow-unattested": "foo bar" },
      "input 'allow-unattested': 'foo bar' is not a project name",
    ],
    [
      {
        provenance: "require",
        "vulnerability-service": "offline",
        "advisory-db": "app/db/all.zip",
      },
      "input 'provenance' is require, but 'vulnerability-service' is offline",
    ],
  ])("refuses %j", (given, message) => {
    expect(() => inputs(given)).toThrow(message);
  });
});
