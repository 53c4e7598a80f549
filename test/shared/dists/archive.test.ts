import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "@jest/globals";
import {
  distInfoDirectories,
  hasMember,
  MAX_TEXT_BYTES,
  metadataMember,
  readDist,
} from "../../../shared/dists/archive.js";
import { checkFilename } from "../../../shared/dists/filenames.js";
import type { DistArchive } from "../../../shared/dists/model.js";
import { readDistMetadata } from "../../../shared/dists/read-metadata.js";
import { checkSdist } from "../../../shared/dists/sdist.js";
import { checkWheelStructure } from "../../../shared/dists/wheel.js";
import { checkWheelContents } from "../../../shared/dists/wheel-contents.js";
import { writeZip } from "../../harness/archives.js";
import { craftSdist, craftWheel, craftZipBomb, scratchFolders } from "./craft.js";

const fresh = scratchFolders("pyship-archive-");
const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
/** Pseudo-random bytes that do not compress, so the zip keeps them large. */
const noise = (bytes: number) => {
  const out = Buffer.alloc(bytes);
  let state = 12345;
  for (let i = 0; i < bytes; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
};

describe("reading a wheel", () => {
  test("lists every member with its size and sha256, and keeps the metadata as text", async () => {
    const files = {
      "craft_pkg/__init__.py": "VALUE = 1\n",
      "craft_pkg/data/empty.txt": "",
      "craft_pkg/big.bin": noise(3 * 1024 * 1024), // streamed, not read in one go
    };
    const file = craftWheel(fresh(), { files });
    const archive = await readDist(file);

    expect(archive.kind).toBe("wheel");
    expect(archive.filename).toBe("craft_pkg-1.0.0-py3-none-any.whl");
    const whole = readFileSync(file);
    expect(archive.size).toBe(whole.length);
    expect(archive.sha256).toBe(sha256(whole));
    expect(archive.members.map((m) => m.path)).toEqual([
      ...Object.keys(files),
      "craft_pkg-1.0.0.dist-info/METADATA",
      "craft_pkg-1.0.0.dist-info/WHEEL",
      "craft_pkg-1.0.0.dist-info/RECORD",
    ]);
    for (const [name, content] of Object.entries(files)) {
      const member = archive.members.find((m) => m.path === name);
      expect(member).toMatchObject({
        kind: "file",
        size: Buffer.byteLength(content),
        sha256: sha256(content),
        mode: 0o644,
      });
    }
    expect([...archive.texts.keys()].sort()).toEqual([
      "craft_pkg-1.0.0.dist-info/METADATA",
      "craft_pkg-1.0.0.dist-info/RECORD",
      "craft_pkg-1.0.0.dist-info/WHEEL",
    ]);
    expect(archive.texts.get("craft_pkg-1.0.0.dist-info/METADATA")).toContain("Name: craft_pkg\n");
    expect(archive.overlapping).toBeUndefined();
    expect(distInfoDirectories(archive)).toEqual(["craft_pkg-1.0.0.dist-info"]);
    expect(metadataMember(archive)).toBe("craft_pkg-1.0.0.dist-info/METADATA");
    expect(hasMember(archive, "craft_pkg/data/empty.txt")).toBe(true);
    expect(hasMember(archive, "craft_pkg/data")).toBe(false);
  });

  test("reads a wheel of thousands of members, each hashed", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 3000; i++) files[`craft_pkg/part${i % 17}/mod${i}.py`] = `VALUE = ${i}\n`;
    const archive = await readDist(craftWheel(fresh(), { files }));
    const byPath = new Map(archive.members.map((m) => [m.path, m]));
    expect(archive.members).toHaveLength(3003);
    for (const [name, content] of Object.entries(files)) {
      expect(byPath.get(name)?.sha256).toBe(sha256(content));
    }
  });

  test("reads stored (uncompressed) members, small and large", async () => {
    const big = noise(2 * 1024 * 1024 + 17);
    const file = path.join(fresh(), "stored-1.0-py3-none-any.whl");
    writeZip(file, [
      { name: "stored/small.bin", chunks: () => [Buffer.from("abc")] },
      { name: "stored/big.bin", chunks: () => [big.subarray(0, 1000), big.subarray(1000)] },
    ]);
    const archive = await readDist(file);
    expect(archive.members).toEqual([
      { path: "stored/small.bin", kind: "file", size: 3, sha256: sha256("abc"), mode: 0o644 },
      { path: "stored/big.bin", kind: "file", size: big.length, sha256: sha256(big), mode: 0o644 },
    ]);
  });

  test("hashes but does not keep metadata larger than the cap", async () => {
    const huge = `Metadata-Version: 2.1\nName: craft_pkg\nVersion: 1.0.0\n\n${"x".repeat(MAX_TEXT_BYTES)}`;
    const archive = await readDist(craftWheel(fresh(), { metadataFile: huge }));
    const member = archive.members.find((m) => m.path.endsWith("/METADATA"));
    expect(member?.sha256).toBe(sha256(huge));
    expect(archive.texts.has("craft_pkg-1.0.0.dist-info/METADATA")).toBe(false);
    expect(archive.texts.has("craft_pkg-1.0.0.dist-info/WHEEL")).toBe(true);
  });

  test("reports unsafe names as they are stored instead of failing", async () => {
    const names = [
      "/abs.py",
      "../up.py",
      "craft_pkg/./dot.py",
      "win\\style.py",
      "craft_pkg/ünï.py",
    ];
    const archive = await readDist(
      craftWheel(fresh(), { unrecorded: Object.fromEntries(names.map((n) => [n, "x = 1\n"])) }),
    );
    expect(archive.members.map((m) => m.path)).toEqual(expect.arrayContaining(names));
  });

  test("sees symbolic links from the zip's unix attributes", async () => {
    const file = path.join(fresh(), "linked-1.0-py3-none-any.whl");
    const script = [
      "import sys, zipfile",
      "with zipfile.ZipFile(sys.argv[1], 'w') as z:",
      "    z.writestr('linked/__init__.py', 'x = 1\\n')",
      "    info = zipfile.ZipInfo('linked/alias.py')",
      "    info.create_system = 3",
      "    info.external_attr = 0o120777 << 16",
      "    z.writestr(info, '__init__.py')",
      "    z.writestr('linked/sub/', '')",
    ].join("\n");
    execFileSync("/usr/bin/python3", ["-c", script, file]);
    const archive = await readDist(file);
    expect(archive.members).toEqual([
      expect.objectContaining({ path: "linked/__init__.py", kind: "file" }),
      { path: "linked/alias.py", kind: "symlink", size: 0, mode: 0o777, linkTarget: "__init__.py" },
      expect.objectContaining({ path: "linked/sub/", kind: "directory", size: 0 }),
    ]);
  });

  test("fails clearly on a file that is not a zip", async () => {
    const file = path.join(fresh(), "broken-1.0-py3-none-any.whl");
    writeFileSync(file, "not a zip at all");
    await expect(readDist(file)).rejects.toThrow(/Cannot read broken-1\.0-py3-none-any\.whl/);
  });
});

