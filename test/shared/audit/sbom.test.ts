import { Spec, Validation } from "@cyclonedx/cyclonedx-library";
import { describe, expect, test } from "@jest/globals";
import type { AdvisorySeverity } from "../../../shared/advisories/severity.js";
import type { AuditResult } from "../../../shared/audit/model.js";
import { pypiPurl, toCycloneDx } from "../../../shared/audit/sbom.js";
import { cvss31Medium, pkg, unscored, vuln } from "./samples.js";

const tool = { name: "pyship-audit", version: "1.4.0" };
const now = new Date("2025-03-01T12:00:00Z");

const cvss31 = cvss31Medium;
const cvss4: AdvisorySeverity = {
  level: "high",
  score: 8.7,
  vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N",
  source: "cvss",
};
const label: AdvisorySeverity = { level: "medium", source: "database" };

const urllib3 = pkg("urllib3", "1.26.5", 1, ["main"]);
const zope = pkg("zope.interface", "6.0+local.1", 1, ["dev"]);
const requests = pkg("Requests", "2.32.3");

function auditResult(): AuditResult {
  return {
    lockfile: "uv.lock",
    packages: [
      {
        package: urllib3,
        vulns: [
          vuln("PYSEC-2023-192", cvss31, ["1.26.17"], ["CVE-2023-43804", "GHSA-v845-jxx5-vc9f"]),
          vuln("GHSA-g4mx-q9vg-27p4", label, ["1.26.18", "2.0.7"]),
        ],
      },
      { package: zope, vulns: [vuln("GHSA-0000-0000-0001", unscored, [])] },
      { package: requests, vulns: [vuln("GHSA-9wx4-h78v-vm56", cvss4, ["2.32.4"])] },
    ],
    ignored: [{ package: requests, vuln: vuln("PYSEC-2099-1", label, []) }],
  };
}

// biome-ignore lint/suspicious/noExplicitAny: the BOM is walked as plain JSON here.
type Json = any;

const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);

