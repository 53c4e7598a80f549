/** Verifying a PEP 740 attestation: its Sigstore signature against a trust root, then its subject. */
import { bundleFromJSON } from "@sigstore/bundle";
import { type TrustMaterial, toSignedEntity, Verifier } from "@sigstore/verify";
import { type Attestation, subjectMismatch, toBundle } from "./pep740.js";

/** Who signed an attestation, as its Fulcio certificate says. */
export interface SignerIdentity {
  /** The certificate's SAN: for GitHub, the workflow's URL with its ref. */
  san: string;
  /** The OIDC issuer that vouched for the identity. */
  issuer?: string;
  /** Fulcio's Source Repository URI extension (GitHub: the repository the workflow ran in). */
  sourceRepository?: string;
  /** Fulcio's Build Config URI extension (GitHub: the top-level workflow file, with its ref). */
  buildConfig?: string;
}

const FULCIO_OID = [1, 3, 6, 1, 4, 1, 57264, 1];
const SOURCE_REPOSITORY_URI = 12;
const BUILD_CONFIG_URI = 18;

export type AttestationCheck =
  | { verified: true; signer: SignerIdentity }
  | { verified: false; reason: string };

/**
 * Checks that `attestation` is signed by a certificate the trust root vouches for, logged in
 * its transparency log, and that its statement's one subject is `filename` with `sha256`.
 */
export function verifyAttestation(
  attestation: Attestation,
  trust: TrustMaterial,
  expected: { filename: string; sha256: string },
): AttestationCheck {
  let signer: ReturnType<Verifier["verify"]>;
  try {
    const entity = toSignedEntity(bundleFromJSON(toBundle(attestation)));
    signer = new Verifier(trust, { tlogThreshold: 1, ctlogThreshold: 1 }).verify(entity);
  } catch (error) {
    return { verified: false, reason: `its signature does not verify: ${reasonOf(error)}` };
  }
  const mismatch = subjectMismatch(attestation, expected.filename, expected.sha256);
  if (mismatch) return { verified: false, reason: mismatch };
  const san = signer.identity?.subjectAlternativeName;
  if (!san) return { verified: false, reason: "its certificate names no identity (SAN)" };
  const oids = signer.identity?.oids ?? [];
  const extension = (leaf: number) => {
    const found = oids.find(({ oid }) => oid?.id.join(".") === [...FULCIO_OID, leaf].join("."));
    return found ? derText(found.value) : undefined;
  };
  return {
    verified: true,
    signer: {
      san,
      issuer: signer.identity?.extensions?.issuer,
      sourceRepository: extension(SOURCE_REPOSITORY_URI),
      buildConfig: extension(BUILD_CONFIG_URI),
    },
  };
}

/** A DER UTF8String's text (Fulcio's v2 extensions), or undefined when it is not one. */
function derText(value: Buffer): string | undefined {
  if (value[0] !== 0x0c || value.length < 2) return undefined;
  const first = value[1];
  const lengthBytes = first & 0x80 ? first & 0x7f : 0;
  const length = lengthBytes
    ? value.subarray(2, 2 + lengthBytes).readUIntBE(0, lengthBytes)
    : first;
  const start = 2 + lengthBytes;
  return value.subarray(start, start + length).toString("utf8");
}

/** A verifier's error in one line, with its code when it has one. */
function reasonOf(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const text = message ?? String(error);
  return code && !text.includes(code) ? `${text} (${code})` : text;
}
