/**
 * A local GitHub Actions cache service (v2) for the real @actions/cache: the Twirp
 * CacheService JSON API plus a path-style Azure blob endpoint for uploads and downloads.
 * Blobs live on disk in a temp dir that is removed on close.
 */
import {
  type BlobAccess,
  closeWithLifetime,
  createBlobStore,
  HttpError,
  type StoredBlob,
} from "./blob-store.js";
import { type ServerOptions, startServer } from "./server.js";
import {
  createStalls,
  makeRuntimeToken,
  requireString,
  sendJson,
  serveTwirp,
  type TwirpHandler,
  twirpPrefix,
} from "./twirp.js";
import { applyFault } from "./warehouse-faults.js";

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
  /** The next `times` calls of `target` are read and never answered. */
  stallNext(target: FaultTarget, times?: number): void;
  close(): Promise<void>;
}

interface Entry {
  id: number;
  key: string;
  version: string;
  blob: StoredBlob;
  finalized: boolean;
  /** Finalization order, for "newest first" restore-key matches. */
  finalizedSeq: number;
}

const DEFAULT_MAX_ENTRIES = 200;
const DEFAULT_MAX_TOTAL_BYTES = 4 * 1024 ** 3;
const MAX_RECORDED_REQUESTS = 10_000;
const SERVICE = "github.actions.results.api.v1.CacheService";
const BLOB_FAULTS: Record<BlobAccess, FaultTarget> = {
  upload: "BlobUpload",
  download: "BlobDownload",
};

/** The variables @actions/cache reads, which cacheEnvironment sets and puts back. */
const CACHE_VARIABLES = [
  "ACTIONS_RESULTS_URL",
  "ACTIONS_CACHE_SERVICE_V2",
  "ACTIONS_RUNTIME_TOKEN",
  "ACTIONS_CACHE_URL",
  "ACTIONS_CACHE_MODE",
  "GITHUB_SERVER_URL",
  "GITHUB_WORKSPACE",
  "RUNNER_TEMP",
];

/** Points this process's @actions/cache at a service (`use`), and back to before (`restore`). */
export function cacheEnvironment(dirs: { workspace: string; runnerTemp: string }) {
  const saved = new Map(CACHE_VARIABLES.map((name) => [name, process.env[name]]));
  return {
    use(service: RunningCacheService): void {
      for (const name of CACHE_VARIABLES) delete process.env[name];
      Object.assign(process.env, service.env, {
        GITHUB_WORKSPACE: dirs.workspace,
        RUNNER_TEMP: dirs.runnerTemp,
      });
    },
    restore(): void {
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    },
  };
}

export async function startCacheService(
  options: CacheServiceOptions = {},
): Promise<RunningCacheService> {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const lifetimeMs = options.lifetimeMs ?? 15 * 60 * 1000;
  const store = createBlobStore({
    container: "cache",
    maxTotalBytes: options.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES,
    tempPrefix: "pyship-cache-service-",
  });
  const token = makeRuntimeToken(
    {
      iss: "pyship-test-cache-service",
      ac: JSON.stringify([{ Scope: "refs/heads/main", Permission: 3 }]),
      repository_id: "1",
    },
    lifetimeMs,
  );
  const entries: Entry[] = [];
  const requests: RecordedRequest[] = [];
  const faults = new Map<FaultTarget, { status: number; times: number }>();
  const stalls = createStalls(SERVICE);
  let nextId = 1;
  let finalizedCount = 0;

  /** Takes a pending fault for `target`, if any. */
  const takeFault = (target: FaultTarget): number | undefined => {
    const fault = faults.get(target);
    if (!fault) return undefined;
    if (--fault.times <= 0) faults.delete(target);
    return fault.status;
  };

  const handlers: Record<TwirpMethod, TwirpHandler> = {
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
        blob: store.create(),
        finalized: false,
        finalizedSeq: 0,
      };
      entries.push(entry);
      return { ok: true, signed_upload_url: store.signedUrl(entry.blob, "upload") };
    },
    FinalizeCacheEntryUpload(body) {
      const key = requireString(body, "key");
      const version = requireString(body, "version");
      const sizeBytes = Number(body.size_bytes ?? 0);
      const entry = entries.find((e) => e.key === key && e.version === version && !e.finalized);
      if (!entry) return { ok: false, message: `no pending upload for key ${key}` };
      if (entry.blob.size !== sizeBytes) {
        return { ok: false, message: `uploaded ${entry.blob.size} bytes, expected ${sizeBytes}` };
      }
      entry.finalized = true;
      entry.blob.sealed = true;
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
        signed_download_url: store.signedUrl(match.blob, "download"),
        matched_key: match.key,
      };
    },
  };

  const server = await startServer(async (req, res) => {
    requests.push({ method: req.method ?? "", path: req.url ?? "" });
    if (requests.length > MAX_RECORDED_REQUESTS) requests.shift();
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (stalls.take(url, req.method ?? "")) return applyFault({ kind: "silent" }, req, res);
    if (url.pathname.startsWith(twirpPrefix(SERVICE))) {
      return serveTwirp(req, res, url, {
        service: SERVICE,
        handlers,
        knowsToken: (candidate) => candidate === token,
        takeFault,
      });
    }
    if (store.handles(url)) {
      return store.handle(req, res, url, (access) => takeFault(BLOB_FAULTS[access]));
    }
    req.resume();
    sendJson(res, 404, { code: "bad_route", msg: `no route for ${url.pathname}` });
  }, options);
  const baseUrl = `${server.url}/`;
  store.baseUrl = baseUrl;

  const close = closeWithLifetime([server, store], lifetimeMs);

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
        .map(({ key, version, blob }) => ({ key, version, size: blob.size })),
    requests,
    failNext(target, status, times = 1) {
      faults.set(target, { status, times });
    },
    stallNext: stalls.stall,
    close,
  };
}
