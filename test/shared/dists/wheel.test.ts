import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, test } from "@jest/globals";
import { readDist } from "../../../shared/dists/archive.js";
import {
  checkWheelStructure,
  parseCsv,
  parseWheelFile,
  wheelChecks,
  wheelLayout,
} from "../../../shared/dists/wheel.js";
import { type CraftedWheel, craftWheel, defaultWheelFile, scratchFolders } from "./craft.js";

const fresh = scratchFolders("pyship-wheel-");

async function check(options: CraftedWheel = {}) {
  return checkWheelStructure(await readDist(craftWheel(fresh(), options)));
}
const codes = async (options: CraftedWheel = {}) => (await check(options)).map((f) => f.code);
const init = "craft_pkg/__init__.py";
/** Edits the RECORD row of `craft_pkg/__init__.py`. */
const editInit = (edit: (row: string[]) => string[]) => (rows: string[][]) =>
  rows.map((row) => (row[0] === init ? edit(row) : row));

describe("RECORD as Python's csv module reads it", () => {
  test.each([
    ["a,b,c\n", [["a", "b", "c"]]],
    ["a,b,c", [["a", "b", "c"]]],
    [
      '"a,1",b,c\r\n"x""y",,\n',
      [
        ["a,1", "b", "c"],
        ['x"y', "", ""],
      ],
    ],
    ['"multi\nline",b,c\n', [["multi\nline", "b", "c"]]],
    ['a"b,c\n', [['a"b', "c"]]],
    ['"a"x,b\n', [["ax", "b"]]],
    ["a,b\n\nc\n", [["a", "b"], [], ["c"]]],
    [
      "a,b,c\rd,e,f\r",
      [
        ["a", "b", "c"],
        ["d", "e", "f"],
      ],
    ],
  ])("%j", (text, rows) => {
    expect(parseCsv(text).map((row) => row.fields)).toEqual(rows);
  });

  test("agrees with Python's csv module on tricky input", () => {
    const inputs = [
      'a,"b""c",d\n',
      '"",,\n',
      '"unterminated,x\n',
      'x,"a"b"c",y\r\n',
      "\n\n",
      "a,b,\n,\n",
      '"a\r\nb",c\r',
      " a , b ,c\n",
      'a,"",""\n"\n",x',
    ];
    const script =
      "import csv, io, json, sys\n" +
      "print(json.dumps([list(csv.reader(io.StringIO(t, newline=''))) for t in json.load(sys.stdin)]))";
    const python = JSON.parse(
      execFileSync("/usr/bin/python3", ["-c", script], {
        input: JSON.stringify(inputs),
      }).toString(),
    );
    expect(inputs.map((text) => parseCsv(text).map((row) => row.fields))).toEqual(python);
  });

  test("rows know the line they start on", () => {
    expect(parseCsv('a\n"b\nc"\nd\n').map((row) => row.line)).toEqual([1, 2, 4]);
  });
});

test("WHEEL headers", () => {
  const headers = parseWheelFile(`${defaultWheelFile}Tag: py2-none-any\n\nbody: ignored\n`);
  expect(headers.get("wheel-version")).toEqual(["1.0"]);
  expect(headers.get("tag")).toEqual(["py3-none-any", "py2-none-any"]);
  expect(headers.has("body")).toBe(false);
});

