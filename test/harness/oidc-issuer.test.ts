import http from "node:http";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { GITHUB_ISSUER, type RunningOidcIssuer, startOidcIssuer } from "./oidc-issuer.js";

let issuer: RunningOidcIssuer;

beforeAll(async () => {
  issuer = await startOidcIssuer();
});
afterAll(async () => {
  await issuer?.close();
});

interface Fetched {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** A GET through http.request (no keep-alive), resolving a reset connection as status 0. */
function get(url: string, headers: Record<string, string> = {}): Promise<Fetched> {
  return new Promise((resolve) => {
    const req = http.get(url, { headers, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      res.on("error", () => resolve({ status: 0, body, headers: res.headers }));
    });
    req.on("error", () => resolve({ status: 0, body: "", headers: {} }));
  });
}

/** What @actions/core's getIDToken does: the request URL plus `&audience=`, with the bearer. */
async function requestToken(target: RunningOidcIssuer, audience: string): Promise<string> {
  const env = target.env();
  const url = `${env.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=${encodeURIComponent(audience)}`;
  const res = await get(url, { Authorization: `Bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` });
  expect(res.status).toBe(200);
  return JSON.parse(res.body).value;
}

describe("tokens", () => {
  test("a token for an audience verifies against the served JWKS, with GitHub's claims", async () => {
    const before = issuer.issued;
    const token = await requestToken(issuer, "pypi");
    expect(issuer.issued).toBe(before + 1);
    expect(issuer.tokens.at(-1)).toBe(token);

    const config = JSON.parse((await get(`${issuer.url}/.well-known/openid-configuration`)).body);
    expect(config.issuer).toBe(GITHUB_ISSUER);
    const keys = createRemoteJWKSet(new URL(config.jwks_uri));
    const { payload, protectedHeader } = await jwtVerify(token, keys, {
      issuer: GITHUB_ISSUER,
      audience: "pypi",
      algorithms: ["RS256"],
    });
    expect(protectedHeader.kid).toBe(issuer.jwks.keys[0].kid);
    expect(payload).toMatchObject({
      sub: "repo:octo-org/octo-repo:ref:refs/tags/v1.0.0",
      repository: "octo-org/octo-repo",
      repository_owner: "octo-org",
      workflow_ref: "octo-org/octo-repo/.github/workflows/release.yml@refs/tags/v1.0.0",
      job_workflow_ref: "octo-org/octo-repo/.github/workflows/release.yml@refs/tags/v1.0.0",
      ref: "refs/tags/v1.0.0",
      ref_type: "tag",
      event_name: "push",
    });
    for (const claim of ["repository_owner_id", "repository_id", "run_id", "sha", "workflow"]) {
      expect(typeof payload[claim]).toBe("string");
    }
    expect(payload).not.toHaveProperty("environment");
    expect(payload.exp).toBe((payload.iat ?? 0) + 300);
    expect(payload.nbf).toBe(payload.iat);
    const tokenRequests = issuer.requests.filter((r) => r.path.startsWith("/token"));
    expect(tokenRequests.at(-1)).toMatchObject({ method: "GET", audience: "pypi", status: 200 });
    expect(tokenRequests.at(-1)?.path).toBe("/token?api-version=2.0&audience=pypi");
  });

  test("each token has a fresh jti; the bearer scheme is case-insensitive", async () => {
    const env = issuer.env();
    const url = `${env.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=sigstore`;
    const first = await get(url, { authorization: `bearer ${issuer.requestToken}` });
    const second = await get(url, { authorization: `BEARER ${issuer.requestToken}` });
    const [a, b] = [first, second].map((res) => JSON.parse(res.body).value);
    const keys = createLocalJWKSet(issuer.jwks);
    const claimsA = (await jwtVerify(a, keys, { audience: "sigstore" })).payload;
    const claimsB = (await jwtVerify(b, keys, { audience: "sigstore" })).payload;
    expect(claimsA.jti).not.toBe(claimsB.jti);
    expect(decodeProtectedHeader(a)).toMatchObject({ alg: "RS256", typ: "JWT" });
  });

  test("without an audience the token is for the repository owner's URL", async () => {
    const res = await get(`${issuer.url}/token`, {
      authorization: `Bearer ${issuer.requestToken}`,
    });
    const { payload } = await jwtVerify(JSON.parse(res.body).value, createLocalJWKSet(issuer.jwks));
    expect(payload.aud).toBe("https://github.com/octo-org");
  });

  test("a missing or wrong bearer token gets a 401", async () => {
    const url = `${issuer.env().ACTIONS_ID_TOKEN_REQUEST_URL}&audience=pypi`;
    const before = issuer.issued;
    expect((await get(url)).status).toBe(401);
    expect((await get(url, { authorization: "Bearer nope" })).status).toBe(401);
    expect((await get(url, { authorization: `Basic ${issuer.requestToken}` })).status).toBe(401);
    expect(issuer.issued).toBe(before);
  });
});

describe("claims", () => {
  test("overrides, derived claims and removals", async () => {
    const custom = await startOidcIssuer({
      issuer: "https://issuer.example",
      claims: { repository: "acme/widgets", ref: "refs/heads/main", environment: "PyPI" },
    });
    try {
      const token = await requestToken(custom, "testpypi");
      const { payload } = await jwtVerify(token, createLocalJWKSet(custom.jwks), {
        issuer: "https://issuer.example",
        audience: "testpypi",
      });
      expect(payload).toMatchObject({
        sub: "repo:acme/widgets:environment:PyPI",
        repository_owner: "acme",
        environment: "PyPI",
        ref_type: "branch",
        job_workflow_ref: "acme/widgets/.github/workflows/release.yml@refs/heads/main",
      });

      custom.setClaims({
        environment: null,
        job_workflow_ref: "acme/shared/.github/workflows/publish.yml@refs/heads/main",
        repository_owner_id: undefined,
        custom_claim: "x",
      });
      const second = (
        await jwtVerify(await requestToken(custom, "pypi"), createLocalJWKSet(custom.jwks))
      ).payload;
      expect(second).not.toHaveProperty("environment");
      expect(second).not.toHaveProperty("repository_owner_id");
      expect(second).toMatchObject({
        sub: "repo:acme/widgets:ref:refs/heads/main",
        workflow_ref: "acme/widgets/.github/workflows/release.yml@refs/heads/main",
        job_workflow_ref: "acme/shared/.github/workflows/publish.yml@refs/heads/main",
        custom_claim: "x",
      });

      custom.resetClaims();
      const third = (
        await jwtVerify(await requestToken(custom, "pypi"), createLocalJWKSet(custom.jwks))
      ).payload;
      expect(third.environment).toBe("PyPI");
      expect(custom.claimsFor("pypi")).toMatchObject({ aud: "pypi", repository: "acme/widgets" });
    } finally {
      await custom.close();
    }
  });

  test("sign() makes tokens with exact claims, e.g. already expired", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await issuer.sign({
      ...issuer.claimsFor("pypi"),
      iat: now - 900,
      exp: now - 600,
    });
    await expect(jwtVerify(token, createLocalJWKSet(issuer.jwks))).rejects.toThrow(/exp/);
  });
});

