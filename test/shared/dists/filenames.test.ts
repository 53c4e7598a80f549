import { describe, expect, test } from "@jest/globals";
import { readDist } from "../../../shared/dists/archive.js";
import {
  checkFilename,
  expectedSdistFilename,
  parseSdistFilename,
  parseWheelFilename,
  splitSdistFilename,
  splitWheelFilename,
} from "../../../shared/dists/filenames.js";
import { distProject } from "../../../shared/publish/dists.js";
import { pyversion } from "../../../shared/publish/form.js";
import { fittingFile } from "../../../shared/venv/wheel-tags.js";
import { craftSdist, craftWheel, scratchFolders } from "./craft.js";

const fresh = scratchFolders("pyship-filenames-");

describe("wheel file names", () => {
  test("parses name, version, build tag and expanded tags", () => {
    expect(parseWheelFilename("craft_pkg-1.0.0-py3-none-any.whl")).toEqual({
      distribution: "craft_pkg",
      version: "1.0.0",
      tags: ["py3-none-any"],
    });
    expect(
      parseWheelFilename(
        "numpy-2.1.0-1local-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
      ),
    ).toEqual({
      distribution: "numpy",
      version: "2.1.0",
      build: "1local",
      tags: ["cp312-cp312-manylinux_2_17_x86_64", "cp312-cp312-manylinux2014_x86_64"],
    });
    expect(parseWheelFilename("six-1.16.0-py2.py3-none-any.whl")?.tags).toEqual([
      "py2-none-any",
      "py3-none-any",
    ]);
  });

  test.each([
    "Zope.Interface-6.0-py3-none-any.whl", // legacy: `.` and upper case are still accepted
    "pkg-1.0rc1-py3-none-any.whl",
    "pkg-1!2.0.post1.dev3+local.7-py3-none-any.whl",
  ])("accepts %s", (name) => {
    expect(parseWheelFilename(name)).toBeDefined();
  });

  test.each([
    "pkg-1.0-py3-none.whl", // a tag is missing
    "pkg-1.0-x-y-py3-none-any.whl", // too many parts
    "pkg-1.0-abc-py3-none-any.whl", // build tag must start with a digit
    "pkg-not.a.version-py3-none-any.whl",
    "-1.0-py3-none-any.whl",
    "pkg_-1.0-py3-none-any.whl",
    "pkg-1.0-py3-none-any.zip",
    "pkg-1.0-py3..x-none-any.whl",
  ])("rejects %s", (name) => {
    expect(parseWheelFilename(name)).toBeUndefined();
  });
});

describe("sdist file names", () => {
  test.each([
    ["craft_pkg-1.0.0.tar.gz", { distribution: "craft_pkg", version: "1.0.0", normalized: true }],
    [
      "zope_interface-6.0rc1.tar.gz",
      { distribution: "zope_interface", version: "6.0rc1", normalized: true },
    ],
    // What setuptools < 69.3 and other older backends still write.
    ["craft-pkg-1.0.0.tar.gz", { distribution: "craft-pkg", version: "1.0.0", normalized: false }],
    ["Craft_Pkg-1.0.0.tar.gz", { distribution: "Craft_Pkg", version: "1.0.0", normalized: false }],
    ["craft_pkg-1.0.0-rc1.tar.gz", undefined], // the version cannot hold a `-`
    ["craft_pkg-01.0.tar.gz", { distribution: "craft_pkg", version: "01.0", normalized: false }],
    ["craft_pkg.tar.gz", undefined],
    ["craft_pkg-1.0.0.zip", undefined],
    ["craft pkg-1.0.0.tar.gz", undefined],
  ])("%s → %j", (name, parsed) => {
    expect(parseSdistFilename(name)).toEqual(parsed);
  });

  test("the expected name is normalized", () => {
    expect(expectedSdistFilename("Zope.Interface", "6.0-RC1")).toBe("zope_interface-6.0rc1.tar.gz");
  });
});

