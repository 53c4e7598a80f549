/**
 * An in-memory stand-in for the GitHub REST endpoints of issue (and PR) comments:
 * list with Link pagination, create, update and delete, behind a token check; and of
 * artifact attestations: create one from a Sigstore bundle, list them by subject digest; and of
 * repository contents: one file at a ref, raw or base64 JSON, from a map the test gives.
 */
import type http from "node:http";
import { type RunningServer, readBody, type ServerOptions, startServer } from "./server.js";

export interface GitHubApiOptions extends ServerOptions {
  /** The only token accepted, as `token <t>` or `Bearer <t>` (default "ghs_stand_in_token"). */
  token?: string;
  /** The login that owns comments created through the API (default "github-actions[bot]"). */
  login?: string;
  /** Answer POST, PATCH and DELETE with 403, as GitHub does for a read-only GITHUB_TOKEN. */
  forbidWrites?: boolean;
  /** Files served by `GET /repos/{owner}/{repo}/contents/{path}?ref=…`, keyed by contentsKey(). */
  contents?: Map<string, string>;
  /** Answer every contents request with this status instead (403, 500: a token or GitHub failing). */
  contentsStatus?: number;
}

/** The key of one file in `contents`: `owner/repo@ref:path`. */
export function contentsKey(repository: string, ref: string, file: string): string {
  return `${repository.toLowerCase()}@${ref}:${file}`;
}

export interface IssueComment {
  id: number;
  node_id: string;
  url: string;
  html_url: string;
  issue_url: string;
  body: string;
  user: { login: string; id: number; type: "Bot" | "User" };
  author_association: string;
  created_at: string;
  updated_at: string;
}

export interface RecordedRequest {
  method: string;
  /** Path and query string, e.g. `/repos/o/r/issues/1/comments?per_page=100&page=2`. */
  path: string;
  /** The parsed JSON body, the raw text if it was not JSON, or undefined if empty. */
  body?: unknown;
}

/** An attestation as the stand-in stored it. */
export interface StoredAttestation {
  id: number;
  repository: string;
  bundle: Record<string, unknown>;
  /** The statement's subject digests, as `sha256:<hex>`. */
  subjectDigests: string[];
}

export type SeedComment = string | { body: string; login?: string };

export interface RunningGitHubApi extends RunningServer {
  token: string;
  requests: RecordedRequest[];
  /** A copy of the comments on one issue or pull request, oldest first. */
  comments(owner: string, repo: string, number: number): IssueComment[];
  /** Adds comments directly (default author: the API's own login); returns copies. */
  seed(owner: string, repo: string, number: number, comments: SeedComment[]): IssueComment[];
  /** The attestations created for one repository, oldest first. */
  attestations(owner: string, repo: string): StoredAttestation[];
}

const DEFAULT_TOKEN = "ghs_stand_in_token";
const DEFAULT_LOGIN = "github-actions[bot]";
const DOCS = "https://docs.github.com/rest";

interface StoredComment extends IssueComment {
  thread: string;
}

function threadKey(owner: string, repo: string, number: number): string {
  return `${owner}/${repo}#${number}`.toLowerCase();
}

function timestamp(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, "Z");
}

function sendJson(
  res: http.ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void {
  const data = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(data),
  });
  res.end(data);
}

function sendMessage(res: http.ServerResponse, status: number, message: string): void {
  sendJson(res, status, { message, documentation_url: DOCS, status: String(status) });
}

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The `body` string of a create or update request, or undefined when it is missing. */
function commentBody(payload: unknown): string | undefined {
  if (typeof payload !== "object" || payload === null) return undefined;
  const body = (payload as { body?: unknown }).body;
  return typeof body === "string" ? body : undefined;
}

/** The `algorithm:hex` digests of the in-toto statement a DSSE bundle signs; undefined when it has none. */
function subjectDigests(bundle: Record<string, unknown>): string[] | undefined {
  const envelope = bundle.dsseEnvelope as { payload?: unknown } | undefined;
  if (typeof envelope?.payload !== "string") return undefined;
  try {
    const statement = JSON.parse(Buffer.from(envelope.payload, "base64").toString("utf8"));
    const digests = (statement.subject ?? []).flatMap((subject: { digest?: object }) =>
      Object.entries(subject.digest ?? {}).map(([algorithm, hex]) => `${algorithm}:${hex}`),
    );
    return digests.length > 0 ? digests : undefined;
  } catch {
    return undefined;
  }
}

function authorized(header: string | undefined, token: string): boolean {
  const match = /^(?:token|bearer)\s+(\S+)$/i.exec(header ?? "");
  return match?.[1] === token;
}

