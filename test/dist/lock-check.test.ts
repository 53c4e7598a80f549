import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { contentsKey, type RunningGitHubApi, startGitHubApi } from "../harness/github-api.js";
import {
  describeWithOracles,
  ORACLE_TIMEOUT_MS,
  ORACLES_SCRIPT,
  oracleName,
} from "../harness/oracles.js";
import {
  type PullRequestRepo,
  pullRequestEvent,
  pullRequestRepo,
  shallowClone,
} from "../harness/pull-request-repo.js";
import { repoRoot, runAction } from "../harness/runner.js";

const fixtures = path.join(repoRoot, "test/fixtures/lockfiles");
const uvApp = path.join(repoRoot, "test/fixtures/lock-check/uv-app");

/** A fresh workspace holding a copy of `source` (outside git, so nothing reads history). */
function workspaceWith(source: string, edit?: (dir: string) => void): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pyship-lock-check-"));
  cpSync(source, dir, { recursive: true });
  edit?.(dir);
  return dir;
}

const editFile = (dir: string, name: string, change: (text: string) => string) =>
  writeFileSync(path.join(dir, name), change(readFileSync(path.join(dir, name), "utf8")));

describe("lock-check through the bundled action", () => {
  test.each([
    ["uv-flask-example", ["uv.lock"]],
    ["resume-cli", ["poetry.lock"]],
    ["vscode-python-tools-extension-template", ["requirements.txt"]],
  ])("the real-world pair %s is up to date", async (name, lockfiles) => {
    const result = await runAction({
      action: "lock-check",
      workspace: workspaceWith(path.join(fixtures, name)),
    });
    expect(result.annotations).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.outputs).toEqual({
      drift: "false",
      lockfiles: lockfiles.join("\n"),
      findings: "[]",
      added: "0",
      removed: "0",
      changed: "0",
      diff: "[]",
    });
    for (const lockfile of lockfiles)
      expect(result.summary).toContain(`\`${lockfile}\` ✅ up to date`);
  });

  // gilded-rose-python's pdm.lock (lock_version 4.4.1) carries PDM ≤ 2.15's hash; PDM 2.29.3 says stale.
  test("a hash only an older PDM's recipe reproduces is drift, naming the recipe", async () => {
    const result = await runAction({
      action: "lock-check",
      workspace: workspaceWith(path.join(fixtures, "gilded-rose-python")),
    });
    expect(result.exitCode).toBe(1);
    expect(result.outputs.lockfiles).toBe("pdm.lock\nPipfile.lock");
    const [finding, ...others] = result.annotations;
    expect(finding).toMatchObject({
      level: "error",
      title: "hash-recipe",
      file: "pdm.lock",
      line: 8,
    });
    expect(finding.message).toContain("PDM <=2.15 (overrides) (lock_version 4.4.1)");
    expect(finding.message).toContain("PDM 2.29 also hashes the whole [tool.pdm.resolution] table");
    expect(finding.message).toMatch(/Run: pdm lock$/);
    expect(others).toEqual([
      {
        level: "error",
        message: "lock-check: pdm.lock has drifted from the manifest; see the findings above.",
      },
    ]);
    expect(result.summary).toContain("`Pipfile.lock` ✅ up to date");
  });

  test("hash-recipes: any accepts the older recipe with a notice", async () => {
    const result = await runAction({
      action: "lock-check",
      workspace: workspaceWith(path.join(fixtures, "gilded-rose-python")),
      inputs: { "hash-recipes": "any" },
    });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.drift).toBe("false");
    expect(result.annotations).toEqual([
      expect.objectContaining({ level: "notice", title: "hash-recipe", file: "pdm.lock" }),
    ]);
    expect(result.annotations[0].message).toContain("accepted because hash-recipes is 'any'");
  });

  test("a bad hash-recipes names the allowed values", async () => {
    const result = await runAction({
      action: "lock-check",
      workspace: workspaceWith(uvApp),
      inputs: { "hash-recipes": "newest" },
    });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      "::error::lock-check: input 'hash-recipes' must be one of current, any; got 'newest'",
    );
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /);
  });

  // A Poetry 1.1 lock's hash leaves groups out; Poetry 2.3.4 hashes them, and says stale.
  test("a Poetry 1.1 lock plus a new optional group is stale, with Poetry 2's command", async () => {
    const workspace = workspaceWith(
      path.join(repoRoot, "test/fixtures/lock-check/poetry-1.1-lock"),
      (dir) =>
        editFile(
          dir,
          "pyproject.toml",
          (t) =>
            `${t}\n[tool.poetry.group.docs]\noptional = true\n\n[tool.poetry.group.docs.dependencies]\nattrs = "*"\n`,
        ),
    );
    const result = await runAction({ action: "lock-check", workspace });
    expect(result.exitCode).toBe(1);
    expect(result.annotations[0]).toMatchObject({
      level: "error",
      title: "hash-recipe",
      file: "poetry.lock",
    });
    expect(result.annotations[0].message).toContain("Poetry 1.1 (lock_version 1.1)");
    expect(result.annotations[0].message).toContain("[tool.poetry.group.*]");
    expect(result.annotations[0].message).toMatch(/Run: poetry lock$/);
  });

  test("a lock that names Poetry 1.x gets Poetry 1.x's command", async () => {
    const workspace = workspaceWith(
      path.join(repoRoot, "test/fixtures/lock-check/poetry-1.1-lock"),
      (dir) => {
        editFile(
          dir,
          "poetry.lock",
          (t) =>
            `# This file is automatically @generated by Poetry 1.8.3 and should not be changed by hand.\n${t}`,
        );
        editFile(dir, "pyproject.toml", (t) =>
          t.replace(
            /^\[tool\.poetry\.dependencies\]\n/m,
            '[tool.poetry.dependencies]\nkappa = "*"\n',
          ),
        );
      },
    );
    const result = await runAction({ action: "lock-check", workspace });
    expect(result.exitCode).toBe(1);
    expect(result.annotations[0]).toMatchObject({ level: "error", title: "not-locked" });
    expect(result.annotations[0].message).toMatch(/Run: poetry lock --no-update$/);
  });

  test("a self-referencing extra (pdm[template] in pdm) is not a package to lock", async () => {
    const result = await runAction({
      action: "lock-check",
      workspace: workspaceWith(path.join(repoRoot, "test/fixtures/lock-check/pdm-self-extras")),
    });
    expect(result.exitCode).toBe(0);
    expect(result.annotations).toEqual([]);
  });

  test("a bare Pipfile version reads as ==, as pipenv does", async () => {
    const workspace = workspaceWith(path.join(fixtures, "gilded-rose-python"), (dir) =>
      editFile(dir, "Pipfile", (t) => t.replace('pytest = "*"', 'pytest = "7.0.0"')),
    );
    const result = await runAction({
      action: "lock-check",
      workspace,
      inputs: { lockfile: "Pipfile.lock" },
    });
    expect(result.exitCode).toBe(1);
    expect(result.annotations[0]).toMatchObject({
      level: "error",
      title: "unsatisfied",
      file: "Pipfile",
    });
    expect(result.annotations[0].message).toContain(
      "pytest: Pipfile asks for ==7.0.0 (develop), Pipfile.lock has 7.4.3.",
    );
    expect(result.stdout + result.stderr).not.toMatch(/TypeError|\n\s+at /);
  });

  test("drift names the dependency, its line and the fix, and fails the step", async () => {
    const workspace = workspaceWith(uvApp, (dir) =>
      editFile(dir, "pyproject.toml", (t) => t.replace('"requests>=2.31"', '"requests>=2.32.4"')),
    );
    const result = await runAction({ action: "lock-check", workspace });
    expect(result.exitCode).toBe(1);
    const message =
      "requests: pyproject.toml asks for >=2.32.4, uv.lock has 2.32.3 (locked for >=2.31). Run: uv lock";
    expect(result.annotations).toEqual([
      { level: "error", title: "specifier-changed", file: "pyproject.toml", line: 7, message },
      {
        level: "error",
        message: "lock-check: uv.lock has drifted from the manifest; see the findings above.",
      },
    ]);
    expect(result.outputs.drift).toBe("true");
    expect(JSON.parse(result.outputs.findings)).toEqual([
      {
        lockfile: "uv.lock",
        code: "specifier-changed",
        package: "requests",
        declared: ">=2.32.4",
        locked: "2.32.3",
        file: "pyproject.toml",
        line: 7,
        message:
          "requests: pyproject.toml asks for >=2.32.4, uv.lock has 2.32.3 (locked for >=2.31).",
        fix: "Run: uv lock",
      },
    ]);
    expect(result.summary).toContain("`uv.lock` ❌ drifted (1 finding)");
    expect(result.summary).toContain("| ❌ error | `specifier-changed` | `pyproject.toml:7` |");
  });

  test("fail-on-drift: false reports drift without failing", async () => {
    const workspace = workspaceWith(uvApp, (dir) =>
      editFile(dir, "pyproject.toml", (t) => t.replace('"requests>=2.31"', '"requests>=3"')),
    );
    const result = await runAction({
      action: "lock-check",
      workspace,
      inputs: { "fail-on-drift": "false" },
    });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.drift).toBe("true");
  });

  test("malformed TOML gives an error at the parser's line and column, without a stack", async () => {
    const workspace = workspaceWith(uvApp, (dir) =>
      editFile(dir, "uv.lock", (t) => t.replace("[[package]]", "[[package]")),
    );
    const result = await runAction({ action: "lock-check", workspace });
    expect(result.exitCode).toBe(1);
    expect(result.annotations).toEqual([
      expect.objectContaining({ level: "error", file: "uv.lock", line: 5, column: 11 }),
    ]);
    expect(result.annotations[0].message).toMatch(
      /^lock-check: uv.lock is not valid TOML: .* \(line 5, column 11\)$/,
    );
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /);
  });

  test("malformed JSON too", async () => {
    const workspace = workspaceWith(path.join(fixtures, "gilded-rose-python"), (dir) =>
      editFile(dir, "Pipfile.lock", (t) => t.replace('"pipfile-spec": 6,', '"pipfile-spec": 6,,')),
    );
    const result = await runAction({ action: "lock-check", workspace });
    expect(result.exitCode).toBe(1);
    expect(result.annotations[0]).toMatchObject({ level: "error", file: "Pipfile.lock", line: 6 });
  });

  test("a project with a tool config and no lockfile", async () => {
    const workspace = workspaceWith(path.join(fixtures, "resume-cli"), (dir) =>
      rmSync(path.join(dir, "poetry.lock")),
    );
    const result = await runAction({ action: "lock-check", workspace });
    expect(result.exitCode).toBe(1);
    expect(result.annotations[0]).toEqual({
      level: "error",
      title: "missing-lockfile",
      file: "pyproject.toml",
      line: 1,
      message:
        "poetry.lock is missing: pyproject.toml has [tool.poetry], but no lockfile was committed. Run: poetry lock",
    });
    expect(result.outputs.lockfiles).toBe("");
  });

  test("an explicit lockfile checks only that one; a missing one names the input", async () => {
    const workspace = workspaceWith(path.join(fixtures, "gilded-rose-python"));
    const one = await runAction({
      action: "lock-check",
      workspace,
      inputs: { lockfile: "Pipfile.lock" },
    });
    expect(one.outputs.lockfiles).toBe("Pipfile.lock");
    const missing = await runAction({
      action: "lock-check",
      workspace,
      inputs: { lockfile: "nope.lock" },
    });
    expect(missing.exitCode).toBe(1);
    expect(missing.stdout).toContain(
      "::error::lock-check: input 'lockfile': 'nope.lock' cannot be used: it does not exist",
    );
  });

  test("a bad mode names the allowed values", async () => {
    const result = await runAction({
      action: "lock-check",
      workspace: workspaceWith(uvApp),
      inputs: { mode: "both" },
    });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      "::error::lock-check: input 'mode' must be one of static, tool; got 'both'",
    );
  });

  describe("pip-compile requirements", () => {
    const template = path.join(fixtures, "vscode-python-tools-extension-template");

    test("a requirement dropped from the .in leaves an orphaned pin", async () => {
      const workspace = workspaceWith(template, (dir) =>
        editFile(dir, "requirements.in", (t) => t.replace("packaging\n", "")),
      );
      const result = await runAction({ action: "lock-check", workspace });
      const findings = JSON.parse(result.outputs.findings);
      expect(findings).toEqual([
        expect.objectContaining({
          code: "not-declared",
          package: "packaging",
          file: "requirements.txt",
          line: 25,
        }),
      ]);
      expect(findings[0].fix).toBe("Run: pip-compile --generate-hashes ./requirements.in");
    });

    test("a new requirement with no pin, and a pin without hashes", async () => {
      const workspace = workspaceWith(template, (dir) => {
        editFile(dir, "requirements.in", (t) => `${t}requests>=2\n`);
        editFile(dir, "requirements.txt", (t) =>
          t.replace(/pygls==1\.2\.1 \\\n(\s+--hash=\S+ \\\n)?\s+--hash=\S+\n/, "pygls==1.2.1\n"),
        );
      });
      const result = await runAction({ action: "lock-check", workspace });
      const findings = JSON.parse(result.outputs.findings);
      expect(findings.map((f: { code: string; package: string }) => [f.code, f.package])).toEqual([
        ["not-locked", "requests"],
        ["missing-hashes", "pygls"],
      ]);
    });
  });

  describe("the PR comment", () => {
    let api: RunningGitHubApi;
    beforeAll(async () => {
      api = await startGitHubApi({ token: "ghs_comment_test" });
    });
    afterAll(() => api.close());

    const onPullRequest = (workspace: string) =>
      runAction({
        action: "lock-check",
        workspace,
        inputs: { comment: "true", "github-token": "ghs_comment_test", "fail-on-drift": "false" },
        event: { name: "pull_request", payload: { number: 7, pull_request: { number: 7 } } },
        env: { GITHUB_API_URL: api.url },
      });

    test("is created, then updated, then deleted once the drift is gone", async () => {
      const drift = (spec: string) =>
        workspaceWith(uvApp, (dir) =>
          editFile(dir, "pyproject.toml", (t) => t.replace('"requests>=2.31"', spec)),
        );
      await onPullRequest(drift('"requests>=3"'));
      let comments = api.comments("pyship-test", "example", 7);
      expect(comments).toHaveLength(1);
      expect(comments[0].body).toContain("<!-- pyship:lock-check -->");
      expect(comments[0].body).toContain("requests: pyproject.toml asks for >=3");

      await onPullRequest(drift('"requests>=4"'));
      comments = api.comments("pyship-test", "example", 7);
      expect(comments).toHaveLength(1);
      expect(comments[0].body).toContain("asks for >=4");

      const clean = await onPullRequest(workspaceWith(uvApp));
      expect(clean.exitCode).toBe(0);
      expect(api.comments("pyship-test", "example", 7)).toHaveLength(0);
      expect(api.requests.map((r) => r.method)).toEqual([
        "GET",
        "POST",
        "GET",
        "PATCH",
        "GET",
        "DELETE",
      ]);
      expect(JSON.stringify(clean) + JSON.stringify(api.requests)).not.toContain(
        "ghs_comment_test",
      );
    });
  });
});

