import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { bundleFromJSON } from "@sigstore/bundle";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import { publishStatement } from "../../shared/sigstore/pep740.js";
import { type RunningOidcIssuer, startOidcIssuer } from "./oidc-issuer.js";
import { idToken, type RunningSigstore, signWithStandIn, startSigstore } from "./sigstore.js";

let issuer: RunningOidcIssuer;
let sigstore: RunningSigstore;

beforeAll(async () => {
  issuer = await startOidcIssuer();
  sigstore = await startSigstore({ jwks: issuer.jwks });
});
afterAll(async () => {
  await sigstore?.close();
  await issuer?.close();
});

const sign = async (payload: unknown, audience = "sigstore") =>
  signWithStandIn(sigstore, await idToken(issuer, audience), payload);

const verifier = () =>
  new Verifier(toTrustMaterial(TrustedRoot.fromJSON(sigstore.trustedRoot)), {
    tlogThreshold: 1,
    ctlogThreshold: 1,
    tsaThreshold: 0,
  });

describe("the Sigstore stand-in", () => {
  test("signs a publish statement keyless, and @sigstore/verify accepts it against its trusted root", async () => {
    const bundle = await sign(publishStatement("demo-1.0-py3-none-any.whl", "ab".repeat(32)));
    const signer = verifier().verify(toSignedEntity(bundleFromJSON(bundle)));
    expect(signer.identity?.subjectAlternativeName).toMatch(
      /^https:\/\/github\.com\/.+\/\.github\/workflows\/.+@/,
    );
    expect(signer.identity?.extensions?.issuer).toBe(issuer.issuer);
    expect(bundle.verificationMaterial.tlogEntries[0].kindVersion).toEqual({
      kind: "dsse",
      version: "0.0.1",
    });
    expect(sigstore.issued()).toMatchObject({ certificates: 1, entries: 1 });
  });

  test("a bundle whose statement was changed after signing does not verify", async () => {
    const bundle = await sign(publishStatement("demo-1.0.tar.gz", "cd".repeat(32)));
    const tampered = structuredClone(bundle);
    const forged = publishStatement("demo-1.0.tar.gz", "ef".repeat(32));
    if (tampered.dsseEnvelope)
      tampered.dsseEnvelope.payload = Buffer.from(JSON.stringify(forged)).toString("base64");
    expect(() => verifier().verify(toSignedEntity(bundleFromJSON(tampered)))).toThrow();
  });

  test("Fulcio refuses a token whose audience is not sigstore", async () => {
    await expect(
      sign(publishStatement("demo-1.0.tar.gz", "00".repeat(32)), "pypi"),
    ).rejects.toThrow(/\(401\) Unauthorized/);
  });
});
