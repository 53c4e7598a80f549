import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import {
  type PullRequestTarget,
  pullRequestFromEnv,
  syncStickyComment,
} from "../../../shared/github/pr-comment.js";
import { ConfigurationError } from "../../../shared/runtime/errors.js";
import { type RunningGitHubApi, startGitHubApi } from "../../harness/github-api.js";
import { startServer } from "../../harness/server.js";
import { applyFault } from "../../harness/warehouse-faults.js";

const MARKER = "<!-- pyship:lock-check -->";
const TOKEN = "ghs_SECRET_pr_comment_token_123";

let api: RunningGitHubApi;
let readOnlyApi: RunningGitHubApi;
let nextPullRequest = 1;

/** A fresh pull request per test, so tests share one server without sharing comments. */
function newPullRequest(): PullRequestTarget {
  return { owner: "pyship-test", repo: "example", number: nextPullRequest++ };
}

function sync(target: PullRequestTarget, body?: string, server = api) {
  return syncStickyComment({ token: TOKEN, target, marker: MARKER, body, apiUrl: server.url });
}

function bodies(target: PullRequestTarget, server = api) {
  return server.comments(target.owner, target.repo, target.number).map((c) => c.body);
}

beforeAll(async () => {
  api = await startGitHubApi({ token: TOKEN, lifetimeMs: 60_000 });
  readOnlyApi = await startGitHubApi({ token: TOKEN, forbidWrites: true, lifetimeMs: 60_000 });
});

afterAll(async () => {
  await Promise.all([api?.close(), readOnlyApi?.close()]);
});