describe("checkFilename", () => {
  const metadata = { name: "craft-pkg", version: "1.0.0" };
  const codes = async (file: string, meta: typeof metadata | undefined = metadata) =>
    checkFilename(await readDist(file), meta).map((f) => f.code);

  test("good crafted dists have nothing to report", async () => {
    expect(await codes(craftWheel(fresh()))).toEqual([]);
    expect(await codes(await craftSdist(fresh()))).toEqual([]);
    // The names compare after normalization, the versions after PEP 440 normalization.
    expect(await codes(craftWheel(fresh()), { name: "Craft.Pkg", version: "1.0.0.0" })).toEqual([]);
    expect(
      await codes(craftWheel(fresh(), { version: "1.0rc1" }), {
        name: "craft_pkg",
        version: "1.0-RC1",
      }),
    ).toEqual([]);
  });

  test("F001: a malformed wheel name", async () => {
    const found = checkFilename(
      await readDist(craftWheel(fresh(), { filename: "craft_pkg-1.0.0-py3-none.whl" })),
      metadata,
    );
    expect(found).toEqual([
      expect.objectContaining({
        code: "F001",
        severity: "error",
        file: "craft_pkg-1.0.0-py3-none.whl",
      }),
    ]);
  });

  test("F002: a malformed sdist name", async () => {
    const found = checkFilename(
      await readDist(await craftSdist(fresh(), { filename: "craft_pkg_1.0.0.tar.gz" })),
      metadata,
    );
    expect(found).toEqual([expect.objectContaining({ code: "F002", severity: "error" })]);
    expect(found[0].message).toContain("expected craft_pkg-1.0.0.tar.gz");
  });

  test("F003: the name differs from the metadata", async () => {
    expect(await codes(craftWheel(fresh()), { name: "other-pkg", version: "1.0.0" })).toEqual([
      "F003",
    ]);
    expect(await codes(await craftSdist(fresh()), { name: "other-pkg", version: "1.0.0" })).toEqual(
      ["F003"],
    );
  });

  test("F004: the version differs from the metadata", async () => {
    expect(await codes(craftWheel(fresh()), { name: "craft-pkg", version: "1.0.1" })).toEqual([
      "F004",
    ]);
    expect(await codes(await craftSdist(fresh()), { name: "craft-pkg", version: "1.0.1" })).toEqual(
      ["F004"],
    );
  });

  test("F005: an sdist name not in PEP 625 normal form is refused, as PyPI refuses it", async () => {
    const file = await craftSdist(fresh(), { filename: "craft-pkg-1.0.0.tar.gz" });
    const found = checkFilename(await readDist(file), metadata);
    expect(found).toEqual([expect.objectContaining({ code: "F005", severity: "error" })]);
    expect(found[0].message).toContain(
      "(expected craft_pkg-1.0.0.tar.gz); PyPI refuses the upload",
    );
  });

  test("F006: a wheel whose name is not the normalized one (Flask_Login-…)", async () => {
    const file = craftWheel(fresh(), { filename: "Craft_Pkg-1.0.0-py3-none-any.whl" });
    const found = checkFilename(await readDist(file), metadata);
    expect(found).toEqual([expect.objectContaining({ code: "F006", severity: "error" })]);
    expect(found[0].message).toContain("normalized craft_pkg");
  });

  test("F007: a platform tag PyPI refuses", async () => {
    const file = craftWheel(fresh(), { filename: "craft_pkg-1.0.0-cp312-cp312-linux_x86_64.whl" });
    const found = checkFilename(await readDist(file), metadata);
    expect(found).toEqual([expect.objectContaining({ code: "F007", severity: "error" })]);
    expect(found[0].message).toContain("linux_x86_64");
  });

  test("without metadata only the form is checked", async () => {
    expect(await codes(craftWheel(fresh()), undefined)).toEqual([]);
  });
});

describe("the one split of dist file names", () => {
  test("wheel fields, tag sets from five fields on; sdists at the last dash", () => {
    expect(splitWheelFilename("a-1.0-1-py2.py3-none-any.whl")).toEqual({
      fields: ["a", "1.0", "1", "py2.py3", "none", "any"],
      tags: ["py2.py3", "none", "any"],
    });
    expect(splitWheelFilename("a-1.0.whl")).toEqual({ fields: ["a", "1.0"] });
    expect(splitWheelFilename("a-1.0.tar.gz")).toBeUndefined();
    expect(splitSdistFilename("My.Pkg-1.0.tar.gz")).toEqual({
      distribution: "My.Pkg",
      version: "1.0",
    });
    expect(["-1.0.tar.gz", "a-.tar.gz", "a.tar.gz"].map(splitSdistFilename)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  test("publish, the upload form and venv file picking read names through it", () => {
    expect(distProject("My_Pkg-1.0-py3-none-any.whl")).toBe("my-pkg");
    expect(distProject("My.Pkg-1.0.tar.gz")).toBe("my-pkg");
    expect(distProject("notes.txt")).toBeUndefined();
    expect(pyversion("a-1.0-cp312-abi3-any.whl")).toBe("cp312");
    const markers = {
      implementation_name: "cpython",
      python_version: "3.12",
      sys_platform: "linux",
    };
    const files = ["a-1.0.tar.gz", "a-1.0-py3-none-any.whl", "a-1.0-cp312-abi3-any.whl", "a-1.whl"];
    const picked = fittingFile(
      files.map((name) => ({ name, url: `https://f/${name}`, hashes: [] })),
      { ...markers, platform_machine: "x86_64" },
    );
    expect(picked?.name).toBe("a-1.0-cp312-abi3-any.whl");
  });
});
