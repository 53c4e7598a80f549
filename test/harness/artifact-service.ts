/**
 * A local GitHub Actions artifact service (v4) for the real @actions/artifact: the Twirp
 * ArtifactService JSON API plus the Azure blob endpoint the client uploads the zip to.
 * One service is one workflow run; `env` is one job of it, `jobEnv()` makes another.
 */
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import yauzl from "yauzl";
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

export interface ArtifactServiceOptions extends ServerOptions {
  /** Blob and block uploads past this many stored bytes get a 413 (default 1 GiB). */
  maxTotalBytes?: number;
}

export type ArtifactMethod =
  | "CreateArtifact"
  | "FinalizeArtifact"
  | "ListArtifacts"
  | "GetSignedArtifactURL";

/** What failNext can break: a Twirp method, or any blob upload (PUT) / download (GET, HEAD). */
export type ArtifactFaultTarget = ArtifactMethod | "BlobUpload" | "BlobDownload";

export interface ArtifactInfo {
  id: number;
  name: string;
  size: number;
  /** `sha256:<hex>` of the uploaded blob, as the client reported and the service checked. */
  digest: string;
  mimeType: string;
  /** The job (backend id) that uploaded it. */
  job: string;
  expiresAt?: Date;
}

export interface ArtifactFile {
  /** The member path inside the uploaded zip. */
  path: string;
  data: Buffer;
}

export interface RecordedRequest {
  method: string;
  path: string;
}

export interface RunningArtifactService {
  /** For ACTIONS_RESULTS_URL; ends with "/". */
  url: string;
  port: number;
  /** The variables @actions/artifact reads, for the first job of the run. */
  env: Record<string, string>;
  /** The same variables for another job of the same run (a new matrix leg). */
  jobEnv(): Record<string, string>;
  /** Finalized artifacts, oldest first. */
  artifacts(): ArtifactInfo[];
  /** The stored bytes of a finalized artifact (a zip unless uploaded with skipArchive). */
  read(name: string): Promise<Buffer>;
  /** The members of a finalized zip artifact, in zip order (directories left out). */
  files(name: string): Promise<ArtifactFile[]>;
  /** Every request so far, live (the last 10,000). */
  requests: RecordedRequest[];
  /** The next `times` calls of `target` answer `status`. */
  failNext(target: ArtifactFaultTarget, status: number, times?: number): void;
  /** The next `times` calls of `target` are read and never answered. */
  stallNext(target: ArtifactFaultTarget, times?: number): void;
  close(): Promise<void>;
}

interface Artifact {
  id: number;
  name: string;
  job: string;
  mimeType: string;
  expiresAt?: Date;
  createdAt: Date;
  blob: StoredBlob;
  finalized: boolean;
}

const DEFAULT_MAX_TOTAL_BYTES = 1024 ** 3;
const MAX_RECORDED_REQUESTS = 10_000;
const MAX_READ_BYTES = 256 * 1024 * 1024;
const SERVICE = "github.actions.results.api.v1.ArtifactService";
/** The client sends version 7; the v4 backend refuses anything older than 4. */
const MIN_ARTIFACT_VERSION = 4;
/** GitHub's message for a second artifact with the same name in a run (HTTP 409). */
export const CONFLICT_MESSAGE = "an artifact with this name already exists on the workflow run";
const BLOB_FAULTS: Record<BlobAccess, ArtifactFaultTarget> = {
  upload: "BlobUpload",
  download: "BlobDownload",
};

