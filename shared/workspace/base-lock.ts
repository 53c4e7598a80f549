/** A pull request's base version of a lockfile: from git when the base commit is here, else the contents API. */
import path from "node:path";
import { readRepositoryFile } from "../github/contents.js";
import { parseLock } from "../lockfiles/index.js";
import type { Lock } from "../lockfiles/model.js";
import { runCommand } from "../runtime/command.js";
import { errorMessage } from "../runtime/errors.js";
import { readEventPayload } from "../runtime/event.js";
import { shownRelativeTo } from "../runtime/paths.js";

/** Where the base revision is, for a pull_request or merge_group event. */
export interface BaseRevision {
  /** The base commit's sha. */
  sha: string;
  /** `owner/repo`, for the contents API. */
  repository: string;
  apiUrl: string;
  token: string;
}

export type BaseLock =
  | { status: "read"; lock: Lock; via: "git" | "contents-api" }
  /** The base has no such file: a new lockfile. */
  | { status: "absent" }
  /** Could not be read (network, permissions, unparsable): a warning, never a failure of the check. */
  | { status: "unreadable"; reason: string };

const BASE_EVENTS = new Set(["pull_request", "pull_request_target", "merge_group"]);

interface EventPayload {
  pull_request?: { base?: { sha?: unknown } };
  merge_group?: { base_sha?: unknown };
  repository?: { full_name?: unknown };
}

/** The base revision of this run's event (pull_request, pull_request_target, merge_group), or undefined. */
export function baseRevisionFromEnv(
  env: Record<string, string | undefined>,
  token: string,
): BaseRevision | undefined {
  if (!BASE_EVENTS.has(env.GITHUB_EVENT_NAME ?? "")) return undefined;
  const payload = readEventPayload<EventPayload>(env.GITHUB_EVENT_PATH);
  const sha = payload?.pull_request?.base?.sha ?? payload?.merge_group?.base_sha;
  if (typeof sha !== "string" || !/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/i.test(sha)) return undefined;
  const fullName = payload?.repository?.full_name;
  const repository = env.GITHUB_REPOSITORY || (typeof fullName === "string" ? fullName : "");
  const apiUrl = env.GITHUB_API_URL || "https://api.github.com";
  return { sha, repository, apiUrl, token };
}

async function git(directory: string, args: string[]): Promise<string | undefined> {
  const result = await runCommand("git", ["-C", directory, ...args], { timeoutMs: 30_000 });
  return result.code === 0 ? result.stdout : undefined;
}

/** The lockfile's path from the repository's root: git's prefix for its folder, else from the workspace. */
async function repositoryPath(workspace: string, file: string): Promise<string> {
  const absolute = path.resolve(workspace, file);
  const prefix = await git(path.dirname(absolute), ["rev-parse", "--show-prefix"]);
  if (prefix !== undefined) return prefix.trim() + path.basename(absolute);
  return path.relative(workspace, absolute).split(path.sep).join("/");
}

/** The file's text at the base commit from git; undefined when the commit is not in this clone. */
async function fromGit(
  directory: string,
  sha: string,
  repoPath: string,
): Promise<{ text?: string } | undefined> {
  if ((await git(directory, ["cat-file", "-e", `${sha}^{commit}`])) === undefined) return undefined;
  if ((await git(directory, ["cat-file", "-e", `${sha}:${repoPath}`])) === undefined) return {};
  const text = await git(directory, ["cat-file", "blob", `${sha}:${repoPath}`]);
  if (text === undefined) throw new Error(`git could not show ${repoPath} at ${sha.slice(0, 12)}`);
  return { text };
}

/** The base version of the workspace-relative lockfile `file` (its path in the repository). */
export async function readBaseLock(
  workspace: string,
  file: string,
  base: BaseRevision,
): Promise<BaseLock> {
  const absolute = path.resolve(workspace, file);
  const shownAs = `${shownRelativeTo(workspace)(absolute)} (base ${base.sha.slice(0, 12)})`;
  try {
    const repoPath = await repositoryPath(workspace, file);
    const local = await fromGit(path.dirname(absolute), base.sha, repoPath);
    if (local) {
      if (local.text === undefined) return { status: "absent" };
      return { status: "read", lock: parseLock(local.text, absolute, shownAs), via: "git" };
    }
    const remote = await readRepositoryFile({ ...base, path: repoPath, ref: base.sha });
    if (remote.status === "missing") return { status: "absent" };
    return { status: "read", lock: parseLock(remote.text, absolute, shownAs), via: "contents-api" };
  } catch (error) {
    return { status: "unreadable", reason: errorMessage(error) };
  }
}
