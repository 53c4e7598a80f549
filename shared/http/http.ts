/** Plain HTTP to services (PyPI, OIDC, OSV): one request, a bounded answer, the runner's proxy. */
import http from "node:http";
import https from "node:https";
import type { Writable } from "node:stream";
import { HttpClient } from "@actions/http-client";
import { isSystemError, systemReason } from "../runtime/system-errors.js";
import { type Deadline, seconds } from "./deadline.js";

export interface HttpResponse {
  status: number;
  /** The status line's reason phrase; Warehouse puts its message there. */
  statusText: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface HttpRequest {
  method: "GET" | "POST";
  headers?: Record<string, string | number>;
  /** A small body, or a function that writes the body (the request is ended after it). */
  body?: string | ((request: Writable) => Promise<void>);
  /** The idle timeout: the longest silence on the socket (default 60 s). */
  timeoutMs?: number;
  /** The longest the whole request may take: connect, answer and body (default 10 minutes). */
  totalMs?: number;
  /** The phase the request belongs to: the total never runs past its end. */
  deadline?: Deadline;
}

/** A failure to get any answer: refused, reset, timed out. Always worth another try. */
export class NetworkError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NetworkError";
  }
}

const MAX_ANSWER_BYTES = 1024 * 1024;
const DEFAULT_TOTAL_MS = 10 * 60_000;
const proxies = new HttpClient("pyship");

async function readAnswer(response: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response) {
    size += (chunk as Buffer).length;
    if (size <= MAX_ANSWER_BYTES) chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function send(url: string, init: HttpRequest): Promise<HttpResponse> {
  const target = new URL(url);
  const where = `${target.origin}${target.pathname}`;
  const transport = target.protocol === "https:" ? https : http;
  const totalMs = Math.min(
    init.totalMs ?? DEFAULT_TOTAL_MS,
    init.deadline?.remainingMs() ?? Infinity,
  );
  const idleMs = init.timeoutMs ?? 60_000;
  if (totalMs <= 0) {
    return Promise.reject(new NetworkError(`no time left to ask ${where}`));
  }
  return new Promise<HttpResponse>((resolve, reject) => {
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      request.destroy();
    }, totalMs);
    const fail = (error: unknown) => {
      clearTimeout(timer);
      if (expired) {
        reject(new NetworkError(`no complete answer from ${where} within ${seconds(totalMs)} s`));
        return;
      }
      const reason = isSystemError(error)
        ? systemReason(error)
        : error instanceof Error
          ? error.message
          : String(error);
      reject(new NetworkError(`${init.method} ${where}: ${reason}`, { cause: error }));
    };
    const request = transport.request(target, {
      method: init.method,
      headers: { "User-Agent": "pyship", ...init.headers },
      agent: proxies.getAgent(url),
      timeout: idleMs,
    });
    request.on("timeout", () => request.destroy(new Error(`no data for ${seconds(idleMs)} s`)));
    request.on("error", fail);
    request.on("close", () => {
      if (expired) fail(undefined);
    });
    let answered = false;
    request.on("response", (response) => {
      answered = true;
      readAnswer(response).then((body) => {
        if (expired) return fail(undefined); // a body cut short is no answer
        clearTimeout(timer);
        resolve({
          status: response.statusCode ?? 0,
          statusText: response.statusMessage ?? "",
          headers: response.headers,
          body,
        });
      }, fail);
    });
    if (typeof init.body === "function") {
      // An answer before the body is sent (a 403, say) ends the request early: not an error.
      init.body(request).then(
        () => request.end(),
        (error: unknown) => {
          if (!answered) request.destroy(error instanceof Error ? error : new Error(String(error)));
        },
      );
    } else {
      request.end(init.body);
    }
  });
}

/** Parses a JSON answer; undefined when it is not JSON. */
export function jsonBody(response: HttpResponse): unknown {
  try {
    return JSON.parse(response.body);
  } catch {
    return undefined;
  }
}
