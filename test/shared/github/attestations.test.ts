import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { storeAttestation } from "../../../shared/github/attestations.js";
import { ConfigurationError } from "../../../shared/runtime/errors.js";
import { type RunningGitHubApi, startGitHubApi } from "../../harness/github-api.js";
import { type RunningServer, startServer } from "../../harness/server.js";

const TOKEN = "ghs_SECRET_attestations_token_456";
const SHA256 = "ab".repeat(32);

/** A DSSE bundle's shape with a one-subject statement; the stand-in stores, it does not verify. */
const bundle = {
  mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
  verificationMaterial: { certificate: { rawBytes: "" }, tlogEntries: [] },
  dsseEnvelope: {
    payloadType: "application/vnd.in-toto+json",
    payload: Buffer.from(
      JSON.stringify({ subject: [{ name: "demo-1.0.tar.gz", digest: { sha256: SHA256 } }] }),
    ).toString("base64"),
    signatures: [{ sig: "" }],
  },
};

let api: RunningGitHubApi;
let readOnly: RunningGitHubApi;
let failing: RunningServer;
let failingCalls = 0;

beforeAll(async () => {
  api = await startGitHubApi({ token: TOKEN });
  readOnly = await startGitHubApi({ token: TOKEN, forbidWrites: true });
  failing = await startServer((req, res) => {
    failingCalls++;
    req.resume();
    res.writeHead(502, { "content-type": "application/json" });
    res.end(JSON.stringify({ message: "Bad Gateway" }));
  });
});
afterAll(async () => {
  await Promise.all([api?.close(), readOnly?.close(), failing?.close()]);
});

const target = (apiUrl: string, token = TOKEN) => ({
  token,
  repository: "pyship-test/example",
  apiUrl,
  serverUrl: "https://github.com",
  retries: 1,
});

describe("storeAttestation", () => {
  test("stores the bundle and answers its id and page", async () => {
    const stored = await storeAttestation(bundle, target(api.url));
    expect(stored.url).toBe(`https://github.com/pyship-test/example/attestations/${stored.id}`);
    const [kept] = api.attestations("pyship-test", "example");
    expect(kept).toMatchObject({ id: stored.id, bundle, subjectDigests: [`sha256:${SHA256}`] });
    const listed = await fetch(
      `${api.url}/repos/pyship-test/example/attestations/sha256:${SHA256}`,
      {
        headers: { authorization: `Bearer ${TOKEN}` },
      },
    );
    expect(((await listed.json()) as { attestations: unknown[] }).attestations).toEqual([
      expect.objectContaining({ bundle }),
    ]);
  });

  test("a token without attestations: write is a configuration error naming the permission", async () => {
    const refused = storeAttestation(bundle, target(readOnly.url));
    await expect(refused).rejects.toThrow(ConfigurationError);
    await expect(refused).rejects.toThrow(/403 .*permissions: attestations: write/);
  });

  test("a rejected token is a configuration error that does not show it", async () => {
    const refused = storeAttestation(bundle, target(api.url, "ghs_SECRET_wrong_token_789"));
    await expect(refused).rejects.toThrow(/GitHub rejected the token \(401/);
    await expect(refused).rejects.not.toThrow(/ghs_SECRET/);
  });

  test("a 5xx is retried, then fails saying how many attempts were made", async () => {
    const calls = failingCalls;
    const failed = storeAttestation(bundle, target(failing.url));
    await expect(failed).rejects.toThrow(
      /could not store the attestation on pyship-test\/example \(2 attempts\): GitHub answered 502/,
    );
    expect(failingCalls - calls).toBe(2);
  });

  test("a bundle with no statement subjects is refused with GitHub's 422", async () => {
    const empty = { ...bundle, dsseEnvelope: { ...bundle.dsseEnvelope, payload: "" } };
    await expect(storeAttestation(empty, target(api.url))).rejects.toThrow(/422/);
  });
});