describe("toCycloneDx", () => {
  test("the BOM is valid CycloneDX 1.6 (strict)", async () => {
    const bom = toCycloneDx(auditResult(), tool, now, { name: "demo", version: "0.1.0" }) as Json;
    expect(await validator.validate(JSON.stringify(bom))).toBeNull();
    expect(bom).toMatchObject({ bomFormat: "CycloneDX", specVersion: "1.6", version: 1 });
    expect(bom.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab]/);
    expect(bom.metadata.timestamp).toBe("2025-03-01T12:00:00.000Z");
    expect(bom.metadata.tools.components).toEqual([
      { type: "application", name: "pyship-audit", version: "1.4.0" },
    ]);
    expect(bom.metadata.component).toEqual({ type: "application", name: "demo", version: "0.1.0" });
    // The validator bites: an unknown severity is rejected.
    bom.vulnerabilities[0].ratings[0].severity = "severe";
    expect(await validator.validate(JSON.stringify(bom))).not.toBeNull();
  });

  test("an empty result and an unknown project are valid too", async () => {
    const bom = toCycloneDx({ lockfile: "uv.lock", packages: [], ignored: [] }, tool, now) as Json;
    expect(await validator.validate(JSON.stringify(bom))).toBeNull();
    expect(bom.metadata.component).toBeUndefined();
    expect(bom.components).toEqual([]);
    expect(bom.vulnerabilities).toEqual([]);
  });

  test("the serial number is derived from the content and the instant", () => {
    const serial = (result: AuditResult, at: Date) =>
      (toCycloneDx(result, tool, at) as Json).serialNumber;
    expect(serial(auditResult(), now)).toBe(serial(auditResult(), now));
    expect(serial(auditResult(), new Date(now.getTime() + 1))).not.toBe(serial(auditResult(), now));
    const other = auditResult();
    other.packages.pop();
    expect(serial(other, now)).not.toBe(serial(auditResult(), now));
  });

  test("every audited package is a library component keyed by its purl", () => {
    const bom = toCycloneDx(auditResult(), tool, now) as Json;
    expect(bom.components.map((c: Json) => c.purl)).toEqual([
      "pkg:pypi/urllib3@1.26.5",
      "pkg:pypi/zope.interface@6.0+local.1",
      "pkg:pypi/requests@2.32.3",
    ]);
    for (const c of bom.components) {
      expect(c.type).toBe("library");
      expect(c["bom-ref"]).toBe(c.purl);
    }
    expect(bom.components[1]).toMatchObject({ name: "zope.interface", version: "6.0+local.1" });
    expect(bom.components[1].properties).toEqual([{ name: "pyship:group", value: "dev" }]);
    expect(bom.components[2].properties).toBeUndefined();
    expect(pypiPurl({ name: "Foo_Bar", version: "1!2.0" })).toBe("pkg:pypi/foo-bar@1!2.0");
    expect(pypiPurl({ name: "ruamel.yaml.clib", version: "0.2" })).toBe(
      "pkg:pypi/ruamel.yaml.clib@0.2",
    );
  });

  test("vulnerabilities: ratings, affects, references and recommendations", () => {
    const bom = toCycloneDx(auditResult(), tool, now) as Json;
    const byId = Object.fromEntries(bom.vulnerabilities.map((v: Json) => [v.id, v]));
    expect(Object.keys(byId)).toEqual([
      "PYSEC-2023-192",
      "GHSA-g4mx-q9vg-27p4",
      "GHSA-0000-0000-0001",
      "GHSA-9wx4-h78v-vm56",
    ]);
    const refs = new Set(bom.components.map((c: Json) => c["bom-ref"]));
    for (const v of bom.vulnerabilities) {
      for (const affects of v.affects) expect(refs.has(affects.ref)).toBe(true);
    }
    const pysec = byId["PYSEC-2023-192"];
    expect(pysec.source).toEqual({
      name: "OSV",
      url: "https://osv.dev/vulnerability/PYSEC-2023-192",
    });
    expect(pysec.ratings).toEqual([
      expect.objectContaining({ method: "CVSSv31", score: 4.4, severity: "medium" }),
    ]);
    expect(pysec.ratings[0].vector).toBe(cvss31.vector);
    expect(pysec.references.map((r: Json) => r.id)).toEqual([
      "CVE-2023-43804",
      "GHSA-v845-jxx5-vc9f",
    ]);
    expect(pysec.description).toBe("Summary of PYSEC-2023-192");
    expect(pysec.advisories).toEqual([{ title: "PYSEC-2023-192", url: pysec.source.url }]);
    expect(pysec.recommendation).toBe("Upgrade urllib3 1.26.5 to 1.26.17.");
    expect(pysec.affects).toEqual([
      { ref: "pkg:pypi/urllib3@1.26.5", versions: [{ version: "1.26.5", status: "affected" }] },
    ]);
    expect(byId["GHSA-g4mx-q9vg-27p4"].ratings).toEqual([
      expect.objectContaining({ severity: "medium" }),
    ]);
    expect(byId["GHSA-g4mx-q9vg-27p4"].ratings[0].score).toBeUndefined();
    expect(byId["GHSA-g4mx-q9vg-27p4"].recommendation).toContain("1.26.18 or 2.0.7");
    expect(byId["GHSA-0000-0000-0001"].ratings[0]).toMatchObject({ severity: "high" });
    expect(byId["GHSA-0000-0000-0001"].recommendation).toBeUndefined();
    expect(byId["GHSA-0000-0000-0001"].affects[0].versions[0].version).toBe("6.0+local.1");
    expect(byId["GHSA-9wx4-h78v-vm56"].ratings[0]).toMatchObject({ method: "CVSSv4", score: 8.7 });
    expect(JSON.stringify(bom)).not.toContain("PYSEC-2099-1");
  });

  test("an advisory on two packages is one vulnerability affecting both", async () => {
    const result = auditResult();
    result.packages[2].vulns.push(vuln("PYSEC-2023-192", cvss31, ["9.9"]));
    const bom = toCycloneDx(result, tool, now) as Json;
    const pysec = bom.vulnerabilities.find((v: Json) => v.id === "PYSEC-2023-192");
    expect(pysec.affects.map((a: Json) => a.ref)).toEqual([
      "pkg:pypi/urllib3@1.26.5",
      "pkg:pypi/requests@2.32.3",
    ]);
    expect(pysec.recommendation).toBe(
      "Upgrade urllib3 1.26.5 to 1.26.17. Upgrade Requests 2.32.3 to 9.9.",
    );
    expect(await validator.validate(JSON.stringify(bom))).toBeNull();
  });
});