describe("checkWheelStructure", () => {
  test("a good crafted wheel has nothing to report", async () => {
    expect(await check()).toEqual([]);
    const archive = await readDist(craftWheel(fresh()));
    expect(wheelLayout(archive)).toMatchObject({
      distInfo: "craft_pkg-1.0.0.dist-info",
      rootIsPurelib: true,
    });
  });

  test("quoted RECORD paths, a padded-free sha256 and a signature file are fine", async () => {
    expect(
      await codes({
        files: { [init]: "", "craft_pkg/a,b.py": "x = 1\n" },
        unrecorded: { "craft_pkg-1.0.0.dist-info/RECORD.jws": "{}" },
      }),
    ).toEqual([]);
  });

  test.each<[string, CraftedWheel]>([
    ["no .dist-info", { distInfo: "craft_pkg-1.0.0.info" }],
    ["two .dist-info", { unrecorded: { "other-1.0.dist-info/METADATA": "Name: other\n" } }],
    ["a misnamed .dist-info", { distInfo: "craft_pkg-2.0.0.dist-info" }],
    ["a .dist-info for another project", { distInfo: "other_pkg-1.0.0.dist-info" }],
  ])("R001: %s", async (_, options) => {
    expect(await codes(options)).toEqual(["R001"]);
  });

  test("R001 compares names and versions after normalization", async () => {
    expect(await codes({ distInfo: "Craft.Pkg-1.0.0.0.dist-info" })).toEqual([]);
  });

  test.each<[string, CraftedWheel]>([
    ["METADATA", { metadataFile: null }],
    ["WHEEL", { wheelFile: null }],
    ["RECORD", { record: () => null }],
  ])("R002: no %s", async (name, options) => {
    const found = await check(options);
    expect(found.map((f) => f.code)).toEqual(["R002"]);
    expect(found[0].message).toContain(name);
  });

  test("R003: a file RECORD does not list", async () => {
    const found = await check({ unrecorded: { "craft_pkg/sneaky.py": "x = 1\n" } });
    expect(found).toEqual([
      expect.objectContaining({
        code: "R003",
        severity: "warning",
        file: "craft_pkg-1.0.0-py3-none-any.whl",
      }),
    ]);
    expect(found[0].message).toContain("craft_pkg/sneaky.py");
  });

  test.each<[string, (row: string[]) => string[]]>([
    [
      "a wrong sha256",
      ([p, , size]) => [p, "sha256=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", size],
    ],
    ["padding on the digest", ([p, hash, size]) => [p, `${hash}=`, size]],
    ["no hash", ([p, , size]) => [p, "", size]],
    ["md5", ([p, , size]) => [p, "md5=1B2M2Y8AsgTpgAmY7PhCfg", size]],
    ["sha1", ([p, , size]) => [p, "sha1=2jmj7l5rSw0yVb_vlWAYkK_YBwk", size]],
    ["no algorithm", ([p, hash, size]) => [p, hash.slice("sha256=".length), size]],
  ])("R004: %s", async (_, edit) => {
    expect(await codes({ record: editInit(edit) })).toEqual(["R004"]);
  });

  test.each<[string, (row: string[]) => string[]]>([
    ["a wrong size", ([p, hash]) => [p, hash, "999"]],
    ["no size", ([p, hash]) => [p, hash, ""]],
  ])("R005: %s", async (_, edit) => {
    expect(await codes({ record: editInit(edit) })).toEqual(["R005"]);
  });

  test("R006: RECORD lists a missing file", async () => {
    const record = (rows: string[][]) => [...rows, ["craft_pkg/gone.py", "sha256=abc", "3"]];
    const found = await check({ record });
    expect(found.map((f) => f.code)).toEqual(["R006"]);
    expect(found[0].message).toContain("craft_pkg/gone.py");
  });

  test.each<[string, (rows: string[][]) => string[][]]>([
    ["too few fields", (rows) => rows.map((row) => (row[0] === init ? row.slice(0, 2) : row))],
    ["too many fields", (rows) => rows.map((row) => (row[0] === init ? [...row, "x"] : row))],
    ["a blank line", (rows) => [...rows.slice(0, 1), [""], ...rows.slice(1)]],
    ["a repeated row", (rows) => [...rows, rows[0]]],
    ["a size that is no integer", editInit(([p, hash]) => [p, hash, "1e3"])],
  ])("R007: %s", async (_, record) => {
    expect(await codes({ record })).toEqual(["R007"]);
  });

  test.each([
    "/abs.py",
    "../escape.py",
    "craft_pkg/./dot.py",
    "craft_pkg//double.py",
    "C:/windows.py",
  ])("R008: %s", async (name) => {
    const found = await check({ files: { [init]: "", [name]: "x = 1\n" } });
    expect(found.map((f) => f.code)).toEqual(["R008"]);
    expect(found[0].message).toContain(name);
  });

  test.each([
    ["no Wheel-Version", "Generator: x\nRoot-Is-Purelib: true\n"],
    ["Wheel-Version 2.0", "Wheel-Version: 2.0\nRoot-Is-Purelib: true\n"],
    ["Wheel-Version 1", "Wheel-Version: 1\nRoot-Is-Purelib: true\n"],
    ["no Root-Is-Purelib", "Wheel-Version: 1.0\nTag: py3-none-any\n"],
    ["Root-Is-Purelib: yes", "Wheel-Version: 1.0\nRoot-Is-Purelib: yes\n"],
  ])("R009: %s", async (_, wheelFile) => {
    expect(await codes({ wheelFile })).toEqual(["R009"]);
  });

  test("R010: a newer minor Wheel-Version only warns", async () => {
    const found = await check({ wheelFile: defaultWheelFile.replace("1.0", "1.9") });
    expect(found).toEqual([expect.objectContaining({ code: "R010", severity: "warning" })]);
    expect(await codes({ wheelFile: defaultWheelFile.replace("true", "True") })).toEqual([]);
  });

  test("R011: a member stored twice", async () => {
    // Identical copies, so that RECORD still matches whichever copy an installer keeps.
    const found = await check({
      files: { [init]: "x = 1\n" },
      appended: [{ name: init, data: "x = 1\n" }],
    });
    expect(found.map((f) => f.code)).toEqual(["R011"]);
  });

  test.each<[string, CraftedWheel]>([
    [
      "purelib in a purelib wheel",
      { files: { [init]: "", "craft_pkg-1.0.0.data/purelib/x.py": "" } },
    ],
    [
      "platlib in a platlib wheel",
      {
        files: { [init]: "", "craft_pkg-1.0.0.data/platlib/x.py": "" },
        wheelFile: defaultWheelFile.replace("true", "false"),
      },
    ],
    ["an unknown scheme", { files: { [init]: "", "craft_pkg-1.0.0.data/stuff/x.txt": "" } }],
    ["a file outside any scheme", { files: { [init]: "", "craft_pkg-1.0.0.data/x.txt": "" } }],
    ["a misnamed .data", { files: { [init]: "", "craft_pkg-2.0.data/scripts/tool": "" } }],
    [
      "two .data directories",
      {
        files: {
          [init]: "",
          "craft_pkg-1.0.0.data/scripts/tool": "",
          "craft_pkg-1.0.data/scripts/other": "",
        },
      },
    ],
  ])("R012: %s", async (_, options) => {
    expect(await codes(options)).toEqual(["R012"]);
  });

  test("R012 accepts the other lib scheme and the data schemes", async () => {
    const files = {
      [init]: "",
      "craft_pkg-1.0.0.data/platlib/ext.py": "",
      "craft_pkg-1.0.0.data/scripts/tool": "#!python\n",
      "craft_pkg-1.0.0.data/headers/x.h": "",
      "craft_pkg-1.0.0.data/data/share/x": "",
    };
    expect(await codes({ files })).toEqual([]);
  });

  test("R013: a symbolic link", async () => {
    const file = path.join(fresh(), "craft_pkg-1.0.0-py3-none-any.whl");
    const script = `
import base64, hashlib, sys, zipfile
def row(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"
info = "craft_pkg-1.0.0.dist-info"
files = {
    "craft_pkg/__init__.py": b"x = 1\\n",
    f"{info}/METADATA": b"Metadata-Version: 2.1\\nName: craft_pkg\\nVersion: 1.0.0\\n",
    f"{info}/WHEEL": b"Wheel-Version: 1.0\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
}
link = zipfile.ZipInfo("craft_pkg/alias.py")
link.create_system = 3
link.external_attr = 0o120777 << 16
rows = [row(n, d) for n, d in files.items()] + [row(link.filename, b"__init__.py"), f"{info}/RECORD,,"]
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for name, data in files.items():
        z.writestr(name, data)
    z.writestr(link, "__init__.py")
    z.writestr(f"{info}/RECORD", "\\n".join(rows) + "\\n")
`;
    execFileSync("/usr/bin/python3", ["-c", script, file]);
    const found = checkWheelStructure(await readDist(file));
    expect(found.map((f) => f.code)).toEqual(["R013"]);
    expect(found[0].message).toContain("craft_pkg/alias.py -> __init__.py");
  });

  test("R014: entries sharing one member's data, reported alone", async () => {
    const found = await check({ appended: [{ name: "craft_pkg/copy.py", alias: { of: init } }] });
    expect(found.map((f) => f.code)).toEqual(["R014"]);
    expect(found[0].message).toBe(
      "Zip entries overlap or share data, so none of it was unpacked: craft_pkg/__init__.py, craft_pkg/copy.py.",
    );
  });

  test("every code is documented with a severity and a title", () => {
    for (const [code, check] of Object.entries(wheelChecks)) {
      expect(check.code).toBe(code);
      // PyPI accepts a wheel whose RECORD is off (it mails the owners): those only warn.
      const warns = ["R003", "R004", "R005", "R006", "R007", "R010"].includes(code);
      expect(check.severity).toBe(warns ? "warning" : "error");
      expect(check.title.length).toBeGreaterThan(10);
    }
  });

  test("a message names a few paths, then how many more", async () => {
    const unrecorded = Object.fromEntries(
      Array.from({ length: 8 }, (_, i) => [`craft_pkg/extra${i}.py`, `X = ${i}\n`]),
    );
    const [found] = await check({ unrecorded });
    expect(found.message).toMatch(/extra4\.py and 3 more\.$/);
  });
});