describe("zip entries that overlap or share data", () => {
  const init = "craft_pkg/__init__.py";
  const record = "craft_pkg-1.0.0.dist-info/RECORD";

  test("the overlapping-entry zip bomb is refused whole, before anything is inflated", async () => {
    const bomb = craftZipBomb(fresh(), 640);
    const archive = await readDist(bomb);
    expect(archive.overlapping).toHaveLength(641);
    expect(archive.overlapping?.slice(0, 2)).toEqual([
      "craft_pkg/zeros.bin",
      "craft_pkg/zeros0.bin",
    ]);
    expect(archive.members).toEqual([]);
    expect(archive.texts.size).toBe(0);
    await expect(readDistMetadata(bomb)).rejects.toThrow(
      "Cannot read craft_pkg-1.0.0-py3-none-any.whl: its zip entries overlap or share data (R014, a zip bomb)",
    );
  });

  test.each([
    ["a duplicate: two entries at one offset", { of: init }, [init, "craft_pkg/x.py"]],
    ["an entry starting inside another's data", { of: init, offset: 7 }, [init, "craft_pkg/x.py"]],
    [
      "the last entry's data running into the central directory",
      { of: record, offset: 1 },
      [record, "craft_pkg/x.py"],
    ],
  ])("%s", async (_, alias, names) => {
    const archive = await readDist(
      craftWheel(fresh(), { appended: [{ name: "craft_pkg/x.py", alias }] }),
    );
    expect(archive.overlapping).toEqual(names);
    expect(archive.members).toEqual([]);
  });

  test("entries laid end to end, and a member stored twice, are no overlap", async () => {
    const archive = await readDist(
      craftWheel(fresh(), { appended: [{ name: init, data: "x = 1\n" }] }),
    );
    expect(archive.overlapping).toBeUndefined();
    expect(archive.members.filter((m) => m.path === init)).toHaveLength(2);
    await expect(readDistMetadata(craftWheel(fresh()))).resolves.toBeDefined();
  });
});

