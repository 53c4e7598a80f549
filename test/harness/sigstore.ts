/**
 * A Sigstore stand-in: Fulcio and Rekor (from @sigstore/mock) behind one local server, and its
 * trusted root. Fulcio puts GitHub's OIDC extensions in the certificate as the public-good one
 * does (@sigstore/mock maps the token's claims); faults make either service fail for a while.
 */
import { execFile } from "node:child_process";
import { createHash, generateKeyPairSync, type KeyObject } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type http from "node:http";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import {
  fulcioHandler,
  type HandlerFn,
  initializeCA,
  initializeCTLog,
  initializeTLog,
  rekorHandler,
} from "@sigstore/mock";
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from "jose";
import type { DsseBundle } from "../../shared/sigstore/pep740.js";
import type { RunningOidcIssuer } from "./oidc-issuer.js";
import { readBody, type ServerOptions, startServer } from "./server.js";
import { applyFault, type Fault, recordRequest } from "./warehouse-faults.js";

export interface SigstoreOptions extends ServerOptions {
  /** Keys of the OIDC issuer whose `sigstore`-audience tokens Fulcio accepts. */
  jwks: JSONWebKeySet;
}

export type SigstoreService = "fulcio" | "rekor";

/** How a service fails: a status (default 503) or a dropped connection, for `times` requests. */
export interface SigstoreFailure {
  status?: number;
  /** Destroy the connection without answering instead. */
  drop?: boolean;
  /** How many requests fail (default 1); "always" until `heal`. */
  times?: number | "always";
}

export interface SigstoreRequest {
  service: SigstoreService | "other";
  /** 0 when the connection was dropped without an answer. */
  status: number;
}

export interface RunningSigstore {
  url: string;
  /** A `trusted_root.json` document for this instance (PYSHIP_SIGSTORE_TRUSTED_ROOT). */
  trustedRoot: Record<string, unknown>;
  /** Where `trustedRoot` is written (removed on close). */
  trustedRootPath: string;
  /** PYSHIP_FULCIO_URL, PYSHIP_REKOR_URL and PYSHIP_SIGSTORE_TRUSTED_ROOT for this instance. */
  env(): Record<"PYSHIP_FULCIO_URL" | "PYSHIP_REKOR_URL" | "PYSHIP_SIGSTORE_TRUSTED_ROOT", string>;
  /** How many certificates and log entries it issued. */
  issued(): { certificates: number; entries: number };
  /** Makes Fulcio or Rekor fail its next requests (or all of them). */
  fail(service: SigstoreService, failure?: SigstoreFailure): void;
  /** Forgets the faults of one service, or of both. */
  heal(service?: SigstoreService): void;
  /** Every request, oldest first, with the status it got. */
  requests: SigstoreRequest[];
  /** Runs `action` once, when Rekor is asked for its `nth` entry from now (1 is the next). */
  whenLogging(nth: number, action: () => void): void;
  close(): Promise<void>;
}

const FULCIO_PATH = "/api/v2/signingCert";
const REKOR_PATH = "/api/v1/log/entries";
const MAX_RECORDED = 10_000;
const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");
const spki = (key: KeyObject) => key.export({ type: "spki", format: "der" });
const base64 = (data: ArrayBufferView) =>
  Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64");
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