describe("the lock diff on a pull request, through the bundle", () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), "pyship-lock-diff-"));
  const read = (...parts: string[]) =>
    readFileSync(path.join(repoRoot, "test/fixtures", ...parts), "utf8");
  const files = (dir: string, names: string[]) =>
    Object.fromEntries(names.map((name) => [name, read(dir, name)]));
  /** The head's blinker entry gone and flask at 3.0.2: the head upgrades flask and adds blinker. */
  const olderPoetry = (t: string) =>
    t
      .replace(/\[\[package\]\]\nname = "blinker"[\s\S]*?(?=\[\[package\]\])/, "")
      .replace('version = "3.0.3"', 'version = "3.0.2"');

  /** format, head files, the base's lockfile name and text, and a row the summary must have. */
  const cases: [string, Record<string, string>, string, string, string][] = [
    [
      "uv",
      files("lock-check/uv-app", ["pyproject.toml", "uv.lock"]),
      "uv.lock",
      read("lock-diff/uv/uv.lock"),
      "| ➕ added | `rich` |  | 13.7.1 | direct; groups: extra:cli |",
    ],
    [
      "poetry",
      files("lockfiles/resume-cli", ["pyproject.toml", "poetry.lock"]),
      "poetry.lock",
      olderPoetry(read("lockfiles/resume-cli/poetry.lock")),
      "| ➕ added | `blinker` |  | 1.8.2 | pulled in by flask |",
    ],
    [
      "pdm",
      files("lockfiles/gilded-rose-python", ["pyproject.toml", "pdm.lock"]),
      "pdm.lock",
      read("lockfiles/gilded-rose-python/pdm.lock").replace(
        'version = "3.1.0"',
        'version = "3.2.0"',
      ),
      "| ⬇️ downgraded | `astroid` | 3.2.0 | 3.1.0 |",
    ],
    [
      "pipfile",
      files("lockfiles/gilded-rose-python", ["Pipfile", "Pipfile.lock"]),
      "Pipfile.lock",
      read("lockfiles/gilded-rose-python/Pipfile.lock").replace(
        '"version": "==3.0.1"',
        '"version": "==3.0.0"',
      ),
      "| ⬆️ upgraded |",
    ],
    [
      "requirements",
      files("lockfiles/vscode-python-tools-extension-template", [
        "requirements.in",
        "requirements.txt",
      ]),
      "requirements.txt",
      read("lockfiles/vscode-python-tools-extension-template/requirements.txt").replace(
        "pygls==1.2.1",
        "pygls==1.1.0",
      ),
      "| ⬆️ upgraded | `pygls` | 1.1.0 | 1.2.1 | direct |",
    ],
    [
      "pylock",
      {
        "pyproject.toml": read("audit/pylock/pyproject.toml"),
        "pylock.toml": read("lock-diff/pylock/pylock.toml"),
      },
      "pylock.toml",
      read("lock-diff/pylock/pylock.base.toml"),
      "| ➕ added | `certifi` |  | 2024.8.30 | transitive |",
    ],
  ];

  test.each(cases)(
    "%s: the counts, the JSON and the summary",
    async (_, head, lockfile, base, row) => {
      const repo = pullRequestRepo(scratch, { ...head, [lockfile]: base }, head);
      const result = await runAction({
        action: "lock-check",
        workspace: repo.dir,
        inputs: { lockfile, "fail-on-drift": "false" },
        event: pullRequestEvent(repo),
      });
      expect(result.exitCode).toBe(0);
      const [diff] = JSON.parse(result.outputs.diff);
      expect(diff).toMatchObject({ file: lockfile, newLock: false });
      const { added, removed, changed } = diff.counts;
      expect([result.outputs.added, result.outputs.removed, result.outputs.changed]).toEqual(
        [added, removed, changed].map(String),
      );
      expect(added + removed + changed).toBeGreaterThan(0);
      expect(result.summary).toContain(`### 🔍 \`${lockfile}\`: what this change does to the lock`);
      expect(result.summary).toContain(row);
      expect(result.stdout).toContain(
        `lock-check: ${lockfile} compared with the base ${repo.baseSha.slice(0, 12)} (read through git)`,
      );
    },
  );

  test("a new lockfile: everything added; outside a PR, no diff", async () => {
    const head = files("lock-check/uv-app", ["pyproject.toml", "uv.lock"]);
    const repo = pullRequestRepo(scratch, { "pyproject.toml": head["pyproject.toml"] }, head);
    const result = await runAction({
      action: "lock-check",
      workspace: repo.dir,
      event: pullRequestEvent(repo),
    });
    expect([result.outputs.added, result.outputs.removed, result.outputs.changed]).toEqual([
      "6",
      "0",
      "0",
    ]);
    expect(result.summary).toContain("### 🔍 `uv.lock`: a new lockfile");
    const push = await runAction({ action: "lock-check", workspace: repo.dir });
    expect([push.outputs.added, push.outputs.diff]).toEqual(["0", "[]"]);
  });

  test("same version, other hashes: a hashes-changed warning annotation", async () => {
    const head = files("lock-check/uv-app", ["pyproject.toml", "uv.lock"]);
    const repo = pullRequestRepo(
      scratch,
      { ...head, "uv.lock": read("lock-diff/uv/uv.lock") },
      head,
    );
    const result = await runAction({
      action: "lock-check",
      workspace: repo.dir,
      event: pullRequestEvent(repo),
    });
    expect(result.exitCode).toBe(0);
    expect(result.annotations).toEqual([
      expect.objectContaining({ level: "warning", title: "hashes-changed", file: "uv.lock" }),
    ]);
    expect(result.annotations[0].message).toContain("click 8.1.7: uv.lock keeps the version");
  });

  describe("the PR comment", () => {
    const contents = new Map<string, string>();
    let api: RunningGitHubApi;
    beforeAll(async () => {
      api = await startGitHubApi({ token: "ghs_diff_test", contents });
    });
    afterAll(() => api.close());

    const onPullRequest = (workspace: string, repo: PullRequestRepo) =>
      runAction({
        action: "lock-check",
        workspace,
        inputs: { comment: "true", "github-token": "ghs_diff_test", "fail-on-drift": "false" },
        event: pullRequestEvent(repo, 11),
        env: { GITHUB_API_URL: api.url },
      });
    const comments = () => api.comments("pyship-test", "example", 11);

    test("is created with the diff, updated with drift, and deleted with neither", async () => {
      const head = files("lock-check/uv-app", ["pyproject.toml", "uv.lock"]);
      const changed = pullRequestRepo(
        scratch,
        { ...head, "uv.lock": read("lock-diff/uv/uv.lock") },
        head,
      );
      const created = await onPullRequest(changed.dir, changed);
      expect(created.stdout).toContain("lock-check: PR comment created");
      expect(comments()).toHaveLength(1);
      expect(comments()[0].body).toContain("## 🔒 lock-check: what this PR changes in the lock");
      expect(comments()[0].body).toContain("**1 added, 3 removed, 4 changed**");

      const drifted = {
        ...head,
        "pyproject.toml": head["pyproject.toml"].replace('"requests>=2.31"', '"requests>=3"'),
      };
      const drift = pullRequestRepo(
        scratch,
        { ...head, "uv.lock": read("lock-diff/uv/uv.lock") },
        drifted,
      );
      const updated = await onPullRequest(drift.dir, drift);
      expect(updated.stdout).toContain("lock-check: PR comment updated");
      const body = comments()[0].body;
      expect(body).toContain("## 🔒 lock-check: lockfile drift");
      expect(body.indexOf("### 🔍 `uv.lock`")).toBeLessThan(body.indexOf("### `uv.lock` drifted"));

      const same = pullRequestRepo(scratch, head, { "README.md": "changed\n" });
      const deleted = await onPullRequest(same.dir, same);
      expect(deleted.stdout).toContain("lock-check: PR comment deleted");
      expect(comments()).toHaveLength(0);
    });

    test("a shallow checkout reads the base through the contents API; a 1,000-package rewrite fits", async () => {
      const lock = (version: string, seed: string) =>
        `version = 1\nrevision = 2\nrequires-python = ">=3.11"\n\n${Array.from(
          { length: 1000 },
          (_, i) => {
            const name = `package-number-${String(i).padStart(4, "0")}`;
            const hash = (seed + String(i)).padStart(64, "0").slice(-64);
            return `[[package]]\nname = "${name}"\nversion = "${version}"\nsource = { registry = "https://pypi.org/simple" }\nsdist = { url = "https://files.example/${name}-${version}.tar.gz", hash = "sha256:${hash}", size = 1000 }\n`;
          },
        ).join("\n")}`;
      const pyproject = '[project]\nname = "big"\nversion = "0"\nrequires-python = ">=3.11"\n';
      const head = { "uv.lock": lock("1.0.1", "b") };
      const base = { "pyproject.toml": pyproject, "uv.lock": lock("1.0.0", "a") };
      const repo = pullRequestRepo(scratch, base, head);
      contents.set(contentsKey("pyship-test/example", repo.baseSha, "uv.lock"), lock("1.0.0", "a"));
      const clone = shallowClone(repo.dir, scratch);
      const result = await onPullRequest(clone, repo);
      expect(result.stdout).toContain("(read through contents-api)");
      expect(result.outputs.changed).toBe("1000");
      const [comment] = comments();
      expect(comment.body.length).toBeLessThan(65_536);
      expect(comment.body).toMatch(/… and \d+ more \(\d+ changed\)/);
      expect(result.summary).toContain("package-number-0999");
    });
  });
});

