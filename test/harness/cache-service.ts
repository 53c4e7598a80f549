/**
 * A local GitHub Actions cache service (v2) for the real @actions/cache: the Twirp
 * CacheService JSON API plus a path-style Azure blob endpoint for uploads and downloads.
 * Blobs live on disk in a temp dir that is removed on close.
 */
import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import type http from "node:http";
import os from "node:os";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { readBody, type ServerOptions, startServer } from "./server.js";

export interface CacheServiceOptions extends ServerOptions {
  /** CreateCacheEntry answers ok:false once this many entries exist (default 200). */
  maxEntries?: number;
  /** Blob and block uploads past this many stored bytes get a 413 (default 4 GiB). */
  maxTotalBytes?: number;
}

export type TwirpMethod =
  | "CreateCacheEntry"
  | "FinalizeCacheEntryUpload"
  | "GetCacheEntryDownloadURL";

/** What failNext can break: a Twirp method, or any blob upload (PUT) / download (GET, HEAD). */
export type FaultTarget = TwirpMethod | "BlobUpload" | "BlobDownload";

export interface CacheEntryInfo {
  key: string;
  version: string;
  size: number;
}

export interface RecordedRequest {
  method: string;
  /** Path with the query string, e.g. `/devstoreaccount1/cache/<id>?comp=block&blockid=…`. */
  path: string;
}

export interface RunningCacheService {
  /** For ACTIONS_RESULTS_URL; ends with "/". */
  url: string;
  port: number;
  /** The variables @actions/cache needs to use this service. */
  env: Record<string, string>;
  /** Finalized entries, oldest first. */
  entries(): CacheEntryInfo[];
  /** Every request so far, live (the last 10,000). */
  requests: RecordedRequest[];
  /** The next `times` calls of `target` answer `status` (a Twirp or Azure error body). */
  failNext(target: FaultTarget, status: number, times?: number): void;
  close(): Promise<void>;
}

interface Entry {
  id: number;
  key: string;
  version: string;
  blobName: string;
  uploadSig: string;
  downloadSig: string;
  finalized: boolean;
  /** Finalization order, for "newest first" restore-key matches. */
  finalizedSeq: number;
  /** Committed blob size, -1 before any commit. */
  size: number;
  /** Staged, uncommitted blocks by block id. */
  blocks: Map<string, { file: string; size: number }>;
  lastModified: Date;
}

const DEFAULT_MAX_ENTRIES = 200;
const DEFAULT_MAX_TOTAL_BYTES = 4 * 1024 ** 3;
const MAX_RECORDED_REQUESTS = 10_000;
const MAX_JSON_BYTES = 64 * 1024;
const MAX_BLOCK_LIST_BYTES = 4 * 1024 * 1024;
const MAX_BLOCK_ID_BYTES = 64;
const ACCOUNT = "devstoreaccount1";
const CONTAINER = "cache";
const AZURE_VERSION = "2025-11-05";
const TWIRP_PREFIX = "/twirp/github.actions.results.api.v1.CacheService/";

type TwirpHandler = (body: Record<string, unknown>) => unknown;

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function base64Url(data: string | Buffer): string {
  return Buffer.from(data).toString("base64url");
}

