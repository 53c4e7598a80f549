/** A pull request's base version of a lockfile: from git when the base commit is here, else the contents API. */
import type { Lock } from "../lockfiles/model.js";

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

/** The base revision of this run's event (pull_request, pull_request_target, merge_group), or undefined. */
export function baseRevisionFromEnv(
  env: Record<string, string | undefined>,
  token: string,
): BaseRevision | undefined {
  void env;
  void token;
  return undefined;
}

/** The base version of the workspace-relative lockfile `file` (its path in the repository). */
export async function readBaseLock(
  workspace: string,
  file: string,
  base: BaseRevision,
): Promise<BaseLock> {
  void workspace;
  void file;
  void base;
  return { status: "unreadable", reason: "not implemented yet" };
}
