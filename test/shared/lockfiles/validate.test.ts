import { describe, expect, test } from "@jest/globals";
import { readPdmLock } from "../../../shared/lockfiles/pdm.js";
import { readPipfileLock } from "../../../shared/lockfiles/pipfile.js";
import { readPoetryLock } from "../../../shared/lockfiles/poetry.js";
import { readPylock } from "../../../shared/lockfiles/pylock.js";
import { readRequirementsLock } from "../../../shared/lockfiles/requirements.js";
import { readUvLock } from "../../../shared/lockfiles/uv.js";
import { lockProblems, pipHashes, requireValidLock } from "../../../shared/lockfiles/validate.js";

const hex = (digit: string, length = 64) => digit.repeat(length);

const uvLock = (entry: string) =>
  `version = 1\nrequires-python = ">=3.9"\n\n[[package]]\nname = "ok"\nversion = "1.0"\nsource = { registry = "https://pypi.org/simple" }\nsdist = { url = "https://f/ok-1.0.tar.gz", hash = "sha256:${hex("a")}" }\n\n${entry}`;

describe("lockProblems", () => {
  test("the fixtures' kind of entry has none", () => {
    expect(lockProblems(readUvLock(uvLock(""), "uv.lock"))).toEqual([]);
  });

  test.each([
    [
      "a version that is not PEP 440",
      '[[package]]\nname = "fruit"\nversion = "banana"\nsource = { registry = "https://pypi.org/simple" }\n',
      12,
      '"fruit": version "banana" is not a PEP 440 version',
    ],
    [
      "a name that is an option and a newline",
      '[[package]]\nname = "-r /path/x.txt\\n#"\nversion = "1.0"\nsource = { registry = "https://pypi.org/simple" }\n',
      11,
      '"-r /path/x.txt\\n#" is not a valid project name (PEP 508)',
    ],
    [
      "a hash that is not hex, at its own line",
      '[[package]]\nname = "h"\nversion = "1.0"\nsource = { registry = "https://pypi.org/simple" }\nwheels = [\n    { url = "https://f/h-1.0-py3-none-any.whl", hash = "sha256:NOTHEX" },\n]\n',
      15,
      '"h": the hash "sha256:NOTHEX" of https://f/h-1.0-py3-none-any.whl is not 64 hex digits of sha256',
    ],
    [
      "a broken marker on a dependency edge",
      `[[package]]\nname = "m"\nversion = "1.0"\nsource = { registry = "https://pypi.org/simple" }\ndependencies = [\n    { name = "ok", marker = "python_version >>> '3'" },\n]\n`,
      15,
      `"m": unexpected '>' in marker 'python_version >>> '3''`,
    ],
    [
      "a broken marker uv recorded from the manifest",
      `[[package]]\nname = "app"\nversion = "0.1.0"\nsource = { editable = "." }\n\n[package.metadata]\nrequires-dist = [{ name = "ok", marker = "os_name ==" }]\n`,
      16,
      `"app": unexpected end in marker 'os_name =='`,
    ],
    [
      "a git URL with whitespace",
      '[[package]]\nname = "g"\nversion = "1.0"\nsource = { git = "https://g/o/r def?rev=1#abc" }\n',
      13,
      '"g": the git URL "https://g/o/r def?rev=1#abc" has whitespace or control characters',
    ],
  ])("uv.lock: %s is a problem at its line", (_, entry, line, message) => {
    expect(lockProblems(readUvLock(uvLock(entry), "uv.lock"))).toEqual([
      { package: expect.any(String), line, message },
    ]);
  });

  test("pylock.toml: md5 beside sha256 is ignored, md5 alone is a problem", () => {
    const lock = readPylock(
      [
        'lock-version = "1.0"',
        'created-by = "test"',
        "",
        "[[packages]]",
        'name = "both"',
        'version = "1.0"',
        `wheels = [{ url = "https://f/both-1.0-py3-none-any.whl", hashes = { md5 = "${hex("b", 32)}", sha256 = "${hex("A")}" } }]`,
        "",
        "[[packages]]",
        'name = "weak"',
        'version = "1.0"',
        `wheels = [{ url = "https://f/weak-1.0-py3-none-any.whl", hashes = { md5 = "${hex("b", 32)}" } }]`,
      ].join("\n"),
      "pylock.toml",
    );
    expect(lockProblems(lock)).toEqual([
      {
        package: "weak",
        line: 12,
        message:
          '"weak": https://f/weak-1.0-py3-none-any.whl has only md5 hashes; pip accepts sha256, sha384 and sha512',
      },
    ]);
    expect(pipHashes(lock.packages[0].files)).toEqual([`sha256:${hex("a")}`]);
  });

  test("Pipfile.lock: a wrong-length hash and a broken marker, each at its entry", () => {
    const text = JSON.stringify(
      {
        _meta: { "pipfile-spec": 6, requires: {}, sources: [] },
        default: {
          short: { hashes: [`sha256:${hex("a", 63)}`], version: "==1.0" },
          marked: {
            hashes: [`sha256:${hex("a")}`],
            markers: "python_version >>> '3'",
            version: "==1.0",
          },
        },
        develop: {},
      },
      null,
      4,
    );
    expect(lockProblems(readPipfileLock(text, "Pipfile.lock"))).toEqual([
      expect.objectContaining({
        package: "short",
        line: 10,
        message: expect.stringMatching(/is not 64 hex digits of sha256/),
      }),
      expect.objectContaining({
        package: "marked",
        line: 18,
        message: expect.stringMatching(/unexpected '>' in marker/),
      }),
    ]);
  });

  test("poetry.lock: an unknown hash algorithm is a problem at its line", () => {
    const text = [
      "[[package]]",
      'name = "p"',
      'version = "1.0"',
      'files = [{ file = "p-1.0.tar.gz", hash = "whirlpool:00" }]',
      "",
      "[metadata]",
      'lock-version = "2.0"',
    ].join("\n");
    expect(lockProblems(readPoetryLock(text, "poetry.lock"))).toEqual([
      {
        package: "p",
        line: 4,
        message:
          '"p": the hash "whirlpool:00" of p-1.0.tar.gz uses "whirlpool"; pip accepts sha256, sha384 and sha512',
      },
    ]);
  });

  test("pdm.lock: a dependency whose marker does not parse keeps it, so it is named", () => {
    const text = [
      "[metadata]",
      'lock_version = "4.4"',
      "",
      "[[package]]",
      'name = "d"',
      'version = "1.0"',
      `dependencies = ["ok; python_version >>> '3'"]`,
    ].join("\n");
    expect(lockProblems(readPdmLock(text, "pdm.lock"))).toEqual([
      expect.objectContaining({
        package: "d",
        line: 7,
        message: expect.stringMatching(/in marker/),
      }),
    ]);
  });

  test("requirements: md5-only hashes are a problem at the requirement's line", () => {
    const text = `alpha==1.0 \\\n    --hash=md5:${hex("c", 32)}\nbeta==2.0 \\\n    --hash=sha256:${hex("D")}\n`;
    const lock = readRequirementsLock(text, "requirements.txt");
    expect(lockProblems(lock)).toEqual([
      expect.objectContaining({
        package: "alpha",
        line: 2,
        message: expect.stringMatching(/has only md5 hashes/),
      }),
    ]);
    expect(pipHashes(lock.packages[1].files)).toEqual([`sha256:${hex("d")}`]);
  });
});

describe("requireValidLock", () => {
  test("throws at the first problem, counting the others", () => {
    const lock = readUvLock(
      uvLock(
        '[[package]]\nname = "a"\nversion = "banana"\n\n[[package]]\nname = "b"\nversion = "apple"\n',
      ),
      "uv.lock",
    );
    expect(() => requireValidLock(lock)).toThrow(
      'uv.lock:12: "a": version "banana" is not a PEP 440 version (and 1 more problem)',
    );
  });
});
