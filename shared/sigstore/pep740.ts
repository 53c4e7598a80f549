/** PEP 740 publish attestations: the in-toto statement, and a Sigstore bundle ↔ PEP 740 `Attestation`. */
import { X509Certificate } from "node:crypto";

export const STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
export const PUBLISH_PREDICATE = "https://docs.pypi.org/attestations/publish/v1";
const IN_TOTO_PAYLOAD = "application/vnd.in-toto+json";
const BUNDLE_MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";

export interface Statement {
  _type: string;
  subject: { name: string; digest: Record<string, string> }[];
  predicateType: string;
  predicate: unknown;
}

/** A Rekor entry as bundles and PEP 740 both write it (logIndex, logId, kindVersion, …). */
export type TransparencyEntry = Record<string, unknown>;

/** PEP 740's `Attestation` object, as the upload's `attestations` field carries it. */
export interface Attestation {
  version: 1;
  verification_material: { certificate: string; transparency_entries: TransparencyEntry[] };
  envelope: { statement: string; signature: string };
}

/** The subset of a Sigstore bundle (v0.3 JSON) with a DSSE envelope that PEP 740 keeps. */
export interface DsseBundle {
  mediaType: string;
  verificationMaterial: {
    certificate?: { rawBytes: string };
    tlogEntries: TransparencyEntry[];
    timestampVerificationData?: unknown;
  };
  dsseEnvelope?: { payload: string; payloadType: string; signatures: { sig: string }[] };
}

/** PyPI's publish statement for one file: its name and sha256, no predicate. */
export function publishStatement(filename: string, sha256: string): Statement {
  return {
    _type: STATEMENT_TYPE,
    subject: [{ name: filename, digest: { sha256 } }],
    predicateType: PUBLISH_PREDICATE,
    predicate: null,
  };
}

/** The PEP 740 form of a signed bundle; throws when it is not a one-signature DSSE bundle with a certificate. */
export function toAttestation(bundle: DsseBundle): Attestation {
  const envelope = bundle.dsseEnvelope;
  const certificate = bundle.verificationMaterial.certificate?.rawBytes;
  if (envelope?.signatures.length !== 1 || !certificate)
    throw new Error(
      "the Sigstore bundle is not a DSSE envelope with one signature and a certificate",
    );
  if (envelope.payloadType !== IN_TOTO_PAYLOAD)
    throw new Error(`the DSSE payload is ${envelope.payloadType}, not an in-toto statement`);
  return {
    version: 1,
    verification_material: {
      certificate,
      transparency_entries: bundle.verificationMaterial.tlogEntries,
    },
    envelope: { statement: envelope.payload, signature: envelope.signatures[0].sig },
  };
}

/** The Sigstore bundle an `Attestation` stands for, for a verifier. */
export function toBundle(attestation: Attestation): DsseBundle {
  return {
    mediaType: BUNDLE_MEDIA_TYPE,
    verificationMaterial: {
      certificate: { rawBytes: attestation.verification_material.certificate },
      tlogEntries: attestation.verification_material.transparency_entries,
      timestampVerificationData: { rfc3161Timestamps: [] },
    },
    dsseEnvelope: {
      payload: attestation.envelope.statement,
      payloadType: IN_TOTO_PAYLOAD,
      signatures: [{ sig: attestation.envelope.signature }],
    },
  };
}

/** The statement an attestation signs, or undefined when it is not JSON. */
export function statementOf(attestation: Attestation): Statement | undefined {
  try {
    return JSON.parse(Buffer.from(attestation.envelope.statement, "base64").toString("utf8"));
  } catch {
    return undefined;
  }
}

/** Why an attestation does not attest `filename` with `sha256`, or undefined when it does. */
export function subjectMismatch(
  attestation: Attestation,
  filename: string,
  sha256: string,
): string | undefined {
  const statement = statementOf(attestation);
  if (!statement || statement._type !== STATEMENT_TYPE)
    return "its statement is not an in-toto v1 statement";
  if (statement.subject?.length !== 1) return "its statement does not have exactly one subject";
  const [subject] = statement.subject;
  if (subject.name !== filename) return `its subject is ${subject.name}, not ${filename}`;
  if (subject.digest?.sha256 !== sha256) return `its subject's sha256 is not ${filename}'s`;
  return undefined;
}

/** The signing identity (the certificate's URI SAN) and the first Rekor entry's log index. */
export function attestationSummary(attestation: Attestation): {
  identity: string;
  logIndex: string;
} {
  const der = Buffer.from(attestation.verification_material.certificate, "base64");
  let identity = "";
  try {
    const names = new X509Certificate(der).subjectAltName ?? "";
    identity = /URI:([^,\s]+)/.exec(names)?.[1] ?? names;
  } catch {}
  const entry = attestation.verification_material.transparency_entries[0] ?? {};
  return { identity, logIndex: String(entry.logIndex ?? "") };
}
