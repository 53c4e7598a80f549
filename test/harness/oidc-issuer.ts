/**
 * A stand-in for GitHub's OIDC token service (what `core.getIDToken()` and `id` talk to):
 * `GET /token?audience=…` with the job's bearer request token answers `{"value": "<JWT>"}`, an
 * RS256 JWT with GitHub-shaped claims, verifiable against `/.well-known/jwks`.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type http from "node:http";
import { exportJWK, generateKeyPair, type JSONWebKeySet, SignJWT } from "jose";
import { type ServerOptions, startServer } from "./server.js";
import {
  applyFault,
  createFaultQueues,
  type Fault,
  type FaultSpec,
  recordRequest,
  suppressAnswer,
} from "./warehouse-faults.js";

export const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";

/** The claims of a GitHub Actions OIDC token (ids are strings, as GitHub sends them). */
export interface GithubOidcClaims {
  iss: string;
  aud: string;
  sub: string;
  jti: string;
  iat: number;
  nbf: number;
  exp: number;
  ref: string;
  sha: string;
  repository: string;
  repository_owner: string;
  repository_owner_id: string;
  repository_id: string;
  repository_visibility: string;
  actor: string;
  actor_id: string;
  run_id: string;
  run_number: string;
  run_attempt: string;
  workflow: string;
  workflow_ref: string;
  workflow_sha: string;
  job_workflow_ref: string;
  job_workflow_sha: string;
  event_name: string;
  head_ref: string;
  base_ref: string;
  ref_type: string;
  ref_protected: string;
  runner_environment: string;
  environment?: string;
}

/**
 * Overrides merged over the defaults. `null` or `undefined` removes a claim; extra claims are
 * added as given. Unless overridden, `repository_owner`, `ref_type`, `workflow_ref`,
 * `job_workflow_ref` (= workflow_ref), `workflow_sha`/`job_workflow_sha` (= sha) and `sub`
 * follow `repository`, `ref`, `sha`, `environment` and `event_name`.
 */
export type ClaimOverrides = {
  [K in keyof GithubOidcClaims]?: GithubOidcClaims[K] | null;
} & Record<string, unknown>;

export interface OidcIssuerOptions extends ServerOptions {
  /** The `iss` claim (default GitHub's issuer URL). */
  issuer?: string;
  claims?: ClaimOverrides;
  /** `exp - iat` in seconds (default 300). */
  tokenLifetimeSeconds?: number;
  /** The bearer token `/token` accepts (default a random one). */
  requestToken?: string;
}

export interface IssuerRequest {
  method: string;
  /** Path with the query string. */
  path: string;
  /** The requested audience, for `/token`. */
  audience?: string;
  /** 0 when the connection was reset without an answer. */
  status: number;
}

export interface RunningOidcIssuer {
  url: string;
  port: number;
  /** The `iss` of issued tokens. */
  issuer: string;
  /** The bearer token `/token` wants. */
  requestToken: string;
  /** The public keys, as served on `/.well-known/jwks`. */
  jwks: JSONWebKeySet;
  /** ACTIONS_ID_TOKEN_REQUEST_URL (already with a `?`) and ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  env(): Record<"ACTIONS_ID_TOKEN_REQUEST_URL" | "ACTIONS_ID_TOKEN_REQUEST_TOKEN", string>;
  /** Merges more overrides into the current ones (for tokens issued from now on); with `audience`, for its tokens only. */
  setClaims(overrides: ClaimOverrides, audience?: string): void;
  /** Back to the overrides given at start. */
  resetClaims(): void;
  /** The claims the next token for `audience` would carry (with a fresh jti and times). */
  claimsFor(audience: string): Record<string, unknown>;
  /** Signs a token with these exact claims (for hand-made bad tokens); not counted in `issued`. */
  sign(claims: Record<string, unknown>): Promise<string>;
  /** How many JWTs `/token` has issued. */
  readonly issued: number;
  /** Every JWT `/token` issued, oldest first. */
  tokens: string[];
  requests: IssuerRequest[];
  /** The live fault queue for a path (`/token`, `/.well-known/jwks`, …). */
  faults(path: string): Fault[];
  injectFault(fault: FaultSpec): void;
  close(): Promise<void>;
}

const DEFAULTS = {
  repository: "octo-org/octo-repo",
  repository_owner_id: "5000001",
  repository_id: "6000002",
  repository_visibility: "public",
  ref: "refs/tags/v1.0.0",
  sha: "7f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b",
  actor: "octocat",
  actor_id: "583231",
  run_id: "9000000001",
  run_number: "7",
  run_attempt: "1",
  workflow: "Release",
  event_name: "push",
  head_ref: "",
  base_ref: "",
  ref_protected: "false",
  runner_environment: "github-hosted",
};
const WORKFLOW_FILE = "release.yml";
const MAX_RECORDED = 10_000;

