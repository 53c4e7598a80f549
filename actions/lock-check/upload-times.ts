/** Upload times from an index's JSON API (`/pypi/<name>/<version>/json`): asked once per version, a few at a time. */
import type { Deadline } from "../../shared/http/deadline.js";
import { type HttpResponse, jsonBody, send } from "../../shared/http/http.js";
import { Retryable, type RetryPolicy, retryAfterMs, withRetries } from "../../shared/http/retry.js";
import { indexRoot } from "../../shared/lockfiles/indexes.js";
import type { LockedFile } from "../../shared/lockfiles/model.js";
import { mapConcurrently } from "../../shared/runtime/concurrency.js";
import { serverText } from "../../shared/runtime/redact.js";

export const PYPI = "https://pypi.org";

export interface UploadTimeQuery {
  /** The index's root, where `/pypi/…` lives (`https://pypi.org`). */
  index: string;
  /** PEP 503 normalized. */
  name: string;
  version: string;
  /** The locked files, to find their own upload times in the answer. */
  files: readonly LockedFile[];
}

export type UploadTimeAnswer =
  | { kind: "found"; uploadTime: string }
  /** The index does not know the version, or lists no file for it. */
  | { kind: "none"; reason: string }
  /** No answer after the retries, an unexpected status, or not the JSON API's shape. */
  | { kind: "unavailable"; reason: string };

interface ReleaseFile {
  filename?: unknown;
  digests?: { sha256?: unknown };
  upload_time_iso_8601?: unknown;
}

export interface UploadTimeClientOptions {
  retry: RetryPolicy;
  deadline: Deadline;
  /** Requests in flight at once (default 8). */
  concurrency?: number;
}

/** Where a package's JSON API lives: its registry's root (indexRoot), else `fallback` for PyPI's. */
export const jsonApiRoot = (registry: string | undefined, fallback: string): string =>
  indexRoot(registry, fallback);

export const releaseUrl = (index: string, name: string, version: string) =>
  `${index.replace(/\/+$/, "")}/pypi/${encodeURIComponent(name)}/${encodeURIComponent(version)}/json`;

/** One request per (index, name, version) for the client's life; answers shared by every query. */
export class UploadTimeClient {
  private readonly releases = new Map<string, Promise<ReleaseFile[] | UploadTimeAnswer>>();
  /** Indexes that could not be reached after the retries: not asked again. */
  private readonly unreachable = new Map<string, UploadTimeAnswer>();
  /** HTTP requests made, retries not counted. */
  requests = 0;

  constructor(private readonly options: UploadTimeClientOptions) {}

  async lookup(query: UploadTimeQuery): Promise<UploadTimeAnswer> {
    const url = releaseUrl(query.index, query.name, query.version);
    let release = this.releases.get(url);
    if (!release) {
      release = this.fetch(url);
      this.releases.set(url, release);
    }
    const files = await release;
    return Array.isArray(files) ? uploadTimeOf(files, query.files) : files;
  }

  /** Every query's answer, in query order, with at most `concurrency` requests in flight. */
  async lookupAll(queries: readonly UploadTimeQuery[]): Promise<UploadTimeAnswer[]> {
    return mapConcurrently(queries, this.options.concurrency ?? 8, (query) => this.lookup(query));
  }

  private async fetch(url: string): Promise<ReleaseFile[] | UploadTimeAnswer> {
    const where = new URL(url);
    const down = this.unreachable.get(where.origin);
    if (down) return down;
    this.requests++;
    try {
      const response = await withRetries(this.options.retry, this.options.deadline, async () => {
        const answer = await send(url, {
          method: "GET",
          headers: { Accept: "application/json" },
          timeoutMs: 30_000,
          totalMs: 60_000,
          deadline: this.options.deadline,
        });
        if (answer.status >= 500 || answer.status === 429)
          throw new Retryable(`${where.pathname} got ${answer.status}`, retryAfterMs(answer));
        return answer;
      });
      return releaseFiles(response, where.origin);
    } catch (error) {
      // The same for every version: the message without its URL, or the deadline's advice.
      const reason = (error instanceof Error ? error.message : String(error))
        .replace(/^GET \S+: /, "")
        .replace(/; raise .*$/, "");
      const answer: UploadTimeAnswer = {
        kind: "unavailable",
        reason: `${where.origin} could not be reached: ${serverText(reason)}`,
      };
      this.unreachable.set(where.origin, answer);
      return answer;
    }
  }
}

function releaseFiles(response: HttpResponse, origin: string): ReleaseFile[] | UploadTimeAnswer {
  if (response.status === 404)
    return { kind: "none", reason: `${origin} does not know the version` };
  const status = `${response.status} ${response.statusText}`.trim();
  if (response.status !== 200)
    return { kind: "unavailable", reason: `${origin}'s JSON API answered ${status}` };
  const urls = (jsonBody(response) as { urls?: unknown } | undefined)?.urls;
  if (!Array.isArray(urls))
    return { kind: "unavailable", reason: `${origin} has no JSON API (no urls in its answer)` };
  return urls.filter((file): file is ReleaseFile => typeof file === "object" && file !== null);
}

/**
 * The newest upload time among the locked files the answer lists (by name or sha256), else the
 * release's first upload (a lock that names no file, such as a requirements pin without hashes).
 */
export function uploadTimeOf(
  files: readonly ReleaseFile[],
  locked: readonly LockedFile[],
): UploadTimeAnswer {
  const names = new Set(locked.map((f) => f.name ?? f.url?.split("/").at(-1)).filter(Boolean));
  const digests = new Set(
    locked
      .flatMap((f) => f.hashes)
      .filter((h) => h.toLowerCase().startsWith("sha256:"))
      .map((h) => h.slice(7).toLowerCase()),
  );
  const timed = files.flatMap((file) => {
    const ms =
      typeof file.upload_time_iso_8601 === "string" ? Date.parse(file.upload_time_iso_8601) : NaN;
    return Number.isFinite(ms) ? [{ file, ms }] : [];
  });
  if (timed.length === 0) return { kind: "none", reason: "the index lists no upload time for it" };
  const isLocked = ({ file }: (typeof timed)[number]) =>
    (typeof file.filename === "string" && names.has(file.filename)) ||
    (typeof file.digests?.sha256 === "string" && digests.has(file.digests.sha256.toLowerCase()));
  const matched = timed.filter(isLocked);
  const ms =
    matched.length > 0
      ? Math.max(...matched.map((t) => t.ms))
      : Math.min(...timed.map((t) => t.ms));
  return { kind: "found", uploadTime: new Date(ms).toISOString() };
}
