import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { bundleFromJSON } from "@sigstore/bundle";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import { type RunningOidcIssuer, startOidcIssuer } from "./oidc-issuer.js";
import { type RunningSigstore, startSigstore } from "./sigstore.js";

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

/** A token from the issuer's /token, as @actions/core's getIDToken asks for it. */
async function token(audience: string): Promise<string> {
  const env = issuer.env();
  const response = await fetch(
    `${env.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=${encodeURIComponent(audience)}`,
    { headers: { authorization: `bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` } },
  );
  return ((await response.json()) as { value: string }).value;
}

/** PyPI's publish statement for one file. */
const statement = (name: string, sha256: string) => ({
  _type: "https://in-toto.io/Statement/v1",
  subject: [{ name, digest: { sha256 } }],
  predicateType: "https://docs.pypi.org/attestations/publish/v1",
  predicate: null,
});

/** A bundle for `payload`, signed by the helper script in a process of its own. */
async function sign(payload: unknown, audience = "sigstore") {
  const input = JSON.stringify({ payload, token: await token(audience), url: sigstore.url });
  const script = path.join(import.meta.dirname, "sigstore-sign.mjs");
  const child = promisify(execFile)(process.execPath, [script]);
  child.child.stdin?.end(input);
  return JSON.parse((await child).stdout);
}

const verifier = () =>
  new Verifier(toTrustMaterial(TrustedRoot.fromJSON(sigstore.trustedRoot)), {
    tlogThreshold: 1,
    ctlogThreshold: 1,
    tsaThreshold: 0,
  });

describe("the Sigstore stand-in", () => {
  test("signs a publish statement keyless, and @sigstore/verify accepts it against its trusted root", async () => {
    const bundle = await sign(statement("demo-1.0-py3-none-any.whl", "ab".repeat(32)));
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
    const bundle = await sign(statement("demo-1.0.tar.gz", "cd".repeat(32)));
    const tampered = structuredClone(bundle);
    const forged = statement("demo-1.0.tar.gz", "ef".repeat(32));
    if (tampered.dsseEnvelope)
      tampered.dsseEnvelope.payload = Buffer.from(JSON.stringify(forged)).toString("base64");
    expect(() => verifier().verify(toSignedEntity(bundleFromJSON(tampered)))).toThrow();
  });

  test("Fulcio refuses a token whose audience is not sigstore", async () => {
    await expect(sign(statement("demo-1.0.tar.gz", "00".repeat(32)), "pypi")).rejects.toThrow(
      /\(401\) Unauthorized/,
    );
  });
});