export async function startArtifactService(
  options: ArtifactServiceOptions = {},
): Promise<RunningArtifactService> {
  const lifetimeMs = options.lifetimeMs ?? 15 * 60 * 1000;
  const store = createBlobStore({
    container: "actions-results",
    maxTotalBytes: options.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES,
    tempPrefix: "pyship-artifact-service-",
  });
  const run = randomUUID();
  /** Issued runtime tokens, each for one job of the run. */
  const jobsByToken = new Map<string, string>();
  const artifacts: Artifact[] = [];
  const requests: RecordedRequest[] = [];
  const faults = new Map<ArtifactFaultTarget, { status: number; times: number }>();
  const stalls = createStalls(SERVICE);
  let nextId = 1;
  let baseUrl = "";

  const takeFault = (target: ArtifactFaultTarget): number | undefined => {
    const fault = faults.get(target);
    if (!fault) return undefined;
    if (--fault.times <= 0) faults.delete(target);
    return fault.status;
  };

  const issueJob = (): Record<string, string> => {
    const job = randomUUID();
    const token = makeRuntimeToken(
      {
        iss: "pyship-test-artifact-service",
        scp: `Actions.GenericRead:${run} Actions.Results:${run}:${job} Actions.UploadArtifacts:${run}:${job}`,
      },
      lifetimeMs,
    );
    jobsByToken.set(token, job);
    return {
      ACTIONS_RUNTIME_TOKEN: token,
      ACTIONS_RESULTS_URL: baseUrl,
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_RETENTION_DAYS: "90",
    };
  };

  /** The caller's job; the body must name the run and job its token is for. */
  const callerJob = (body: Record<string, unknown>, token: string): string => {
    const job = jobsByToken.get(token) ?? "";
    const runId = requireString(body, "workflow_run_backend_id");
    const jobId = requireString(body, "workflow_job_run_backend_id");
    if (runId !== run || jobId !== job) {
      throw new HttpError(403, "permission_denied", "the token is not for this run and job");
    }
    return job;
  };

  const finalized = (name: string) =>
    artifacts.find((artifact) => artifact.finalized && artifact.name === name);

  const asListed = (artifact: Artifact) => ({
    workflow_run_backend_id: run,
    workflow_job_run_backend_id: artifact.job,
    database_id: String(artifact.id),
    name: artifact.name,
    size: String(artifact.blob.size),
    created_at: artifact.createdAt.toISOString(),
    digest: `sha256:${artifact.blob.sha256}`,
  });

  const handlers: Record<ArtifactMethod, TwirpHandler> = {
    async CreateArtifact(body, token) {
      const job = callerJob(body, token);
      const name = requireString(body, "name");
      if (Number(body.version ?? 0) < MIN_ARTIFACT_VERSION) {
        throw new HttpError(400, "invalid_argument", "artifact version 4 or newer is required");
      }
      if (finalized(name)) throw new HttpError(409, "already_exists", CONFLICT_MESSAGE);
      // An unfinished upload of the same name (a failed attempt) is replaced.
      const pending = artifacts.findIndex((artifact) => artifact.name === name);
      if (pending >= 0) {
        await store.discard(artifacts[pending].blob);
        artifacts.splice(pending, 1);
      }
      const expiresAt = parseExpiry(body.expires_at);
      const mimeType = typeof body.mime_type === "string" ? body.mime_type : "application/zip";
      const artifact: Artifact = {
        id: nextId++,
        name,
        job,
        mimeType,
        expiresAt,
        createdAt: new Date(),
        blob: store.create(),
        finalized: false,
      };
      artifacts.push(artifact);
      return { ok: true, signed_upload_url: store.signedUrl(artifact.blob, "upload") };
    },
    FinalizeArtifact(body, token) {
      const job = callerJob(body, token);
      const name = requireString(body, "name");
      const artifact = artifacts.find((a) => !a.finalized && a.name === name && a.job === job);
      if (!artifact) throw new HttpError(404, "not_found", `no pending upload named ${name}`);
      const { size, sha256 } = artifact.blob;
      if (size < 0) throw new HttpError(400, "failed_precondition", "nothing was uploaded");
      if (String(body.size ?? "0") !== String(size)) {
        throw new HttpError(400, "invalid_argument", `uploaded ${size} bytes, not ${body.size}`);
      }
      if (body.hash !== undefined && body.hash !== `sha256:${sha256}`) {
        throw new HttpError(400, "invalid_argument", "hash does not match the uploaded content");
      }
      artifact.finalized = true;
      artifact.blob.sealed = true;
      return { ok: true, artifact_id: String(artifact.id) };
    },
    ListArtifacts(body, token) {
      callerJob(body, token);
      const nameFilter = body.name_filter;
      const idFilter = body.id_filter;
      const listed = artifacts.filter(
        (artifact) =>
          artifact.finalized &&
          (nameFilter === undefined || artifact.name === nameFilter) &&
          (idFilter === undefined || String(artifact.id) === String(idFilter)),
      );
      return { artifacts: listed.map(asListed) };
    },
    GetSignedArtifactURL(body) {
      // Any job of the run may read (Actions.GenericRead); the body names the uploader's job.
      if (requireString(body, "workflow_run_backend_id") !== run)
        throw new HttpError(403, "permission_denied", "the token is not for this run");
      const job = requireString(body, "workflow_job_run_backend_id");
      const artifact = finalized(requireString(body, "name"));
      if (!artifact || artifact.job !== job)
        throw new HttpError(404, "not_found", "artifact not found");
      return { signed_url: store.signedUrl(artifact.blob, "download") };
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
        knowsToken: (token) => jobsByToken.has(token),
        takeFault,
      });
    }
    if (store.handles(url)) {
      return store.handle(req, res, url, (access) => takeFault(BLOB_FAULTS[access]));
    }
    req.resume();
    sendJson(res, 404, { code: "bad_route", msg: `no route for ${url.pathname}` });
  }, options);
  baseUrl = `${server.url}/`;
  store.baseUrl = baseUrl;

  const close = closeWithLifetime([server, store], lifetimeMs);

  const stored = (name: string): Artifact => {
    const artifact = finalized(name);
    if (!artifact) throw new Error(`no finalized artifact named ${name}`);
    return artifact;
  };

  return {
    url: baseUrl,
    port: server.port,
    env: issueJob(),
    jobEnv: issueJob,
    artifacts: () =>
      artifacts
        .filter((artifact) => artifact.finalized)
        .map((artifact) => ({
          id: artifact.id,
          name: artifact.name,
          size: artifact.blob.size,
          digest: `sha256:${artifact.blob.sha256}`,
          mimeType: artifact.mimeType,
          job: artifact.job,
          ...(artifact.expiresAt ? { expiresAt: artifact.expiresAt } : {}),
        })),
    async read(name) {
      const artifact = stored(name);
      if (artifact.blob.size > MAX_READ_BYTES) throw new Error(`${name} is too big to read`);
      return readFile(store.file(artifact.blob));
    },
    files: (name) => zipMembers(store.file(stored(name).blob)),
    requests,
    failNext(target, status, times = 1) {
      faults.set(target, { status, times });
    },
    stallNext: stalls.stall,
    close,
  };
}

/** Checks a protobuf JSON Timestamp (RFC 3339) that must lie in the future. */
function parseExpiry(value: unknown): Date | undefined {
  if (value === undefined) return undefined;
  const date = typeof value === "string" ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) {
    throw new HttpError(400, "invalid_argument", "expires_at is not an RFC 3339 timestamp");
  }
  if (date.getTime() <= Date.now()) {
    throw new HttpError(400, "invalid_argument", "expires_at is in the past");
  }
  return date;
}

/** Reads every file member of a zip on disk (test-sized artifacts only). */
function zipMembers(file: string): Promise<ArtifactFile[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (openError, zip) => {
      if (openError) return reject(openError);
      const members: ArtifactFile[] = [];
      zip.on("error", reject);
      zip.on("end", () => resolve(members));
      zip.on("entry", (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith("/")) return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on("data", (chunk: Buffer) => chunks.push(chunk));
          stream.on("error", reject);
          stream.on("end", () => {
            members.push({ path: entry.fileName, data: Buffer.concat(chunks) });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}
