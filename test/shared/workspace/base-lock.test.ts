import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "@jest/globals";
import {
  type BaseRevision,
  baseRevisionFromEnv,
  readBaseLock,
} from "../../../shared/workspace/base-lock.js";
import { contentsKey, type RunningGitHubApi, startGitHubApi } from "../../harness/github-api.js";
import { pullRequestRepo, shallowClone } from "../../harness/pull-request-repo.js";
import { repoRoot } from "../../harness/runner.js";

const TOKEN = "ghs_SECRET_base_lock_token_42";
const REPOSITORY = "pyship-test/example";
const baseText = readFileSync(path.join(repoRoot, "test/fixtures/audit/uv/uv.lock"), "utf8");
const headText = baseText.replaceAll('"2.30.0"', '"2.32.3"');

const made: string[] = [];
const servers: RunningGitHubApi[] = [];
afterAll(async () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
  await Promise.all(servers.map((server) => server.close()));
});

function temporary(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** A repository whose base commit has `app/uv.lock` as `base` (none when undefined) and whose head upgrades it. */
function repository(base: string | undefined): { dir: string; baseSha: string } {
  const files = base === undefined ? {} : { "app/uv.lock": base };
  return pullRequestRepo(temporary("pyship-base-lock-"), files, { "app/uv.lock": headText });
}

const shallow = (origin: string) => shallowClone(origin, temporary("pyship-base-shallow-"));

async function api(options: Parameters<typeof startGitHubApi>[0] = {}) {
  const server = await startGitHubApi({ token: TOKEN, lifetimeMs: 60_000, ...options });
  servers.push(server);
  return server;
}

const revision = (sha: string, apiUrl = "http://127.0.0.1:9"): BaseRevision => ({
  sha,
  repository: REPOSITORY,
  apiUrl,
  token: TOKEN,
});

const requestsVersion = (lock: { packages: { name: string; version?: string }[] }) =>
  lock.packages.find((pkg) => pkg.name === "requests")?.version;

describe("baseRevisionFromEnv", () => {
  const sha = "a".repeat(40);
  const eventFile = (payload: unknown) => {
    const file = path.join(temporary("pyship-event-"), "event.json");
    writeFileSync(file, JSON.stringify(payload));
    return file;
  };

  test.each(["pull_request", "pull_request_target"])("%s: the PR's base sha", (event) => {
    const GITHUB_EVENT_PATH = eventFile({ pull_request: { number: 3, base: { sha } } });
    const found = baseRevisionFromEnv(
      { GITHUB_EVENT_NAME: event, GITHUB_EVENT_PATH, GITHUB_REPOSITORY: REPOSITORY },
      TOKEN,
    );
    expect(found).toEqual({
      sha,
      repository: REPOSITORY,
      apiUrl: "https://api.github.com",
      token: TOKEN,
    });
  });

  test("merge_group: the group's base_sha, the API of GITHUB_API_URL", () => {
    const GITHUB_EVENT_PATH = eventFile({
      merge_group: { base_sha: sha, head_sha: "b".repeat(40) },
      repository: { full_name: REPOSITORY },
    });
    const found = baseRevisionFromEnv(
      {
        GITHUB_EVENT_NAME: "merge_group",
        GITHUB_EVENT_PATH,
        GITHUB_API_URL: "https://ghe.example/api/v3",
      },
      TOKEN,
    );
    expect(found).toMatchObject({
      sha,
      repository: REPOSITORY,
      apiUrl: "https://ghe.example/api/v3",
    });
  });

  test("no base on a push, or without a sha in the payload", () => {
    const GITHUB_EVENT_PATH = eventFile({ pull_request: { base: { sha: "main" } } });
    expect(baseRevisionFromEnv({ GITHUB_EVENT_NAME: "push", GITHUB_EVENT_PATH }, TOKEN)).toBe(
      undefined,
    );
    expect(
      baseRevisionFromEnv({ GITHUB_EVENT_NAME: "pull_request", GITHUB_EVENT_PATH }, TOKEN),
    ).toBeUndefined();
    expect(baseRevisionFromEnv({ GITHUB_EVENT_NAME: "pull_request" }, TOKEN)).toBeUndefined();
  });
});

describe("readBaseLock", () => {
  test("reads the base commit's version from git when the commit is here", async () => {
    const { dir, baseSha } = repository(baseText);
    const server = await api();
    const found = await readBaseLock(dir, "app/uv.lock", revision(baseSha, server.url));
    expect(found).toMatchObject({ status: "read", via: "git" });
    if (found.status !== "read") throw new Error("unreachable");
    expect(requestsVersion(found.lock)).toBe("2.30.0");
    expect(found.lock.file).toBe(`app/uv.lock (base ${baseSha.slice(0, 12)})`);
    expect(server.requests).toEqual([]);
  });

  test("from a working directory below the root, the path is the repository's", async () => {
    const { dir, baseSha } = repository(baseText);
    const found = await readBaseLock(path.join(dir, "app"), "uv.lock", revision(baseSha));
    expect(found).toMatchObject({ status: "read", via: "git" });
  });

  test("a base commit without the file: a new lockfile", async () => {
    const { dir, baseSha } = repository(undefined);
    expect(await readBaseLock(dir, "app/uv.lock", revision(baseSha))).toEqual({ status: "absent" });
  });

  test("a shallow clone without the base commit reads it through the contents API", async () => {
    const { dir: origin, baseSha } = repository(baseText);
    const clone = shallow(origin);
    const contents = new Map([[contentsKey(REPOSITORY, baseSha, "app/uv.lock"), baseText]]);
    const server = await api({ contents });
    const found = await readBaseLock(clone, "app/uv.lock", revision(baseSha, server.url));
    expect(found).toMatchObject({ status: "read", via: "contents-api" });
    if (found.status !== "read") throw new Error("unreachable");
    expect(requestsVersion(found.lock)).toBe("2.30.0");
    expect(server.requests.map((r) => r.path)).toEqual([
      `/repos/${REPOSITORY}/contents/app/uv.lock?ref=${baseSha}`,
    ]);
  });

  test("a 404 from the contents API: a new lockfile", async () => {
    const { dir: origin, baseSha } = repository(baseText);
    const clone = shallow(origin);
    const server = await api({ contents: new Map() });
    const found = await readBaseLock(clone, "app/uv.lock", revision(baseSha, server.url));
    expect(found).toEqual({ status: "absent" });
  });

  test.each([
    [403, 1, /403 .*contents: read/],
    [500, 3, /500 /],
  ])("a %i from the contents API: unreadable, with the reason", async (status, tries, reason) => {
    const { dir: origin, baseSha } = repository(baseText);
    const clone = shallow(origin);
    const server = await api({ contentsStatus: status });
    const found = await readBaseLock(clone, "app/uv.lock", revision(baseSha, server.url));
    expect(found).toMatchObject({ status: "unreadable", reason: expect.stringMatching(reason) });
    expect(JSON.stringify(found)).not.toContain(TOKEN);
    expect(server.requests).toHaveLength(tries);
  });

  test("a wrong token, or none: unreadable", async () => {
    const { dir: origin, baseSha } = repository(baseText);
    const clone = shallow(origin);
    const server = await api();
    const wrong = { ...revision(baseSha, server.url), token: "ghs_other" };
    expect(await readBaseLock(clone, "app/uv.lock", wrong)).toMatchObject({
      status: "unreadable",
      reason: expect.stringMatching(/401 .*rejected the token/),
    });
    const none = { ...revision(baseSha, server.url), token: "" };
    expect(await readBaseLock(clone, "app/uv.lock", none)).toMatchObject({
      status: "unreadable",
      reason: expect.stringMatching(/no github-token/),
    });
  });

  test("a base version that does not parse: unreadable", async () => {
    const { dir, baseSha } = repository("version = [broken\n");
    const found = await readBaseLock(dir, "app/uv.lock", revision(baseSha));
    expect(found).toMatchObject({ status: "unreadable" });
  });
});