describe("reading an sdist", () => {
  test("lists files, links, devices and directories with their kinds", async () => {
    const top = "craft_pkg-1.0.0";
    const deep = `${top}/${"nested/".repeat(20)}module.py`; // longer than ustar's 100 bytes
    const file = await craftSdist(fresh(), {
      extra: [
        { name: `${top}/docs/`, type: "directory" },
        { name: `${top}/docs/link`, type: "symlink", linkname: "../README.md" },
        { name: `${top}/hard`, type: "link", linkname: `${top}/pyproject.toml` },
        { name: `${top}/tty`, type: "character-device" },
        { name: `${top}/disk`, type: "block-device" },
        { name: `${top}/pipe`, type: "fifo" },
        { name: `${top}/run.sh`, data: "#!/bin/sh\n", mode: 0o755 },
        { name: deep, data: "DEEP = True\n" },
      ],
    });
    const archive = await readDist(file);
    const whole = readFileSync(file);
    expect(archive).toMatchObject({ kind: "sdist", size: whole.length, sha256: sha256(whole) });
    const kinds = Object.fromEntries(archive.members.map((m) => [m.path, m.kind]));
    expect(kinds).toEqual({
      [`${top}/PKG-INFO`]: "file",
      [`${top}/pyproject.toml`]: "file",
      [`${top}/craft_pkg/__init__.py`]: "file",
      [`${top}/docs/`]: "directory",
      [`${top}/docs/link`]: "symlink",
      [`${top}/hard`]: "hardlink",
      [`${top}/tty`]: "device",
      [`${top}/disk`]: "device",
      [`${top}/pipe`]: "fifo",
      [`${top}/run.sh`]: "file",
      [deep]: "file",
    });
    const member = (name: string) => archive.members.find((m) => m.path === name);
    expect(member(`${top}/docs/link`)).toMatchObject({ linkTarget: "../README.md", size: 0 });
    expect(member(`${top}/hard`)).toMatchObject({ linkTarget: `${top}/pyproject.toml` });
    expect(member(`${top}/run.sh`)).toMatchObject({ mode: 0o755, sha256: sha256("#!/bin/sh\n") });
    expect(member(deep)).toMatchObject({ size: 12, sha256: sha256("DEEP = True\n") });
    expect([...archive.texts.keys()]).toEqual([`${top}/PKG-INFO`, `${top}/pyproject.toml`]);
    expect(archive.texts.get(`${top}/pyproject.toml`)).toContain('name = "craft_pkg"');
    expect(metadataMember(archive)).toBe(`${top}/PKG-INFO`);
    expect(distInfoDirectories(archive)).toEqual([]);
  });

  test("refuses anything but .whl and .tar.gz", async () => {
    await expect(readDist(path.join(fresh(), "craft_pkg-1.0.0.zip"))).rejects.toThrow(
      "craft_pkg-1.0.0.zip is neither a wheel (.whl) nor an sdist (.tar.gz)",
    );
  });
});

/** Name and Version straight from the metadata headers. */
function nameAndVersion(archive: DistArchive) {
  const member = metadataMember(archive);
  const text = member ? (archive.texts.get(member) ?? "") : "";
  const header = (field: string) => new RegExp(`^${field}: (.*)$`, "m").exec(text)?.[1] ?? "";
  return { name: header("Name"), version: header("Version") };
}

/** Builds a one-module setuptools project with the system's `python -m build`. */
function buildWithSetuptools(name: string): string[] {
  const project = fresh();
  const module = name.replace(/-/g, "_");
  writeFileSync(
    path.join(project, "pyproject.toml"),
    '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n' +
      `[project]\nname = "${name}"\nversion = "0.3.0"\ndescription = "A tiny package"\n`,
  );
  mkdirSync(path.join(project, module));
  writeFileSync(path.join(project, module, "__init__.py"), '__version__ = "0.3.0"\n');
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith("PIP_")),
  );
  const out = path.join(project, "dist");
  execFileSync("/usr/bin/python3", ["-m", "build", "--no-isolation", "--outdir", out, project], {
    env: { ...env, PIP_CONFIG_FILE: "/dev/null" },
    stdio: "pipe",
  });
  return readdirSync(out).map((file) => path.join(out, file));
}

async function validate(file: string) {
  const archive = await readDist(file);
  expect(metadataMember(archive)).toBeDefined();
  const findings = [
    ...checkFilename(archive, nameAndVersion(archive)),
    ...(archive.kind === "wheel"
      ? [...checkWheelStructure(archive), ...checkWheelContents(archive)]
      : checkSdist(archive)),
  ];
  return { file: archive.filename, codes: findings.map((f) => f.code) };
}

describe("dists built by a real backend", () => {
  test("a setuptools sdist and wheel read and validate with no findings", async () => {
    const built = buildWithSetuptools("tinypkg");
    expect(built).toHaveLength(2);
    for (const file of built) {
      const { codes } = await validate(file);
      expect({ file, codes }).toEqual({ file, codes: [] });
    }
  });

  test("a dashed name: the wheel is clean; older setuptools' sdist name only warns (F005)", async () => {
    const built = buildWithSetuptools("tiny-pkg");
    for (const file of built) {
      const { codes } = await validate(file);
      const allowed = file.endsWith(".whl") ? [] : ["F005"];
      expect({ file, codes: codes.filter((code) => !allowed.includes(code)) }).toEqual({
        file,
        codes: [],
      });
    }
  });
});
