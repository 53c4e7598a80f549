/**
 * A path-style Azure block-blob endpoint on disk (`/<account>/<container>/<blob>?sig=…`), as
 * the Actions cache and artifact clients reach it through @azure/storage-blob: Put Blob, Put
 * Block, Put Block List, Get Blob (with HEAD and Range). Shared by the harness services.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import type http from "node:http";
import os from "node:os";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { readBody } from "./server.js";

/** An HTTP error with a service error code (Azure `x-ms-error-code`, or a Twirp `code`). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export type BlobAccess = "upload" | "download";

export interface StoredBlob {
  readonly name: string;
  /** Committed size, -1 before any commit. */
  size: number;
  /** Hex sha256 of the committed content ("" before any commit). */
  sha256: string;
  /** From `x-ms-blob-content-type` at commit; served back on GET. */
  contentType: string;
  /** A sealed blob refuses writes (its cache entry or artifact is finalized). */
  sealed: boolean;
  lastModified: Date;
}

interface BlobState extends StoredBlob {
  sigs: Record<BlobAccess, string>;
  /** Staged, uncommitted blocks by block id. */
  blocks: Map<string, { file: string; size: number }>;
}

export interface BlobStore {
  /** Set once the server listens; signed URLs start with it. Ends with "/". */
  baseUrl: string;
  create(): StoredBlob;
  /** Drops a blob and its staged blocks; its URLs stop working. */
  discard(blob: StoredBlob): Promise<void>;
  signedUrl(blob: StoredBlob, access: BlobAccess): string;
  /** The committed content on disk. */
  file(blob: StoredBlob): string;
  handles(url: URL): boolean;
  /** Serves one blob request; `takeFault` may answer an injected status instead. */
  handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    takeFault: (access: BlobAccess) => number | undefined,
  ): Promise<void>;
  /** Removes every blob from disk. */
  close(): Promise<void>;
}

export interface BlobStoreOptions {
  container: string;
  /** Blob and block uploads past this many stored bytes get a 413. */
  maxTotalBytes: number;
  /** Prefix of the temp dir holding the blobs. */
  tempPrefix: string;
}

const ACCOUNT = "devstoreaccount1";
const AZURE_VERSION = "2025-11-05";
const MAX_BLOCK_LIST_BYTES = 4 * 1024 * 1024;
const MAX_BLOCK_ID_BYTES = 64;
const DEFAULT_CONTENT_TYPE = "application/octet-stream";

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

/** A pass-through that hashes (md5 and sha256) and counts what flows through it. */
function meter(admit: (bytes: number) => void) {
  const md5 = createHash("md5");
  const sha256 = createHash("sha256");
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        admit(chunk.length);
      } catch (error) {
        done(error as Error);
        return;
      }
      size += chunk.length;
      md5.update(chunk);
      sha256.update(chunk);
      done(null, chunk);
    },
  });
  return {
    stream,
    size: () => size,
    digests: () => ({ md5: md5.digest("base64"), sha256: sha256.digest("hex") }),
  };
}

async function* concatFiles(files: string[]): AsyncGenerator<Buffer> {
  for (const file of files) yield* createReadStream(file);
}

