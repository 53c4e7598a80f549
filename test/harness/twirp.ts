/**
 * The Twirp JSON side of the harness results services (cache v2, artifact v4): bearer-token
 * check, JSON bodies, Twirp error bodies `{code, msg}`, and injected faults.
 */
import { createHmac, randomBytes } from "node:crypto";
import type http from "node:http";
import { HttpError } from "./blob-store.js";
import { readBody } from "./server.js";

export type TwirpHandler = (body: Record<string, unknown>, token: string) => unknown;

export interface TwirpRoute<M extends string> {
  /** e.g. `github.actions.results.api.v1.CacheService`. */
  service: string;
  handlers: Record<M, TwirpHandler>;
  /** True when the service issued this bearer token. */
  knowsToken(token: string): boolean;
  /** A pending injected status for `method`, if any. */
  takeFault(method: M): number | undefined;
}

const MAX_JSON_BYTES = 64 * 1024;

export const twirpPrefix = (service: string) => `/twirp/${service}/`;

/** Stalls: the next `times` requests to a target are read and never answered. */
export function createStalls(service: string) {
  const pending = new Map<string, number>();
  return {
    stall(target: string, times = 1): void {
      pending.set(target, times);
    },
    /** Whether this request is stalled: its target is its Twirp method, or BlobUpload / BlobDownload. */
    take(url: URL, method: string): boolean {
      const prefix = twirpPrefix(service);
      const target = url.pathname.startsWith(prefix)
        ? url.pathname.slice(prefix.length)
        : method === "PUT"
          ? "BlobUpload"
          : "BlobDownload";
      const times = pending.get(target) ?? 0;
      if (times <= 1) pending.delete(target);
      else pending.set(target, times - 1);
      return times > 0;
    },
  };
}

function base64Url(data: string | Buffer): string {
  return Buffer.from(data).toString("base64url");
}

/** An HS256 JWT shaped like the runner's ACTIONS_RUNTIME_TOKEN, carrying `claims`. */
export function makeRuntimeToken(claims: Record<string, unknown>, lifetimeMs: number): string {
  const header = base64Url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = base64Url(
    JSON.stringify({ ...claims, exp: Math.ceil((Date.now() + lifetimeMs) / 1000) }),
  );
  const signature = createHmac("sha256", randomBytes(32)).update(`${header}.${payload}`).digest();
  return `${header}.${payload}.${base64Url(signature)}`;
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

export function requireString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== "string" || value === "") {
    throw new HttpError(400, "invalid_argument", `${field} must be a non-empty string`);
  }
  return value;
}

/** Serves one `POST /twirp/<service>/<method>` request. */
export async function serveTwirp<M extends string>(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  route: TwirpRoute<M>,
): Promise<void> {
  try {
    const method = url.pathname.slice(twirpPrefix(route.service).length);
    if (req.method !== "POST" || !Object.hasOwn(route.handlers, method)) {
      throw new HttpError(404, "bad_route", `no handler for ${req.method} ${url.pathname}`);
    }
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "";
    if (!route.knowsToken(token)) {
      throw new HttpError(401, "unauthenticated", "missing or invalid bearer token");
    }
    if (!String(req.headers["content-type"]).startsWith("application/json")) {
      throw new HttpError(415, "bad_route", "only application/json is supported");
    }
    const raw = await readBody(req, MAX_JSON_BYTES);
    const fault = route.takeFault(method as M);
    if (fault) throw new HttpError(fault, "unavailable", `injected ${fault}`);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      throw new HttpError(400, "malformed", "request body is not JSON");
    }
    if (typeof body !== "object" || body === null) {
      throw new HttpError(400, "malformed", "request body is not an object");
    }
    const answer = await route.handlers[method as M](body as Record<string, unknown>, token);
    sendJson(res, 200, answer);
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    req.resume();
    sendJson(res, error.status, { code: error.code, msg: error.message });
  }
}
