import { describe, expect, test } from "@jest/globals";
import type { Lock, LockedPackage } from "../../../shared/lockfiles/model.js";
import { hashMismatches } from "../../../shared/venv/install.js";
import { planInstall } from "../../../shared/venv/plan.js";

const linux = {
  python_version: "3.11",
  implementation_name: "cpython",
  sys_platform: "linux",
  platform_machine: "x86_64",
};
const pkg = (overrides: Partial<LockedPackage>): LockedPackage => ({
  name: "alpha",
  key: "alpha",
  version: "1.0",
  line: 1,
  groups: [],
  source: { kind: "registry" },
  files: [],
  dependencies: [],
  ...overrides,
});
const lock = (format: Lock["format"], packages: LockedPackage[]): Lock => ({
  format,
  file: "x.lock",
  packages,
  indexes: [],
  raw: {},
  text: "",
});
const plan = (l: Lock) =>
  planInstall(
    l,
    l.packages.map((p) => ({ package: p, groups: ["main"] })),
    { lockDirectory: "/proj", indexes: [], markers: linux },
  );

describe("planInstall", () => {
  test("registry pins carry every pip-checkable hash of every file", () => {
    const result = plan(
      lock("uv", [
        pkg({ files: [{ hashes: ["sha256:bb"] }, { hashes: ["sha256:aa", "md5:cc"] }] }),
      ]),
    );
    expect(result.hashed).toEqual(["alpha==1.0 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb"]);
    expect(result).toMatchObject({ unhashed: [], withoutHashes: [], count: 1 });
  });

  test("a lock without hashes installs without --require-hashes, and says which", () => {
    const result = plan(lock("pipfile", [pkg({ files: [{ hashes: [] }] })]));
    expect(result).toMatchObject({
      hashed: [],
      unhashed: ["alpha==1.0"],
      withoutHashes: ["alpha"],
    });
  });

  test("git, editable, path and virtual sources pass through as pip understands them", () => {
    const result = plan(
      lock("uv", [
        pkg({ name: "g", source: { kind: "git", url: "https://github.com/o/g?rev=v1#abc123" } }),
        pkg({ name: "e", source: { kind: "editable", path: "packages/e" } }),
        pkg({ name: "d", source: { kind: "directory", path: "../d" } }),
        pkg({ name: "root", source: { kind: "virtual", path: "." } }),
      ]),
    );
    expect(result.unhashed).toEqual([
      "g @ git+https://github.com/o/g@abc123",
      "-e /proj/packages/e",
      "d @ file:///d",
    ]);
    expect(result.count).toBe(3);
  });

  test("a pylock.toml package with no index installs the wheel that fits this interpreter", () => {
    const files = [
      { url: "https://f/p-1.0-cp311-cp311-win_amd64.whl", hashes: ["sha256:01"] },
      { url: "https://f/p-1.0-cp311-cp311-manylinux_2_17_x86_64.whl", hashes: ["sha256:02"] },
      { url: "https://f/p-1.0-py3-none-any.whl", hashes: ["sha256:03"] },
      { url: "https://f/p-1.0.tar.gz", hashes: ["sha256:04"] },
    ];
    const result = plan(lock("pylock", [pkg({ name: "p", files })]));
    expect(result.hashed).toEqual([
      "p @ https://f/p-1.0-cp311-cp311-manylinux_2_17_x86_64.whl \\\n    --hash=sha256:02",
    ]);
  });
});

test("hash mismatches name the package, from pip's and uv's messages", () => {
  const pip = [
    "ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE. If you have updated ...",
    "    beta==2.0 from http://127.0.0.1:1/files/beta-2.0-py3-none-any.whl:",
    "        Expected sha256 0000",
    "             Got        abcd",
  ].join("\n");
  expect(hashMismatches(pip)).toEqual(["beta==2.0"]);
  expect(hashMismatches("error: Hash mismatch for `gamma==1.0`")).toEqual(["gamma==1.0"]);
  expect(hashMismatches("ERROR: No matching distribution")).toEqual([]);
});