/** A GitHub-style Link header for page `page` of `lastPage`, keeping the other query params. */
function linkHeader(url: URL, page: number, lastPage: number): string | undefined {
  const at = (target: number) => {
    const next = new URL(url);
    next.searchParams.set("page", String(target));
    return next.toString();
  };
  const links: string[] = [];
  if (page < lastPage) links.push(`<${at(page + 1)}>; rel="next"`, `<${at(lastPage)}>; rel="last"`);
  if (page > 1) links.push(`<${at(1)}>; rel="first"`, `<${at(page - 1)}>; rel="prev"`);
  return links.length > 0 ? links.join(", ") : undefined;
}

export async function startGitHubApi(options: GitHubApiOptions = {}): Promise<RunningGitHubApi> {
  const token = options.token ?? DEFAULT_TOKEN;
  const ownLogin = options.login ?? DEFAULT_LOGIN;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 ** 2;
  const requests: RecordedRequest[] = [];
  const threads = new Map<string, StoredComment[]>();
  const byId = new Map<number, StoredComment>();
  const logins = new Map<string, number>();
  const attestations: StoredAttestation[] = [];
  let nextId = 1000;

  const userOf = (login: string): IssueComment["user"] => {
    if (!logins.has(login)) logins.set(login, 100 + logins.size);
    const type = login.endsWith("[bot]") ? "Bot" : "User";
    return { login, id: logins.get(login) as number, type };
  };

  const addComment = (owner: string, repo: string, number: number, body: string, login: string) => {
    const id = nextId++;
    const now = timestamp();
    const thread = threadKey(owner, repo, number);
    const comment: StoredComment = {
      id,
      node_id: `IC_${id}`,
      url: `/repos/${owner}/${repo}/issues/comments/${id}`,
      html_url: `https://github.com/${owner}/${repo}/pull/${number}#issuecomment-${id}`,
      issue_url: `/repos/${owner}/${repo}/issues/${number}`,
      body,
      user: userOf(login),
      author_association: login === ownLogin ? "NONE" : "CONTRIBUTOR",
      created_at: now,
      updated_at: now,
      thread,
    };
    threads.set(thread, [...(threads.get(thread) ?? []), comment]);
    byId.set(id, comment);
    return comment;
  };

  /** The public shape, with absolute API URLs for this server. */
  const present = (comment: StoredComment, base: string): IssueComment => {
    const { thread: _thread, ...rest } = comment;
    return {
      ...rest,
      user: { ...rest.user },
      url: base + rest.url,
      issue_url: base + rest.issue_url,
    };
  };

  const listComments = (res: http.ServerResponse, url: URL, thread: string, base: string) => {
    const all = threads.get(thread) ?? [];
    const perPage = Math.min(Math.max(Number(url.searchParams.get("per_page")) || 30, 1), 100);
    const page = Math.max(Number(url.searchParams.get("page")) || 1, 1);
    const lastPage = Math.max(Math.ceil(all.length / perPage), 1);
    const slice = all.slice((page - 1) * perPage, page * perPage);
    const link = linkHeader(url, page, lastPage);
    sendJson(
      res,
      200,
      slice.map((comment) => present(comment, base)),
      link ? { link } : {},
    );
  };

  const handler = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const base = `http://${req.headers.host ?? "127.0.0.1"}`;
    const url = new URL(req.url ?? "/", base);
    const method = req.method ?? "GET";
    const payload = parseJson((await readBody(req, maxBodyBytes)).toString("utf8"));
    requests.push({ method, path: url.pathname + url.search, body: payload });

    if (!authorized(req.headers.authorization, token)) {
      return sendMessage(res, 401, "Bad credentials");
    }
    const segments = url.pathname.split("/").slice(1).map(decodeURIComponent);
    const [root, owner, repo, issues, fourth, fifth] = segments;
    if (root === "repos" && owner && repo && issues === "contents" && method === "GET") {
      const file = segments.slice(4).join("/");
      return contentsRoute(req, res, `${owner}/${repo}`, file, url.searchParams.get("ref"));
    }
    if (root === "repos" && owner && repo && issues === "attestations") {
      const route = { owner, repo, digest: fourth, extra: segments.length > 5 };
      return attestationRoute(res, method, route, payload);
    }
    if (root !== "repos" || issues !== "issues" || !owner || !repo) {
      return sendMessage(res, 404, "Not Found");
    }
    const isWrite = method === "POST" || method === "PATCH" || method === "DELETE";
    const forbid = () => sendMessage(res, 403, "Resource not accessible by integration");

    // /repos/{owner}/{repo}/issues/{number}/comments
    if (segments.length === 6 && /^\d+$/.test(fourth) && fifth === "comments") {
      const thread = threadKey(owner, repo, Number(fourth));
      if (method === "GET") return listComments(res, url, thread, base);
      if (method !== "POST") return sendMessage(res, 404, "Not Found");
      if (options.forbidWrites) return forbid();
      const body = commentBody(payload);
      if (body === undefined) return sendMessage(res, 422, "Invalid request: body is required");
      const comment = addComment(owner, repo, Number(fourth), body, ownLogin);
      return sendJson(res, 201, present(comment, base), { location: base + comment.url });
    }

    // /repos/{owner}/{repo}/issues/comments/{id}
    if (segments.length === 6 && fourth === "comments" && /^\d+$/.test(fifth)) {
      const comment = byId.get(Number(fifth));
      const inRepo = comment?.thread.startsWith(`${owner}/${repo}#`.toLowerCase());
      if (!comment || !inRepo || !["GET", "PATCH", "DELETE"].includes(method)) {
        return sendMessage(res, 404, "Not Found");
      }
      if (isWrite && options.forbidWrites) return forbid();
      if (method === "GET") return sendJson(res, 200, present(comment, base));
      if (method === "DELETE") {
        byId.delete(comment.id);
        const remaining = (threads.get(comment.thread) ?? []).filter((c) => c.id !== comment.id);
        threads.set(comment.thread, remaining);
        res.writeHead(204);
        return res.end();
      }
      const body = commentBody(payload);
      if (body === undefined) return sendMessage(res, 422, "Invalid request: body is required");
      comment.body = body;
      comment.updated_at = timestamp();
      return sendJson(res, 200, present(comment, base));
    }
    return sendMessage(res, 404, "Not Found");
  };

  /** GET /repos/{owner}/{repo}/contents/{path}?ref=…: raw with `application/vnd.github.raw+json`, else base64 JSON. */
  const contentsRoute = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    repository: string,
    file: string,
    ref: string | null,
  ) => {
    if (options.contentsStatus) {
      const message =
        options.contentsStatus === 403 ? "Resource not accessible by integration" : "Server Error";
      return sendMessage(res, options.contentsStatus, message);
    }
    const text = ref ? options.contents?.get(contentsKey(repository, ref, file)) : undefined;
    if (text === undefined) return sendMessage(res, 404, "Not Found");
    if (/application\/vnd\.github(?:\.v3)?\.raw/.test(req.headers.accept ?? "")) {
      res.writeHead(200, {
        "content-type": "application/vnd.github.raw; charset=utf-8",
        "content-length": Buffer.byteLength(text),
      });
      return res.end(text);
    }
    const content = Buffer.from(text).toString("base64");
    const name = file.split("/").pop();
    const size = Buffer.byteLength(text);
    return sendJson(res, 200, {
      type: "file",
      encoding: "base64",
      name,
      path: file,
      size,
      content,
    });
  };

  /** POST /repos/{owner}/{repo}/attestations and GET /repos/{owner}/{repo}/attestations/{subject_digest}. */
  const attestationRoute = (
    res: http.ServerResponse,
    method: string,
    route: { owner: string; repo: string; digest?: string; extra: boolean },
    payload: unknown,
  ) => {
    const repository = `${route.owner}/${route.repo}`.toLowerCase();
    if (method === "POST" && route.digest === undefined) {
      if (options.forbidWrites)
        return sendMessage(res, 403, "Resource not accessible by integration");
      const bundle = (payload as { bundle?: unknown } | undefined)?.bundle;
      const isObject = typeof bundle === "object" && bundle !== null;
      const digests = isObject ? subjectDigests(bundle as Record<string, unknown>) : undefined;
      if (!isObject || !digests)
        return sendMessage(
          res,
          422,
          "Invalid request: bundle is not a DSSE Sigstore bundle with subjects",
        );
      const id = nextId++;
      attestations.push({
        id,
        repository,
        bundle: bundle as Record<string, unknown>,
        subjectDigests: digests,
      });
      return sendJson(res, 201, { id });
    }
    if (method === "GET" && route.digest && !route.extra) {
      // GitHub lists the bundles whose statement has a subject with this digest.
      const found = attestations.filter(
        (a) => a.repository === repository && a.subjectDigests.includes(route.digest as string),
      );
      const repositoryId = 6000000 + repository.length;
      return sendJson(res, 200, {
        attestations: found.map((a) => ({ bundle: a.bundle, repository_id: repositoryId })),
      });
    }
    return sendMessage(res, 404, "Not Found");
  };

  const server = await startServer(handler, { ...options, maxBodyBytes });
  return {
    ...server,
    token,
    requests,
    comments: (owner, repo, number) =>
      (threads.get(threadKey(owner, repo, number)) ?? []).map((c) => present(c, server.url)),
    seed: (owner, repo, number, comments) =>
      comments.map((entry) => {
        const { body, login } =
          typeof entry === "string" ? { body: entry, login: undefined } : entry;
        return present(addComment(owner, repo, number, body, login ?? ownLogin), server.url);
      }),
    attestations: (owner, repo) =>
      attestations
        .filter((a) => a.repository === `${owner}/${repo}`.toLowerCase())
        .map((a) => structuredClone(a)),
  };
}
