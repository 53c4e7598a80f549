import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "@jest/globals";
import { crc32 } from "./archives.js";
import {
  buildPackages,
  buildSdist,
  buildWheel,
  type PackageSpec,
  sdistFilename,
  wheelFilename,
} from "./wheels.js";

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pyship-wheels-"));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** Runs a python3 script with JSON on argv[1]; returns its JSON stdout. */
function python(script: string, input: unknown): unknown {
  const result = spawnSync("python3", ["-c", script, JSON.stringify(input)], {
    encoding: "utf8",
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
  });
  if (result.status !== 0) throw new Error(`python3 failed:\n${result.stderr}`);
  return JSON.parse(result.stdout);
}

const alpha: PackageSpec = {
  name: "Alpha_Lib",
  version: "1.0",
  dependencies: ["beta-pkg[speedups]>=1.0", 'gamma; sys_platform == "win32"'],
  extras: { docs: ["delta"], fast: ['delta>=1.0; python_version >= "3"'] },
  requiresPython: ">=3.8",
  files: { "alpha_lib/data.txt": "hello, world\n" },
};

// Recomputes every RECORD hash with zipfile + hashlib and evaluates the markers with pip's
// vendored `packaging`, so both the archive and the metadata are checked by real parsers.
const INSPECT_WHEEL = `
import base64, csv, email.parser, hashlib, io, json, sys, zipfile
from pip._vendor.packaging.requirements import Requirement
wheel = json.loads(sys.argv[1])
archive = zipfile.ZipFile(wheel)
assert archive.testzip() is None
names = archive.namelist()
record_name = next(n for n in names if n.endswith(".dist-info/RECORD"))
rows = list(csv.reader(io.StringIO(archive.read(record_name).decode())))
bad = []
for path, digest, size in rows:
    if path == record_name:
        if digest or size: bad.append(path)
        continue
    data = archive.read(path)
    expected = "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    if digest != expected or int(size) != len(data): bad.append(path)
prefix = record_name[: -len("RECORD")]
metadata = email.parser.Parser().parsestr(archive.read(prefix + "METADATA").decode())
wheel_info = email.parser.Parser().parsestr(archive.read(prefix + "WHEEL").decode())
markers = {}
for text in metadata.get_all("Requires-Dist") or []:
    req = Requirement(text)
    markers[text] = [
        bool(req.marker is None or req.marker.evaluate({"extra": extra, "sys_platform": "linux"}))
        for extra in ("", "docs", "fast")
    ]
print(json.dumps({
    "names": names, "recorded": sorted(r[0] for r in rows), "bad": bad,
    "metadata": {k: metadata.get_all(k) for k in set(metadata.keys())},
    "description": metadata.get_payload(),
    "wheel": {k: wheel_info.get_all(k) for k in set(wheel_info.keys())},
    "markers": markers,
}))
`;

const INSPECT_SDIST = `
import json, sys, tarfile, tomllib
sdist = json.loads(sys.argv[1])
with tarfile.open(sdist) as archive:
    members = {m.name: m for m in archive.getmembers()}
    root = sorted(members)[0].split("/")[0]
    pyproject = tomllib.loads(archive.extractfile(root + "/pyproject.toml").read().decode())
    pkg_info = archive.extractfile(root + "/PKG-INFO").read().decode()
    print(json.dumps({
        "names": sorted(members), "pyproject": pyproject, "pkgInfo": pkg_info,
        "owners": sorted({(m.uid, m.gid, m.mtime) for m in members.values()}),
    }))
`;

describe("wheel and sdist file names", () => {
  test("use the normalized name with underscores", () => {
    expect(wheelFilename(alpha)).toBe("alpha_lib-1.0-py3-none-any.whl");
    expect(sdistFilename(alpha)).toBe("alpha_lib-1.0.tar.gz");
    expect(
      wheelFilename({ name: "Foo.Bar--baz", version: "2.0", tag: "cp311-cp311-linux_x86_64" }),
    ).toBe("foo_bar_baz-2.0-cp311-cp311-linux_x86_64.whl");
  });
});

