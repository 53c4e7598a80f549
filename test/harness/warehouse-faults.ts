/**
 * Injected faults for the harness servers that take them (the Warehouse stand-in, the OIDC
 * issuer, OSV): per-path queues, each fault consumed by one matching request, in order.
 */
import type http from "node:http";
import { STATUS_CODES } from "node:http";
import { type EchoForm, sendEchoingRefusal } from "./warehouse-echo.js";

export type Fault =
  /** Answer this status (after draining the request body) instead of handling the request. */
  | { kind: "status"; status: number; body?: string; headers?: Record<string, string> }
  /** Destroy the connection without answering (after draining the request body). */
  | { kind: "reset" }
  /**
   * Handle the request completely (an upload is stored, a token minted), then destroy the
   * connection instead of sending the answer, so the client never sees it.
   */
  | { kind: "reset-after-store" }
  /** Wait this long, then handle the request normally. */
  | { kind: "slow"; delayMs: number }
  /** Answer 429 with a Retry-After header. */
  | { kind: "rate-limit"; retryAfterSeconds: number }
  /** Read the request, then never answer: the connection stays open until the client gives up. */
  | { kind: "silent" }
  /** Read the request, answer 200 headers, then one space every `intervalMs`, never ending. */
  | { kind: "trickle"; intervalMs: number }
  /** Answer this status with the request echoed (in `form`) in the status line. */
  | { kind: "echo"; status: number; form: EchoForm };

export type FaultSpec = Fault & { path: string };

export interface FaultQueues {
  /** The live queue for a path (push to add faults); `normalize` maps aliases to one queue. */
  queue(path: string): Fault[];
  /** Takes the next fault for a request path, if any. */
  take(path: string): Fault | undefined;
  clear(): void;
}

export function createFaultQueues(normalize: (path: string) => string = (p) => p): FaultQueues {
  const queues = new Map<string, Fault[]>();
  const queue = (path: string): Fault[] => {
    const key = normalize(path);
    let list = queues.get(key);
    if (!list) {
      list = [];
      queues.set(key, list);
    }
    return list;
  };
  return {
    queue,
    take: (path) => queues.get(normalize(path))?.shift(),
    clear: () => queues.clear(),
  };
}

/** Reads and discards a request body (the server's body limit still applies). */
export function drain(req: http.IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    if (req.readableEnded || req.destroyed) return resolve();
    req.on("end", () => resolve());
    req.on("error", () => resolve());
    req.on("close", () => resolve());
    req.resume();
  });
}

/**
 * Makes a response swallow its answer: headers and body are discarded and `end()` destroys the
 * connection instead; `onDropped` gets the status the handler meant to send.
 */
export function suppressAnswer(res: http.ServerResponse, onDropped?: (status: number) => void) {
  let status = 200;
  res.writeHead = ((code: number) => {
    status = code;
    return res;
  }) as typeof res.writeHead;
  res.write = (() => true) as typeof res.write;
  res.end = (() => {
    onDropped?.(status);
    res.socket?.destroy();
    return res;
  }) as typeof res.end;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Applies a fault that answers by itself ("status", "reset", "rate-limit", "silent", "trickle",
 * "echo") and returns true;
 * "slow" waits and returns false (handle the request); "reset-after-store" returns false too
 * (the caller handles the request and then destroys the connection).
 */
export async function applyFault(
  fault: Fault,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<boolean> {
  switch (fault.kind) {
    case "slow":
      await sleep(fault.delayMs);
      return false;
    case "reset-after-store":
      return false;
    case "reset":
      await drain(req);
      res.socket?.destroy();
      return true;
    case "status": {
      await drain(req);
      const reason = STATUS_CODES[fault.status] ?? "Error";
      const body = Buffer.from(fault.body ?? `${fault.status} ${reason}\n`);
      res.writeHead(fault.status, reason, {
        "content-type": "text/plain; charset=utf-8",
        "content-length": body.length,
        ...fault.headers,
      });
      res.end(body);
      return true;
    }
    case "silent":
      await drain(req);
      return true;
    case "trickle": {
      await drain(req);
      res.writeHead(200, { "content-type": "application/json" });
      const timer = setInterval(() => res.write(" "), fault.intervalMs);
      res.on("close", () => clearInterval(timer));
      return true;
    }
    case "echo": {
      await drain(req);
      const reason = STATUS_CODES[fault.status] ?? "Error";
      sendEchoingRefusal(req, res, fault.status, reason, {
        form: fault.form,
        place: "status-line",
      });
      return true;
    }
    case "rate-limit": {
      await drain(req);
      const body = Buffer.from("429 Too Many Requests\n");
      res.writeHead(429, "Too Many Requests", {
        "content-type": "text/plain; charset=utf-8",
        "content-length": body.length,
        "retry-after": String(fault.retryAfterSeconds),
      });
      res.end(body);
      return true;
    }
  }
}

/** Keeps a request in `requests` (the newest `max`), its status filled in once answered. */
export function recordRequest<T extends { status: number }>(
  requests: T[],
  record: T,
  res: http.ServerResponse,
  max: number,
): void {
  requests.push(record);
  if (requests.length > max) requests.shift();
  res.on("finish", () => {
    record.status = res.statusCode;
  });
}
