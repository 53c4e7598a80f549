/** A real git repository with a pull request's base and head commits, its shallow clone, and the PR's event. */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { inheritedEnv } from "./runner.js";

/** Files by repository path; undefined deletes one. */
export type Files = Record<string, string | undefined>;

export interface PullRequestRepo {
  dir: string;
  baseSha: string;
  headSha: string;
}

const gitEnv = () => ({
  ...inheritedEnv(),
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@example.org",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@example.org",
});

const git = (dir: string, ...args: string[]) =>
  execFileSync("git", ["-C", dir, ...args], { env: gitEnv(), encoding: "utf8" }).trim();

function commit(dir: string, files: Files, message: string): string {
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dir, name);
    if (text === undefined) rmSync(file, { force: true });
    else {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
  }
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "--allow-empty", "-m", message);
  return git(dir, "rev-parse", "HEAD");
}

/** A repository in a new folder under `parent`: the base commit's files, then the head's changes. */
export function pullRequestRepo(parent: string, base: Files, head: Files): PullRequestRepo {
  const dir = mkdtempSync(path.join(parent, "pr-repo-"));
  git(dir, "init", "-q", "-b", "main");
  const baseSha = commit(dir, { "README.md": "example\n", ...base }, "base");
  const headSha = commit(dir, head, "head");
  return { dir, baseSha, headSha };
}

/** A `--depth 1` clone of the head, as actions/checkout makes: the base commit is not in it. */
export function shallowClone(origin: string, parent = os.tmpdir()): string {
  const dir = mkdtempSync(path.join(parent, "pr-shallow-"));
  execFileSync("git", ["clone", "-q", "--depth", "1", `file://${origin}`, dir], { env: gitEnv() });
  return dir;
}

/** The event of pull request `number` on pyship-test/example (the harness's GITHUB_REPOSITORY). */
export function pullRequestEvent(repo: PullRequestRepo, number = 7) {
  const pull_request = {
    number,
    base: { sha: repo.baseSha, ref: "main" },
    head: { sha: repo.headSha, ref: "feature" },
  };
  return {
    name: "pull_request",
    payload: { number, pull_request, repository: { full_name: "pyship-test/example" } },
  };
}