describe("syncStickyComment", () => {
  test("creates, updates, leaves alone, deletes, then does nothing", async () => {
    const pr = newPullRequest();
    expect(await sync(pr, "2 problems")).toBe("created");
    expect(bodies(pr)).toEqual([`${MARKER}\n2 problems`]);
    const [created] = api.comments(pr.owner, pr.repo, pr.number);
    expect(created.user.login).toBe("github-actions[bot]");

    expect(await sync(pr, "1 problem")).toBe("updated");
    expect(api.comments(pr.owner, pr.repo, pr.number)).toMatchObject([
      { id: created.id, body: `${MARKER}\n1 problem` },
    ]);

    const before = api.requests.length;
    expect(await sync(pr, "1 problem")).toBe("unchanged");
    expect(api.requests.slice(before).map((r) => r.method)).toEqual(["GET"]);

    expect(await sync(pr, undefined)).toBe("deleted");
    expect(bodies(pr)).toEqual([]);
    expect(await sync(pr, undefined)).toBe("none");
  });

  test("a body that already starts with the marker is kept as is", async () => {
    const pr = newPullRequest();
    expect(await sync(pr, `${MARKER}\n## Lock check`)).toBe("created");
    expect(bodies(pr)).toEqual([`${MARKER}\n## Lock check`]);
  });

  test("leaves other users' comments alone", async () => {
    const pr = newPullRequest();
    const others = api.seed(pr.owner, pr.repo, pr.number, [
      { body: "LGTM", login: "reviewer" },
      { body: `why does the bot write ${MARKER}?`, login: "curious" },
      { body: "<!-- another-bot:report -->\nother report", login: "other-bot[bot]" },
    ]);
    expect(await sync(pr, "report")).toBe("created");
    expect(await sync(pr, "report v2")).toBe("updated");
    expect(await sync(pr, undefined)).toBe("deleted");
    expect(api.comments(pr.owner, pr.repo, pr.number)).toEqual(others);
  });

  test("collapses duplicate marked comments into the first", async () => {
    const pr = newPullRequest();
    const [first, , second, third] = api.seed(pr.owner, pr.repo, pr.number, [
      `${MARKER}\nold A`,
      { body: "a human", login: "reviewer" },
      `${MARKER}\nold B`,
      `${MARKER}\nold C`,
    ]);
    expect(await sync(pr, "new")).toBe("updated");
    const remaining = api.comments(pr.owner, pr.repo, pr.number);
    expect(remaining.map((c) => [c.id, c.body])).toEqual([
      [first.id, `${MARKER}\nnew`],
      [remaining[1].id, "a human"],
    ]);
    expect(remaining.map((c) => c.id)).not.toContain(second.id);
    expect(remaining.map((c) => c.id)).not.toContain(third.id);
  });

  test("removes duplicates even when the first is already up to date", async () => {
    const pr = newPullRequest();
    api.seed(pr.owner, pr.repo, pr.number, [`${MARKER}\nsame`, `${MARKER}\nsame`]);
    expect(await sync(pr, "same")).toBe("updated");
    expect(bodies(pr)).toEqual([`${MARKER}\nsame`]);
  });

  test("deleting removes every marked comment", async () => {
    const pr = newPullRequest();
    api.seed(pr.owner, pr.repo, pr.number, [`${MARKER}\na`, "plain", `${MARKER}\nb`]);
    expect(await sync(pr, undefined)).toBe("deleted");
    expect(bodies(pr)).toEqual(["plain"]);
  });

  test("finds its comment past the first page", async () => {
    const pr = newPullRequest();
    const chatter = Array.from({ length: 120 }, (_, i) => ({ body: `comment ${i}`, login: "dev" }));
    api.seed(pr.owner, pr.repo, pr.number, [...chatter, `${MARKER}\nold`]);
    const before = api.requests.length;
    expect(await sync(pr, "new")).toBe("updated");
    const pages = api.requests.slice(before).filter((r) => r.method === "GET");
    expect(pages.map((r) => new URL(r.path, api.url).searchParams.get("page") ?? "1")).toEqual([
      "1",
      "2",
    ]);
    expect(bodies(pr)).toHaveLength(121);
    expect(bodies(pr).at(-1)).toBe(`${MARKER}\nnew`);
  });

  test("truncates a body longer than GitHub accepts", async () => {
    const pr = newPullRequest();
    await sync(pr, "x".repeat(70_000));
    const [body] = bodies(pr);
    expect(body.length).toBe(65_536);
    expect(body.startsWith(`${MARKER}\nxxx`)).toBe(true);
    expect(body).toMatch(/truncated/);
  });

  test("a 403 on writing becomes a ConfigurationError that names the permission", async () => {
    const pr = newPullRequest();
    const error = await sync(pr, "report", readOnlyApi).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe(
      `could not write the PR comment on pyship-test/example#${pr.number}: the token lacks` +
        " `pull-requests: write` (add `permissions: pull-requests: write` to the job;" +
        " pull requests from forks only get a read-only token)",
    );
  });

  test("a 403 on deleting is reported the same way", async () => {
    const pr = newPullRequest();
    readOnlyApi.seed(pr.owner, pr.repo, pr.number, [`${MARKER}\nold`]);
    await expect(sync(pr, undefined, readOnlyApi)).rejects.toThrow(/pull-requests: write/);
    expect(bodies(pr, readOnlyApi)).toEqual([`${MARKER}\nold`]);
  });

  test("the token never appears in an error", async () => {
    const failures: unknown[] = [];
    const pr = newPullRequest();
    const attempt = (options: Partial<Parameters<typeof syncStickyComment>[0]>) =>
      syncStickyComment({ token: TOKEN, target: pr, marker: MARKER, body: "x", ...options }).then(
        () => failures.push(new Error("no error")),
        (error: unknown) => failures.push(error),
      );
    await attempt({ apiUrl: readOnlyApi.url });
    await attempt({ apiUrl: api.url, token: `${TOKEN}_wrong` });
    await attempt({ apiUrl: `${api.url}/nowhere` });
    const closed = await startGitHubApi();
    await closed.close();
    await attempt({ apiUrl: closed.url }); // connection refused
    await attempt({ apiUrl: readOnlyApi.url, target: { ...pr, owner: TOKEN } }); // echoed

    expect(failures).toHaveLength(5);
    for (const error of failures) {
      expect(error).toBeInstanceOf(Error);
      const text = `${String(error)} ${(error as Error).stack} ${JSON.stringify(error)}`;
      expect(text).not.toContain(TOKEN);
    }
    const messages = failures.map((error) => (error as Error).message);
    expect(messages[1]).toMatch(/GitHub rejected the token \(401/);
    expect(messages[2]).toMatch(/not found \(404\)/);
    expect(failures[3]).not.toBeInstanceOf(ConfigurationError);
    expect(messages[3]).toMatch(/^could not read the PR comment on .*: fetch failed/);
  });

  test("a GitHub that never answers ends at the timeout, with a plain error", async () => {
    const silent = await startServer((req, res) => applyFault({ kind: "silent" }, req, res));
    try {
      const pr = newPullRequest();
      const error = await syncStickyComment({
        token: TOKEN,
        target: pr,
        marker: MARKER,
        body: "x",
        apiUrl: silent.url,
        timeoutMs: 1000,
      }).catch((e: unknown) => e);
      expect(error).not.toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toBe(
        `could not read the PR comment on ${pr.owner}/${pr.repo}#${pr.number}: no answer from GitHub within 1 s`,
      );
    } finally {
      await silent.close();
    }
  });

  test("rejects a marker that is not a one-line HTML comment", async () => {
    await expect(
      syncStickyComment({ token: TOKEN, target: newPullRequest(), marker: "lock-check", body: "" }),
    ).rejects.toThrow(TypeError);
  });
});

describe("pullRequestFromEnv", () => {
  const directory = mkdtempSync(path.join(os.tmpdir(), "pyship-pr-comment-"));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  const eventFile = (name: string, payload: unknown) => {
    const file = path.join(directory, `${name}.json`);
    writeFileSync(file, JSON.stringify(payload));
    return file;
  };
  const env = (name: string, eventPath: string | undefined) => ({
    GITHUB_EVENT_NAME: name,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: "base-owner/base-repo",
  });
  const prPayload = {
    action: "synchronize",
    number: 42,
    pull_request: { number: 42, head: { repo: { full_name: "fork-owner/base-repo" } } },
  };

  test("pull_request and pull_request_target give the base repository's PR", () => {
    const file = eventFile("pr", prPayload);
    const expected = { owner: "base-owner", repo: "base-repo", number: 42 };
    expect(pullRequestFromEnv(env("pull_request", file))).toEqual(expected);
    expect(pullRequestFromEnv(env("pull_request_target", file))).toEqual(expected);
  });

  test("falls back to the payload's repository without GITHUB_REPOSITORY", () => {
    const file = eventFile("pr-repo", {
      pull_request: { number: 7 },
      repository: { name: "r", owner: { login: "o" } },
    });
    const { GITHUB_REPOSITORY: _, ...rest } = env("pull_request", file);
    expect(pullRequestFromEnv(rest)).toEqual({ owner: "o", repo: "r", number: 7 });
  });

  test("other events give undefined", () => {
    const file = eventFile("push", { ref: "refs/heads/main", commits: [] });
    expect(pullRequestFromEnv(env("push", file))).toBeUndefined();
    expect(pullRequestFromEnv(env("workflow_dispatch", eventFile("pr2", prPayload)))).toBe(
      undefined,
    );
    expect(pullRequestFromEnv({})).toBeUndefined();
  });

  test("a missing or malformed event file gives undefined", () => {
    expect(pullRequestFromEnv(env("pull_request", path.join(directory, "nope.json")))).toBe(
      undefined,
    );
    expect(pullRequestFromEnv(env("pull_request", undefined))).toBeUndefined();
    const broken = path.join(directory, "broken.json");
    writeFileSync(broken, "{not json");
    expect(pullRequestFromEnv(env("pull_request", broken))).toBeUndefined();
    expect(pullRequestFromEnv(env("pull_request", eventFile("no-number", {})))).toBeUndefined();
  });

  test("defaults to process.env", () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, env("pull_request", eventFile("pr3", prPayload)));
      expect(pullRequestFromEnv()?.number).toBe(42);
    } finally {
      for (const name of ["GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH", "GITHUB_REPOSITORY"]) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    }
  });
});