describe("faults", () => {
  test("status, rate-limit, reset and slow faults are consumed one request each, in order", async () => {
    const url = `${issuer.env().ACTIONS_ID_TOKEN_REQUEST_URL}&audience=pypi`;
    const auth = { authorization: `Bearer ${issuer.requestToken}` };
    issuer.injectFault({ path: "/token", kind: "status", status: 503 });
    issuer.faults("/token").push({ kind: "rate-limit", retryAfterSeconds: 7 });
    issuer.faults("/token").push({ kind: "reset" });
    issuer.faults("/token").push({ kind: "slow", delayMs: 300 });
    const before = issuer.issued;

    expect((await get(url, auth)).status).toBe(503);
    const limited = await get(url, auth);
    expect(limited.status).toBe(429);
    expect(limited.headers["retry-after"]).toBe("7");
    expect((await get(url, auth)).status).toBe(0);
    const started = Date.now();
    const slow = await get(url, auth);
    expect(slow.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect((await get(url, auth)).status).toBe(200);
    expect(issuer.issued).toBe(before + 2);
    expect(issuer.faults("/token")).toHaveLength(0);
  });

  test("reset-after-store issues the token but never delivers it", async () => {
    const url = `${issuer.env().ACTIONS_ID_TOKEN_REQUEST_URL}&audience=pypi`;
    issuer.injectFault({ path: "/token", kind: "reset-after-store" });
    const before = issuer.issued;
    const res = await get(url, { authorization: `Bearer ${issuer.requestToken}` });
    expect(res.status).toBe(0);
    expect(issuer.issued).toBe(before + 1);
    expect(issuer.requests.at(-1)?.status).toBe(200);
  });

  test("faults on one path leave other paths alone", async () => {
    issuer.injectFault({ path: "/.well-known/jwks", kind: "status", status: 500 });
    expect((await get(`${issuer.url}/.well-known/openid-configuration`)).status).toBe(200);
    expect((await get(`${issuer.url}/.well-known/jwks`)).status).toBe(500);
    expect((await get(`${issuer.url}/.well-known/jwks`)).status).toBe(200);
  });
});

test("the server stops by itself after its lifetime", async () => {
  const shortLived = await startOidcIssuer({ lifetimeMs: 200 });
  expect((await get(`${shortLived.url}/.well-known/jwks`)).status).toBe(200);
  await new Promise((resolve) => setTimeout(resolve, 400));
  expect((await get(`${shortLived.url}/.well-known/jwks`)).status).toBe(0);
  await shortLived.close();
});
