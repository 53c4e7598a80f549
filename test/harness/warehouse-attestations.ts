/**
 * The Warehouse stand-in's checks of an upload's PEP 740 `attestations` field, in the order and
 * words of `warehouse/attestations/services.py` and pypi-attestations' `Attestation.verify`:
 * trusted publishing only, 1 or 2 well-formed attestations, each verified with @sigstore/verify
 * against the stand-in's trusted root, its certificate matched to the trusted publisher (the
 * Fulcio extensions PyPI reads, and the SAN), its statement's subject to the file, one per
 * predicate type. Independent of pyship's own PEP 740 code: only its types are shared.
 */
import { bundleFromJSON } from "@sigstore/bundle";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { type Signer, toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import type { Attestation } from "../../shared/sigstore/pep740.js";
import { type AttestationBundle, type ProvenanceStore, provenanceKey } from "./integrity-api.js";
import type { TrustedPublisher } from "./warehouse-oidc.js";
import { canonicalVersion, normalizedVersion } from "./warehouse-upload.js";
import { normalizeName } from "./wheels.js";

/** Fulcio's certificate extensions for GitHub tokens (sigstore/fulcio docs/oid-info.md). */
export const FULCIO_OID = {
  issuerV2: "1.3.6.1.4.1.57264.1.8",
  buildSignerUri: "1.3.6.1.4.1.57264.1.9",
  sourceRepositoryUri: "1.3.6.1.4.1.57264.1.12",
  sourceRepositoryDigest: "1.3.6.1.4.1.57264.1.13",
  sourceRepositoryRef: "1.3.6.1.4.1.57264.1.14",
  buildConfigUri: "1.3.6.1.4.1.57264.1.18",
} as const;

const PREDICATE_TYPES = [
  "https://docs.pypi.org/attestations/publish/v1",
  "https://slsa.dev/provenance/v1",
];
const STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
const IN_TOTO = "application/vnd.in-toto+json";

export interface AttestationUpload {
  /** The trusted publisher whose token authenticated the upload; undefined for an API token. */
  publisher?: TrustedPublisher;
  /** The OIDC issuer the certificate must name (PyPI: GitHub's). */
  issuer: string;
  filename: string;
  sha256: string;
}

/** Accepted attestations as the Integrity API serves them, or Warehouse's reason to refuse. */
export type AttestationVerdict =
  | { ok: true; bundle: AttestationBundle; attestations: Attestation[] }
  | { ok: false; reason: string; attestations?: Attestation[] };

/** Thrown with the message Warehouse's AttestationUploadError carries. */
class Refusal extends Error {}

/** The checker for one trusted root (none: every attestation upload is refused, saying so). */
export function createAttestationChecker(trustedRoot: Record<string, unknown> | undefined) {
  const verifier =
    trustedRoot &&
    new Verifier(toTrustMaterial(TrustedRoot.fromJSON(trustedRoot)), {
      tlogThreshold: 1,
      ctlogThreshold: 1,
      tsaThreshold: 0,
    });
  return (field: string, upload: AttestationUpload): AttestationVerdict => {
    let attestations: Attestation[] | undefined;
    try {
      const publisher = upload.publisher;
      if (!publisher) {
        attestations = wellFormedOrNot(field);
        throw new Refusal("Attestations are only supported when using Trusted Publishing");
      }
      attestations = wellFormed(field);
      checkCount(attestations);
      if (!verifier) {
        throw new Refusal(
          "Unknown error while trying to verify included attestations: this Warehouse stand-in has no sigstoreTrustedRoot",
        );
      }
      const seen = new Set<string>();
      for (const attestation of attestations) {
        const predicateType = verifyOne(verifier, attestation, { ...upload, publisher });
        if (seen.has(predicateType)) {
          throw new Refusal(
            `Multiple attestations for the same file with the same predicate type (${predicateType}) are not supported`,
          );
        }
        seen.add(predicateType);
      }
      return { ok: true, attestations, bundle: { publisher: identityOf(publisher), attestations } };
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      return { ok: false, reason: error.message, attestations };
    }
  };
}

/** Keeps a file's accepted attestations, under its release's version as uploaded and as normalized. */
export function keepProvenance(
  store: ProvenanceStore,
  release: { project: string; version: string; filename: string },
  bundle: AttestationBundle,
): void {
  for (const version of new Set([release.version, normalizedVersion(release.version)]))
    store.set(provenanceKey(release.project, version, release.filename), [bundle]);
}

/** The publisher as an attestation bundle names it (Warehouse's `attestation_identity`). */
export function identityOf(publisher: TrustedPublisher): AttestationBundle["publisher"] {
  return {
    kind: "GitHub",
    repository: `${publisher.owner}/${publisher.repository}`,
    workflow: publisher.workflow,
    environment: publisher.environment || null,
  };
}

/** `TypeAdapter(list[Attestation]).validate_json`. */
function wellFormed(field: string): Attestation[] {
  let value: unknown;
  try {
    value = JSON.parse(field);
  } catch (error) {
    throw malformed([["", `Invalid JSON: ${(error as Error).message} [type=json_invalid]`]]);
  }
  const issues = shapeIssues(value);
  if (issues.length) throw malformed(issues);
  return value as Attestation[];
}

/** The attestations, for the upload record, when Warehouse refuses them before parsing. */
function wellFormedOrNot(field: string): Attestation[] | undefined {
  try {
    return wellFormed(field);
  } catch {
    return undefined;
  }
}

/** Not none, and at most one per supported predicate type. */
function checkCount(attestations: Attestation[]): void {
  if (!attestations.length)
    throw new Refusal("Malformed attestations: an empty attestation set is not permitted");
  if (attestations.length > PREDICATE_TYPES.length)
    throw new Refusal(`A maximum of ${PREDICATE_TYPES.length} attestations per file are supported`);
}

type Issue = [location: string, message: string];

function malformed(issues: Issue[]): Refusal {
  const count = `${issues.length} validation error${issues.length > 1 ? "s" : ""}`;
  const lines = issues.map(([at, message]) => (at ? `${at}\n  ${message}` : `  ${message}`));
  return new Refusal(`Malformed attestations: ${count} for list[Attestation]\n${lines.join("\n")}`);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** pydantic's complaints about the Attestation model, by location. */
function shapeIssues(value: unknown): Issue[] {
  if (!Array.isArray(value)) return [["", "Input should be a valid list [type=list_type]"]];
  const issues: Issue[] = [];
  const object = (v: unknown, at: string, check: (o: Record<string, unknown>) => void) => {
    if (v === undefined) issues.push([at, "Field required [type=missing]"]);
    else if (!isObject(v)) issues.push([at, "Input should be an object [type=model_type]"]);
    else check(v);
  };
  const base64 = (v: unknown, at: string) => {
    if (v === undefined) issues.push([at, "Field required [type=missing]"]);
    else if (typeof v !== "string" || !BASE64.test(v))
      issues.push([at, "Base64 decoding error [type=base64_decode]"]);
  };
  const entriesAt = (at: string, entries: unknown) => {
    if (!Array.isArray(entries)) issues.push([at, "Input should be a valid list [type=list_type]"]);
    else if (!entries.length)
      issues.push([
        at,
        "List should have at least 1 item after validation, not 0 [type=too_short]",
      ]);
  };
  for (const [index, item] of value.entries()) {
    object(item, String(index), (attestation) => {
      if (attestation.version !== 1)
        issues.push([`${index}.version`, "Input should be 1 [type=literal_error]"]);
      const materialAt = `${index}.verification_material`;
      object(attestation.verification_material, materialAt, (material) => {
        base64(material.certificate, `${materialAt}.certificate`);
        entriesAt(`${materialAt}.transparency_entries`, material.transparency_entries);
      });
      object(attestation.envelope, `${index}.envelope`, (envelope) => {
        base64(envelope.statement, `${index}.envelope.statement`);
        base64(envelope.signature, `${index}.envelope.signature`);
      });
    });
  }
  return issues;
}

/** pypi-attestations' `Attestation.verify`: its predicate type, or a Refusal. */
function verifyOne(
  verifier: Verifier,
  attestation: Attestation,
  upload: AttestationUpload & { publisher: TrustedPublisher },
): string {
  const failed = (reason: string) =>
    new Refusal(
      `Could not verify the uploaded artifact using the included attestation: Verification failed: ${reason}`,
    );
  let entity: ReturnType<typeof toSignedEntity>;
  try {
    entity = toSignedEntity(bundleFromJSON(bundleOf(attestation)));
  } catch (error) {
    throw new Refusal(
      `Unknown error while trying to verify included attestations: ${(error as Error).message}`,
    );
  }
  let signer: Signer;
  try {
    signer = verifier.verify(entity);
  } catch (error) {
    throw failed((error as Error).message);
  }
  const mismatch = publisherMismatch(signer, upload.publisher, upload.issuer);
  if (mismatch) throw failed(mismatch);

  const statement = statementOf(attestation);
  if (!statement) throw failed("invalid statement: not an in-toto v1 statement");
  if (!Array.isArray(statement.subject) || statement.subject.length !== 1)
    throw failed("too many subjects in statement (must be exactly one)");
  const subject = statement.subject[0] ?? {};
  if (!subject.name) throw failed("invalid subject: missing name");
  const subjectKey = distKey(subject.name);
  if (!subjectKey) throw failed(`invalid subject: unknown distribution format: ${subject.name}`);
  if (subjectKey !== distKey(upload.filename))
    throw failed(`subject does not match distribution name: ${subject.name} != ${upload.filename}`);
  if (subject.digest?.sha256 !== upload.sha256)
    throw failed("subject does not match distribution digest");
  if (!PREDICATE_TYPES.includes(statement.predicateType))
    throw failed(`unknown attestation type: ${statement.predicateType}`);
  return statement.predicateType;
}

/** The Sigstore bundle (v0.3 JSON) a PEP 740 attestation stands for: its first log entry. */
function bundleOf(attestation: Attestation) {
  const material = attestation.verification_material;
  return {
    mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
    verificationMaterial: {
      certificate: { rawBytes: material.certificate },
      tlogEntries: material.transparency_entries.slice(0, 1),
      timestampVerificationData: { rfc3161Timestamps: [] },
    },
    dsseEnvelope: {
      payload: attestation.envelope.statement,
      payloadType: IN_TOTO,
      signatures: [{ sig: attestation.envelope.signature, keyid: "" }],
    },
  } as Parameters<typeof bundleFromJSON>[0];
}

interface SignedStatement {
  _type: string;
  subject: Array<{ name?: string; digest?: Record<string, string> }>;
  predicateType: string;
}

function statementOf(attestation: Attestation): SignedStatement | undefined {
  try {
    const text = Buffer.from(attestation.envelope.statement, "base64").toString("utf8");
    const statement = JSON.parse(text);
    return isObject(statement) && statement._type === STATEMENT_TYPE
      ? (statement as unknown as SignedStatement)
      : undefined;
  } catch {
    return undefined;
  }
}

/** What packaging's parse_*_filename makes of a dist name, as one comparable string. */
function distKey(filename: string): string | undefined {
  if (filename.endsWith(".whl")) {
    const parts = filename.slice(0, -4).split("-");
    if (parts.length !== 5 && parts.length !== 6) return undefined;
    const [name, version, ...rest] = parts;
    const [python, abi, platform] = rest.slice(-3);
    const tags = python
      .split(".")
      .flatMap((p) =>
        abi.split(".").flatMap((a) => platform.split(".").map((pl) => `${p}-${a}-${pl}`)),
      );
    const build = rest.length === 4 ? rest[0] : "";
    return [normalizeName(name), canonicalVersion(version), build, ...tags.sort()].join(" ");
  }
  const sdist = /^(.+)-([^-]+)\.(tar\.gz|zip)$/.exec(filename);
  return sdist ? [normalizeName(sdist[1]), canonicalVersion(sdist[2])].join(" ") : undefined;
}

/** The certificate's Fulcio extensions (UTF8String values), by dotted OID. */
export function certificateExtensions(signer: Signer): Map<string, string> {
  const extensions = new Map<string, string>();
  for (const { oid, value } of signer.identity?.oids ?? []) {
    const text = utf8String(Buffer.from(value));
    if (oid?.id && text !== undefined) extensions.set(oid.id.join("."), text);
  }
  return extensions;
}

/** A DER UTF8String's text, or undefined when the bytes are not one. */
function utf8String(der: Buffer): string | undefined {
  if (der[0] !== 0x0c || der.length < 2) return undefined;
  let length = der[1];
  let start = 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    length = der.subarray(2, 2 + octets).reduce((total, byte) => total * 256 + byte, 0);
    start = 2 + octets;
  }
  return start + length === der.length ? der.subarray(start).toString("utf8") : undefined;
}

/**
 * pypi-attestations' GitHub publisher policy (issuer, Source Repository URI, then Build Config
 * URI at the Source Repository Digest or Ref), and the SAN naming one of the publisher's
 * workflows: why the certificate is not the publisher's, or undefined when it is.
 */
function publisherMismatch(
  signer: Signer,
  publisher: TrustedPublisher,
  issuer: string,
): string | undefined {
  const repository = `${publisher.owner}/${publisher.repository}`;
  const extensions = certificateExtensions(signer);
  const expect = (policy: string, oid: string, expected: string) => {
    const actual = extensions.get(oid);
    if (actual === undefined) return `Certificate does not contain ${policy} (${oid}) extension`;
    if (actual !== expected)
      return `Certificate's ${policy} does not match (got '${actual}', expected '${expected}')`;
    return undefined;
  };
  const baseline =
    expect("OIDCIssuerV2", FULCIO_OID.issuerV2, issuer) ??
    expect(
      "OIDCSourceRepositoryURI",
      FULCIO_OID.sourceRepositoryUri,
      `https://github.com/${repository}`,
    );
  if (baseline) return baseline;

  const buildConfig = extensions.get(FULCIO_OID.buildConfigUri);
  const suffixes = [FULCIO_OID.sourceRepositoryDigest, FULCIO_OID.sourceRepositoryRef]
    .map((oid) => extensions.get(oid))
    .filter((suffix): suffix is string => suffix !== undefined);
  if (!suffixes.length)
    return "Certificate must contain either Source Repository Digest or Source Repository Ref";
  const workflowUrl = `https://github.com/${repository}/.github/workflows/${publisher.workflow}`;
  const expected = `Trusted Publisher (${publisher.workflow} @ ${repository})`;
  if (!suffixes.some((suffix) => buildConfig === `${workflowUrl}@${suffix}`))
    return `Certificate's Build Config URI (${buildConfig}) does not match expected ${expected}`;
  const san = signer.identity?.subjectAlternativeName ?? "";
  if (!san.startsWith(`${workflowUrl}@`))
    return `Certificate's SAN (${san}) does not match expected ${expected}`;
  return undefined;
}