describe("buildWheel", () => {
  test("writes METADATA, WHEEL and a RECORD whose hashes verify", async () => {
    const wheel = await buildWheel(alpha, tempDir());
    const info = python(INSPECT_WHEEL, wheel) as {
      names: string[];
      recorded: string[];
      bad: string[];
      metadata: Record<string, string[]>;
      description: string;
      wheel: Record<string, string[]>;
      markers: Record<string, boolean[]>;
    };
    expect(info.bad).toEqual([]);
    expect(info.recorded).toEqual([...info.names].sort());
    expect(info.names).toEqual([
      "alpha_lib/__init__.py",
      "alpha_lib/data.txt",
      "alpha_lib-1.0.dist-info/METADATA",
      "alpha_lib-1.0.dist-info/WHEEL",
      "alpha_lib-1.0.dist-info/RECORD",
    ]);
    expect(info.metadata["Metadata-Version"]).toEqual(["2.1"]);
    expect(info.metadata.Name).toEqual(["Alpha_Lib"]);
    expect(info.metadata["Requires-Python"]).toEqual([">=3.8"]);
    expect(info.metadata["Provides-Extra"]).toEqual(["docs", "fast"]);
    expect(info.metadata["Requires-Dist"]).toEqual([
      "beta-pkg[speedups]>=1.0",
      'gamma; sys_platform == "win32"',
      'delta; extra == "docs"',
      'delta>=1.0; (python_version >= "3") and extra == "fast"',
    ]);
    expect(info.description).toContain("# Alpha_Lib");
    // Marker results on linux for [no extra, extra "docs", extra "fast"].
    expect(Object.values(info.markers)).toEqual([
      [true, true, true],
      [false, false, false],
      [false, true, false],
      [false, false, true],
    ]);
    expect(info.wheel).toEqual({
      "Wheel-Version": ["1.0"],
      Generator: ["pyship-test-harness (1.0)"],
      "Root-Is-Purelib": ["true"],
      Tag: ["py3-none-any"],
    });
  });

  test("expands compressed tags and marks platform wheels as platlib", async () => {
    const spec = { name: "multi", version: "0.1", tag: "py2.py3-none-any" };
    const info = python(INSPECT_WHEEL, await buildWheel(spec, tempDir())) as {
      wheel: Record<string, string[]>;
    };
    expect(info.wheel.Tag).toEqual(["py2-none-any", "py3-none-any"]);
    const platform = { name: "native", version: "0.1", tag: "cp311-cp311-manylinux_2_17_x86_64" };
    const native = python(INSPECT_WHEEL, await buildWheel(platform, tempDir())) as {
      wheel: Record<string, string[]>;
    };
    expect(native.wheel["Root-Is-Purelib"]).toEqual(["false"]);
  });

  test("pads big wheels with stored, incompressible bytes that RECORD covers", async () => {
    const spec = { name: "big", version: "1.0", sizeBytes: 5 * 1024 * 1024 + 7 };
    const wheel = await buildWheel(spec, tempDir());
    expect(readFileSync(wheel).length).toBeGreaterThan(spec.sizeBytes);
    const info = python(INSPECT_WHEEL, wheel) as { bad: string[]; names: string[] };
    expect(info.bad).toEqual([]);
    expect(info.names).toContain("big/_padding.bin");
  });

  test("is byte-deterministic", async () => {
    const spec = { ...alpha, sizeBytes: 100_000 };
    const first = readFileSync(await buildWheel(spec, tempDir()));
    const second = readFileSync(await buildWheel(spec, tempDir()));
    expect(first.equals(second)).toBe(true);
    const other = readFileSync(await buildWheel({ ...spec, version: "1.1" }, tempDir()));
    expect(first.equals(other)).toBe(false);
  });
});

describe("buildSdist", () => {
  test("holds PKG-INFO, a matching setuptools pyproject.toml and the module", async () => {
    const sdist = await buildSdist(alpha, tempDir());
    const info = python(INSPECT_SDIST, sdist) as {
      names: string[];
      pyproject: Record<string, Record<string, unknown>>;
      pkgInfo: string;
      owners: number[][];
    };
    expect(info.names).toEqual([
      "alpha_lib-1.0/PKG-INFO",
      "alpha_lib-1.0/alpha_lib/__init__.py",
      "alpha_lib-1.0/alpha_lib/data.txt",
      "alpha_lib-1.0/pyproject.toml",
    ]);
    expect(info.owners).toEqual([[0, 0, 0]]);
    expect(info.pkgInfo).toContain("Metadata-Version: 2.1\nName: Alpha_Lib\nVersion: 1.0\n");
    expect(info.pkgInfo).toContain(
      'Requires-Dist: delta>=1.0; (python_version >= "3") and extra == "fast"',
    );
    expect(info.pyproject["build-system"]["build-backend"]).toBe("setuptools.build_meta");
    expect(info.pyproject.project).toMatchObject({
      name: "Alpha_Lib",
      version: "1.0",
      "requires-python": ">=3.8",
      dependencies: alpha.dependencies,
      "optional-dependencies": alpha.extras,
    });
    expect(info.pyproject.tool).toEqual({ setuptools: { packages: ["alpha_lib"] } });
  });

  test("is byte-deterministic", async () => {
    const first = readFileSync(await buildSdist(alpha, tempDir()));
    const second = readFileSync(await buildSdist(alpha, tempDir()));
    expect(first.equals(second)).toBe(true);
  });
});

describe("buildPackages", () => {
  test("builds wheels, and sdists on request, that twine check accepts", async () => {
    const dir = tempDir();
    const built = await buildPackages([alpha, { name: "beta-pkg", version: "1.1" }], dir, {
      sdists: true,
    });
    expect(built.map((file) => path.basename(file))).toEqual([
      "alpha_lib-1.0-py3-none-any.whl",
      "alpha_lib-1.0.tar.gz",
      "beta_pkg-1.1-py3-none-any.whl",
      "beta_pkg-1.1.tar.gz",
    ]);
    if (!existsSync("/usr/bin/twine")) return; // twine is optional here
    const twine = spawnSync("/usr/bin/twine", ["check", "--strict", ...built], {
      encoding: "utf8",
    });
    expect(`${twine.stdout}${twine.stderr}`).not.toContain("FAILED");
    expect(twine.status).toBe(0);
  });
});

test("crc32 matches the standard check value", () => {
  expect(crc32(Buffer.from("123456789"))).toBe(0xcbf43926);
  const whole = crc32(Buffer.from("hello world"));
  expect(crc32(Buffer.from(" world"), crc32(Buffer.from("hello")))).toBe(whole);
});
