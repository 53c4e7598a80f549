import { describe, expect, test } from "@jest/globals";
import { readDist } from "../../../shared/dists/archive.js";
import { checkWheelContents, wheelContentsChecks } from "../../../shared/dists/wheel-contents.js";
import { type CraftedWheel, craftWheel, defaultWheelFile, scratchFolders } from "./craft.js";

const fresh = scratchFolders("pyship-contents-");

async function check(options: CraftedWheel = {}) {
  return checkWheelContents(await readDist(craftWheel(fresh(), options)));
}
const codes = async (files: Record<string, string>, options: CraftedWheel = {}) =>
  (await check({ files, ...options })).map((f) => f.code);
const platlib = { wheelFile: defaultWheelFile.replace("true", "false") };
const init = { "craft_pkg/__init__.py": "VALUE = 1\n" };

describe("checkWheelContents", () => {
  test("a good crafted wheel has nothing to report", async () => {
    expect(await check()).toEqual([]);
  });

  test.each<[string, Record<string, string>, CraftedWheel?]>([
    [
      "a package with modules, data and an extension",
      {
        ...init,
        "craft_pkg/data/table.csv": "a,b\n",
        "craft_pkg/_speedups.cpython-312-x86_64-linux-gnu.so": "ELF",
        "craft_pkg/win.cp312-win_amd64.pyd": "MZ",
        "craft_pkg/py.typed": "",
      },
    ],
    ["a single module", { "craft_pkg.py": "VALUE = 1\n" }],
    [
      ".pth files and _private entries beside the package",
      {
        ...init,
        "craft_pkg.pth": "import craft_pkg\n",
        "_craft_pkg_hook.py": "",
        "_vendor/six.py": "",
      },
    ],
    ["a stubs-only package", { "craft_pkg-stubs/__init__.pyi": "VALUE: int\n" }],
    [
      "allowed duplicates: empty files, newlines, coding lines",
      {
        ...init,
        "craft_pkg/a/__init__.py": "",
        "craft_pkg/b/__init__.py": "",
        "craft_pkg/c.py": "\n",
        "craft_pkg/d.py": "\n",
        "craft_pkg/e.py": "# -*- coding: utf-8 -*-\n",
        "craft_pkg/f.py": "# -*- coding: utf-8 -*-\n",
      },
    ],
    ["a platlib wheel", { ...init, "craft_pkg/_ext.so": "ELF" }, platlib],
    ["scripts beside the library", { ...init, "craft_pkg-1.0.0.data/scripts/tool": "#!python\n" }],
  ])("accepts %s", async (_, files, options = {}) => {
    expect(await codes(files, options)).toEqual([]);
  });

  test("W001: .pyc and .pyo files, anywhere", async () => {
    const found = await check({
      files: {
        ...init,
        "craft_pkg/__pycache__/x.cpython-312.pyc": "bytecode",
        "craft_pkg/y.pyo": "o",
      },
    });
    expect(found.map((f) => f.code)).toEqual(["W001"]);
    expect(found[0]).toMatchObject({
      severity: "warning",
      file: "craft_pkg-1.0.0-py3-none-any.whl",
    });
    expect(found[0].message).toBe(
      "Wheel contains .pyc/.pyo files: craft_pkg/__pycache__/x.cpython-312.pyc, craft_pkg/y.pyo.",
    );
  });

  test("W002: duplicate files, one finding per group", async () => {
    const found = await check({
      files: {
        ...init,
        "craft_pkg/a.py": "X = 1\n",
        "craft_pkg/b.py": "X = 1\n",
        "craft_pkg/c.txt": "same",
        "craft_pkg/d/e.txt": "same",
      },
    });
    expect(found.map((f) => f.code)).toEqual(["W002", "W002"]);
    expect(found.map((f) => f.message)).toEqual([
      "Wheel contains duplicate files: craft_pkg/a.py, craft_pkg/b.py.",
      "Wheel contains duplicate files: craft_pkg/c.txt, craft_pkg/d/e.txt.",
    ]);
  });

  test("W003: a non-module at the library's top", async () => {
    // `_`-prefixed, so that W009 does not also count it as a second top-level entry.
    expect(await codes({ ...init, "_notes.txt": "hi" })).toEqual(["W003"]);
  });

  test.each([
    ["craft_pkg/my-module.py"],
    ["craft_pkg/class.py"],
    ["craft_pkg/2fast/__init__.py"],
    ["craft_pkg/sub dir/x.py"],
  ])("W004: %s is not importable", async (name) => {
    const found = await check({ files: { ...init, [name]: "X = 1 # distinct\n" } });
    expect(found.map((f) => f.code)).toEqual(["W004"]);
    expect(found[0].message).toContain(name);
  });

  test("W004 looks under .data/platlib too", async () => {
    const name = "craft_pkg-1.0.0.data/platlib/craft_pkg/bad-name.py";
    expect(
      await codes({ [name]: "X = 1\n", "craft_pkg-1.0.0.data/platlib/craft_pkg/__init__.py": "" }),
    ).toEqual(["W004"]);
  });

  test.each(["tests", "docs", "src", "build", "examples", "lib"])(
    "W005: %s at the top",
    async (name) => {
      const found = await check({ files: { [`${name}/__init__.py`]: "X = 1\n" } });
      expect(found.map((f) => f.code)).toEqual(["W005"]);
    },
  );

  test("W006: __init__.py at the top of the library", async () => {
    expect(await codes({ "__init__.py": "X = 1\n" })).toEqual(["W006"]);
  });

  test("W007: nothing in purelib or platlib", async () => {
    const found = await check({ files: { "craft_pkg-1.0.0.data/scripts/tool": "#!python\n" } });
    expect(found).toEqual([
      expect.objectContaining({ code: "W007", message: "Wheel library is empty." }),
    ]);
  });

  test("W008: nothing but .dist-info (so the library is empty too)", async () => {
    expect(await codes({})).toEqual(["W007", "W008"]);
  });

  test("W009: several top-level entries", async () => {
    const found = await check({ files: { ...init, "other/__init__.py": "Y = 2\n" } });
    expect(found.map((f) => f.code)).toEqual(["W009"]);
    expect(found[0].message).toContain("craft_pkg/, other/");
  });

  test("W009 counts purelib and platlib together", async () => {
    const files = { ...init, "craft_pkg-1.0.0.data/platlib/native.py": "Z = 3\n" };
    expect(await codes(files)).toEqual(["W009"]);
  });

  test("W010: a top-level directory without modules", async () => {
    expect(await codes({ "craft_pkg/data.txt": "x" })).toEqual(["W010"]);
  });

  test("a platlib wheel's library is the root", async () => {
    expect(await codes({ "__init__.py": "" }, platlib)).toEqual(["W006"]);
  });

  test("nothing to say when the structure is too broken to analyse", async () => {
    expect(await check({ record: () => null, files: { "__init__.py": "" } })).toEqual([]);
    expect(
      await check({ wheelFile: "Wheel-Version: 1.0\n", files: { "__init__.py": "" } }),
    ).toEqual([]);
  });

  test("every code is a warning (PyPI accepts them) titled like check-wheel-contents", () => {
    expect(Object.keys(wheelContentsChecks)).toEqual(
      Array.from({ length: 10 }, (_, i) => `W0${String(i + 1).padStart(2, "0")}`),
    );
    for (const check of Object.values(wheelContentsChecks)) expect(check.severity).toBe("warning");
    expect(wheelContentsChecks.W004.title).toBe("Module is not located at importable path");
  });
});
