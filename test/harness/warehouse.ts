/**
 * A local stand-in for PyPI (Warehouse) as a trusted-publishing client meets it: the OIDC
 * audience and mint-token endpoints, the legacy upload API (`POST /legacy/`, multipart, with
 * Warehouse's validation, statuses and messages), and a PEP 503/691 index plus JSON API over
 * what was uploaded, so pip can install it. PEP 740 attestations sent with an upload are verified
 * (warehouse-attestations.ts) and served back by the Integrity API. Faults can be injected per
 * path; in echo mode every upload refusal and mint-token 422 echoes the request back
 * (warehouse-echo.ts).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import type http from "node:http";
import os from "node:os";
import path from "node:path";
import type { Attestation } from "../../shared/sigstore/pep740.js";
import { closeWithLifetime } from "./blob-store.js";
import { createIndexHandler, parseDistFilename } from "./index-server.js";
import { answerIntegrity, type ProvenanceStore } from "./integrity-api.js";
import { readBody, type ServerOptions, startServer } from "./server.js";
import { createAttestationChecker, keepProvenance } from "./warehouse-attestations.js";
import { type EchoOptions, echoText, sendEchoingRefusal, withEcho } from "./warehouse-echo.js";
import {
  applyFault,
  createFaultQueues,
  drain,
  type Fault,
  type FaultSpec,
  recordRequest,
  suppressAnswer,
} from "./warehouse-faults.js";
import { metadataRefusal } from "./warehouse-metadata.js";
import { checkMintRequest, type OidcTrust, type TrustedPublisher } from "./warehouse-oidc.js";
import { reasonPhrase, sendForklift, sendJson } from "./warehouse-responses.js";
import {
  canonicalVersion,
  checkContent,
  checkFilename,
  hashFile,
  type ParsedUpload,
  parseUpload,
  type StoredFile,
  validateForm,
} from "./warehouse-upload.js";
import { normalizeName } from "./wheels.js";

export type { EchoForm, EchoOptions, EchoPlace } from "./warehouse-echo.js";
export type { Fault, FaultSpec } from "./warehouse-faults.js";
export type { OidcTrust, TrustedPublisher } from "./warehouse-oidc.js";
export type { StoredFile } from "./warehouse-upload.js";

export type OidcMode = "enabled" | "disabled" | "unsupported";

export interface WarehouseOptions extends ServerOptions {
  /** The OIDC issuer to trust: a RunningOidcIssuer, or its issuer URL and JWKS. */
  issuer: OidcTrust;
  publishers?: TrustedPublisher[];
  /** What `/_/oidc/audience` answers and tokens must carry (default "pypi"). */
  audience?: string;
  /** "disabled": audience 403, mint 422 not-enabled; "unsupported": 404 (default "enabled"). */
  oidc?: OidcMode;
  /** Static API tokens accepted as the password of `__token__` (unscoped). */
  apiTokens?: string[];
  /** Where uploaded files are stored (default a temp dir removed on close); files already there count as uploaded. */
  directory?: string;
  /** Minted tokens stay valid this long (default 900). */
  tokenLifetimeSeconds?: number;
  /** Largest accepted distribution file (default 100 MiB, PyPI's default limit). */
  maxFileBytes?: number;
  /** Largest form field value (default 8 MiB). */
  maxFieldBytes?: number;
  /** Echo the request in every upload refusal and mint-token 422 (default off). */
  echo?: EchoOptions;
  /** The `trusted_root.json` attestations must verify against (a RunningSigstore's `trustedRoot`). */
  sigstoreTrustedRoot?: Record<string, unknown>;
}

export interface UploadRecord {
  /** The uploaded file's name ("" when there was no `content` part). */
  filename: string;
  status: number;
  /** The status line's message ("OK" on success). */
  message: string;
  /** Every non-file field in arrival order, list fields repeated. */
  fields: Array<[string, string]>;
  contentFilename: string;
  contentType: string;
  size: number;
  sha256: string;
  /** The Basic auth user name, if any. */
  authUser?: string;
  /** A new file was stored (false for refusals and identical re-uploads). */
  stored: boolean;
  /** False when an injected fault dropped the answer. */
  answered: boolean;
  /** The `attestations` field, when it held well-formed PEP 740 attestations (accepted or not). */
  attestations?: Attestation[];
}

export interface WarehouseRequest {
  method: string;
  /** Path with the query string. */
  path: string;
  /** 0 when the connection was reset without an answer. */
  status: number;
}

export interface MintedToken {
  token: string;
  /** Unix seconds. */
  expires: number;
  publisher: TrustedPublisher;
  /** The `jti` of the OIDC token it was minted from. */
  jti: string;
}

