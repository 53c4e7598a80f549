/** A Sigstore stand-in: Fulcio and Rekor (from @sigstore/mock) behind one local server, and its trusted root. */
import { execFile } from "node:child_process";
import { createHash, generateKeyPairSync, type KeyObject } from "node:crypto";
import type http from "node:http";
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

export interface SigstoreOptions extends ServerOptions {
  /** Keys of the OIDC issuer whose `sigstore`-audience tokens Fulcio accepts. */
  jwks: JSONWebKeySet;
}

export interface RunningSigstore {
  url: string;
  /** A `trusted_root.json` document for this instance (PYSHIP_SIGSTORE_TRUSTED_ROOT). */
  trustedRoot: Record<string, unknown>;
  /** How many certificates and log entries it issued. */
  issued(): { certificates: number; entries: number };
  close(): Promise<void>;
}

const FULCIO_PATH = "/api/v2/signingCert";
const REKOR_PATH = "/api/v1/log/entries";
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

  const handler = async (req: http.IncomingMessage, res: http.ServerResponse) => {
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
  const logEntry = async (body: string) => {
    counts.entries++;
    return (rekor as HandlerFn)(JSON.stringify(canonicalEntry(JSON.parse(body))));
  };

  const server = await startServer(handler, options);
  const tlog = await initializeTLog(server.url, logKeys);
  fulcio = fulcioHandler(ca, { subjectClaim: "san" }).fn;
  rekor = rekorHandler(tlog).fn;
  return {
    url: server.url,
    trustedRoot: trustedRoot(server.url, {
      root: ca.rootCertificate,
      ctlog: { key: ctKeys.publicKey, logId: ctlog.logID },
      tlog: logKeys.publicKey,
    }),
    issued: () => ({ ...counts }),
    close: server.close,
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

/** A Sigstore bundle (JSON) of `payload`, signed by @sigstore/sign in a process of its own. */
export async function signWithStandIn(
  sigstore: RunningSigstore,
  token: string,
  payload: unknown,
): Promise<DsseBundle> {
  const script = path.join(import.meta.dirname, "sigstore-sign.mjs");
  const child = promisify(execFile)(process.execPath, [script]);
  child.child.stdin?.end(JSON.stringify({ payload, token, url: sigstore.url }));
  return JSON.parse((await child).stdout);
}
