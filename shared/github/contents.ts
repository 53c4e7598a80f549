/** One file of a repository at a revision, through the contents API (a read-only token is enough). */
import { Deadline } from "../http/deadline.js";
import { Retryable, withRetries } from "../http/retry.js";
import { errorMessage } from "../runtime/errors.js";
import { redact, registerSecret, serverText } from "../runtime/redact.js";

export interface RepositoryFile {
  token: string;
  /** `owner/repo`. */
  repository: string;
  /** The path from the repository's root, with `/`. */
  path: string;
  /** A commit sha, branch or tag. */
  ref: string;
  /** Defaults to GITHUB_API_URL, else https://api.github.com. */
  apiUrl?: string;
  /** Attempts after the first, on a 5xx or no answer (default 2). */
  retries?: number;
  /** The longest one request may take (default 30 s). */
  requestTimeoutMs?: number;
}

/** The file's text, or "missing" when the revision has no such file (404). */
export type FileAtRevision = { status: "found"; text: string } | { status: "missing" };

const statusOf = (error: unknown) => (error as { status?: unknown } | null)?.status;

/** Why a read failed, as a warning says it; never holding the token. */
function readError(error: unknown, where: string): Error {
  const status = statusOf(error);
  const detail = serverText(errorMessage(error));
  const hint =
    status === 401
      ? ": GitHub rejected the token"
      : status === 403
        ? ": the token lacks `contents: read`, or the API rate limit was reached"
        : "";
  const code = typeof status === "number" ? `${status} ` : "";
  return new Error(redact(`the contents API could not read ${where} (${code}${detail})${hint}`));
}

/** `GET /repos/{owner}/{repo}/contents/{path}?ref=…` as raw text; retried on 5xx and on no answer. */
export async function readRepositoryFile(file: RepositoryFile): Promise<FileAtRevision> {
  registerSecret(file.token);
  const [owner, repo] = file.repository.split("/");
  const where = `${file.path} at ${file.ref.slice(0, 12)} in ${file.repository}`;
  if (!owner || !repo) throw new Error(`${JSON.stringify(file.repository)} is not owner/repo`);
  if (!file.token) throw new Error(`no github-token to read ${where} through the contents API`);
  const apiUrl = file.apiUrl || process.env.GITHUB_API_URL || "https://api.github.com";
  // Loaded only here: a checkout with the base commit never needs the client.
  const { getOctokit } = await import("@actions/github");
  const octokit = getOctokit(file.token, { baseUrl: apiUrl.replace(/\/+$/, "") });
  const requestMs = file.requestTimeoutMs ?? 30_000;
  const retries = file.retries ?? 2;
  const deadline = new Deadline((retries + 1) * (requestMs + 10_000), `reading ${where}`);
  const attempt = async (): Promise<FileAtRevision> => {
    try {
      // Each segment encoded, the slashes kept: octokit's `{path}` sends %2F, which some tokens get a 404 for.
      const route = `GET /repos/{owner}/{repo}/contents/${file.path.split("/").map(encodeURIComponent).join("/")}`;
      const response = await octokit.request(route, {
        owner,
        repo,
        ref: file.ref,
        mediaType: { format: "raw" },
        request: { signal: AbortSignal.timeout(requestMs) },
      });
      return { status: "found", text: rawText(response.data) };
    } catch (error) {
      const status = statusOf(error);
      if (status === 404) return { status: "missing" };
      const noAnswer = (error as { response?: unknown }).response === undefined;
      if ((typeof status === "number" && status >= 500) || noAnswer)
        throw new Retryable(readError(error, where).message);
      throw readError(error, where);
    }
  };
  try {
    return await withRetries({ retries }, deadline, attempt);
  } catch (error) {
    throw new Error(redact(errorMessage(error)));
  }
}

/** The raw media type's body; a base64 JSON answer (a proxy that drops Accept) is decoded too. */
function rawText(data: unknown): string {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString("utf8");
  const entry = data as { type?: unknown; encoding?: unknown; content?: unknown } | null;
  if (entry?.type === "file" && entry.encoding === "base64" && typeof entry.content === "string")
    return Buffer.from(entry.content, "base64").toString("utf8");
  throw new Error("the contents API answered with something other than a file's text");
}
