import { existsSync, readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "@jest/globals";
import { bundleFromJSON } from "@sigstore/bundle";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import { sigstoreInstance } from "../../shared/sigstore/instance.js";
import { publishStatement } from "../../shared/sigstore/pep740.js";
import { type RunningOidcIssuer, startOidcIssuer } from "./oidc-issuer.js";
import { publishStep, startPublishWorld } from "./publish-world.js";
import { idToken, type RunningSigstore, signWithStandIn, startSigstore } from "./sigstore.js";
import { certificateExtensions, FULCIO_OID } from "./warehouse-attestations.js";

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

const sign = async (payload: unknown, audience = "sigstore", retries = 0) =>
  signWithStandIn(sigstore, await idToken(issuer, audience), payload, { retries });

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

describe("the certificate's GitHub extensions", () => {
  afterEach(() => issuer.resetClaims());

  test("Fulcio maps the token's claims as the public-good Fulcio does; the SAN is the called workflow", async () => {
    const caller = "octo-org/octo-repo/.github/workflows/ci.yml@refs/tags/v1.0.0";
    const called = "octo-org/octo-repo/.github/workflows/release.yml@refs/tags/v1.0.0";
    issuer.setClaims({ workflow_ref: caller, job_workflow_ref: called });
    const bundle = await sign(publishStatement("demo-1.0.tar.gz", "12".repeat(32)));
    const signer = verifier().verify(toSignedEntity(bundleFromJSON(bundle)));
    const extensions = certificateExtensions(signer);
    expect(signer.identity?.subjectAlternativeName).toBe(`https://github.com/${called}`);
    expect(extensions.get(FULCIO_OID.issuerV2)).toBe(issuer.issuer);
    expect(extensions.get(FULCIO_OID.sourceRepositoryUri)).toBe(
      "https://github.com/octo-org/octo-repo",
    );
    expect(extensions.get(FULCIO_OID.sourceRepositoryRef)).toBe("refs/tags/v1.0.0");
    expect(extensions.get(FULCIO_OID.sourceRepositoryDigest)).toMatch(/^[0-9a-f]{40}$/);
    // Build Config URI is the workflow that was triggered (workflow_ref), Build Signer URI the job's.
    expect(extensions.get(FULCIO_OID.buildConfigUri)).toBe(`https://github.com/${caller}`);
    expect(extensions.get(FULCIO_OID.buildSignerUri)).toBe(`https://github.com/${called}`);
  });
});

describe("faults and environment", () => {
  afterEach(() => sigstore.heal());

  const statement = publishStatement("demo-1.0-py3-none-any.whl", "34".repeat(32));
  const statuses = (service: string, since: number) =>
    sigstore.requests
      .slice(since)
      .filter((r) => r.service === service)
      .map((r) => r.status);

  test("Fulcio answers 503 twice, and a client retrying twice still gets its certificate", async () => {
    const since = sigstore.requests.length;
    sigstore.fail("fulcio", { status: 503, times: 2 });
    await sign(statement, "sigstore", 2);
    expect(statuses("fulcio", since)).toEqual([503, 503, 201]);
    expect(statuses("rekor", since)).toEqual([201]);
  });

  test("Rekor dropping the connection once is retried", async () => {
    const since = sigstore.requests.length;
    sigstore.fail("rekor", { drop: true });
    await sign(statement, "sigstore", 1);
    expect(statuses("rekor", since)).toEqual([0, 201]);
  });

  test("a service failing always fails every retry, until healed", async () => {
    const since = sigstore.requests.length;
    sigstore.fail("rekor", { status: 502, times: "always" });
    await expect(sign(statement, "sigstore", 2)).rejects.toThrow(/502/);
    expect(statuses("rekor", since)).toEqual([502, 502, 502]);
    sigstore.heal("rekor");
    await sign(statement);
    expect(statuses("rekor", since).at(-1)).toBe(201);
  });

  test("env() names the instance as pyship reads it, the trusted root in a file removed on close", async () => {
    const env = sigstore.env();
    expect(sigstoreInstance(env)).toEqual({
      fulcioUrl: sigstore.url,
      rekorUrl: sigstore.url,
      tsaUrl: undefined,
      trustedRootPath: sigstore.trustedRootPath,
    });
    expect(JSON.parse(readFileSync(env.PYSHIP_SIGSTORE_TRUSTED_ROOT, "utf8"))).toEqual(
      sigstore.trustedRoot,
    );
    const other = await startSigstore({ jwks: issuer.jwks });
    const file = other.env().PYSHIP_SIGSTORE_TRUSTED_ROOT;
    expect(existsSync(file)).toBe(true);
    await other.close();
    expect(existsSync(file)).toBe(false);
  });
});

test("a publish world has a Sigstore stand-in by default: the step's env names it beside the issuer's", async () => {
  const world = await startPublishWorld();
  try {
    const env = publishStep(world).env ?? {};
    expect(env).toMatchObject({ ...world.issuer.env(), ...world.sigstore?.env() });
    expect(env.PYSHIP_FULCIO_URL).toBe(world.sigstore?.url);
  } finally {
    await world.close();
  }
  const plain = await startPublishWorld({ sigstore: false });
  try {
    expect(plain.sigstore).toBeUndefined();
    expect(publishStep(plain).env).toEqual(plain.issuer.env());
  } finally {
    await plain.close();
  }
});
