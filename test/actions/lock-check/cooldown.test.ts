/**
 * lock-check's cooldown in-process, on a pull_request event: a real git repository (base commit →
 * head commit that upgrades three packages) and the index stand-in serving upload times.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { loadInputs } from "../../../actions/lock-check/inputs.js";
import { run } from "../../../actions/lock-check/run.js";
import { ConfigurationError, InputReader, inputVariable } from "../../../shared/runtime/index.js";
import { cooldownIndex, cooldownPullRequest } from "../../harness/cooldown-pr.js";
import { startGitHubApi } from "../../harness/github-api.js";
import type { RunningIndex } from "../../harness/index-server.js";
import { runInProcess, summaryText } from "../../harness/recording-io.js";
import { repoRoot } from "../../harness/runner.js";
import { type RunningServer, startServer } from "../../harness/server.js";

const uvApp = path.join(repoRoot, "test/fixtures/lock-check/uv-app");

interface PullRequest {
  workspace: string;
  env: Record<string, string>;
}

/** The cooldown pull request, with the step's event variables. */
function pullRequest(manifestTail = ""): PullRequest {
  const { workspace, payload } = cooldownPullRequest(manifestTail);
  const event = path.join(
    mkdtempSync(path.join(os.tmpdir(), "pyship-cooldown-event-")),
    "event.json",
  );
  writeFileSync(event, JSON.stringify(payload));
  const env = {
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_NAME: "pull_request",
    GITHUB_EVENT_PATH: event,
    GITHUB_REPOSITORY: "o/r",
  };
  return { workspace, env };
}

let index: RunningIndex;
beforeAll(async () => {
  index = await cooldownIndex();
});
afterAll(async () => {
  await index?.close();
});

interface FindingJson {
  code: string;
  severity: string;
  package: string | null;
  locked: string | null;
  file: string | null;
  message: string;
}

/** The `findings` output. */
const findingsOutput = (outputs: Record<string, string>) =>
  JSON.parse(outputs.findings) as FindingJson[];

function lockCheck({ env }: PullRequest, inputs: Record<string, string>) {
  const stepEnv: Record<string, string> = { ...env };
  for (const [name, value] of Object.entries(inputs)) stepEnv[inputVariable(name)] = value;
  return runInProcess("lock-check", (io) =>
    run(loadInputs(new InputReader(stepEnv), stepEnv), io, {
      env: stepEnv,
      toolCheck: async () => undefined,
    }),
  );
}

