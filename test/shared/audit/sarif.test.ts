import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, test } from "@jest/globals";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import type { AdvisorySeverity } from "../../../shared/advisories/severity.js";
import type { AuditedPackage, AuditResult } from "../../../shared/audit/model.js";
import { lockfileUri, securitySeverity, toSarif } from "../../../shared/audit/sarif.js";
import { cvss31Medium, pkg, unscored, vuln } from "./samples.js";

// ajv-formats is CommonJS: its plugin is the module and, typed, the module's `default`.
const addFormats = addFormatsModule.default;

const schemaPath = createRequire(import.meta.url).resolve(
  "@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json",
);

/** The draft-04 SARIF schema under ajv's default draft-07: `id` becomes `$id`. */
function sarifValidator() {
  const { $schema: _draft, id, ...schema } = JSON.parse(readFileSync(schemaPath, "utf8"));
  // The schema's BCP 47 pattern is not valid in unicode mode.
  const ajv = new Ajv({ allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile({ $id: id, ...schema });
}

const tool = {
  name: "pyship-audit",
  version: "1.4.0",
  informationUri: "https://example.org/pyship",
};

const cvssMedium = cvss31Medium;
const labelHigh: AdvisorySeverity = { level: "high", source: "database" };
const labelLow: AdvisorySeverity = { level: "low", source: "database" };

const urllib3 = pkg("urllib3", "1.26.5", 120, ["main"]);
const jinja2 = pkg("Jinja2", "3.1.2", 64, ["main", "docs"]);
const requests = pkg("requests", "2.32.3", 150, ["main"]);

function auditResult(lines: Partial<Record<string, number>> = {}): AuditResult {
  const at = (p: AuditedPackage) => ({ ...p, line: lines[p.key] ?? p.line });
  return {
    lockfile: "./backend\\uv.lock",
    packages: [
      { package: at(jinja2), vulns: [vuln("GHSA-h5c8-rqwp-cp95", unscored, [])] },
      {
        package: at(urllib3),
        vulns: [
          vuln("PYSEC-2023-192", cvssMedium, ["1.26.17"], ["CVE-2023-43804"]),
          vuln("GHSA-g4mx-q9vg-27p4", labelHigh, ["1.26.18", "2.0.7"]),
        ],
      },
      { package: at(requests), vulns: [] },
    ],
    ignored: [{ package: urllib3, vuln: vuln("PYSEC-2021-108", labelLow, ["1.26.5"]) }],
  };
}

// biome-ignore lint/suspicious/noExplicitAny: SARIF is walked as plain JSON here.
type Json = any;

describe("toSarif", () => {
  const validate = sarifValidator();

  test("a realistic result is valid SARIF 2.1.0", () => {
    const sarif = toSarif(auditResult(), tool) as Json;
    expect(validate(sarif)).toBe(true);
    expect(validate.errors ?? null).toBeNull();
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.$schema).toBe("https://json.schemastore.org/sarif-2.1.0.json");
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0].automationDetails).toEqual({ id: "pyship-audit/" });
    expect(sarif.runs[0].tool.driver).toMatchObject({ name: "pyship-audit", version: "1.4.0" });
    // The validator bites: a result without its message is rejected.
    delete sarif.runs[0].results[0].message;
    expect(validate(sarif)).toBe(false);
  });

  test("one rule per advisory with its security-severity and level", () => {
    const [run] = (toSarif(auditResult(), tool) as Json).runs;
    const rules = Object.fromEntries(run.tool.driver.rules.map((r: Json) => [r.id, r]));
    expect(Object.keys(rules)).toEqual([
      "GHSA-h5c8-rqwp-cp95",
      "PYSEC-2023-192",
      "GHSA-g4mx-q9vg-27p4",
    ]);
    expect(rules["PYSEC-2023-192"].properties["security-severity"]).toBe("4.4");
    expect(rules["PYSEC-2023-192"].defaultConfiguration.level).toBe("warning");
    expect(rules["GHSA-g4mx-q9vg-27p4"].properties["security-severity"]).toBe("8.0");
    expect(rules["GHSA-h5c8-rqwp-cp95"].properties["security-severity"]).toBe("8.0");
    expect(rules["GHSA-h5c8-rqwp-cp95"].defaultConfiguration.level).toBe("error");
    const rule = rules["PYSEC-2023-192"];
    expect(rule.properties.tags).toEqual(expect.arrayContaining(["security", "vulnerability"]));
    expect(rule.shortDescription.text).toBe("PYSEC-2023-192: Summary of PYSEC-2023-192");
    expect(rule.fullDescription.text).toContain("CVE-2023-43804");
    for (const help of [rule.help.text, rule.help.markdown]) {
      expect(help).toContain("urllib3");
      expect(help).toContain("1.26.5");
      expect(help).toContain("1.26.17");
      expect(help).toContain("https://osv.dev/vulnerability/PYSEC-2023-192");
    }
  });

  test("an advisory shared by two packages is one rule with two results", () => {
    const result = auditResult();
    const shared = vuln("PYSEC-2023-192", cvssMedium, ["2.1"]);
    result.packages[2].vulns.push(shared);
    const [run] = (toSarif(result, tool) as Json).runs;
    expect(run.tool.driver.rules).toHaveLength(3);
    const hits = run.results.filter((r: Json) => r.ruleId === "PYSEC-2023-192");
    expect(hits).toHaveLength(2);
    expect(new Set(hits.map((r: Json) => r.ruleIndex))).toEqual(new Set([1]));
    expect(run.tool.driver.rules[1].help.text).toContain("requests 2.32.3");
    expect(validate(toSarif(result, tool))).toBe(true);
  });

  test("results point at the package's line, with level, message and rule index", () => {
    const [run] = (toSarif(auditResult(), tool) as Json).runs;
    expect(run.results).toHaveLength(3);
    for (const r of run.results) {
      expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
      expect(r.locations[0].physicalLocation.artifactLocation).toEqual({
        uri: "backend/uv.lock",
        uriBaseId: "%SRCROOT%",
      });
    }
    const [jinja, pysec, ghsa] = run.results;
    expect(jinja.locations[0].physicalLocation.region).toEqual({ startLine: 64 });
    expect(pysec.locations[0].physicalLocation.region).toEqual({ startLine: 120 });
    expect([jinja.level, pysec.level, ghsa.level]).toEqual(["error", "warning", "error"]);
    expect(jinja.message.text).toContain("Jinja2 3.1.2 (groups: main, docs)");
    expect(jinja.message.text).toContain("no fix available");
    expect(ghsa.message.text).toContain("fixed in 1.26.18, 2.0.7");
  });

  test("fingerprints survive lines moving but differ per advisory and package", () => {
    const print = (result: AuditResult) =>
      (toSarif(result, tool) as Json).runs[0].results.map(
        (r: Json) => r.partialFingerprints.primaryLocationLineHash,
      );
    const before = print(auditResult());
    const after = print(auditResult({ urllib3: 300, jinja2: 12 }));
    expect(after).toEqual(before);
    expect(new Set(before).size).toBe(before.length);
    for (const hash of before) expect(hash).toMatch(/^[0-9a-f]{64}:1$/);
    // The same package locked twice (say, per Python version) gets a second occurrence.
    const twice = auditResult();
    twice.packages.push({ ...twice.packages[1], package: { ...urllib3, version: "2.0.4" } });
    const prints = print(twice);
    expect(prints[3]).toBe(prints[1].replace(/:1$/, ":2"));
  });

  test("ignored advisories are neither rules nor results", () => {
    const text = JSON.stringify(toSarif(auditResult(), tool));
    expect(text).not.toContain("PYSEC-2021-108");
  });

  test("an empty result is valid SARIF with no results", () => {
    const empty: AuditResult = { lockfile: "uv.lock", packages: [], ignored: [] };
    const sarif = toSarif(empty, tool) as Json;
    expect(validate(sarif)).toBe(true);
    expect(sarif.runs[0].results).toEqual([]);
    expect(sarif.runs[0].tool.driver.rules).toEqual([]);
  });

  test("security-severity strings and lockfile URIs", () => {
    expect(securitySeverity({ level: "critical", score: 10, source: "cvss" })).toBe("10.0");
    expect(securitySeverity({ level: "low", score: 0, source: "cvss" })).toBe("0.1");
    expect(securitySeverity({ level: "critical", source: "database" })).toBe("9.5");
    expect(securitySeverity({ level: "medium", source: "database" })).toBe("5.5");
    expect(securitySeverity(labelLow)).toBe("3.0");
    const long = auditResult();
    long.packages[0].vulns[0].summary = "x".repeat(5000);
    const [rule] = (toSarif(long, tool) as Json).runs[0].tool.driver.rules;
    expect(rule.shortDescription.text).toHaveLength(1024);
    expect(rule.fullDescription.text.length).toBeLessThanOrEqual(1024);
    expect(lockfileUri("./my app\\requirements#1.txt")).toBe("my%20app/requirements%231.txt");
  });
});
