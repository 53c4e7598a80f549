import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import {
  type Attestation,
  publishStatement,
  toAttestation,
} from "../../../shared/sigstore/pep740.js";
import { trustFromDocument } from "../../../shared/sigstore/trusted-root.js";
import { verifyAttestation } from "../../../shared/sigstore/verify.js";
import { type RunningOidcIssuer, startOidcIssuer } from "../../harness/oidc-issuer.js";
import {
  idToken,
  type RunningSigstore,
  signWithStandIn,
  startSigstore,
} from "../../harness/sigstore.js";

let issuer: RunningOidcIssuer;
let sigstore: RunningSigstore;
let other: RunningSigstore;
let attestation: Attestation;
const wheel = { filename: "demo-1.0-py3-none-any.whl", sha256: "ab".repeat(32) };

beforeAll(async () => {
  issuer = await startOidcIssuer();
  sigstore = await startSigstore({ jwks: issuer.jwks });
  other = await startSigstore({ jwks: issuer.jwks });
  const token = await idToken(issuer, "sigstore");
  const statement = publishStatement(wheel.filename, wheel.sha256);
  attestation = toAttestation(await signWithStandIn(sigstore, token, statement));
});
afterAll(async () => {
  await other?.close();
  await sigstore?.close();
  await issuer?.close();
});

const trust = () => trustFromDocument(sigstore.trustedRoot);

describe("verifyAttestation", () => {
  test("a signed publish attestation of the file verifies, naming the workflow's SAN, issuer, source repository and build config", () => {
    const check = verifyAttestation(attestation, trust(), wheel);
    expect(check).toEqual({
      verified: true,
      signer: {
        san: expect.stringMatching(/^https:\/\/github\.com\/.+\/\.github\/workflows\/.+@/),
        issuer: issuer.issuer,
        sourceRepository: "https://github.com/octo-org/octo-repo",
        buildConfig:
          "https://github.com/octo-org/octo-repo/.github/workflows/release.yml@refs/tags/v1.0.0",
      },
    });
  });

  test("another file name or sha256 is a subject mismatch, said as such", () => {
    expect(
      verifyAttestation(attestation, trust(), { ...wheel, filename: "demo-1.0.tar.gz" }),
    ).toEqual({
      verified: false,
      reason: `its subject is ${wheel.filename}, not demo-1.0.tar.gz`,
    });
    expect(verifyAttestation(attestation, trust(), { ...wheel, sha256: "cd".repeat(32) })).toEqual({
      verified: false,
      reason: `its subject's sha256 is not ${wheel.filename}'s`,
    });
  });

  test("a statement changed after signing does not verify, whatever its subject says", () => {
    const forged = publishStatement(wheel.filename, "ef".repeat(32));
    const tampered: Attestation = {
      ...attestation,
      envelope: {
        ...attestation.envelope,
        statement: Buffer.from(JSON.stringify(forged)).toString("base64"),
      },
    };
    const check = verifyAttestation(tampered, trust(), { ...wheel, sha256: "ef".repeat(32) });
    expect(check.verified).toBe(false);
    expect(check).toMatchObject({
      reason: expect.stringMatching(/^its signature does not verify: /),
    });
  });

  test("another Sigstore's trust root does not vouch for it", () => {
    const check = verifyAttestation(attestation, trustFromDocument(other.trustedRoot), wheel);
    expect(check).toMatchObject({
      verified: false,
      reason: expect.stringMatching(/^its signature does not verify: /),
    });
  });

  test("an attestation that is not a bundle at all is a reason, not a throw", () => {
    const broken = {
      ...attestation,
      verification_material: { certificate: "", transparency_entries: [] },
    };
    expect(verifyAttestation(broken, trust(), wheel)).toMatchObject({ verified: false });
  });
});