/** An HS256 JWT shaped like the runner's ACTIONS_RUNTIME_TOKEN (scope claim `ac`). */
function makeRuntimeToken(lifetimeMs: number): string {
  const header = base64Url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = base64Url(
    JSON.stringify({
      iss: "pyship-test-cache-service",
      ac: JSON.stringify([{ Scope: "refs/heads/main", Permission: 3 }]),
      repository_id: "1",
      exp: Math.ceil((Date.now() + lifetimeMs) / 1000),
    }),
  );
  const signature = createHmac("sha256", randomBytes(32)).update(`${header}.${payload}`).digest();
  return `${header}.${payload}.${base64Url(signature)}`;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

function azureHeaders(
  extra: Record<string, string | number> = {},
): Record<string, string | number> {
  return {
    "x-ms-request-id": randomUUID(),
    "x-ms-version": AZURE_VERSION,
    date: new Date().toUTCString(),
    ...extra,
  };
}

function sendAzureError(res: http.ServerResponse, error: HttpError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const message = error.message.replace(/[<>&]/g, (c) => `&#${c.charCodeAt(0)};`);
  const xml = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${error.code}</Code><Message>${message}</Message></Error>`;
  res.writeHead(
    error.status,
    azureHeaders({
      "x-ms-error-code": error.code,
      "content-type": "application/xml",
      "content-length": Buffer.byteLength(xml),
    }),
  );
  res.end(xml);
}

/** Parses a single `bytes=` range against `size`; undefined means the whole blob. */
function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === "" && match[2] === "")) {
    throw new HttpError(416, "InvalidRange", `unsupported range ${header}`);
  }
  let start: number;
  let end: number;
  if (match[1] === "") {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || end < start) {
    throw new HttpError(416, "InvalidRange", `range ${header} outside 0-${size - 1}`);
  }
  return { start, end };
}

export async function startCacheService(
  options: CacheServiceOptions = {},
): Promise<RunningCacheService> {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const maxTotalBytes = options.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES;
  const lifetimeMs = options.lifetimeMs ?? 15 * 60 * 1000;
  const root = mkdtempSync(path.join(os.tmpdir(), "pyship-cache-service-"));
  const token = makeRuntimeToken(lifetimeMs);
  const entries: Entry[] = [];
  const requests: RecordedRequest[] = [];
  const faults = new Map<FaultTarget, { status: number; times: number }>();
  let nextId = 1;
  let finalizedCount = 0;
  let storedBytes = 0;
  let baseUrl = "";

  const blobFile = (entry: Entry) => path.join(root, "blobs", entry.blobName);
  const blockDir = (entry: Entry) => path.join(root, "blocks", entry.blobName);

  /** Takes a pending fault for `target`, if any. */
  const takeFault = (target: FaultTarget): number | undefined => {
    const fault = faults.get(target);
    if (!fault) return undefined;
    if (--fault.times <= 0) faults.delete(target);
    return fault.status;
  };

  /** Streams a request body to `file`, counting it against maxTotalBytes; checks content-md5. */
  const receive = async (req: http.IncomingMessage, file: string) => {
    // Refuse up front when the declared length can't fit, so the client gets a clean 413.
    if (storedBytes + Number(req.headers["content-length"] ?? 0) > maxTotalBytes) {
      throw new HttpError(413, "InsufficientAccountResources", "cache service is full");
    }
    const md5 = createHash("md5");
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        if (storedBytes + chunk.length > maxTotalBytes) {
          done(new HttpError(413, "InsufficientAccountResources", "cache service is full"));
          return;
        }
        storedBytes += chunk.length;
        size += chunk.length;
        md5.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(req, meter, createWriteStream(file));
      const digest = md5.digest("base64");
      const sent = req.headers["content-md5"];
      if (typeof sent === "string" && sent !== digest) {
        throw new HttpError(400, "Md5Mismatch", "content-md5 does not match the body");
      }
      return { size, md5: digest };
    } catch (error) {
      storedBytes -= size;
      await rm(file, { force: true });
      throw error;
    }
  };

  /** Replaces the committed blob with `tmp` (already counted in storedBytes). */
  const commitBlob = async (entry: Entry, tmp: string, size: number) => {
    await rename(tmp, blobFile(entry));
    if (entry.size > 0) storedBytes -= entry.size;
    entry.size = size;
    entry.lastModified = new Date();
  };

  const dropBlocks = async (entry: Entry) => {
    for (const block of entry.blocks.values()) storedBytes -= block.size;
    entry.blocks.clear();
    await rm(blockDir(entry), { recursive: true, force: true });
  };

  const blobEtag = (entry: Entry) =>
    `"0x${entry.lastModified.getTime().toString(16).toUpperCase()}"`;

  const putBlob = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    entry: Entry,
    query: URLSearchParams,
  ) => {
    if (entry.finalized) throw new HttpError(409, "BlobImmutable", "the cache entry is finalized");
    const comp = query.get("comp");
    if (comp === null) {
      if (req.headers["x-ms-blob-type"] !== "BlockBlob") {
        throw new HttpError(400, "InvalidHeaderValue", "x-ms-blob-type must be BlockBlob");
      }
      const tmp = `${blobFile(entry)}.${randomUUID()}.tmp`;
      const { size, md5 } = await receive(req, tmp);
      await commitBlob(entry, tmp, size);
      await dropBlocks(entry);
      res.writeHead(201, blobWritten(entry, { "content-md5": md5 }));
      res.end();
      return;
    }
    if (comp === "block") {
      const blockId = query.get("blockid") ?? "";
      const decoded = Buffer.from(blockId, "base64");
      if (!blockId || decoded.length === 0 || decoded.length > MAX_BLOCK_ID_BYTES) {
        throw new HttpError(400, "InvalidQueryParameterValue", "bad blockid");
      }
      await mkdir(blockDir(entry), { recursive: true });
      const file = path.join(blockDir(entry), createHash("sha256").update(blockId).digest("hex"));
      const tmp = `${file}.${randomUUID()}.tmp`;
      const { size, md5 } = await receive(req, tmp);
      await rename(tmp, file);
      const previous = entry.blocks.get(blockId);
      if (previous) storedBytes -= previous.size;
      entry.blocks.set(blockId, { file, size });
      res.writeHead(
        201,
        azureHeaders({
          "content-md5": md5,
          "x-ms-request-server-encrypted": "true",
          "content-length": 0,
        }),
      );
      res.end();
      return;
    }
    if (comp === "blocklist") {
      const xml = (await readBody(req, MAX_BLOCK_LIST_BYTES)).toString("utf8");
      const ids = [...xml.matchAll(/<(Latest|Uncommitted|Committed)>([^<]*)<\/\1>/g)].map((m) => {
        if (m[1] === "Committed") {
          throw new HttpError(
            400,
            "InvalidBlockList",
            "re-committing committed blocks is unsupported",
          );
        }
        return m[2].trim();
      });
      const blocks = ids.map((id) => {
        const block = entry.blocks.get(id);
        if (!block) throw new HttpError(400, "InvalidBlockList", `block ${id} was not staged`);
        return block;
      });
      const size = blocks.reduce((sum, block) => sum + block.size, 0);
      if (storedBytes + size > maxTotalBytes) {
        throw new HttpError(413, "InsufficientAccountResources", "cache service is full");
      }
      // Assemble in the listed order; staged blocks are dropped afterwards, as Azure does.
      const tmp = `${blobFile(entry)}.${randomUUID()}.tmp`;
      storedBytes += size;
      try {
        await pipeline(concatFiles(blocks.map((block) => block.file)), createWriteStream(tmp));
      } catch (error) {
        storedBytes -= size;
        await rm(tmp, { force: true });
        throw error;
      }
      await commitBlob(entry, tmp, size);
      await dropBlocks(entry);
      res.writeHead(201, blobWritten(entry));
      res.end();
      return;
    }
    throw new HttpError(400, "InvalidQueryParameterValue", `unsupported comp=${comp}`);
  };

  const blobWritten = (entry: Entry, extra: Record<string, string> = {}) =>
    azureHeaders({
      etag: blobEtag(entry),
      "last-modified": entry.lastModified.toUTCString(),
      "x-ms-request-server-encrypted": "true",
      "content-length": 0,
      ...extra,
    });

  const getBlob = async (req: http.IncomingMessage, res: http.ServerResponse, entry: Entry) => {
    req.resume();
    if (entry.size < 0) throw new HttpError(404, "BlobNotFound", "the blob has no content");
    const size = entry.size;
    const range = parseRange(req.headers.range, size);
    const headers = azureHeaders({
      "content-type": "application/octet-stream",
      "accept-ranges": "bytes",
      etag: blobEtag(entry),
      "last-modified": entry.lastModified.toUTCString(),
      "x-ms-blob-type": "BlockBlob",
      "x-ms-server-encrypted": "true",
      "content-length": range ? range.end - range.start + 1 : size,
    });
    if (range) headers["content-range"] = `bytes ${range.start}-${range.end}/${size}`;
    res.writeHead(range ? 206 : 200, headers);
    if (req.method === "HEAD" || size === 0) {
      res.end();
      return;
    }
    const source = createReadStream(blobFile(entry), range ?? {});
    await pipeline(source, res).catch(() => res.destroy());
  };

  const handleBlob = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => {
    try {
      const [account, container, blobName, ...rest] = url.pathname.slice(1).split("/");
      const entry = entries.find((candidate) => candidate.blobName === blobName);
      if (account !== ACCOUNT || container !== CONTAINER || rest.length > 0 || !entry) {
        throw new HttpError(404, "BlobNotFound", "no such blob");
      }
      const isUpload = req.method === "PUT";
      const isDownload = req.method === "GET" || req.method === "HEAD";
      if (!isUpload && !isDownload) throw new HttpError(405, "UnsupportedHttpVerb", "bad method");
      const sig = url.searchParams.get("sig");
      if (sig !== (isUpload ? entry.uploadSig : entry.downloadSig)) {
        throw new HttpError(403, "AuthenticationFailed", "bad or missing sig");
      }
      const fault = takeFault(isUpload ? "BlobUpload" : "BlobDownload");
      if (fault) throw new HttpError(fault, "InjectedFault", `injected ${fault}`);
      if (isUpload) await putBlob(req, res, entry, url.searchParams);
      else await getBlob(req, res, entry);
    } catch (error) {
      req.resume();
      if (error instanceof HttpError) sendAzureError(res, error);
      else throw error;
    }
  };

  const twirp: Record<TwirpMethod, TwirpHandler> = {
    CreateCacheEntry(body) {
      const key = requireString(body, "key");
      const version = requireString(body, "version");
      if (entries.some((entry) => entry.key === key && entry.version === version)) {
        return { ok: false, message: `an entry for key ${key} and this version already exists` };
      }
      if (entries.length >= maxEntries) {
        return {
          ok: false,
          message: `the cache service holds its maximum of ${maxEntries} entries`,
        };
      }
      const entry: Entry = {
        id: nextId++,
        key,
        version,
        blobName: randomUUID(),
        uploadSig: randomBytes(16).toString("hex"),
        downloadSig: randomBytes(16).toString("hex"),
        finalized: false,
        finalizedSeq: 0,
        size: -1,
        blocks: new Map(),
        lastModified: new Date(),
      };
      entries.push(entry);
      return { ok: true, signed_upload_url: signedUrl(entry, entry.uploadSig, "cw") };
    },
    FinalizeCacheEntryUpload(body) {
      const key = requireString(body, "key");
      const version = requireString(body, "version");
      const sizeBytes = Number(body.size_bytes ?? 0);
      const entry = entries.find((e) => e.key === key && e.version === version && !e.finalized);
      if (!entry) return { ok: false, message: `no pending upload for key ${key}` };
      if (entry.size !== sizeBytes) {
        return { ok: false, message: `uploaded ${entry.size} bytes, expected ${sizeBytes}` };
      }
      entry.finalized = true;
      entry.finalizedSeq = ++finalizedCount;
      return { ok: true, entry_id: String(entry.id) };
    },
    GetCacheEntryDownloadURL(body) {
      const key = requireString(body, "key");
      const version = requireString(body, "version");
      const restoreKeys = body.restore_keys ?? [];
      if (!Array.isArray(restoreKeys) || restoreKeys.some((k) => typeof k !== "string")) {
        throw new HttpError(400, "invalid_argument", "restore_keys must be strings");
      }
      const usable = entries
        .filter((entry) => entry.finalized && entry.version === version)
        .sort((a, b) => b.finalizedSeq - a.finalizedSeq);
      const match =
        usable.find((entry) => entry.key === key) ??
        restoreKeys
          .map((prefix: string) => usable.find((entry) => entry.key.startsWith(prefix)))
          .find((entry) => entry !== undefined);
      if (!match) return { ok: false };
      return {
        ok: true,
        signed_download_url: signedUrl(match, match.downloadSig, "r"),
        matched_key: match.key,
      };
    },
  };

  const signedUrl = (entry: Entry, sig: string, permissions: string) =>
    `${baseUrl}${ACCOUNT}/${CONTAINER}/${entry.blobName}?sv=${AZURE_VERSION}&sr=b&sp=${permissions}&sig=${sig}`;

  const handleTwirp = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => {
    try {
      const method = url.pathname.slice(TWIRP_PREFIX.length);
      if (req.method !== "POST" || !Object.hasOwn(twirp, method)) {
        throw new HttpError(404, "bad_route", `no handler for ${req.method} ${url.pathname}`);
      }
      if (req.headers.authorization !== `Bearer ${token}`) {
        throw new HttpError(401, "unauthenticated", "missing or invalid bearer token");
      }
      if (!String(req.headers["content-type"]).startsWith("application/json")) {
        throw new HttpError(415, "bad_route", "only application/json is supported");
      }
      const raw = await readBody(req, MAX_JSON_BYTES);
      const fault = takeFault(method as TwirpMethod);
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
      sendJson(res, 200, await twirp[method as TwirpMethod](body as Record<string, unknown>));
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      req.resume();
      sendJson(res, error.status, { code: error.code, msg: error.message });
    }
  };

  const server = await startServer(async (req, res) => {
    requests.push({ method: req.method ?? "", path: req.url ?? "" });
    if (requests.length > MAX_RECORDED_REQUESTS) requests.shift();
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname.startsWith(TWIRP_PREFIX)) return handleTwirp(req, res, url);
    if (url.pathname.startsWith(`/${ACCOUNT}/`)) return handleBlob(req, res, url);
    req.resume();
    sendJson(res, 404, { code: "bad_route", msg: `no route for ${url.pathname}` });
  }, options);
  baseUrl = `${server.url}/`;
  await mkdir(path.join(root, "blobs"));
  await mkdir(path.join(root, "blocks"));

  const removeRoot = () => rmSync(root, { recursive: true, force: true });
  process.once("exit", removeRoot);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      clearTimeout(lifetime);
      await server.close();
      process.off("exit", removeRoot);
      await rm(root, { recursive: true, force: true });
    })();
    return closing;
  };
  // startServer closes the socket after the lifetime; this also removes the blobs.
  const lifetime = setTimeout(() => void close(), lifetimeMs);
  lifetime.unref();

  return {
    url: baseUrl,
    port: server.port,
    env: {
      ACTIONS_RESULTS_URL: baseUrl,
      ACTIONS_CACHE_SERVICE_V2: "true",
      ACTIONS_RUNTIME_TOKEN: token,
      GITHUB_SERVER_URL: "https://github.com",
    },
    entries: () =>
      entries
        .filter((entry) => entry.finalized)
        .sort((a, b) => a.finalizedSeq - b.finalizedSeq)
        .map(({ key, version, size }) => ({ key, version, size })),
    requests,
    failNext(target, status, times = 1) {
      faults.set(target, { status, times });
    },
    close,
  };
}

function requireString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== "string" || value === "") {
    throw new HttpError(400, "invalid_argument", `${field} must be a non-empty string`);
  }
  return value;
}

async function* concatFiles(files: string[]): AsyncGenerator<Buffer> {
  for (const file of files) yield* createReadStream(file);
}
