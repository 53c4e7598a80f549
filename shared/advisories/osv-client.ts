/** The online OSV source: batched queries, then each advisory by id, retried within one deadline. */
import type { Deadline } from "../http/deadline.js";
import { type HttpResponse, jsonBody, send } from "../http/http.js";
import { Retryable, type RetryPolicy, retryAfterMs, withRetries } from "../http/retry.js";
import { serverText } from "../runtime/redact.js";

export interface PackageQuery {
  name: string;
  version: string;
}

export interface OsvClientOptions {
  url: string;
  retry: RetryPolicy;
  /** Bounds every request and retry of the whole query. */
  deadline: Deadline;
  /** Concurrent `GET /v1/vulns/{id}` requests (default 8). */
  concurrency?: number;
}

export interface OsvAnswer {
  /** The advisory ids for each query, in query order. */
  ids: string[][];
  /** Every advisory by id, as OSV sent it. */
  records: Map<string, unknown>;
  /** How many HTTP requests were made (retries not counted). */
  requests: number;
}

/** OSV could not be reached or answered nonsense: the audit did not run. The reason is server text. */
export class OsvUnavailable extends Error {
  constructor(url: string, reason: string) {
    super(`could not query OSV at ${url} (${serverText(reason)}); the audit did not run`);
    this.name = "OsvUnavailable";
  }
}

const BATCH = 1000;
/** Most result pages followed for one query; more, or a page token seen before, is an error. */
export const MAX_PAGES = 100;

interface BatchResult {
  vulns?: Array<{ id?: unknown }>;
  next_page_token?: unknown;
}

export async function queryOsv(
  packages: PackageQuery[],
  options: OsvClientOptions,
): Promise<OsvAnswer> {
  const base = options.url.replace(/\/+$/, "");
  let requests = 0;
  const call = async (path: string, body?: unknown): Promise<unknown> => {
    requests++;
    const response = await withRetries(options.retry, options.deadline, async () => {
      const answer = await send(`${base}${path}`, {
        method: body === undefined ? "GET" : "POST",
        headers: {
          Accept: "application/json",
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        timeoutMs: 60_000,
        totalMs: 120_000,
        deadline: options.deadline,
      });
      if (answer.status >= 500 || answer.status === 429) {
        throw new Retryable(`${path} got ${answer.status}`, retryAfterMs(answer));
      }
      return answer;
    }).catch((error: unknown) => {
      throw new OsvUnavailable(base, error instanceof Error ? error.message : String(error));
    });
    return parsed(response, base, path);
  };

  const ids: string[][] = packages.map(() => []);
  let pending = packages.map((pkg, index) => ({
    index,
    pkg,
    pageToken: undefined as string | undefined,
    tokens: new Set<string>(),
  }));
  while (pending.length > 0) {
    const next: typeof pending = [];
    for (let start = 0; start < pending.length; start += BATCH) {
      const chunk = pending.slice(start, start + BATCH);
      const queries = chunk.map(({ pkg, pageToken }) => ({
        package: { name: pkg.name, ecosystem: "PyPI" },
        version: pkg.version,
        ...(pageToken ? { page_token: pageToken } : {}),
      }));
      const answer = (await call("/v1/querybatch", { queries })) as { results?: BatchResult[] };
      const results = answer.results;
      if (!Array.isArray(results) || results.length !== chunk.length) {
        throw new OsvUnavailable(
          base,
          `querybatch answered ${results?.length ?? "no"} results for ${chunk.length} queries`,
        );
      }
      results.forEach((result, offset) => {
        const query = chunk[offset];
        for (const vuln of result?.vulns ?? [])
          if (typeof vuln.id === "string") ids[query.index].push(vuln.id);
        const token = result?.next_page_token;
        if (typeof token === "string" && token !== "") {
          next.push({ ...query, pageToken: nextPage(query, token, base) });
        }
      });
    }
    pending = next;
  }

  const distinct = [...new Set(ids.flat())];
  const records = new Map<string, unknown>();
  const worker = async () => {
    for (let id = distinct.shift(); id !== undefined; id = distinct.shift()) {
      records.set(id, await call(`/v1/vulns/${encodeURIComponent(id)}`));
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return { ids, records, requests };
}

/** The next page's token, once checked: never one seen before, never past MAX_PAGES. */
function nextPage(
  query: { pkg: PackageQuery; tokens: Set<string> },
  token: string,
  base: string,
): string {
  const what = `${query.pkg.name} ${query.pkg.version}`;
  if (query.tokens.has(token)) {
    throw new OsvUnavailable(base, `querybatch sent a page token twice for ${what}`);
  }
  if (query.tokens.size + 1 >= MAX_PAGES) {
    throw new OsvUnavailable(base, `querybatch had more than ${MAX_PAGES} pages for ${what}`);
  }
  query.tokens.add(token);
  return token;
}

function parsed(response: HttpResponse, base: string, path: string): unknown {
  const body = jsonBody(response);
  if (response.status !== 200 || body === undefined) {
    throw new OsvUnavailable(
      base,
      `${path} answered ${response.status} ${response.statusText}`.trim(),
    );
  }
  return body;
}
