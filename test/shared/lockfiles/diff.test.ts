/** diffLocks on hand-written heads of real base locks (uv.lock, pylock.toml), and the comment's size limit. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "@jest/globals";
import { COMMENT_LIMIT, commentBody } from "../../../actions/lock-check/comment.js";
import { setDiffOutputs } from "../../../actions/lock-check/lock-diff.js";
import { diffSection, hashFindings } from "../../../shared/lockcheck/diff-report.js";
import { directKeys } from "../../../shared/lockcheck/direct.js";
import { diffLocks, introduced, type PackageChange } from "../../../shared/lockfiles/diff.js";
import { parseLock, readLock } from "../../../shared/lockfiles/index.js";
import { readTomlFile } from "../../../shared/project/files.js";
import { manifestOf } from "../../../shared/project/pyproject.js";
import { recordingIo } from "../../harness/recording-io.js";
import { repoRoot } from "../../harness/runner.js";

const fixture = (...parts: string[]) => path.join(repoRoot, "test/fixtures", ...parts);

/** The change of one package, by key (and version, where a fork has more than one). */
const changeOf = (changes: PackageChange[], key: string, to?: string) =>
  changes.find((c) => c.key === key && (to === undefined || c.to === to));

describe("diffLocks: uv.lock (uv-app's real lock → a hand-written head)", () => {
  const base = readLock(fixture("lock-check/uv-app/uv.lock"), "uv.lock");
  const head = readLock(fixture("lock-diff/uv/uv.lock"), "uv.lock");
  const diff = diffLocks(base, head, directKeys(head, undefined), directKeys(base, undefined));

  test("upgrades, downgrades, additions and removals, each once, with counts", () => {
    expect(diff.changes.map((c) => [c.kind, c.key, c.from, c.to])).toEqual([
      ["changed", "click", "8.1.7", "8.1.7"],
      ["added", "idna", undefined, "3.10"],
      ["added", "numpy", undefined, "2.0.2"],
      ["added", "numpy", undefined, "2.2.0"],
      ["changed", "pytest", "8.3.2", "8.3.2"],
      ["upgraded", "requests", "2.32.3", "2.32.4"],
      ["removed", "rich", "13.7.1", undefined],
      ["downgraded", "ruff", "0.6.0", "0.5.7"],
    ]);
    expect(diff.counts).toEqual({ added: 3, removed: 1, changed: 4 });
    expect(diff.newLock).toBe(false);
    expect(diff.requiresPython).toEqual({ from: ">=3.11", to: ">=3.12" });
  });

  test("same version, other hashes is flagged; a new version's new hashes are not", () => {
    expect(changeOf(diff.changes, "click")).toMatchObject({ hashesChanged: true, direct: true });
    expect(changeOf(diff.changes, "requests")?.hashesChanged).toBeUndefined();
    expect(hashFindings(diff)).toEqual([
      expect.objectContaining({
        severity: "warning",
        code: "hashes-changed",
        package: "click",
        file: "uv.lock",
        line: head.packages.find((p) => p.key === "click")?.line,
      }),
    ]);
  });

  test("a registry → git switch is a source change", () => {
    expect(changeOf(diff.changes, "pytest")?.source).toEqual({
      from: { kind: "registry", url: "https://pypi.org/simple" },
      to: expect.objectContaining({
        kind: "git",
        reference: "5f5f6d8bdb8e1f1f0b5e9b7f6e4a2c1d0e9f8a7b",
      }),
    });
  });

  test("direct versus transitive, and who pulled a new package in", () => {
    expect(changeOf(diff.changes, "idna")).toMatchObject({
      direct: false,
      pulledInBy: ["requests"],
    });
    expect(changeOf(diff.changes, "numpy", "2.2.0")).toMatchObject({ direct: true });
    expect(introduced(diff).map((c) => `${c.key} ${c.to}`)).toEqual([
      "idna 3.10",
      "numpy 2.0.2",
      "numpy 2.2.0",
      "requests 2.32.4",
    ]);
  });

  test("uv.lock's groups come from its members' edges: main, extras, dependency groups", () => {
    const groups = Object.fromEntries(diff.changes.map((c) => [c.key, c.groups]));
    expect(groups).toMatchObject({
      idna: ["main"],
      rich: ["extra:cli"],
      ruff: ["dev", "lint"],
      pytest: ["dev"],
    });
  });

  test("a fork's entries pair by version: one version bump of one fork is one upgrade", () => {
    const forked = parseLock(
      readFileSync(fixture("lock-diff/uv/uv.lock"), "utf8").replace(
        /version = "2\.2\.0"/g,
        'version = "2.2.1"',
      ),
      "uv.lock",
    );
    const forks = diffLocks(head, forked, directKeys(forked, undefined));
    expect(forks.changes.map((c) => [c.kind, c.key, c.from, c.to])).toEqual([
      ["upgraded", "numpy", "2.2.0", "2.2.1"],
    ]);
  });

  test("no base: a new lockfile, every package added", () => {
    const fresh = diffLocks(undefined, head, directKeys(head, undefined));
    expect(fresh.newLock).toBe(true);
    expect(fresh.counts).toEqual({ added: head.packages.length, removed: 0, changed: 0 });
  });

  test("the same lock twice: nothing", () => {
    expect(diffLocks(base, base, new Set()).changes).toEqual([]);
  });

  test("the Markdown names each change, hashes first", () => {
    const section = diffSection(diff, 65_000, "see the job summary");
    expect(section).toContain("### 🔍 `uv.lock`: what this change does to the lock");
    expect(section).toContain("**3 added, 1 removed, 4 changed**");
    expect(section).toContain("requires-python: `>=3.11` → `>=3.12`");
    expect(section).toContain(
      "| 🔁 changed | `click` | 8.1.7 | 8.1.7 | ⚠️ same version, other file hashes; direct; groups: main |",
    );
    expect(section).toContain(
      "| ➕ added | `idna` |  | 3.10 | pulled in by requests; groups: main |",
    );
    expect(section).toContain(
      "source: PyPI → git https://github.com/pytest-dev/pytest@5f5f6d8bdb8e1f1f0b5e9b7f6e4a2c1d0e9f8a7b",
    );
    expect(section).toContain("| ➖ removed | `rich` | 13.7.1 |  | direct; groups: extra:cli |");
    expect(section).not.toContain("<details>");
  });
});