export async function startSigstore(options: SigstoreOptions): Promise<RunningSigstore> {
  const [ctKeys, caKeys, logKeys] = [0, 1, 2].map(() =>
    generateKeyPairSync("ec", { namedCurve: "P-256" }),
  );
  const ctlog = await initializeCTLog(ctKeys);
  const ca = await initializeCA(caKeys, ctlog);
  const keys = createLocalJWKSet(options.jwks);
  const counts = { certificates: 0, entries: 0 };
  let fulcio: HandlerFn | undefined;
  let rekor: HandlerFn | undefined;
  const faults = createServiceFaults();
  const requests: SigstoreRequest[] = [];

  const handler = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const service = serviceOf(req.url);
    recordRequest(requests, { service, status: 0 }, res, MAX_RECORDED);
    const fault = service === "other" ? undefined : faults.take(service);
    if (fault && (await applyFault(fault, req, res))) return;
    const body = (await readBody(req, 1024 ** 2)).toString();
    const answer =
      req.method === "POST" && req.url === FULCIO_PATH
        ? await issueCertificate(body)
        : req.method === "POST" && req.url === REKOR_PATH
          ? await logEntry(body)
          : { statusCode: 404, response: "not found" };
    res.writeHead(answer.statusCode, { "content-type": answer.contentType ?? "text/plain" });
    res.end(answer.response);
  };

  /** Fulcio: a verified GitHub token, its SAN the workflow's URL, as the public-good Fulcio does. */
  const issueCertificate = async (body: string) => {
    const request = JSON.parse(body);
    const token: string = request.credentials?.oidcIdentityToken ?? "";
    let claims: Record<string, unknown>;
    try {
      claims = (await jwtVerify(token, keys, { audience: "sigstore" })).payload;
    } catch (error) {
      return { statusCode: 401, response: `invalid identity token: ${(error as Error).message}` };
    }
    const san = `https://github.com/${String(claims.job_workflow_ref ?? "")}`;
    request.credentials.oidcIdentityToken = `${b64url({ alg: "none" })}.${b64url({ ...claims, san })}.`;
    counts.certificates++;
    return (fulcio as HandlerFn)(JSON.stringify(request));
  };

  /** Rekor: a dsse entry stored in its canonical form (hashes and signatures), as Rekor stores it. */
  const watchers: { entry: number; action: () => void }[] = [];
  const logEntry = async (body: string) => {
    counts.entries++;
    for (const watcher of watchers.filter((one) => one.entry === counts.entries)) watcher.action();
    return (rekor as HandlerFn)(JSON.stringify(canonicalEntry(JSON.parse(body))));
  };

  const server = await startServer(handler, options);
  const tlog = await initializeTLog(server.url, logKeys);
  fulcio = fulcioHandler(ca, { subjectClaim: "san" }).fn;
  rekor = rekorHandler(tlog).fn;
  const root = trustedRoot(server.url, {
    root: ca.rootCertificate,
    ctlog: { key: ctKeys.publicKey, logId: ctlog.logID },
    tlog: logKeys.publicKey,
  });
  const rootDir = mkdtempSync(path.join(os.tmpdir(), "pyship-sigstore-"));
  const trustedRootPath = path.join(rootDir, "trusted_root.json");
  writeFileSync(trustedRootPath, JSON.stringify(root));
  return {
    url: server.url,
    trustedRoot: root,
    trustedRootPath,
    env: () => ({
      PYSHIP_FULCIO_URL: server.url,
      PYSHIP_REKOR_URL: server.url,
      PYSHIP_SIGSTORE_TRUSTED_ROOT: trustedRootPath,
    }),
    issued: () => ({ ...counts }),
    fail: faults.fail,
    heal: faults.heal,
    requests,
    whenLogging: (nth, action) => void watchers.push({ entry: counts.entries + nth, action }),
    async close() {
      await server.close();
      rmSync(rootDir, { recursive: true, force: true });
    },
  };
}

function serviceOf(url: string | undefined): SigstoreRequest["service"] {
  if (url === FULCIO_PATH) return "fulcio";
  return url?.startsWith(REKOR_PATH) ? "rekor" : "other";
}

