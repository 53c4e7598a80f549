import { describe, expect, test } from "@jest/globals";
import type { AuditedPackage, AuditResult, Vulnerability } from "../../../shared/audit/model.js";
import { toReportJson } from "../../../shared/audit/report-json.js";

const pkg = (name: string, key: string, version: string, line: number): AuditedPackage => ({
  name,
  key,
  version,
  line,
  groups: ["main"],
});

const pysec: Vulnerability = {
  id: "PYSEC-2023-192",
  aliases: ["CVE-2023-43804", "GHSA-v845-jxx5-vc9f"],
  summary: "Cookie header not stripped on cross-origin redirects",
  severity: { level: "medium", score: 4.4, vector: "CVSS:3.1/AV:N/AC:H", source: "cvss" },
  fixVersions: ["1.26.17", "2.0.6"],
  url: "https://osv.dev/vulnerability/PYSEC-2023-192",
};
const ghsa: Vulnerability = {
  id: "GHSA-g4mx-q9vg-27p4",
  aliases: [],
  summary: "",
  severity: { level: "high", source: "none" },
  fixVersions: [],
  url: "https://osv.dev/vulnerability/GHSA-g4mx-q9vg-27p4",
};

const urllib3 = pkg("urllib3", "urllib3", "1.26.5", 120);
const result: AuditResult = {
  lockfile: "poetry.lock",
  packages: [
    // Lock order, not alphabetical.
    { package: pkg("Zope.Interface", "zope-interface", "6.0", 300), vulns: [] },
    { package: urllib3, vulns: [pysec, ghsa] },
    { package: pkg("certifi", "certifi", "2024.2.2", 10), vulns: [] },
  ],
  ignored: [{ package: urllib3, vuln: { ...ghsa, id: "PYSEC-2021-108" } }],
};

describe("toReportJson", () => {
  test("pip-audit's shape: every package in lock order, empty vulns when clean", () => {
    expect(toReportJson(result)).toEqual({
      dependencies: [
        { name: "zope-interface", version: "6.0", vulns: [] },
        {
          name: "urllib3",
          version: "1.26.5",
          vulns: [
            {
              id: "PYSEC-2023-192",
              aliases: ["CVE-2023-43804", "GHSA-v845-jxx5-vc9f"],
              fix_versions: ["1.26.17", "2.0.6"],
              severity: "medium",
              summary: "Cookie header not stripped on cross-origin redirects",
              description: "Cookie header not stripped on cross-origin redirects",
            },
            {
              id: "GHSA-g4mx-q9vg-27p4",
              aliases: [],
              fix_versions: [],
              severity: "high",
              summary: "",
              description: "",
            },
          ],
        },
        { name: "certifi", version: "2024.2.2", vulns: [] },
      ],
      fixes: [],
    });
  });

  test("ignored advisories and lockfile details stay out; the output is plain JSON", () => {
    const report = toReportJson(result);
    const text = JSON.stringify(report);
    expect(text).not.toContain("PYSEC-2021-108");
    expect(Object.keys(report)).toEqual(["dependencies", "fixes"]);
    expect(JSON.parse(text)).toEqual(report);
  });

  test("the model is not aliased into the report", () => {
    const report = toReportJson(result);
    report.dependencies[1].vulns[0].fix_versions.push("9.9");
    expect(pysec.fixVersions).toEqual(["1.26.17", "2.0.6"]);
  });

  test("an empty audit", () => {
    expect(toReportJson({ lockfile: "uv.lock", packages: [], ignored: [] })).toEqual({
      dependencies: [],
      fixes: [],
    });
  });
});