describe("diffLocks: pylock.toml (audit's real pylock → a hand-written head)", () => {
  const base = parseLock(
    readFileSync(fixture("lock-diff/pylock/pylock.base.toml"), "utf8"),
    "pylock.toml",
  );
  const head = readLock(fixture("lock-diff/pylock/pylock.toml"), "pylock.toml");
  const { data, text } = readTomlFile(fixture("audit/pylock/pyproject.toml"), "pyproject.toml");
  const diff = diffLocks(base, head, directKeys(head, manifestOf(data, text, "pyproject.toml")));

  test("an added, a removed, an upgraded package, another index and a new marker", () => {
    expect(
      diff.changes.map((c) => [c.kind, c.key, c.from, c.to, c.direct, c.source?.to, c.marker]),
    ).toEqual([
      ["added", "certifi", undefined, "2024.8.30", false, undefined, undefined],
      [
        "changed",
        "idna",
        "3.7",
        "3.7",
        false,
        { kind: "registry", url: "https://mirror.example/simple" },
        undefined,
      ],
      ["removed", "jinja2", "2.10", undefined, true, undefined, undefined],
      ["upgraded", "requests", "2.30.0", "2.32.3", true, undefined, undefined],
      [
        "changed",
        "urllib3",
        "1.26.4",
        "1.26.4",
        true,
        undefined,
        { from: undefined, to: "python_version < '3.10'" },
      ],
    ]);
  });
});

/** A uv.lock of `count` registry packages at `version`, each file hashed from `seed`. */
function bigUvLock(count: number, version: string, seed: string): string {
  const entries = Array.from({ length: count }, (_, i) => {
    const name = `package-number-${String(i).padStart(4, "0")}`;
    const hash = (seed + String(i)).padStart(64, "0").slice(-64);
    return [
      "[[package]]",
      `name = "${name}"`,
      `version = "${version}"`,
      'source = { registry = "https://pypi.org/simple" }',
      `sdist = { url = "https://files.example/${name}-${version}.tar.gz", hash = "sha256:${hash}", size = 1000 }`,
    ].join("\n");
  });
  return `version = 1\nrevision = 2\nrequires-python = ">=3.9"\n\n${entries.join("\n\n")}\n`;
}

describe("a 1,000-package lock rewrite", () => {
  const base = parseLock(bigUvLock(1000, "1.0.0", "a"), "uv.lock");
  const head = parseLock(bigUvLock(1000, "1.0.1", "b"), "uv.lock");
  const diff = diffLocks(base, head, new Set());

  test("is 1,000 upgrades", () => {
    expect(diff.counts).toEqual({ added: 0, removed: 0, changed: 1000 });
  });

  test("the comment stays under GitHub's limit and summarises what does not fit", () => {
    const body = commentBody([], [diff]) as string;
    expect(body.length).toBeLessThan(COMMENT_LIMIT);
    expect(body.length).toBeGreaterThan(COMMENT_LIMIT / 2);
    expect(body).toContain("<details><summary>");
    expect(body).toMatch(
      /… and \d+ more \(\d+ changed\): the job summary and the `diff` output list every change\./,
    );
  });

  test("same version, rehashed throughout: 1,000 warnings, and the comment still fits", () => {
    const rehashed = parseLock(bigUvLock(1000, "1.0.0", "c"), "uv.lock");
    const rewrite = diffLocks(base, rehashed, new Set());
    expect(hashFindings(rewrite)).toHaveLength(1000);
    const body = commentBody([], [rewrite]) as string;
    expect(body.length).toBeLessThan(COMMENT_LIMIT);
    expect(body).toContain("⚠️ 1000 packages keep their version with other file hashes");
  });

  test("a 6,000-package rewrite: the diff output keeps the counts only, with a warning", () => {
    const [from, to] = [bigUvLock(6000, "1.0.0", "a"), bigUvLock(6000, "2.0.0", "b")];
    const huge = diffLocks(parseLock(from, "uv.lock"), parseLock(to, "uv.lock"), new Set());
    const io = recordingIo();
    setDiffOutputs([huge], io);
    expect(io.outputs.changed).toBe("6000");
    expect(JSON.parse(io.outputs.diff)).toEqual([
      expect.objectContaining({ changes: [], counts: { added: 0, removed: 0, changed: 6000 } }),
    ]);
    expect(io.warnings[0].message).toMatch(/over GitHub's 1 MiB of step outputs/);
  });
});