/** A PATH holding `pipenv`: Debian 12's (/usr/bin), or a wrapper running today's in the oracle chroot. */
function pipenvPath(toolset: "current" | "debian12"): string {
  if (toolset === "debian12") return process.env.PATH ?? "";
  const bin = mkdtempSync(path.join(os.tmpdir(), "pyship-oracle-bin-"));
  const wrapper = path.join(bin, "pipenv");
  writeFileSync(
    wrapper,
    `#!/bin/sh\nexec bash ${ORACLES_SCRIPT} run --cwd "$PWD" -- pipenv "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  return `${bin}${path.delimiter}${process.env.PATH ?? ""}`;
}

function modeToolSuite(toolset: "current" | "debian12") {
  const name =
    toolset === "current" ? oracleName("pipenv") : "Debian 12's pipenv 2022.12 (second opinion)";
  (toolset === "current" ? describeWithOracles : describe)(`mode: tool, with ${name}`, () => {
    const gildedRose = path.join(fixtures, "gilded-rose-python");
    const PATH = pipenvPath(toolset);
    const withPipenv = (workspace: string) =>
      runAction({
        action: "lock-check",
        workspace,
        inputs: { mode: "tool", lockfile: "Pipfile.lock" },
        env: {
          HOME: mkdtempSync(path.join(os.tmpdir(), "pyship-home-")),
          PIPENV_IGNORE_VIRTUALENVS: "1",
          PATH,
        },
      });

    test(
      "agreeing with pipenv verify adds nothing",
      async () => {
        const result = await withPipenv(workspaceWith(gildedRose));
        expect(result.exitCode).toBe(0);
        expect(result.stdout).toContain("`pipenv verify` says up to date");
        expect(result.annotations).toEqual([]);
      },
      ORACLE_TIMEOUT_MS,
    );

    // Only pipenv ≥ 2026.4's hashing accepts the respelled name; Debian's pipenv 2022.12 does not.
    test(
      toolset === "current"
        ? "a respelled name: pipenv agrees it is fresh; a notice names the recipe"
        : "a respelled name: the disagreement with the older pipenv is a warning",
      async () => {
        const workspace = workspaceWith(gildedRose, (dir) =>
          editFile(dir, "Pipfile", (t) => t.replace('pytest = "*"', 'PyTest = "*"')),
        );
        const result = await withPipenv(workspace);
        expect(result.exitCode).toBe(0);
        if (toolset === "current") {
          expect(result.stdout).toContain("`pipenv verify` says up to date");
          expect(result.annotations.map((a) => [a.level, a.title])).toEqual([
            ["notice", "hash-recipe"],
          ]);
          return;
        }
        expect(result.annotations.map((a) => [a.level, a.title])).toEqual([
          ["notice", "hash-recipe"],
          ["warning", "tool-disagrees"],
        ]);
        expect(result.annotations[1].message).toContain(
          "`pipenv verify` says out of date, the static check says up to date.",
        );
      },
      ORACLE_TIMEOUT_MS,
    );
  });
}

modeToolSuite("current");
modeToolSuite("debian12");
