import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { bundleFromJSON } from "@sigstore/bundle";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import {
  type Attestation,
  type DsseBundle,
  PUBLISH_PREDICATE,
  publishStatement,
  statementOf,
  subjectMismatch,
  toAttestation,
  toBundle,
} from "../../../shared/sigstore/pep740.js";
import { type RunningOidcIssuer, startOidcIssuer } from "../../harness/oidc-issuer.js";
import {
  idToken,
  type RunningSigstore,
  signWithStandIn,
  startSigstore,
} from "../../harness/sigstore.js";

let issuer: RunningOidcIssuer;
let sigstore: RunningSigstore;
let signed: DsseBundle;
const wheel = "demo-1.0-py3-none-any.whl";
const digest = "ab".repeat(32);

beforeAll(async () => {
  issuer = await startOidcIssuer();
  sigstore = await startSigstore({ jwks: issuer.jwks });
  const token = await idToken(issuer, "sigstore");
  signed = await signWithStandIn(sigstore, token, publishStatement(wheel, digest));
});
afterAll(async () => {
  await sigstore?.close();
  await issuer?.close();
});

const verify = (bundle: DsseBundle) =>
  new Verifier(toTrustMaterial(TrustedRoot.fromJSON(sigstore.trustedRoot)), {
    tlogThreshold: 1,
    ctlogThreshold: 1,
    tsaThreshold: 0,
  }).verify(toSignedEntity(bundleFromJSON(bundle)));

describe("PEP 740 attestations", () => {
  test("the publish statement names the file and its sha256, with PyPI's predicate and none attached", () => {
    expect(publishStatement(wheel, digest)).toEqual({
      _type: "https://in-toto.io/Statement/v1",
      subject: [{ name: wheel, digest: { sha256: digest } }],
      predicateType: PUBLISH_PREDICATE,
      predicate: null,
    });
  });

  test("a signed bundle becomes PEP 740's object, and back into a bundle that still verifies", () => {
    const attestation = toAttestation(signed);
    expect(Object.keys(attestation)).toEqual(["version", "verification_material", "envelope"]);
    expect(attestation.version).toBe(1);
    expect(attestation.verification_material.transparency_entries[0]).toMatchObject({
      kindVersion: { kind: "dsse", version: "0.0.1" },
    });
    const roundTrip: Attestation = JSON.parse(JSON.stringify(attestation));
    expect(statementOf(roundTrip)).toEqual(publishStatement(wheel, digest));
    expect(verify(toBundle(roundTrip)).identity?.subjectAlternativeName).toMatch(
      /^https:\/\/github\.com\//,
    );
  });

  test("the subject check names what differs", () => {
    const attestation = toAttestation(signed);
    expect(subjectMismatch(attestation, wheel, digest)).toBeUndefined();
    expect(subjectMismatch(attestation, "demo-1.0.tar.gz", digest)).toBe(
      `its subject is ${wheel}, not demo-1.0.tar.gz`,
    );
    expect(subjectMismatch(attestation, wheel, "cd".repeat(32))).toBe(
      `its subject's sha256 is not ${wheel}'s`,
    );
  });

  test("a bundle that is not a one-signature DSSE envelope is refused", () => {
    const { dsseEnvelope: _, ...noEnvelope } = signed;
    expect(() => toAttestation(noEnvelope)).toThrow(/not a DSSE envelope/);
  });
});