export interface RunningWarehouse {
  url: string;
  port: number;
  /** `<url>/legacy/`, for twine's --repository-url. */
  legacyUrl: string;
  /** `<url>/simple/`, for pip's --index-url. */
  simpleUrl: string;
  /** Where stored files live. */
  directory: string;
  /** Live: registered publishers (edit to change who may mint). */
  publishers: TrustedPublisher[];
  setOidc(mode: OidcMode): void;
  /** Turns echo mode on (or off, with undefined). */
  setEcho(echo: EchoOptions | undefined): void;
  /** Every upload request that was parsed, oldest first. */
  uploads: UploadRecord[];
  requests: WarehouseRequest[];
  /** Stored file names, sorted. */
  files(): string[];
  storedFiles(): StoredFile[];
  /** Accepted attestations by provenanceKey(project, version, filename), as the Integrity API serves them. */
  provenance: ProvenanceStore;
  /** Every minted API token, oldest first (for secret-scanning logs). */
  mintedTokens: string[];
  minted: MintedToken[];
  /** The live fault queue for a path; the mint-token alias shares `/_/oidc/mint-token`. */
  faults(path: string): Fault[];
  injectFault(fault: FaultSpec): void;
  /** Forgets uploads, requests, tokens, used jtis, faults and provenance, and deletes stored files. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

const HELP = "https://pypi.org/help/";
const MAX_RECORDED = 10_000;
const MINT_PATHS = new Set(["/_/oidc/mint-token", "/_/oidc/github/mint-token"]);
export async function startWarehouse(options: WarehouseOptions): Promise<RunningWarehouse> {
  const lifetimeMs = options.lifetimeMs ?? 15 * 60 * 1000;
  const audience = options.audience ?? "pypi";
  const tokenLifetime = options.tokenLifetimeSeconds ?? 900;
  const maxFileBytes = options.maxFileBytes ?? 100 * 1024 * 1024;
  const maxFieldBytes = options.maxFieldBytes ?? 8 * 1024 * 1024;
  const apiTokens = new Set(options.apiTokens ?? []);
  const ownsDirectory = !options.directory;
  const directory = options.directory ?? mkdtempSync(path.join(os.tmpdir(), "pyship-warehouse-"));
  const incoming = path.join(directory, ".incoming");
  mkdirSync(incoming, { recursive: true });

  let oidc: OidcMode = options.oidc ?? "enabled";
  let echo = options.echo;
  const publishers = [...(options.publishers ?? [])];
  const stored = new Map<string, StoredFile>();
  const uploads: UploadRecord[] = [];
  const requests: WarehouseRequest[] = [];
  const mintedTokens: string[] = [];
  const minted: MintedToken[] = [];
  const tokens = new Map<string, MintedToken>();
  const usedJtis = new Set<string>();
  const faults = createFaultQueues((p) => (MINT_PATHS.has(p) ? "/_/oidc/mint-token" : p));
  const checkAttestations = createAttestationChecker(options.sigstoreTrustedRoot);
  const provenance: ProvenanceStore = new Map();

  type Hashes = Pick<StoredFile, "md5" | "sha256" | "blake2_256">;
  const register = (filename: string, size: number, { md5, sha256, blake2_256 }: Hashes) => {
    const parsed = parseDistFilename(filename);
    if (!parsed) return;
    stored.set(filename, {
      filename,
      project: parsed.project,
      version: canonicalVersion(parsed.version),
      packagetype: parsed.packagetype,
      size,
      md5,
      sha256,
      blake2_256,
    });
  };
  for (const name of readdirSync(directory).sort()) {
    const filePath = path.join(directory, name);
    if (name.startsWith(".") || !parseDistFilename(name)) continue;
    register(name, statSync(filePath).size, await hashFile(filePath));
  }

  const index = await createIndexHandler({ directory });
  let refreshing = Promise.resolve();
  const refreshIndex = () => {
    refreshing = refreshing.then(() => index.refresh()).catch(() => undefined);
    return refreshing;
  };

  /** The identity behind a Basic auth header: undefined when it is not a valid one. */
  const authenticate = (header: string | undefined) => {
    const match = /^basic\s+(\S+)$/i.exec(header ?? "");
    if (!match) return { user: undefined, ok: false as const };
    const decoded = Buffer.from(match[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const user = colon < 0 ? decoded : decoded.slice(0, colon);
    const password = colon < 0 ? "" : decoded.slice(colon + 1);
    if (user !== "__token__") return { user, ok: false as const };
    if (apiTokens.has(password)) return { user, ok: true as const, publisher: undefined };
    const token = tokens.get(password);
    if (token && token.expires * 1000 > Date.now()) {
      return { user, ok: true as const, publisher: token.publisher };
    }
    return { user, ok: false as const };
  };

  /** The answer to a parsed upload, storing the file when it is accepted. */
  const processUpload = async (
    parsed: ParsedUpload,
    auth: ReturnType<typeof authenticate>,
    record: UploadRecord,
  ): Promise<{ status: number; message: string }> => {
    const get = (name: string) => parsed.fields.filter(([key]) => key === name).at(-1)?.[1];
    const action = get(":action");
    if (action === "submit" || action === "submit_pkg_info") {
      return {
        status: 410,
        message:
          "Project pre-registration is no longer required or supported, upload your files instead.",
      };
    }
    if (action === "doc_upload") {
      return {
        status: 410,
        message:
          "Uploading documentation is no longer supported, we recommend using https://readthedocs.org/.",
      };
    }
    // Warehouse routes on `:action`: without file_upload no view matches.
    if (action !== "file_upload") return { status: 404, message: "Not Found" };
    if (!auth.ok) {
      return {
        status: 403,
        message: `Invalid or non-existent authentication information. See ${HELP}#invalid-auth for more information.`,
      };
    }
    if ((get("protocol_version") ?? "1") !== "1") {
      return { status: 400, message: "Unknown protocol version." };
    }
    const tuple = parsed.otherFileParts.find((name) => name !== "gpg_signature");
    if (tuple) return { status: 400, message: `${tuple}: Should not be a tuple.` };
    if (parsed.truncatedFields.length) {
      return { status: 400, message: `${parsed.truncatedFields[0]}: Field too large.` };
    }
    const formError = validateForm(parsed.fields) ?? metadataRefusal(parsed.fields);
    if (formError) return { status: 400, message: formError };
    const content = parsed.content;
    if (!content) return { status: 400, message: "Upload payload does not have a file." };
    const name = get("name") ?? "";
    const scope = auth.publisher?.project;
    if (scope && normalizeName(scope) !== normalizeName(name)) {
      return {
        status: 403,
        message: `The given token isn't allowed to upload to project '${name}'. See ${HELP}#project-name for more information.`,
      };
    }
    const filenameError = checkFilename(parsed.fields, content.filename);
    if (filenameError) return { status: 400, message: filenameError };
    const verdict = checkContent(parsed.fields, content, {
      maxFileBytes,
      findExisting: (filename, blake2) =>
        stored.get(filename) ?? [...stored.values()].find((f) => f.blake2_256 === blake2),
      hasSdist: (project, version) =>
        [...stored.values()].some(
          (f) => f.packagetype === "sdist" && f.project === project && f.version === version,
        ),
    });
    if (verdict === "duplicate") return { status: 200, message: "OK" };
    if (verdict) return verdict;
    const field = get("attestations");
    const attested =
      field === undefined
        ? undefined
        : checkAttestations(field, {
            publisher: auth.publisher,
            issuer: options.issuer.issuer,
            filename: content.filename,
            sha256: content.sha256,
          });
    record.attestations = attested?.attestations;
    if (attested && !attested.ok) {
      return {
        status: 400,
        message: `Invalid attestations supplied during upload: ${attested.reason}`,
      };
    }

    // Accepted: move the file into place and record it before anything else can run.
    renameSync(content.tempPath, path.join(directory, content.filename));
    register(content.filename, content.size, content);
    if (attested?.ok) {
      const release = { project: name, version: get("version") ?? "", filename: content.filename };
      keepProvenance(provenance, release, attested.bundle);
    }
    record.stored = true;
    await refreshIndex();
    return { status: 200, message: "OK" };
  };

  const handleUpload = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    dropAnswer: boolean,
  ) => {
    const auth = authenticate(req.headers.authorization);
    let parsed: ParsedUpload;
    try {
      parsed = await parseUpload(req, { tempDir: incoming, maxFileBytes, maxFieldBytes });
    } catch (error) {
      if (req.destroyed || res.destroyed) return;
      const detail = error instanceof Error ? error.message : String(error);
      return sendForklift(req, res, 400, `Malformed multipart body: ${detail}`);
    }
    const content = parsed.content;
    const record: UploadRecord = {
      filename: content?.filename ?? "",
      status: 0,
      message: "",
      fields: parsed.fields,
      contentFilename: content?.filename ?? "",
      contentType: content?.contentType ?? "",
      size: content?.size ?? 0,
      sha256: content?.sha256 ?? "",
      authUser: auth.user,
      stored: false,
      answered: !dropAnswer,
    };
    uploads.push(record);
    if (uploads.length > MAX_RECORDED) uploads.shift();
    try {
      const answer = await processUpload(parsed, auth, record);
      record.status = answer.status;
      record.message = answer.status === 200 ? "OK" : reasonPhrase(answer.message);
      if (echo && answer.status !== 200) {
        sendEchoingRefusal(req, res, answer.status, answer.message, echo);
      } else sendForklift(req, res, answer.status, answer.message);
    } finally {
      if (content && !record.stored) rmSync(content.tempPath, { force: true });
    }
  };

  const handleMint = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.method !== "POST") {
      await drain(req);
      return sendJson(res, 405, { message: "Method Not Allowed" });
    }
    const body = await readBody(req, 1024 * 1024);
    const check = await checkMintRequest(body, {
      trust: options.issuer,
      audience,
      enabled: oidc === "enabled",
      publishers,
      jtiUsed: (jti) => usedJtis.has(jti),
    });
    if (!check.ok) {
      const { code, description } = check.error;
      const error = echo
        ? { code, description: withEcho(description, echoText(req, body.toString(), echo.form)) }
        : check.error;
      return sendJson(res, 422, { message: "Token request failed", errors: [error] });
    }
    usedJtis.add(check.jti);
    const token = `pypi-AgEIcHlwaS5vcmc${randomBytes(120).toString("base64url")}`;
    const expires = Math.floor(Date.now() / 1000) + tokenLifetime;
    const entry = { token, expires, publisher: check.publisher, jti: check.jti };
    tokens.set(token, entry);
    mintedTokens.push(token);
    minted.push(entry);
    return sendJson(res, 200, { success: true, token, expires });
  };

  const server = await startServer(
    async (req, res) => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const record: WarehouseRequest = { method: req.method ?? "", path: req.url ?? "", status: 0 };
      recordRequest(requests, record, res, MAX_RECORDED);

      const fault = faults.take(url.pathname);
      if (fault && (await applyFault(fault, req, res))) return;
      const dropAnswer = fault?.kind === "reset-after-store";
      if (dropAnswer) {
        suppressAnswer(res, (status) => {
          record.status = status;
        });
      }

      const pathname = url.pathname;
      if (pathname.startsWith("/_/oidc/")) {
        if (oidc === "unsupported") {
          await drain(req);
          return sendJson(res, 404, { message: "Not Found" });
        }
        if (pathname === "/_/oidc/audience") {
          await drain(req);
          if (oidc === "disabled") {
            return sendJson(res, 403, { message: "Trusted publishing functionality not enabled" });
          }
          return sendJson(res, 200, { audience });
        }
        if (MINT_PATHS.has(pathname)) return handleMint(req, res);
      }
      if (pathname === "/legacy") {
        await drain(req);
        return sendForklift(
          req,
          res,
          308,
          "An upload was attempted to /legacy but the expected upload URL is /legacy/ (with a trailing slash)",
          { location: "/legacy/" },
        );
      }
      if (pathname === "/legacy/") {
        if (req.method !== "POST") {
          await drain(req);
          return sendForklift(
            req,
            res,
            405,
            `The method ${req.method} is not allowed for this resource.`,
          );
        }
        return handleUpload(req, res, dropAnswer);
      }
      if (/^\/(simple|files|pypi)(\/|$)/.test(pathname)) {
        req.resume();
        return index.handle(req, res);
      }
      await drain(req);
      if (answerIntegrity(req, res, provenance)) return;
      return sendJson(res, 404, { message: "Not Found" });
    },
    { maxBodyBytes: maxFileBytes + 64 * 1024 * 1024, ...options },
  );

  const removeFiles = () => {
    if (ownsDirectory) rmSync(directory, { recursive: true, force: true });
    else rmSync(incoming, { recursive: true, force: true });
  };
  const close = closeWithLifetime([server, { close: async () => removeFiles() }], lifetimeMs);

  return {
    url: server.url,
    port: server.port,
    legacyUrl: `${server.url}/legacy/`,
    simpleUrl: `${server.url}/simple/`,
    directory,
    publishers,
    setOidc(mode) {
      oidc = mode;
    },
    setEcho(mode) {
      echo = mode;
    },
    uploads,
    requests,
    files: () => [...stored.keys()].sort(),
    storedFiles: () => [...stored.values()].sort((a, b) => a.filename.localeCompare(b.filename)),
    provenance,
    mintedTokens,
    minted,
    faults: faults.queue,
    injectFault({ path: faultPath, ...fault }) {
      faults.queue(faultPath).push(fault as Fault);
    },
    async reset() {
      for (const filename of stored.keys()) rmSync(path.join(directory, filename), { force: true });
      stored.clear();
      provenance.clear();
      uploads.length = 0;
      requests.length = 0;
      mintedTokens.length = 0;
      minted.length = 0;
      tokens.clear();
      usedJtis.clear();
      faults.clear();
      await refreshIndex();
    },
    close,
  };
}
