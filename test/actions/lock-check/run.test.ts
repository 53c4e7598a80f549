import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { loadInputs } from "../../../actions/lock-check/inputs.js";
import { type LockCheckDeps, run } from "../../../actions/lock-check/run.js";
import { parseLock } from "../../../shared/lockfiles/index.js";
import { InputReader, inputVariable } from "../../../shared/runtime/index.js";
import type { BaseLock, BaseRevision } from "../../../shared/workspace/base-lock.js";
import { type RunningGitHubApi, startGitHubApi } from "../../harness/github-api.js";
import { runInProcess, summaryText } from "../../harness/recording-io.js";
import { repoRoot } from "../../harness/runner.js";

const uvApp = path.join(repoRoot, "test/fixtures/lock-check/uv-app");
const gildedRose = path.join(repoRoot, "test/fixtures/lockfiles/gilded-rose-python");

function workspaceWith(source?: string, edit?: (dir: string) => void): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pyship-lock-check-run-"));
  if (source) cpSync(source, dir, { recursive: true });
  edit?.(dir);
  return dir;
}

const drifted = (spec: string) =>
  workspaceWith(uvApp, (dir) => {
    const file = path.join(dir, "pyproject.toml");
    writeFileSync(file, readFileSync(file, "utf8").replace('"requests>=2.31"', spec));
  });

/** The step's environment: the workspace and the inputs as the runner sets them. */
function stepEnv(workspace: string, inputs: Record<string, string> = {}) {
  const env: Record<string, string> = { GITHUB_WORKSPACE: workspace };
  for (const [name, value] of Object.entries(inputs)) env[inputVariable(name)] = value;
  return env;
}

const noTool: LockCheckDeps["toolCheck"] = async () => undefined;

/** The diff outputs outside a pull request: nothing compared. */
const noDiff = { added: "0", removed: "0", changed: "0", diff: "[]" };

/** Loads the inputs and runs the action in-process, as index.ts does. */
function lockCheck(
  workspace: string,
  inputs: Record<string, string> = {},
  deps: Partial<LockCheckDeps> = {},
) {
  const env = stepEnv(workspace, inputs);
  return runInProcess("lock-check", (io) =>
    run(loadInputs(new InputReader(env), env), io, { env, toolCheck: noTool, ...deps }),
  );
}