/** The claims for one token: defaults, overrides, then derived claims (see ClaimOverrides). */
export function resolveClaims(
  overrides: ClaimOverrides,
  context: { issuer: string; audience: string; lifetimeSeconds: number; now?: number },
): Record<string, unknown> {
  const given = (name: string) => Object.hasOwn(overrides, name);
  const pick = (name: string, fallback: unknown) => (given(name) ? overrides[name] : fallback);
  const now = context.now ?? Math.floor(Date.now() / 1000);
  const repository = String(pick("repository", DEFAULTS.repository) ?? "");
  const ref = String(pick("ref", DEFAULTS.ref) ?? "");
  const sha = String(pick("sha", DEFAULTS.sha) ?? "");
  const environment = pick("environment", undefined);
  const eventName = pick("event_name", DEFAULTS.event_name);
  const defaultWorkflowRef = `${repository}/.github/workflows/${WORKFLOW_FILE}@${ref}`;
  const workflowRef = pick("workflow_ref", defaultWorkflowRef);
  let sub = `repo:${repository}:ref:${ref}`;
  if (environment) sub = `repo:${repository}:environment:${environment}`;
  else if (eventName === "pull_request") sub = `repo:${repository}:pull_request`;

  const claims: Record<string, unknown> = {
    ...DEFAULTS,
    jti: randomUUID(),
    sub,
    aud: context.audience,
    repository_owner: repository.split("/")[0],
    workflow_ref: defaultWorkflowRef,
    workflow_sha: sha,
    job_workflow_ref: typeof workflowRef === "string" ? workflowRef : defaultWorkflowRef,
    job_workflow_sha: sha,
    ref_type: ref.startsWith("refs/tags/") ? "tag" : "branch",
    iss: context.issuer,
    iat: now,
    nbf: now,
    exp: now + context.lifetimeSeconds,
    ...overrides,
  };
  if (environment) claims.environment = environment;
  for (const [name, value] of Object.entries(claims)) {
    if (value === undefined || value === null) delete claims[name];
  }
  return claims;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { "content-type": "application/json", "content-length": data.length });
  res.end(data);
}

export async function startOidcIssuer(options: OidcIssuerOptions = {}): Promise<RunningOidcIssuer> {
  const issuer = options.issuer ?? GITHUB_ISSUER;
  const lifetimeSeconds = options.tokenLifetimeSeconds ?? 300;
  const requestToken = options.requestToken ?? randomBytes(24).toString("base64url");
  const kid = randomBytes(8).toString("hex");
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  const jwks: JSONWebKeySet = { keys: [jwk] };
  let overrides: ClaimOverrides = { ...options.claims };
  let byAudience = new Map<string, ClaimOverrides>();
  const tokens: string[] = [];
  const requests: IssuerRequest[] = [];
  const faults = createFaultQueues();

  const sign = (claims: Record<string, unknown>) =>
    new SignJWT(claims).setProtectedHeader({ alg: "RS256", typ: "JWT", kid }).sign(privateKey);
  const claimsFor = (audience: string) =>
    resolveClaims(
      { ...overrides, ...byAudience.get(audience) },
      { issuer, audience, lifetimeSeconds },
    );

  const handler = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const record: IssuerRequest = { method: req.method ?? "", path: req.url ?? "", status: 0 };
    if (url.pathname === "/token") record.audience = url.searchParams.get("audience") ?? undefined;
    recordRequest(requests, record, res, MAX_RECORDED);

    const fault = faults.take(url.pathname);
    if (fault && (await applyFault(fault, req, res))) return;
    if (fault?.kind === "reset-after-store") {
      suppressAnswer(res, (status) => {
        record.status = status;
      });
    }
    req.resume();

    if (req.method !== "GET" && req.method !== "HEAD") {
      return sendJson(res, 405, { message: "Method Not Allowed" });
    }
    if (url.pathname === "/.well-known/jwks") return sendJson(res, 200, jwks);
    if (url.pathname === "/.well-known/openid-configuration") {
      // The real issuer's URL is a public https address; ours is local, so the JWKS URI is too.
      const base = `http://${req.headers.host ?? "127.0.0.1"}`;
      return sendJson(res, 200, {
        issuer,
        jwks_uri: `${base}/.well-known/jwks`,
        subject_types_supported: ["public", "pairwise"],
        response_types_supported: ["id_token"],
        id_token_signing_alg_values_supported: ["RS256"],
        claims_supported: ["sub", "aud", "exp", "iat", "iss", "jti", "nbf", "ref", "repository"],
      });
    }
    if (url.pathname === "/token") {
      const match = /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? "");
      if (match?.[1].trim() !== requestToken) {
        return sendJson(res, 401, { message: "Unauthorized: invalid or missing bearer token" });
      }
      const audience = url.searchParams.get("audience");
      const claims = claimsFor(audience ?? "");
      // Without an audience GitHub uses the repository owner's URL.
      if (audience === null && !Object.hasOwn(overrides, "aud")) {
        claims.aud = `https://github.com/${claims.repository_owner}`;
      }
      const token = await sign(claims);
      tokens.push(token);
      return sendJson(res, 200, { value: token });
    }
    return sendJson(res, 404, { message: `no route for ${url.pathname}` });
  };

  const server = await startServer(handler, { maxBodyBytes: 64 * 1024, ...options });
  return {
    url: server.url,
    port: server.port,
    issuer,
    requestToken,
    jwks,
    env: () => ({
      ACTIONS_ID_TOKEN_REQUEST_URL: `${server.url}/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
    }),
    setClaims(more, audience) {
      if (audience === undefined) overrides = { ...overrides, ...more };
      else byAudience.set(audience, { ...byAudience.get(audience), ...more });
    },
    resetClaims() {
      overrides = { ...options.claims };
      byAudience = new Map();
    },
    claimsFor,
    sign,
    get issued() {
      return tokens.length;
    },
    tokens,
    requests,
    faults: faults.queue,
    injectFault({ path, ...fault }) {
      faults.queue(path).push(fault as Fault);
    },
    close: server.close,
  };
}
