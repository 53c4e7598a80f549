/** build-dist's SLSA build provenance: per dist, a signed in-toto statement kept in RUNNER_TEMP and stored on GitHub. */
import { X509Certificate } from "node:crypto";
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Predicate } from "@actions/attest";
import { digestFile } from "../../shared/digests/digests.js";
import { type StoredAttestation, storeAttestation } from "../../shared/github/attestations.js";
import { Deadline } from "../../shared/http/deadline.js";
import { jsonBody, send } from "../../shared/http/http.js";
import { Retryable, withRetries } from "../../shared/http/retry.js";
import { ConfigurationError, errorMessage } from "../../shared/runtime/errors.js";
import type { ActionIo } from "../../shared/runtime/io.js";
import { decodeClaims } from "../../shared/runtime/jwt.js";
import { serverText } from "../../shared/runtime/redact.js";
import { provenanceInstance } from "../../shared/sigstore/instance.js";
import { type DsseBundle, STATEMENT_TYPE, type Statement } from "../../shared/sigstore/pep740.js";
import type { SignOptions } from "../../shared/sigstore/sign.js";
import type { ProvenanceAccess } from "./inputs.js";

/** What signs: @actions/attest's predicate builder and pyship's keyless signer, loaded only when asked for. */
export interface ProvenanceSigning {
  /** The SLSA v1 predicate of this run, from the claims of a verified runner OIDC token. */
  predicate(issuer?: string): Promise<Predicate>;
  sign(statement: Statement, options: SignOptions): Promise<DsseBundle>;
}

export interface DistAttestation extends StoredAttestation {
  /** The dist's file name, the statement's subject. */
  name: string;
  sha256: string;
  /** The Sigstore bundle, in RUNNER_TEMP. */
  bundlePath: string;
  /** The Rekor entry's log index, when the instance has a log. */
  logIndex?: string;
  /** Who signed: the certificate's SAN, the workflow's URL. */
  identity?: string;
}

/** The file actions/attest appends each bundle's path to, for later steps to gather. */
const CREATED_PATHS = "created_attestation_paths.txt";
const SIGSTORE_AUDIENCE = "sigstore";
const RETRIES = 3;

/** Signs and stores one build provenance attestation per dist, in the dists' order. */
export async function attestDists(
  files: string[],
  access: ProvenanceAccess,
  env: NodeJS.ProcessEnv,
  io: ActionIo,
  signing: ProvenanceSigning,
): Promise<DistAttestation[]> {
  io.setSecret(access.githubToken);
  io.setSecret(access.idTokenRequest.token);
  const predicate = await signing
    .predicate(env.PYSHIP_OIDC_ISSUER?.trim() || undefined)
    .catch((error) => {
      throw new Error(`could not build the SLSA provenance predicate: ${errorMessage(error)}`);
    });
  const idToken = await requestIdToken(access.idTokenRequest, SIGSTORE_AUDIENCE);
  io.setSecret(idToken);
  const visibility = decodeClaims(idToken).repository_visibility;
  const context: Signing = {
    access,
    env,
    signing,
    predicate,
    sign: {
      instance: provenanceInstance(env, String(visibility ?? "")),
      idToken,
      retries: RETRIES,
      timeoutMs: 30_000,
    },
    directory: path.join(env.RUNNER_TEMP || os.tmpdir(), "pyship-provenance"),
  };
  mkdirSync(context.directory, { recursive: true });
  const attested: DistAttestation[] = [];
  for (const file of files) {
    const one = await attestOne(file, context);
    io.info(`Attested ${one.name}: ${one.url}`);
    attested.push(one);
  }
  return attested;
}

interface Signing {
  access: ProvenanceAccess;
  env: NodeJS.ProcessEnv;
  signing: ProvenanceSigning;
  predicate: Predicate;
  sign: SignOptions;
  /** Where the bundles go: RUNNER_TEMP, never the dist directory. */
  directory: string;
}

/** One dist's statement, signed, kept as a file and stored on GitHub. */
async function attestOne(file: string, context: Signing): Promise<DistAttestation> {
  const { env, predicate } = context;
  const name = path.basename(file);
  const { sha256 } = await digestFile(file);
  const statement: Statement = {
    _type: STATEMENT_TYPE,
    subject: [{ name, digest: { sha256 } }],
    predicateType: predicate.type,
    predicate: predicate.params,
  };
  const bundle = await context.signing.sign(statement, context.sign).catch((error) => {
    throw new Error(`could not sign the provenance of ${name}: ${errorMessage(error)}`);
  });
  const bundlePath = path.join(context.directory, `${name}.sigstore.json`);
  writeFileSync(bundlePath, `${JSON.stringify(bundle)}\n`);
  if (env.RUNNER_TEMP) appendFileSync(path.join(env.RUNNER_TEMP, CREATED_PATHS), `${bundlePath}\n`);
  const stored = await storeAttestation(bundle, {
    token: context.access.githubToken,
    repository: env.GITHUB_REPOSITORY ?? "",
    apiUrl: env.GITHUB_API_URL,
    serverUrl: env.GITHUB_SERVER_URL,
    retries: RETRIES,
  });
  const logIndex = bundle.verificationMaterial.tlogEntries[0]?.logIndex;
  return {
    name,
    sha256,
    bundlePath,
    ...stored,
    logIndex: logIndex?.toString(),
    identity: signingIdentity(bundle),
  };
}

/** A runner OIDC token for `audience`, retried on 5xx; a refusal names the permission. */
async function requestIdToken(request: ProvenanceAccess["idTokenRequest"], audience: string) {
  const separator = request.url.includes("?") ? "&" : "?";
  const url = `${request.url}${separator}audience=${encodeURIComponent(audience)}`;
  const deadline = new Deadline(2 * 60_000, "the OIDC token request");
  const response = await withRetries({ retries: RETRIES }, deadline, async () => {
    const answer = await send(url, {
      method: "GET",
      headers: { Authorization: `Bearer ${request.token}`, Accept: "application/json" },
      timeoutMs: 30_000,
      deadline,
    });
    if (answer.status >= 500)
      throw new Retryable(`the OIDC token service answered ${answer.status}`);
    return answer;
  });
  const value = (jsonBody(response) as { value?: unknown } | undefined)?.value;
  if (response.status !== 200 || typeof value !== "string" || value === "") {
    throw new ConfigurationError(
      `attest-build-provenance: the runner's OIDC token service answered ${response.status} ${serverText(response.statusText)}; add \`permissions: id-token: write\` to the job`,
    );
  }
  return value;
}

/** The signing certificate's identity (its SAN URI), or undefined when it has none. */
export function signingIdentity(bundle: DsseBundle): string | undefined {
  const raw = bundle.verificationMaterial.certificate?.rawBytes;
  if (!raw) return undefined;
  const san = new X509Certificate(Buffer.from(raw, "base64")).subjectAltName ?? "";
  return /URI:([^,\s]+)/.exec(san)?.[1];
}

/** The job summary's section: one line per dist, and who signed. */
export function provenanceSummary(attested: DistAttestation[]): string {
  const identity = attested[0]?.identity;
  const rows = attested.map(
    (a) =>
      `| \`${a.name}\` | [${a.id}](${a.url}) | ${a.logIndex ?? "—"} | \`${path.basename(a.bundlePath)}\` |`,
  );
  return [
    "### Build provenance",
    "",
    `SLSA v1 build provenance, signed keyless${identity ? ` by \`${identity}\`` : ""}.`,
    "",
    "| dist | attestation | Rekor log index | bundle (in RUNNER_TEMP) |",
    "| --- | --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}
