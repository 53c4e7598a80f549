/** The time a cooldown counts back from: the PR head's committer date, else HEAD's, else now. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, test } from "@jest/globals";
import { headCommitTime } from "../../../shared/workspace/head-commit.js";

/** A repository with two commits, dated by the committer date given to git. */
function repository() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pyship-head-commit-"));
  const git = (date: string, ...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, GIT_COMMITTER_DATE: date, GIT_AUTHOR_DATE: date },
    }).trim();
  git("", "init", "-q", "-b", "main");
  git("2026-11-01T10:00:00Z", "commit", "-q", "--allow-empty", "-m", "pr head");
  const head = git("", "rev-parse", "HEAD");
  git("2026-11-02T10:00:00Z", "commit", "-q", "--allow-empty", "-m", "merge ref");
  return { dir, head };
}

const eventWith = (payload: unknown) => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "pyship-event-")), "event.json");
  writeFileSync(file, JSON.stringify(payload));
  return file;
};

describe("headCommitTime", () => {
  test("the pull request's head sha from the event, when git has it", () => {
    const { dir, head } = repository();
    const GITHUB_EVENT_PATH = eventWith({ pull_request: { head: { sha: head } } });
    expect(headCommitTime(dir, { GITHUB_EVENT_PATH })).toEqual({
      at: Date.parse("2026-11-01T10:00:00Z"),
      source: `the committer date of ${head.slice(0, 7)}`,
    });
  });

  test("a head sha git does not have (a shallow checkout of the merge ref): HEAD's date", () => {
    const { dir } = repository();
    const GITHUB_EVENT_PATH = eventWith({ merge_group: { head_sha: "f".repeat(40) } });
    expect(headCommitTime(dir, { GITHUB_EVENT_PATH })).toEqual({
      at: Date.parse("2026-11-02T10:00:00Z"),
      source: "the committer date of HEAD",
    });
  });

  test("no git: now", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "pyship-no-git-"));
    expect(headCommitTime(dir, {}, 1234)).toEqual({
      at: 1234,
      source: "now (no head commit in the workspace's git)",
    });
  });
});
