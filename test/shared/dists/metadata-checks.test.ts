import { describe, expect, test } from "@jest/globals";
import { parseCoreMetadata } from "../../../shared/dists/metadata.js";
import { checkMetadata, metadataChecks } from "../../../shared/dists/metadata-checks.js";

const base = (version = "2.1") => `Metadata-Version: ${version}\nName: demo\nVersion: 1.0\n`;

function check(text: string, kind: "wheel" | "sdist" = "wheel", licenses: string[] = []) {
  return checkMetadata(parseCoreMetadata(text), {
    file: "dist/demo.whl",
    kind,
    hasLicenseFile: (path) => licenses.includes(path),
  });
}

const codes = (text: string, kind: "wheel" | "sdist" = "wheel", licenses: string[] = []) =>
  check(text, kind, licenses).map((finding) => finding.code);

describe("checkMetadata", () => {
  test("every check has a stable code and a title", () => {
    expect(Object.keys(metadataChecks)).toEqual([
      ...Array.from({ length: 14 }, (_, i) => `M${String(i + 1).padStart(3, "0")}`),
      "M016",
    ]);
    for (const check of Object.values(metadataChecks)) expect(check.title).not.toBe("");
  });

  test.each(["1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"])(
    "Metadata-Version %s is accepted",
    (version) => {
      expect(codes(base(version))).toEqual([]);
    },
  );

  test("M001: each required field, missing or empty, with its line when present", () => {
    expect(check("Name: demo\nVersion: 1.0\n")).toEqual([
      expect.objectContaining({ code: "M001", message: "Metadata-Version is missing." }),
    ]);
    expect(codes("Metadata-Version: 2.1\nVersion: 1.0\n")).toEqual(["M001"]);
    expect(check("Metadata-Version: 2.1\nName: demo\nVersion:  \n")).toEqual([
      expect.objectContaining({ code: "M001", line: 3, message: "Version is missing." }),
    ]);
  });

  test.each([
    ["demo", []],
    ["Demo.Pkg_2-x", []],
    ["a", []],
    ["-demo", ["M002"]],
    ["demo_", ["M002"]],
    ["dé mo", ["M002"]],
    ["demo pkg", ["M002"]],
  ])("M002: name %j", (name, expected) => {
    expect(codes(`Metadata-Version: 2.1\nName: ${name}\nVersion: 1.0\n`)).toEqual(expected);
  });

  test.each([
    ["1.0", []],
    ["v1.0.0-rc.1", []],
    ["2!1.0.post3.dev4+local.7", ["M015"]],
    ["1.0-banana", ["M003"]],
    ["latest", ["M003"]],
  ])("M003: version %j", (version, expected) => {
    expect(codes(`Metadata-Version: 2.1\nName: demo\nVersion: ${version}\n`)).toEqual(expected);
  });

  test.each([
    ["3.0", "M004", "error"],
    ["10.1", "M004", "error"],
    ["2.0", "M004", "error"],
    ["1.3", "M004", "error"],
    ["2", "M004", "error"],
    ["2.1.1", "M004", "error"],
    ["latest", "M004", "error"],
    ["2.6", "M005", "error"],
    ["2.9", "M005", "error"],
    ["2.10", "M005", "error"],
  ])("Metadata-Version %s → %s (%s)", (version, code, severity) => {
    expect(check(base(version))).toEqual([expect.objectContaining({ code, severity, line: 1 })]);
  });

  test("M006: an sdist below 2.2 gets a notice; a wheel does not", () => {
    expect(check(base("2.1"), "sdist")).toEqual([
      expect.objectContaining({ code: "M006", severity: "notice" }),
    ]);
    expect(codes(base("1.0"), "sdist")).toEqual(["M006"]);
    expect(codes(base("2.2"), "sdist")).toEqual([]);
    expect(codes(base("2.1"), "wheel")).toEqual([]);
  });

  test("M007: License with License-Expression, at any version", () => {
    expect(check(`${base("2.4")}License: MIT\nLicense-Expression: MIT\n`)).toEqual([
      expect.objectContaining({ code: "M007", line: 5 }),
    ]);
    expect(codes(`${base("2.4")}License-Expression: MIT\n`)).toEqual([]);
    expect(codes(`${base("2.4")}License: MIT\n`)).toEqual([]);
  });

  test("M008: each License-File must exist (2.4+) and be a clean relative path", () => {
    const text = `${base("2.4")}License-File: LICENSE\nLicense-File: NOTICE\nLicense-File: licenses/A.txt\n`;
    expect(codes(text, "wheel", ["LICENSE", "NOTICE", "licenses/A.txt"])).toEqual([]);
    expect(check(text, "wheel", ["LICENSE"])).toEqual([
      expect.objectContaining({
        code: "M008",
        line: 5,
        message: expect.stringContaining("'NOTICE'"),
      }),
      expect.objectContaining({ code: "M008", line: 6 }),
    ]);
    expect(check(`${base("2.4")}License-File: LICENSE\n`, "sdist", [])[0].message).toContain(
      "the sdist's top directory",
    );
    for (const bad of ["/etc/LICENSE", "../LICENSE", "docs\\LICENSE", "C:/LICENSE"]) {
      expect(codes(`${base("2.4")}License-File: ${bad}\n`, "wheel", [bad])).toEqual(["M008"]);
    }
  });

  test("M008 does not apply below 2.4, where setuptools writes License-File elsewhere", () => {
    expect(codes(`${base("2.1")}License-File: LICENSE\n`)).toEqual([]);
  });

  test("M009: Dynamic may not name Name, Version, Metadata-Version, or a non-field", () => {
    expect(codes(`${base("2.2")}Dynamic: Requires-Dist\nDynamic: license\n`)).toEqual([]);
    for (const value of ["Name", "version", "Metadata-Version", "Colour"]) {
      expect(codes(`${base("2.2")}Dynamic: ${value}\n`)).toEqual(["M009"]);
    }
  });

  test("M010: extras are valid names; M016 warns when not normalised from 2.3", () => {
    expect(codes(`${base("2.1")}Provides-Extra: Fancy_Extra\n`)).toEqual([]);
    expect(codes(`${base("2.1")}Provides-Extra: not valid\n`)).toEqual(["M010"]);
    expect(codes(`${base("2.3")}Provides-Extra: fancy-extra\n`)).toEqual([]);
    const [found] = check(`${base("2.3")}Provides-Extra: Fancy_Extra\n`);
    expect(found).toEqual(expect.objectContaining({ code: "M016", severity: "warning", line: 4 }));
    expect(found.message).toContain("'fancy-extra'");
  });

  test("M011: unknown fields, repeated single-use fields, a description given twice", () => {
    expect(check(`${base()}Home-Town: x\n`)).toEqual([
      expect.objectContaining({ code: "M011", line: 4 }),
    ]);
    expect(check(`${base()}Version: 2.0\n`)).toEqual([
      expect.objectContaining({ code: "M011", line: 4 }),
    ]);
    expect(
      codes(
        `${base()}Classifier: Typing :: Typed\nClassifier: Framework :: Pytest\nPlatform: a\nPlatform: b\n`,
      ),
    ).toEqual([]);
    expect(codes(`${base()}Description: header\n\nbody\n`)).toEqual(["M011"]);
    expect(codes(`${base()}Description: only the header\n`)).toEqual([]);
  });

  test("M011 leaves unknown fields alone under a newer Metadata-Version", () => {
    expect(codes(`${base("2.7")}Fancy-New-Field: x\n`)).toEqual(["M005"]);
  });

  test("M012: a field newer than the declared Metadata-Version", () => {
    expect(check(`${base("2.1")}License-Expression: MIT\n`)).toEqual([
      expect.objectContaining({ code: "M012", line: 4, message: expect.stringContaining("2.4") }),
    ]);
    expect(codes(`${base("2.1")}Dynamic: Classifier\n`)).toEqual(["M012"]);
    expect(codes(`${base("1.0")}Classifier: Typing :: Typed\n`)).toEqual(["M012"]);
    expect(codes(`${base("2.4")}Import-Name: demo\n`)).toEqual(["M012"]);
    expect(codes(`${base("2.5")}Import-Name: demo\n`)).toEqual([]);
  });

  test("M013: Requires-Dist must parse as PEP 508", () => {
    const good = ["attrs", 'requests (>=2) ; python_version > "3.6"', "pytest; extra == 'dev'"];
    expect(codes(`${base()}${good.map((req) => `Requires-Dist: ${req}\n`).join("")}`)).toEqual([]);
    // A direct reference parses; PyPI refuses it (M017).
    const direct = "demo[a,b] @ https://example.com/demo-1.0.whl ; os_name == 'nt'";
    expect(codes(`${base()}Requires-Dist: ${direct}\n`)).toEqual(["M017"]);
    expect(check(`${base()}Requires-Dist: attrs\nRequires-Dist: requests (>=2\n`)).toEqual([
      expect.objectContaining({ code: "M013", line: 5 }),
    ]);
    expect(codes(`${base()}Requires-Dist: demo; python_version >\n`)).toEqual(["M013"]);
  });

  test("M014: Requires-Python must be a specifier set", () => {
    expect(codes(`${base()}Requires-Python: >=3.8, <4\n`)).toEqual([]);
    expect(codes(`${base()}Requires-Python: 3.8\n`)).toEqual(["M014"]);
  });

  test("what Debian's backends write passes, except hatchling's License-Expression in 2.1", () => {
    const setuptools = `Metadata-Version: 2.1
Name: Tiny.ST
Version: 0.1.0
Summary: tiny setuptools
License: MIT License
        second line
Project-URL: Home, https://example.com
Classifier: Programming Language :: Python :: 3.11
Requires-Python: >=3.8
Description-Content-Type: text/markdown
License-File: LICENSE
Requires-Dist: requests (>=2) ; python_version > "3.6"
Provides-Extra: Test_Extra
Requires-Dist: pytest ; extra == 'test_extra'

Body
`;
    expect(codes(setuptools)).toEqual([]);
    expect(codes(setuptools, "sdist")).toEqual(["M006"]);
    const hatchling = `Metadata-Version: 2.1
Name: tiny-hatch
Version: 1.0.0rc1
License-Expression: MIT
License-File: LICENSE.txt
`;
    expect(codes(hatchling)).toEqual(["M012"]);
  });
});
