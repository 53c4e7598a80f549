/**
 * A tiny base for every harness HTTP server: binds 127.0.0.1 on a free port, bounds
 * request bodies, turns handler errors into 500s and closes itself after a lifetime.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => unknown;

export interface ServerOptions {
  /** The server closes itself after this long (default 15 minutes). */
  lifetimeMs?: number;
  /** Requests whose body is larger get a 413 (default 2 GiB). */
  maxBodyBytes?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const DEFAULT_LIFETIME_MS = 15 * 60 * 1000;
const DEFAULT_MAX_BODY_BYTES = 2 * 1024 ** 3;

export class BodyTooLargeError extends Error {
  constructor(limit: number) {
    super(`request body exceeds ${limit} bytes`);
  }
}

/** Reads a whole request body, rejecting once it grows past `limit` bytes. */
export function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData);
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
    req.resume();
  });
}

function sendError(res: http.ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", connection: "close" });
  res.end(`${message.slice(0, 500)}\n`);
}

export function startServer(handler: Handler, options: ServerOptions = {}): Promise<RunningServer> {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const server = http.createServer(async (req, res) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > maxBodyBytes) {
      sendError(res, 413, `request body exceeds ${maxBodyBytes} bytes`);
      req.resume();
      return;
    }
    // Count streamed bytes too, for chunked uploads without a content-length. The request
    // starts paused: handlers read it with readBody, pipe() or for-await (all resume it).
    let received = 0;
    req.on("data", (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBodyBytes) {
        sendError(res, 413, `request body exceeds ${maxBodyBytes} bytes`);
        req.destroy();
      }
    });
    req.pause();
    try {
      await handler(req, res);
    } catch (error) {
      const status = error instanceof BodyTooLargeError ? 413 : 500;
      sendError(res, status, error instanceof Error ? error.message : String(error));
    }
  });
  server.on("clientError", (_error, socket) => socket.destroy());

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      clearTimeout(lifetime);
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
  const lifetime = setTimeout(() => void close(), options.lifetimeMs ?? DEFAULT_LIFETIME_MS);
  lifetime.unref();

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}`, port, close });
    });
  });
}
