import { describe, expect, test } from "@jest/globals";
import type { Lock, LockedPackage } from "../../../shared/lockfiles/model.js";
import { ConfigurationError } from "../../../shared/runtime/errors.js";
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
  digest: "",
  text: "",
});
/** A well-formed sha256 hash made of one repeated hex digit. */
const sha = (digit: string) => `sha256:${digit.repeat(64)}`;
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
        pkg({ files: [{ hashes: [sha("b")] }, { hashes: [sha("a"), `md5:${"c".repeat(32)}`] }] }),
      ]),
    );
    expect(result.hashed).toEqual([
      `alpha==1.0 \\\n    --hash=${sha("a")} \\\n    --hash=${sha("b")}`,
    ]);
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
      { url: "https://f/p-1.0-cp311-cp311-win_amd64.whl", hashes: [sha("1")] },
      { url: "https://f/p-1.0-cp311-cp311-manylinux_2_17_x86_64.whl", hashes: [sha("2")] },
      { url: "https://f/p-1.0-py3-none-any.whl", hashes: [sha("3")] },
      { url: "https://f/p-1.0.tar.gz", hashes: [sha("4")] },
    ];
    const result = plan(lock("pylock", [pkg({ name: "p", files })]));
    expect(result.hashed).toEqual([
      `p @ https://f/p-1.0-cp311-cp311-manylinux_2_17_x86_64.whl \\\n    --hash=${sha("2")}`,
    ]);
  });
});

/** The ConfigurationError planInstall throws for one package at line 7. */
function refusal(overrides: Partial<LockedPackage>): ConfigurationError {
  try {
    plan(lock("uv", [pkg({ line: 7, ...overrides })]));
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error("planInstall accepted it");
}

describe("planInstall validates what reaches pip and uv", () => {
  test("upper-case hex is accepted as pip accepts it, in lower case; sha384 and sha512 too", () => {
    const hashes = [sha("A"), `sha384:${"b".repeat(96)}`, `sha512:${"C".repeat(128)}`];
    const result = plan(lock("uv", [pkg({ files: [{ hashes }] })]));
    expect(result.hashed).toEqual([
      [
        "alpha==1.0",
        `--hash=${sha("a")}`,
        `--hash=sha384:${"b".repeat(96)}`,
        `--hash=sha512:${"c".repeat(128)}`,
      ].join(" \\\n    "),
    ]);
    expect(result.withoutHashes).toEqual([]);
  });

  test.each([
    [
      "a digest that is not hex",
      ["sha256:NOTHEX"],
      /the hash "sha256:NOTHEX" of alpha-1\.0\.tar\.gz is not 64 hex digits of sha256/,
    ],
    ["a digest of the wrong length", [`sha256:${"a".repeat(63)}`], /not 64 hex digits/],
    [
      "md5 alone",
      [`md5:${"a".repeat(32)}`],
      /alpha-1\.0\.tar\.gz has only md5 hashes; pip accepts sha256, sha384 and sha512/,
    ],
    [
      "an unknown algorithm, even beside sha256",
      [sha("a"), "whirlpool:00"],
      /"whirlpool:00" of alpha-1\.0\.tar\.gz uses "whirlpool"/,
    ],
    ["an algorithm in upper case", [`SHA256:${"a".repeat(64)}`], /"SHA256:a+" of .* uses "SHA256"/],
    ["no algorithm", ["a".repeat(64)], /is not algorithm:digest/],
  ])("%s is an error at the lock line, never a quiet downgrade", (_, hashes, message) => {
    const error = refusal({ files: [{ name: "alpha-1.0.tar.gz", hashes }] });
    expect(error.message).toMatch(/^x\.lock:7: "alpha": /);
    expect(error.message).toMatch(message);
    expect(error.location).toEqual({ file: "x.lock", line: 7 });
  });

  test.each([
    [
      "a name that is an option",
      { name: "-r /path/x.txt\n#" },
      /"-r \/path\/x\.txt\\n#" is not a valid project name/,
    ],
    ["a name with a space", { name: "alpha beta" }, /is not a valid project name/],
    [
      "a version that is not PEP 440",
      { version: "banana" },
      /version "banana" is not a PEP 440 version/,
    ],
    ["a version with a newline", { version: "1.0\n-r x.txt" }, /is not a PEP 440 version/],
    ["no version", { version: undefined }, /no pinned version to install/],
    [
      "a git URL with a newline",
      { source: { kind: "git" as const, url: "https://g/o/r\n-r x.txt" } },
      /the git URL .* has whitespace or control characters/,
    ],
    [
      "a URL that is none",
      { source: { kind: "url" as const, url: "not a url" } },
      /URL .* has whitespace/,
    ],
    [
      "a relative URL",
      { source: { kind: "url" as const, url: "dist/x.whl" } },
      /URL "dist\/x\.whl" is not a URL/,
    ],
    [
      "a path with a newline",
      { source: { kind: "directory" as const, path: "../d\n-r x.txt" } },
      /the path .* has control characters/,
    ],
    [
      "a broken marker on an edge",
      { dependencies: [{ key: "beta", marker: "python_version >>> '3'" }] },
      /unexpected '>' in marker/,
    ],
  ])("%s is an error at the lock line", (_, overrides, message) => {
    const error = refusal(overrides);
    expect(error.message).toMatch(message);
    expect(error.location).toEqual({ file: "x.lock", line: 7 });
  });

  test("no line pip reads spans lines", () => {
    const result = plan(
      lock("uv", [
        pkg({ name: "a.b_c-d", version: "1!2.0rc1.post3+local.7" }),
        pkg({ name: "e", source: { kind: "editable", path: "packages/e" } }),
        pkg({ name: "g", source: { kind: "git", url: "git+ssh://git@g/o/r.git#abc" } }),
      ]),
    );
    expect(result.unhashed).toEqual([
      "a.b_c-d==1!2.0rc1.post3+local.7",
      "-e /proj/packages/e",
      "g @ git+ssh://git@g/o/r.git@abc",
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
