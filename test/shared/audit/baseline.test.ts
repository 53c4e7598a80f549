import { describe, expect, test } from "@jest/globals";
import { markedAgainstBase, withBasePackages } from "../../../shared/audit/baseline.js";
import type { AuditedPackage, AuditResult, Vulnerability } from "../../../shared/audit/model.js";

const pkg = (key: string, version: string): AuditedPackage => ({
  name: key,
  key,
  version,
  line: 1,
  groups: [],
});
const vuln = (id: string, aliases: string[] = []): Vulnerability => ({
  id,
  aliases,
  summary: "",
  severity: { level: "high", source: "none" },
  fixVersions: [],
  url: "",
});

describe("the baseline", () => {
  test("the base adds only the packages (name and version) the head does not query, once", () => {
    const head = [pkg("a", "1"), pkg("b", "2")];
    const base = [pkg("a", "1"), pkg("b", "1"), pkg("c", "1"), pkg("c", "1")];
    expect(withBasePackages(head, base).map((p) => `${p.key}==${p.version}`)).toEqual([
      "a==1",
      "b==2",
      "b==1",
      "c==1",
    ]);
  });

  test("existing: the same advisory, by id or alias, for the same package in the base", () => {
    const head = [pkg("a", "2"), pkg("b", "1")];
    const base = [pkg("a", "1"), pkg("b", "1")];
    const queried = withBasePackages(head, base);
    const found: Record<string, Vulnerability[]> = {
      "a==2": [vuln("PYSEC-1"), vuln("GHSA-2", ["CVE-2"]), vuln("PYSEC-3")],
      "b==1": [vuln("PYSEC-3")],
      "a==1": [vuln("PYSEC-1"), vuln("PYSEC-9", ["CVE-2"])],
    };
    const audit: AuditResult = {
      lockfile: "uv.lock",
      packages: queried.map((p) => ({ package: p, vulns: found[`${p.key}==${p.version}`] ?? [] })),
      ignored: [{ package: queried[2], vuln: vuln("PYSEC-7") }],
    };
    const marked = markedAgainstBase(audit, head, base);
    expect(marked.packages.map((r) => r.package)).toEqual(head);
    expect(marked.ignored).toEqual([]);
    expect(marked.packages.map((r) => r.vulns.map((v) => `${v.id} ${v.baseline}`))).toEqual([
      ["PYSEC-1 existing", "GHSA-2 existing", "PYSEC-3 new"],
      ["PYSEC-3 existing"],
    ]);
  });
});
