/** One sticky comment per pull request, found again by a marker and updated in place each run. */
import { getOctokit } from "@actions/github";
import { seconds } from "../http/deadline.js";
import { ConfigurationError, errorMessage } from "../runtime/errors.js";
import { readEventPayload } from "../runtime/event.js";
import { redact, registerSecret, serverText } from "../runtime/redact.js";

export interface PullRequestTarget {
  owner: string;
  repo: string;
  number: number;
}

export type StickyCommentResult = "created" | "updated" | "deleted" | "unchanged" | "none";

export interface StickyCommentOptions {
  token: string;
  target: PullRequestTarget;
  /** A one-line HTML comment, e.g. `<!-- pyship:lock-check -->`; put on the body's first line. */
  marker: string;
  /** The comment's Markdown; undefined deletes the comment if there is one. */
  body?: string;
  /** Defaults to GITHUB_API_URL, else https://api.github.com. */
  apiUrl?: string;
  /** The longest the whole sync may take, every API call included (default 2 minutes). */
  timeoutMs?: number;
}

const PULL_REQUEST_EVENTS = new Set(["pull_request", "pull_request_target"]);
const DEFAULT_TIMEOUT_MS = 2 * 60_000;
/** GitHub rejects comment bodies longer than this. */
const MAX_BODY_CHARS = 65_536;
const TRUNCATED = "\n\n… (truncated: see the job summary for the full report)";

interface EventPayload {
  number?: unknown;
  pull_request?: { number?: unknown };
  repository?: { name?: unknown; owner?: { login?: unknown } };
}

/** The pull request of a pull_request or pull_request_target event; undefined otherwise. */
export function pullRequestFromEnv(
  env: Record<string, string | undefined> = process.env,
): PullRequestTarget | undefined {
  if (!PULL_REQUEST_EVENTS.has(env.GITHUB_EVENT_NAME ?? "")) return undefined;
  const payload = readEventPayload<EventPayload>(env.GITHUB_EVENT_PATH);
  const number = payload?.pull_request?.number ?? payload?.number;
  if (typeof number !== "number" || !Number.isInteger(number) || number <= 0) return undefined;
  // The base repository: where the workflow runs, also for pull requests from forks.
  let [owner, repo] = (env.GITHUB_REPOSITORY ?? "").split("/");
  if (!owner || !repo) {
    owner = String(payload?.repository?.owner?.login ?? "");
    repo = String(payload?.repository?.name ?? "");
  }
  return owner && repo ? { owner, repo, number } : undefined;
}

function withMarker(body: string, marker: string): string {
  const text = body.startsWith(marker) ? body : `${marker}\n${body}`;
  if (text.length <= MAX_BODY_CHARS) return text;
  return text.slice(0, MAX_BODY_CHARS - TRUNCATED.length) + TRUNCATED;
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" ? status : undefined;
}

/** What went wrong in a failed API call: a user-fixable problem or not, and a short message. */
function describeFailure(
  error: unknown,
  access: "read" | "write",
  target: PullRequestTarget,
): { configuration: boolean; message: string } {
  const status = statusOf(error);
  const detail = serverText(errorMessage(error));
  const failed = `could not ${access} the PR comment on ${target.owner}/${target.repo}#${target.number}`;
  if (status === 401) {
    return { configuration: true, message: `${failed}: GitHub rejected the token (401 ${detail})` };
  }
  if (status === 403 && /rate limit/i.test(detail)) {
    return { configuration: false, message: `${failed}: GitHub API rate limit (${detail})` };
  }
  if (status === 403) {
    const permission = `pull-requests: ${access}`;
    const message =
      `${failed}: the token lacks \`${permission}\` (add \`permissions: ${permission}\` to the job;` +
      " pull requests from forks only get a read-only token)";
    return { configuration: true, message };
  }
  if (status === 404) {
    const message = `${failed}: not found (404); check that the pull request exists and the token can access ${target.owner}/${target.repo}`;
    return { configuration: true, message };
  }
  // Octokit gives network failures (no response) status 500 too.
  const answered = status && (error as { response?: unknown }).response !== undefined;
  return { configuration: false, message: `${failed}: ${answered ? `${status} ` : ""}${detail}` };
}

/** The error to throw for a failed API call; its message never holds the token. */
function apiError(error: unknown, access: "read" | "write", target: PullRequestTarget) {
  const { configuration, message } = describeFailure(error, access, target);
  const safe = redact(message);
  return configuration ? new ConfigurationError(safe) : new Error(safe);
}

/**
 * Creates, updates or deletes the one comment whose first line is `marker`; extra marked
 * comments (from racing runs) are deleted. "updated" also covers only removing extras.
 */
export async function syncStickyComment(
  options: StickyCommentOptions,
): Promise<StickyCommentResult> {
  const { token, target, marker } = options;
  registerSecret(token);
  if (!/^<!--[^\n]*-->$/.test(marker)) {
    throw new TypeError(
      `the marker must be a one-line HTML comment, got ${JSON.stringify(marker)}`,
    );
  }
  const apiUrl = options.apiUrl || process.env.GITHUB_API_URL || "https://api.github.com";
  const octokit = getOctokit(token, { baseUrl: apiUrl.replace(/\/+$/, "") });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  // On every request, pagination's too, beside the client's own proxy-aware fetch.
  octokit.hook.before("request", (request) => {
    request.request = { ...request.request, signal };
  });
  const common = { owner: target.owner, repo: target.repo };
  const call = async <T>(access: "read" | "write", request: () => Promise<T>): Promise<T> => {
    try {
      return await request();
    } catch (error) {
      if (signal.aborted) {
        throw new Error(
          `could not ${access} the PR comment on ${target.owner}/${target.repo}#${target.number}: no answer from GitHub within ${seconds(timeoutMs)} s`,
        );
      }
      throw apiError(error, access, target);
    }
  };
  // A comment already gone (deleted by a racing run) is as good as deleted.
  const remove = (commentId: number) =>
    call("write", async () => {
      try {
        await octokit.rest.issues.deleteComment({ ...common, comment_id: commentId });
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
      }
    });
  const create = (body: string) =>
    call("write", () =>
      octokit.rest.issues.createComment({ ...common, issue_number: target.number, body }),
    );

  const comments = await call("read", () =>
    octokit.paginate(octokit.rest.issues.listComments, {
      ...common,
      issue_number: target.number,
      per_page: 100,
    }),
  );
  const marked = comments.filter((comment) => comment.body?.trimStart().startsWith(marker));

  if (options.body === undefined) {
    for (const comment of marked) await remove(comment.id);
    return marked.length > 0 ? "deleted" : "none";
  }
  const body = withMarker(options.body, marker);
  const [current, ...extras] = marked;
  if (!current) {
    await create(body);
    return "created";
  }
  let result: StickyCommentResult = extras.length > 0 ? "updated" : "unchanged";
  if (current.body !== body) {
    const updated = await call("write", async () => {
      try {
        await octokit.rest.issues.updateComment({ ...common, comment_id: current.id, body });
        return true;
      } catch (error) {
        if (statusOf(error) === 404) return false; // deleted meanwhile
        throw error;
      }
    });
    if (!updated) await create(body);
    result = updated ? "updated" : "created";
  }
  for (const comment of extras) await remove(comment.id);
  return result;
}