/** Per service: a queue of faults for the next requests, or one for every request. */
function createServiceFaults() {
  const queued = new Map<SigstoreService, Fault[]>();
  const always = new Map<SigstoreService, Fault>();
  return {
    fail(service: SigstoreService, failure: SigstoreFailure = {}) {
      const fault: Fault = failure.drop
        ? { kind: "reset" }
        : { kind: "status", status: failure.status ?? 503 };
      const times = failure.times ?? 1;
      if (times === "always") always.set(service, fault);
      else queued.set(service, [...(queued.get(service) ?? []), ...Array(times).fill(fault)]);
    },
    heal(service?: SigstoreService) {
      for (const name of service ? [service] : (["fulcio", "rekor"] as const)) {
        queued.delete(name);
        always.delete(name);
      }
    },
    take: (service: SigstoreService) => queued.get(service)?.shift() ?? always.get(service),
  };
}

/** A proposed `dsse` 0.0.1 entry as Rekor keeps it: envelope and payload hashes, and the signatures. */
function canonicalEntry(proposed: {
  kind?: string;
  apiVersion?: string;
  spec?: { proposedContent?: { envelope: string; verifiers: string[] } };
}): unknown {
  const content = proposed.spec?.proposedContent;
  if (proposed.kind !== "dsse" || !content) return proposed;
  const envelope = JSON.parse(content.envelope);
  return {
    kind: "dsse",
    apiVersion: proposed.apiVersion,
    spec: {
      envelopeHash: { algorithm: "sha256", value: sha256(content.envelope) },
      payloadHash: {
        algorithm: "sha256",
        value: sha256(Buffer.from(envelope.payload, "base64")),
      },
      signatures: envelope.signatures.map((s: { sig: string }) => ({
        signature: s.sig,
        verifier: content.verifiers[0],
      })),
    },
  };
}

interface TrustKeys {
  root: ArrayBufferView;
  ctlog: { key: KeyObject; logId: ArrayBufferView };
  tlog: KeyObject;
}

function trustedRoot(url: string, keys: TrustKeys): Record<string, unknown> {
  const validFor = { start: new Date(Date.now() - 24 * 3600_000).toISOString() };
  const publicKey = (key: KeyObject) => ({
    rawBytes: base64(spki(key)),
    keyDetails: "PKIX_ECDSA_P256_SHA_256",
    validFor,
  });
  const tlogId = createHash("sha256").update(spki(keys.tlog)).digest("base64");
  return {
    mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
    tlogs: [
      {
        baseUrl: url,
        hashAlgorithm: "SHA2_256",
        publicKey: publicKey(keys.tlog),
        logId: { keyId: tlogId },
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: "pyship-test", commonName: "pyship-test" },
        uri: url,
        certChain: { certificates: [{ rawBytes: base64(keys.root) }] },
        validFor,
      },
    ],
    ctlogs: [
      {
        baseUrl: url,
        hashAlgorithm: "SHA2_256",
        publicKey: publicKey(keys.ctlog.key),
        logId: { keyId: base64(keys.ctlog.logId) },
      },
    ],
    timestampAuthorities: [],
  };
}

/** A token from the issuer's /token for `audience`, as @actions/core's getIDToken asks for it. */
export async function idToken(issuer: RunningOidcIssuer, audience: string): Promise<string> {
  const env = issuer.env();
  const response = await fetch(
    `${env.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=${encodeURIComponent(audience)}`,
    { headers: { authorization: `bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` } },
  );
  return ((await response.json()) as { value: string }).value;
}

/**
 * A Sigstore bundle (JSON) of `payload`, signed by @sigstore/sign in a process of its own;
 * `retries` per Fulcio or Rekor request (default none), a few milliseconds apart.
 */
export async function signWithStandIn(
  sigstore: Pick<RunningSigstore, "url">,
  token: string,
  payload: unknown,
  options: { retries?: number } = {},
): Promise<DsseBundle> {
  const script = path.join(import.meta.dirname, "sigstore-sign.mjs");
  const child = promisify(execFile)(process.execPath, [script]);
  const retries = options.retries ?? 0;
  child.child.stdin?.end(JSON.stringify({ payload, token, url: sigstore.url, retries }));
  return JSON.parse((await child).stdout);
}