export function createBlobStore(options: BlobStoreOptions): BlobStore {
  const root = mkdtempSync(path.join(os.tmpdir(), options.tempPrefix));
  mkdirSync(path.join(root, "blobs"));
  mkdirSync(path.join(root, "blocks"));
  const removeRoot = () => rmSync(root, { recursive: true, force: true });
  process.once("exit", removeRoot);

  const blobs = new Map<string, BlobState>();
  let storedBytes = 0;

  const blobFile = (blob: StoredBlob) => path.join(root, "blobs", blob.name);
  const blockDir = (blob: StoredBlob) => path.join(root, "blocks", blob.name);
  const state = (blob: StoredBlob): BlobState => {
    const found = blobs.get(blob.name);
    if (!found) throw new Error(`blob ${blob.name} is not in this store`);
    return found;
  };

  /** Counts `bytes` against maxTotalBytes, or throws a 413. */
  const admit = (bytes: number) => {
    if (storedBytes + bytes > options.maxTotalBytes) {
      throw new HttpError(413, "InsufficientAccountResources", "the blob store is full");
    }
    storedBytes += bytes;
  };

  /** Streams a request body to `file`, counting it against maxTotalBytes; checks content-md5. */
  const receive = async (req: http.IncomingMessage, file: string) => {
    // Refuse up front when the declared length can't fit, so the client gets a clean 413.
    if (storedBytes + Number(req.headers["content-length"] ?? 0) > options.maxTotalBytes) {
      throw new HttpError(413, "InsufficientAccountResources", "the blob store is full");
    }
    const counted = meter(admit);
    try {
      await pipeline(req, counted.stream, createWriteStream(file));
      const digests = counted.digests();
      const sent = req.headers["content-md5"];
      if (typeof sent === "string" && sent !== digests.md5) {
        throw new HttpError(400, "Md5Mismatch", "content-md5 does not match the body");
      }
      return { size: counted.size(), ...digests };
    } catch (error) {
      storedBytes -= counted.size();
      await rm(file, { force: true });
      throw error;
    }
  };

  /** Replaces the committed content with `tmp` (already counted in storedBytes). */
  const commit = async (
    blob: BlobState,
    tmp: string,
    written: { size: number; sha256: string },
    req: http.IncomingMessage,
  ) => {
    await rename(tmp, blobFile(blob));
    if (blob.size > 0) storedBytes -= blob.size;
    blob.size = written.size;
    blob.sha256 = written.sha256;
    const contentType = req.headers["x-ms-blob-content-type"];
    blob.contentType = typeof contentType === "string" ? contentType : DEFAULT_CONTENT_TYPE;
    blob.lastModified = new Date();
    await dropBlocks(blob);
  };

  const dropBlocks = async (blob: BlobState) => {
    for (const block of blob.blocks.values()) storedBytes -= block.size;
    blob.blocks.clear();
    await rm(blockDir(blob), { recursive: true, force: true });
  };

  const etag = (blob: StoredBlob) =>
    `"0x${blob.lastModified.getTime().toString(16).toUpperCase()}"`;

  const written = (blob: StoredBlob, extra: Record<string, string> = {}) =>
    azureHeaders({
      etag: etag(blob),
      "last-modified": blob.lastModified.toUTCString(),
      "x-ms-request-server-encrypted": "true",
      "content-length": 0,
      ...extra,
    });

  const putBlob = async (req: http.IncomingMessage, blob: BlobState) => {
    if (req.headers["x-ms-blob-type"] !== "BlockBlob") {
      throw new HttpError(400, "InvalidHeaderValue", "x-ms-blob-type must be BlockBlob");
    }
    const tmp = `${blobFile(blob)}.${randomUUID()}.tmp`;
    const received = await receive(req, tmp);
    await commit(blob, tmp, received, req);
    return written(blob, { "content-md5": received.md5 });
  };

  const putBlock = async (req: http.IncomingMessage, blob: BlobState, blockId: string) => {
    const decoded = Buffer.from(blockId, "base64");
    if (!blockId || decoded.length === 0 || decoded.length > MAX_BLOCK_ID_BYTES) {
      throw new HttpError(400, "InvalidQueryParameterValue", "bad blockid");
    }
    await mkdir(blockDir(blob), { recursive: true });
    const file = path.join(blockDir(blob), createHash("sha256").update(blockId).digest("hex"));
    const tmp = `${file}.${randomUUID()}.tmp`;
    const { size, md5 } = await receive(req, tmp);
    await rename(tmp, file);
    const previous = blob.blocks.get(blockId);
    if (previous) storedBytes -= previous.size;
    blob.blocks.set(blockId, { file, size });
    return azureHeaders({
      "content-md5": md5,
      "x-ms-request-server-encrypted": "true",
      "content-length": 0,
    });
  };

  const putBlockList = async (req: http.IncomingMessage, blob: BlobState) => {
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
      const block = blob.blocks.get(id);
      if (!block) throw new HttpError(400, "InvalidBlockList", `block ${id} was not staged`);
      return block;
    });
    const total = blocks.reduce((sum, block) => sum + block.size, 0);
    if (storedBytes + total > options.maxTotalBytes) {
      throw new HttpError(413, "InsufficientAccountResources", "the blob store is full");
    }
    // Assemble in the listed order; staged blocks are dropped afterwards, as Azure does.
    const tmp = `${blobFile(blob)}.${randomUUID()}.tmp`;
    const counted = meter(admit);
    try {
      await pipeline(
        concatFiles(blocks.map((block) => block.file)),
        counted.stream,
        createWriteStream(tmp),
      );
    } catch (error) {
      storedBytes -= counted.size();
      await rm(tmp, { force: true });
      throw error;
    }
    await commit(blob, tmp, { size: counted.size(), sha256: counted.digests().sha256 }, req);
    return written(blob);
  };

  const upload = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    blob: BlobState,
    query: URLSearchParams,
  ) => {
    if (blob.sealed) throw new HttpError(409, "BlobImmutable", "the blob is sealed");
    const comp = query.get("comp");
    let headers: Record<string, string | number>;
    if (comp === null) headers = await putBlob(req, blob);
    else if (comp === "block") headers = await putBlock(req, blob, query.get("blockid") ?? "");
    else if (comp === "blocklist") headers = await putBlockList(req, blob);
    else throw new HttpError(400, "InvalidQueryParameterValue", `unsupported comp=${comp}`);
    res.writeHead(201, headers);
    res.end();
  };

  const download = async (req: http.IncomingMessage, res: http.ServerResponse, blob: BlobState) => {
    req.resume();
    if (blob.size < 0) throw new HttpError(404, "BlobNotFound", "the blob has no content");
    const size = blob.size;
    const range = parseRange(req.headers.range, size);
    const headers = azureHeaders({
      "content-type": blob.contentType,
      "accept-ranges": "bytes",
      etag: etag(blob),
      "last-modified": blob.lastModified.toUTCString(),
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
    const source = createReadStream(blobFile(blob), range ?? {});
    await pipeline(source, res).catch(() => res.destroy());
  };

  const store: BlobStore = {
    baseUrl: "",
    create() {
      const blob: BlobState = {
        name: randomUUID(),
        size: -1,
        sha256: "",
        contentType: DEFAULT_CONTENT_TYPE,
        sealed: false,
        lastModified: new Date(),
        sigs: {
          upload: randomBytes(16).toString("hex"),
          download: randomBytes(16).toString("hex"),
        },
        blocks: new Map(),
      };
      blobs.set(blob.name, blob);
      return blob;
    },
    async discard(blob) {
      const found = state(blob);
      blobs.delete(found.name);
      await dropBlocks(found);
      if (found.size > 0) storedBytes -= found.size;
      await rm(blobFile(found), { force: true });
    },
    signedUrl(blob, access) {
      const permissions = access === "upload" ? "cw" : "r";
      const sig = state(blob).sigs[access];
      return `${store.baseUrl}${ACCOUNT}/${options.container}/${blob.name}?sv=${AZURE_VERSION}&sr=b&sp=${permissions}&sig=${sig}`;
    },
    file: blobFile,
    handles: (url) => url.pathname.startsWith(`/${ACCOUNT}/`),
    async handle(req, res, url, takeFault) {
      try {
        const [account, container, name, ...rest] = url.pathname.slice(1).split("/");
        const blob = blobs.get(name);
        if (account !== ACCOUNT || container !== options.container || rest.length > 0 || !blob) {
          throw new HttpError(404, "BlobNotFound", "no such blob");
        }
        const isUpload = req.method === "PUT";
        const isDownload = req.method === "GET" || req.method === "HEAD";
        if (!isUpload && !isDownload) throw new HttpError(405, "UnsupportedHttpVerb", "bad method");
        const access: BlobAccess = isUpload ? "upload" : "download";
        if (url.searchParams.get("sig") !== blob.sigs[access]) {
          throw new HttpError(403, "AuthenticationFailed", "bad or missing sig");
        }
        const fault = takeFault(access);
        if (fault) throw new HttpError(fault, "InjectedFault", `injected ${fault}`);
        if (isUpload) await upload(req, res, blob, url.searchParams);
        else await download(req, res, blob);
      } catch (error) {
        req.resume();
        if (error instanceof HttpError) sendAzureError(res, error);
        else throw error;
      }
    },
    async close() {
      process.off("exit", removeRoot);
      blobs.clear();
      await rm(root, { recursive: true, force: true });
    },
  };
  return store;
}

/**
 * close() for a service made of a server and a blob store: idempotent, and also run when the
 * lifetime ends (startServer closes the socket then; this removes the blobs too).
 */
export function closeWithLifetime(
  parts: readonly { close(): Promise<void> }[],
  lifetimeMs: number,
): () => Promise<void> {
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      clearTimeout(lifetime);
      for (const part of parts) await part.close();
    })();
    return closing;
  };
  const lifetime = setTimeout(() => void close(), lifetimeMs);
  lifetime.unref();
  return close;
}
