import { describe, expect, test } from "@jest/globals";
import { parseCoreMetadata } from "../../../shared/dists/metadata.js";
import { pyversion, safeName, uploadFields } from "../../../shared/publish/form.js";

const metadata = parseCoreMetadata(
  [
    "Metadata-Version: 2.4",
    "Name: my_pkg",
    "Version: 1.0",
    "Summary: A summary",
    "  that was folded",
    "License-Expression: MIT",
    "License-File: LICENSE",
    "License-File: NOTICE",
    "Classifier: Programming Language :: Python :: 3",
    "Classifier: License :: OSI Approved :: MIT License",
    "Requires-Dist: requests>=2",
    "Requires-Python: >=3.9",
    "Project-URL: Homepage, https://example.org",
    "Provides-Extra: cli",
    "Home-page: UNKNOWN",
    "Description-Content-Type: text/markdown",
    "",
    "# my_pkg",
    "",
    "Body text.",
    "",
  ].join("\n"),
);

describe("uploadFields", () => {
  const fields = uploadFields(metadata, "/d/my_pkg-1.0-py3-none-any.whl");
  const values = (name: string) => fields.filter(([key]) => key === name).map(([, v]) => v);

  test("identifies the release and the file", () => {
    expect(fields.slice(0, 4)).toEqual([
      ["name", "my-pkg"],
      ["version", "1.0"],
      ["filetype", "bdist_wheel"],
      ["pyversion", "py3"],
    ]);
    expect(fields.slice(-2)).toEqual([
      [":action", "file_upload"],
      ["protocol_version", "1"],
    ]);
  });

  test("repeats list fields and keeps folded values as written, like twine 7", () => {
    expect(values("classifiers")).toHaveLength(2);
    expect(values("license_file")).toEqual(["LICENSE", "NOTICE"]);
    expect(values("summary")).toEqual(["A summary\n  that was folded"]);
    expect(values("license_expression")).toEqual(["MIT"]);
    expect(values("provides_extra")).toEqual(["cli"]);
    expect(values("project_urls")).toEqual(["Homepage, https://example.org"]);
  });

  test("takes the description from the body; sends UNKNOWN as written and absent fields not at all", () => {
    expect(values("description")).toEqual(["# my_pkg\n\nBody text.\n"]);
    expect(values("home_page")).toEqual(["UNKNOWN"]);
    expect(values("maintainer")).toEqual([]);
    expect(values("comment")).toEqual([]);
  });

  test("joins keywords with ', ' and trims Project-URL parts, as packaging reads them", () => {
    const meta = parseCoreMetadata(
      "Metadata-Version: 2.1\nName: x\nVersion: 1\nKeywords: a,b , c\nProject-URL:  Docs ,https://d\n",
    );
    const form = uploadFields(meta, "x-1.tar.gz");
    expect(form).toContainEqual(["keywords", "a, b, c"]);
    expect(form).toContainEqual(["project_urls", "Docs, https://d"]);
  });

  test("keeps a multi-line License", () => {
    const meta = parseCoreMetadata(
      "Metadata-Version: 2.1\nName: x\nVersion: 1\nLicense: line one\n        line two\n",
    );
    expect(uploadFields(meta, "x-1.tar.gz")).toContainEqual([
      "license",
      "line one\n        line two",
    ]);
  });

  test("drops License-File below Metadata-Version 2.4", () => {
    const meta = parseCoreMetadata(
      "Metadata-Version: 2.1\nName: x\nVersion: 1\nLicense-File: LICENSE\n",
    );
    expect(uploadFields(meta, "x-1.tar.gz").some(([key]) => key === "license_file")).toBe(false);
  });

  test("sends License-Expression only when the metadata has it", () => {
    const old = parseCoreMetadata("Metadata-Version: 2.1\nName: x\nVersion: 1\n");
    expect(uploadFields(old, "x-1.tar.gz").some(([key]) => key === "license_expression")).toBe(
      false,
    );
  });

  test("sends no digests: they follow the file", () => {
    expect(fields.some(([key]) => key.endsWith("_digest"))).toBe(false);
  });

  test("keeps a Description header as written, as packaging reads it", () => {
    const header = parseCoreMetadata(
      "Metadata-Version: 1.1\nName: x\nVersion: 1\nDescription: first\n        second\n        |third\n",
    );
    expect(uploadFields(header, "x-1.tar.gz")).toContainEqual([
      "description",
      "first\n        second\n        |third",
    ]);
  });
});

test("pyversion and safeName", () => {
  expect(pyversion("a-1.0.tar.gz")).toBe("source");
  expect(pyversion("odd.whl")).toBe("any");
  expect(pyversion("a-1.0-cp312-cp312-manylinux_2_17_x86_64.whl")).toBe("cp312");
  expect(pyversion("a-1.0-1-py2.py3-none-any.whl")).toBe("py2.py3");
  expect(safeName("my__pkg.name")).toBe("my-pkg.name");
});