describe("lock-check's cooldown, in-process on a pull_request", () => {
  test("min-release-age 7d flags what was uploaded yesterday (lock's upload-time, index's JSON API); the old one passes", async () => {
    const { io, exitCode } = await lockCheck(pullRequest(), {
      "min-release-age": "7d",
      "index-url": index.url,
    });
    expect(exitCode).toBe(1);
    const cooldown = findingsOutput(io.outputs).filter((f) => f.code === "release-too-new");
    expect(cooldown.map((f) => [f.package, f.locked, f.file])).toEqual([
      ["requests", "2.33.0", "uv.lock"],
      ["rich", "13.8.0", "uv.lock"],
    ]);
    expect(cooldown[0].message).toMatch(
      /^requests 2\.33\.0 \(upgraded from 2\.32\.3\) was uploaded \S+, (1d|23h)[^;]* before the head commit; min-release-age is 7d\.$/,
    );
    expect(findingsOutput(io.outputs).some((f) => f.package === "click")).toBe(false);
    expect(io.findings.filter((f) => f.code === "release-too-new")).toHaveLength(2);
    expect(io.outputs.drift).toBe("false");
    expect(io.reports.map((r) => r.title)).toContain("lock-check: `uv.lock` cooldown ❌ 2 too new");
    expect(io.infos.join("\n")).toContain(
      "cooldown checked 3 of 3 added or upgraded packages against min-release-age 7d, counting back from the committer date of",
    );
    expect(io.infos.join("\n")).toContain(
      "(upload times: 1 from the lock, 2 from the index's JSON API)",
    );
    expect(io.errors.map((e) => e.message)).toEqual([
      "lock-check: 2 cooldown findings: a package the pull request adds or upgrades is too new; see the findings above.",
    ]);
    expect(summaryText(io)).toContain("| ⬆️ upgraded | `rich` | 13.7.1 | 13.8.0 |");
  });

  test("with comment: true, the PR comment has the cooldown's table", async () => {
    const api = await startGitHubApi({ token: "ghs_cooldown_token" });
    try {
      const pr = pullRequest();
      const { exitCode } = await lockCheck(
        { ...pr, env: { ...pr.env, GITHUB_API_URL: api.url } },
        {
          "min-release-age": "7d",
          "index-url": index.url,
          comment: "true",
          "github-token": "ghs_cooldown_token",
        },
      );
      expect(exitCode).toBe(1);
      const [comment] = api.comments("o", "r", 7);
      expect(comment.body).toContain("## 🔒 lock-check: too new for the cooldown");
      expect(comment.body).toContain("### Cooldown");
      expect(comment.body).toContain("`release-too-new`");
      expect(comment.body).toContain("| ⬆️ upgraded | `rich` | 13.7.1 | 13.8.0 |");
    } finally {
      await api.close();
    }
  });

  test("min-release-age 1h: nothing is too new, the check passes", async () => {
    const { io, exitCode } = await lockCheck(pullRequest(), {
      "min-release-age": "1h",
      "index-url": index.url,
    });
    expect(exitCode).toBe(0);
    expect(io.findings.filter((f) => f.code === "release-too-new")).toEqual([]);
    expect(io.reports.map((r) => r.title)).toContain("lock-check: `uv.lock` cooldown ✅ passed");
  });

  test("the manifest's exclude-newer is honoured without the input", async () => {
    const { io, exitCode } = await lockCheck(
      pullRequest(
        '\n[tool.uv]\nexclude-newer = "3 days"\nexclude-newer-package = { rich = false }\n',
      ),
      { "index-url": index.url },
    );
    expect(exitCode).toBe(1);
    const excluded = findingsOutput(io.outputs).filter((f) => f.code === "exclude-newer");
    expect(excluded.map((f) => f.package)).toEqual(["requests"]);
  });

  test("offline: the index cannot be reached, so one notice and no failure", async () => {
    const gone: RunningServer = await startServer(() => undefined);
    await gone.close();
    const { io, exitCode } = await lockCheck(pullRequest(), {
      "min-release-age": "1h",
      "index-url": gone.url,
    });
    expect(exitCode).toBe(0);
    const notices = io.findings.filter((f) => f.code === "upload-time-unknown");
    expect(notices).toEqual([
      expect.objectContaining({
        severity: "notice",
        message: expect.stringMatching(
          /^cooldown: 2 of 3 added or upgraded packages not checked, their upload time unknown \(http:\/\/127\.0\.0\.1:\d+ could not be reached: the connection was refused\): click 8\.1\.8, rich 13\.8\.0\.$/,
        ),
      }),
    ]);
  });

  test("not a pull request: nothing is asked, one info line", async () => {
    const pr = pullRequest();
    const { io, exitCode } = await lockCheck(
      { ...pr, env: { GITHUB_WORKSPACE: pr.workspace } },
      { "min-release-age": "7d", "index-url": "http://127.0.0.1:9" },
    );
    expect(exitCode).toBe(0);
    expect(io.infos.join("\n")).toContain(
      "min-release-age checks what a pull request adds or upgrades",
    );
  });

  test.each(["7", "soon", "0d", "6 months"])(
    "min-release-age %s is a ConfigurationError naming the input",
    (value) => {
      const env = { GITHUB_WORKSPACE: uvApp, [inputVariable("min-release-age")]: value };
      expect(() => loadInputs(new InputReader(env), env)).toThrow(ConfigurationError);
      expect(() => loadInputs(new InputReader(env), env)).toThrow(
        /^input 'min-release-age' must be a span/,
      );
    },
  );
});
