import { describe, expect, test } from "@jest/globals";
import { readDist } from "../../../shared/dists/archive.js";
import { checkSdist, linkEscapes, sdistChecks } from "../../../shared/dists/sdist.js";
import {
  type CraftedSdist,
  craftSdist,
  defaultPyproject,
  scratchFolders,
  type TarMember,
} from "./craft.js";

const fresh = scratchFolders("pyship-sdist-");

const top = "craft_pkg-1.0.0";
async function check(options: CraftedSdist = {}) {
  return checkSdist(await readDist(await craftSdist(fresh(), options)));
}
const codes = async (options: CraftedSdist = {}) => (await check(options)).map((f) => f.code);
const withExtra = (...extra: TarMember[]) => codes({ extra });

describe("checkSdist", () => {
  test("a good crafted sdist has nothing to report", async () => {
    expect(await check()).toEqual([]);
  });

  test("directories, in-tree links and executables are fine", async () => {
    expect(
      await withExtra(
        { name: `${top}/`, type: "directory" },
        { name: `${top}/docs/`, type: "directory" },
        { name: `${top}/docs/readme`, type: "symlink", linkname: "../README.md" },
        { name: `${top}/docs/self`, type: "symlink", linkname: "./readme" },
        { name: `${top}/hard`, type: "link", linkname: `${top}/pyproject.toml` },
        { name: `${top}/run.sh`, data: "#!/bin/sh\n", mode: 0o755 },
      ),
    ).toEqual([]);
  });

  test.each<[string, CraftedSdist]>([
    ["two top-level directories", { extra: [{ name: "other-1.0/x.py", data: "" }] }],
    ["a file beside the directory", { extra: [{ name: "setup.py", data: "" }] }],
    [
      "no directory at all",
      { top: "", files: {}, pkgInfo: null, extra: [{ name: "PKG-INFO", data: "" }] },
    ],
  ])("S001: %s", async (_, options) => {
    const found = await check(options);
    expect(found.map((f) => f.code)).toEqual(["S001"]);
    expect(found[0]).toMatchObject({ severity: "error", file: "craft_pkg-1.0.0.tar.gz" });
  });

  test("S002: no PKG-INFO", async () => {
    expect(await codes({ pkgInfo: null })).toEqual(["S002"]);
  });

  test("S002: PKG-INFO is a directory, not a file", async () => {
    expect(
      await codes({ pkgInfo: null, extra: [{ name: `${top}/PKG-INFO/`, type: "directory" }] }),
    ).toEqual(["S002"]);
  });

  test("S003: no pyproject.toml", async () => {
    expect(
      await codes({ files: { "setup.py": "from setuptools import setup\nsetup()\n" } }),
    ).toEqual(["S003"]);
  });

  test("S004: a `..` component", async () => {
    const found = await check({ extra: [{ name: `${top}/../evil.py`, data: "x" }] });
    expect(found.map((f) => f.code)).toEqual(["S004"]);
    expect(found[0].message).toContain(`${top}/../evil.py`);
  });

  test("S004: an absolute path (which is also outside the top directory)", async () => {
    expect(await withExtra({ name: "/etc/evil", data: "x" })).toEqual(["S004", "S001"]);
  });

  test.each<[string, TarMember]>([
    [
      "a symlink up and out",
      { name: `${top}/docs/link`, type: "symlink", linkname: "../../../etc/passwd" },
    ],
    ["an absolute symlink", { name: `${top}/link`, type: "symlink", linkname: "/etc/passwd" }],
    ["a hard link out of the root", { name: `${top}/hard`, type: "link", linkname: "../outside" }],
  ])("S005: %s", async (_, member) => {
    const found = await check({ extra: [member] });
    expect(found.map((f) => f.code)).toEqual(["S005"]);
    expect(found[0].message).toContain(`${member.name} -> ${member.linkname}`);
  });

  test.each<TarMember["type"]>(["character-device", "block-device", "fifo"])(
    "S006: a %s",
    async (type) => {
      expect(await withExtra({ name: `${top}/dev`, type })).toEqual(["S006"]);
    },
  );

  test("S007: the top directory is not named like the file (a warning)", async () => {
    const found = await check({ top: "craft-pkg-1.0.0" });
    expect(found).toEqual([expect.objectContaining({ code: "S007", severity: "warning" })]);
    expect(found[0].message).toBe(
      "The top-level directory is craft-pkg-1.0.0/, the file name says craft_pkg-1.0.0/.",
    );
  });

  test("S003 and S007 only warn (PyPI accepts them); the rest are errors", () => {
    for (const check of Object.values(sdistChecks)) {
      expect(check.severity).toBe(["S003", "S007"].includes(check.code) ? "warning" : "error");
    }
  });

  test("the default pyproject is the one checked for", async () => {
    expect(
      await codes({ files: { "pyproject.toml": defaultPyproject("craft_pkg", "1.0.0") } }),
    ).toEqual([]);
  });
});

describe("where links point", () => {
  test.each([
    ["pkg/a/link", "../b", false, false],
    ["pkg/link", "../x", false, false], // outside the top directory, still inside the root (PEP 721)
    ["pkg/link", "../../x", false, true],
    ["pkg/a/link", "../../../x", false, true],
    ["pkg/link", "/etc/passwd", false, true],
    ["pkg/link", "a/../../..", false, true],
    ["pkg/hard", "pkg/file", true, false],
    ["pkg/a/hard", "../file", true, true], // hard links resolve from the root, not the link's directory
  ])("%s -> %s (hard: %s) escapes: %s", (member, target, hard, escapes) => {
    expect(linkEscapes(member, target, hard)).toBe(escapes);
  });
});