describe("lock-check's run(), in-process", () => {
  test("an up-to-date uv project: outputs, a clean report, no annotations", async () => {
    const { io, exitCode } = await lockCheck(workspaceWith(uvApp));
    expect(exitCode).toBe(0);
    expect(io.errors).toEqual([]);
    expect(io.findings).toEqual([]);
    expect(io.outputs).toEqual({
      drift: "false",
      lockfiles: "uv.lock",
      findings: "[]",
      ...noDiff,
    });
    expect(io.reports).toEqual([
      { title: "lock-check: `uv.lock` ✅ up to date", findings: [], clean: "✅ up to date" },
    ]);
  });

  test("drift: a finding with file and line, the findings output, and a failed step", async () => {
    const { io, exitCode } = await lockCheck(drifted('"requests>=2.32.4"'));
    expect(exitCode).toBe(1);
    expect(io.findings).toEqual([
      expect.objectContaining({
        severity: "error",
        code: "specifier-changed",
        file: "pyproject.toml",
        line: 7,
        fix: "Run: uv lock",
      }),
    ]);
    expect(io.outputs.drift).toBe("true");
    expect(JSON.parse(io.outputs.findings)).toEqual([
      expect.objectContaining({ lockfile: "uv.lock", code: "specifier-changed", line: 7 }),
    ]);
    expect(io.reports[0].title).toBe("lock-check: `uv.lock` ❌ drifted (1 finding)");
    expect(io.errors).toEqual([
      {
        message: "lock-check: uv.lock has drifted from the manifest; see the findings above.",
        location: {},
      },
    ]);
  });

  test("fail-on-drift: false reports the drift and passes", async () => {
    const { io, exitCode } = await lockCheck(drifted('"requests>=3"'), {
      "fail-on-drift": "false",
    });
    expect(exitCode).toBe(0);
    expect(io.outputs.drift).toBe("true");
    expect(io.findings).toHaveLength(1);
    expect(io.errors).toEqual([]);
  });

  test("no lockfile: a notice and a summary, drift false", async () => {
    const workspace = workspaceWith(undefined, (dir) =>
      writeFileSync(path.join(dir, "pyproject.toml"), '[project]\nname = "x"\n'),
    );
    const { io, exitCode } = await lockCheck(workspace);
    expect(exitCode).toBe(0);
    expect(io.notices).toEqual([
      { message: "lock-check: no lockfile found in .", location: undefined },
    ]);
    expect(summaryText(io)).toContain("No lockfile found: nothing to check.");
    expect(io.outputs).toEqual({ drift: "false", lockfiles: "", findings: "[]", ...noDiff });
  });

  test("hash-recipes: any turns an older PDM recipe into a notice finding", async () => {
    const { io, exitCode } = await lockCheck(workspaceWith(gildedRose), { "hash-recipes": "any" });
    expect(exitCode).toBe(0);
    expect(io.outputs.lockfiles).toBe("pdm.lock\nPipfile.lock");
    expect(io.findings).toEqual([
      expect.objectContaining({ severity: "notice", code: "hash-recipe", file: "pdm.lock" }),
    ]);
  });

  test.each([
    [
      { "hash-recipes": "newest" },
      "input 'hash-recipes' must be one of current, any; got 'newest'",
    ],
    [{ mode: "dynamic" }, "input 'mode' must be one of static, tool; got 'dynamic'"],
    [{ "fail-on-drift": "maybe" }, "input 'fail-on-drift' must be true or false, got 'maybe'"],
    [
      { lockfile: "missing.lock" },
      "input 'lockfile': 'missing.lock' cannot be used: it does not exist",
    ],
  ])(
    "a bad input %p is one error through runAction, before any output",
    async (inputs, message) => {
      const { io, exitCode } = await lockCheck(workspaceWith(uvApp), inputs);
      expect(exitCode).toBe(1);
      expect(io.errors).toEqual([{ message: `lock-check: ${message}`, location: {} }]);
      expect(io.outputs).toEqual({});
      expect(io.debugs).toEqual([]);
    },
  );

  test("a malformed pyproject.toml is an error pointing at its file and line", async () => {
    const workspace = workspaceWith(uvApp, (dir) =>
      writeFileSync(path.join(dir, "pyproject.toml"), '[project]\nname = "x"\ndependencies = [\n'),
    );
    const { io, exitCode } = await lockCheck(workspace);
    expect(exitCode).toBe(1);
    expect(io.errors).toHaveLength(1);
    expect(io.errors[0].message).toMatch(/^lock-check: /);
    expect(io.errors[0].location).toMatchObject({
      file: "pyproject.toml",
      line: expect.any(Number),
    });
    expect(io.debugs).toEqual([]);
  });

  describe("mode: tool", () => {
    test("a tool that disagrees adds a tool-disagrees warning", async () => {
      const { io, exitCode } = await lockCheck(
        workspaceWith(uvApp),
        { mode: "tool" },
        {
          toolCheck: async () => ({
            command: "uv lock --check",
            fresh: false,
            output: "Resolved 5 packages\nThe lockfile needs to be updated\n",
          }),
        },
      );
      expect(exitCode).toBe(0);
      expect(io.infos).toContain("uv.lock: `uv lock --check` says out of date");
      expect(io.findings).toEqual([
        expect.objectContaining({ severity: "warning", code: "tool-disagrees", file: "uv.lock" }),
      ]);
      expect(io.findings[0].message).toContain("The lockfile needs to be updated");
    });

    test("a tool that agrees adds nothing; one that is missing is noted", async () => {
      const agrees = await lockCheck(
        workspaceWith(uvApp),
        { mode: "tool" },
        { toolCheck: async () => ({ command: "uv lock --check", fresh: true, output: "" }) },
      );
      expect(agrees.io.findings).toEqual([]);
      const missing = await lockCheck(workspaceWith(uvApp), { mode: "tool" });
      expect(missing.io.infos).toContain(
        "uv.lock: its tool is not on PATH; the static verdict stands alone.",
      );
    });

    test("a tool check that throws is a warning, and the static verdict stands", async () => {
      const { io, exitCode } = await lockCheck(
        workspaceWith(uvApp),
        { mode: "tool" },
        {
          toolCheck: async () => {
            throw new Error("spawn uv EACCES");
          },
        },
      );
      expect(exitCode).toBe(0);
      expect(io.warnings).toEqual([
        {
          message: "lock-check: could not run the tool check for uv.lock: spawn uv EACCES",
          location: undefined,
        },
      ]);
    });
  });

  describe("on a pull request: the lock diff against the base", () => {
    const headLock = path.join(repoRoot, "test/fixtures/lock-diff/uv/uv.lock");
    const revision: BaseRevision = {
      sha: "0123456789abcdef0123456789abcdef01234567",
      repository: "pyship-test/inproc",
      apiUrl: "http://127.0.0.1:9",
      token: "ghs_inproc_token",
    };
    /** The base as the reader would give it: the text of `file` at the base commit, or a status. */
    const baseFrom =
      (base: string | BaseLock): LockCheckDeps["readBaseLock"] =>
      async (_workspace, file) =>
        typeof base === "string"
          ? { status: "read", lock: parseLock(readFileSync(base, "utf8"), file), via: "git" }
          : base;
    const onPullRequest = (base: string | BaseLock, workspace = workspaceWith(uvApp)) =>
      lockCheck(workspace, {}, { baseRevision: () => revision, readBaseLock: baseFrom(base) });

    test("outputs the counts and the JSON, and the diff is the first summary section", async () => {
      const { io, exitCode } = await onPullRequest(headLock);
      expect(exitCode).toBe(0);
      expect([io.outputs.added, io.outputs.removed, io.outputs.changed]).toEqual(["1", "3", "4"]);
      const [diff] = JSON.parse(io.outputs.diff);
      expect(diff).toMatchObject({ file: "uv.lock", format: "uv", newLock: false });
      expect(diff.changes).toContainEqual(
        expect.objectContaining({ kind: "added", key: "rich", to: "13.7.1", direct: true }),
      );
      expect(diff.changes).toContainEqual(
        expect.objectContaining({ kind: "removed", key: "idna", pulledInBy: ["requests"] }),
      );
      const summary = summaryText(io);
      expect(summary.indexOf("### 🔍 `uv.lock`")).toBeGreaterThanOrEqual(0);
      expect(io.summaries[0]).toContain("**1 added, 3 removed, 4 changed**");
      expect(io.infos).toContain(
        "lock-check: uv.lock compared with the base 0123456789ab (read through git)",
      );
    });

    test("same version, other hashes: a hashes-changed warning, and no drift", async () => {
      const { io, exitCode } = await onPullRequest(headLock);
      expect(exitCode).toBe(0);
      expect(io.outputs.drift).toBe("false");
      expect(io.findings).toEqual([
        expect.objectContaining({
          severity: "warning",
          code: "hashes-changed",
          package: "click",
          file: "uv.lock",
        }),
      ]);
      expect(JSON.parse(io.outputs.findings)).toEqual([
        expect.objectContaining({ code: "hashes-changed", package: "click" }),
      ]);
    });

    test("no base lock: a new lockfile, every package added", async () => {
      const { io } = await onPullRequest({ status: "absent" });
      expect([io.outputs.added, io.outputs.removed, io.outputs.changed]).toEqual(["6", "0", "0"]);
      expect(JSON.parse(io.outputs.diff)[0].newLock).toBe(true);
      expect(io.summaries[0]).toContain("### 🔍 `uv.lock`: a new lockfile");
    });

    test("an unreadable base is a warning, never a failure", async () => {
      const { io, exitCode } = await onPullRequest({
        status: "unreadable",
        reason: "403 from the contents API",
      });
      expect(exitCode).toBe(0);
      expect(io.warnings).toEqual([
        {
          message:
            "lock-check: could not read uv.lock at the base 0123456789ab (403 from the contents API); no lock diff for it.",
          location: undefined,
        },
      ]);
      expect(io.outputs).toMatchObject(noDiff);
    });

    test("a reader that throws is the same warning", async () => {
      const { io, exitCode } = await lockCheck(
        workspaceWith(uvApp),
        {},
        {
          baseRevision: () => revision,
          readBaseLock: async () => {
            throw new Error("git exited 128");
          },
        },
      );
      expect(exitCode).toBe(0);
      expect(io.warnings[0].message).toContain("(git exited 128); no lock diff for it.");
    });

    test("pylock.toml: its diff only, no drift report and not in the lockfiles output", async () => {
      const pylockDir = path.join(repoRoot, "test/fixtures/lock-diff/pylock");
      const workspace = workspaceWith(undefined, (dir) => {
        cpSync(path.join(pylockDir, "pylock.toml"), path.join(dir, "pylock.toml"));
        cpSync(
          path.join(repoRoot, "test/fixtures/audit/pylock/pyproject.toml"),
          path.join(dir, "pyproject.toml"),
        );
      });
      const { io, exitCode } = await onPullRequest(
        path.join(pylockDir, "pylock.base.toml"),
        workspace,
      );
      expect(exitCode).toBe(0);
      expect(io.reports).toEqual([]);
      expect(io.outputs.lockfiles).toBe("");
      expect([io.outputs.added, io.outputs.removed, io.outputs.changed]).toEqual(["1", "1", "3"]);
      expect(io.summaries[0]).toContain("| ⬆️ upgraded | `requests` | 2.30.0 | 2.32.3 | direct |");
    });

    test("an unchanged lock: zero counts, and the summary says so", async () => {
      const { io } = await onPullRequest(path.join(uvApp, "uv.lock"));
      expect([io.outputs.added, io.outputs.removed, io.outputs.changed]).toEqual(["0", "0", "0"]);
      expect(io.summaries[0]).toContain("**no package changes**");
    });
  });

  describe("the PR comment", () => {
    let api: RunningGitHubApi;
    beforeAll(async () => {
      api = await startGitHubApi({ token: "ghs_inproc_token" });
    });
    afterAll(() => api.close());

    const onPullRequest = (workspace: string, deps: Partial<LockCheckDeps> = {}) => {
      const event = path.join(workspace, "..", `${path.basename(workspace)}-event.json`);
      writeFileSync(event, JSON.stringify({ number: 9, pull_request: { number: 9 } }));
      return lockCheck(
        workspace,
        { comment: "true", "github-token": "ghs_inproc_token", "fail-on-drift": "false" },
        {
          ...deps,
          env: {
            GITHUB_EVENT_NAME: "pull_request",
            GITHUB_EVENT_PATH: event,
            GITHUB_REPOSITORY: "pyship-test/inproc",
            GITHUB_API_URL: api.url,
          },
        },
      );
    };

    test("is created on drift and deleted once it is gone", async () => {
      const first = await onPullRequest(drifted('"requests>=3"'));
      expect(first.io.infos).toContain("lock-check: PR comment created");
      const comments = api.comments("pyship-test", "inproc", 9);
      expect(comments).toHaveLength(1);
      expect(comments[0].body).toContain("<!-- pyship:lock-check -->");
      expect(comments[0].body).toContain("requests: pyproject.toml asks for >=3");

      const clean = await onPullRequest(workspaceWith(uvApp));
      expect(clean.exitCode).toBe(0);
      expect(api.comments("pyship-test", "inproc", 9)).toHaveLength(0);
    });

    test("with a lock change it shows the diff, stays while the lock differs, and goes with neither drift nor change", async () => {
      const revision: BaseRevision = {
        sha: "89abcdef0123456789abcdef0123456789abcdef",
        repository: "pyship-test/inproc",
        apiUrl: api.url,
        token: "ghs_inproc_token",
      };
      const againstBase = (base: string) => ({
        baseRevision: () => revision,
        readBaseLock: async (_workspace: string, file: string): Promise<BaseLock> => ({
          status: "read",
          lock: parseLock(readFileSync(base, "utf8"), file),
          via: "git",
        }),
      });
      const headLock = path.join(repoRoot, "test/fixtures/lock-diff/uv/uv.lock");
      const changed = await onPullRequest(workspaceWith(uvApp), againstBase(headLock));
      expect(changed.io.infos).toContain("lock-check: PR comment created");
      let [comment] = api.comments("pyship-test", "inproc", 9);
      expect(comment.body).toContain("## 🔒 lock-check: what this PR changes in the lock");
      expect(comment.body).toContain("**1 added, 3 removed, 4 changed**");
      expect(comment.body).toContain("⚠️ same version, other file hashes");

      const drift = await onPullRequest(drifted('"requests>=3"'), againstBase(headLock));
      expect(drift.io.infos).toContain("lock-check: PR comment updated");
      [comment] = api.comments("pyship-test", "inproc", 9);
      expect(comment.body.indexOf("### 🔍 `uv.lock`")).toBeLessThan(
        comment.body.indexOf("### `uv.lock` drifted"),
      );

      const same = await onPullRequest(
        workspaceWith(uvApp),
        againstBase(path.join(uvApp, "uv.lock")),
      );
      expect(same.io.infos).toContain("lock-check: PR comment deleted");
      expect(api.comments("pyship-test", "inproc", 9)).toHaveLength(0);
    });

    test("outside a pull_request event, nothing is written", async () => {
      const { io } = await lockCheck(drifted('"requests>=3"'), {
        comment: "true",
        "fail-on-drift": "false",
      });
      expect(io.infos).toContain(
        "lock-check: comment is on, but this is not a pull_request event; no comment written.",
      );
    });
  });
});
