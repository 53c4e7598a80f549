/** Trusted publishing: a GitHub OIDC token for the index, exchanged for a short-lived upload token. */

import type { Deadline } from "../http/deadline.js";
import { type HttpResponse, jsonBody, send } from "../http/http.js";
import { Retryable, type RetryPolicy, withRetries } from "../http/retry.js";
import { ConfigurationError } from "../runtime/errors.js";
import { serverText } from "../runtime/redact.js";
import { type Claims, decodeClaims } from "./claims.js";

/** The runner's ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
export interface IdTokenRequest {
  url: string;
  token: string;
}

export interface ExchangeOptions {
  repositoryUrl: string;
  idTokenRequest: IdTokenRequest;
  retry: RetryPolicy;
  /** Bounds the whole exchange: audience, OIDC tokens and mints, with their retries. */
  deadline: Deadline;
  /** Masks a secret in the log; called before the secret is used or kept. */
  mask(secret: string): void;
  /** Told the claims of the first OIDC token, before the exchange. */
  onClaims?(claims: Claims): void;
}

export interface Exchanged {
  token: string;
  audience: string;
  /** The claims of the OIDC token that was exchanged. */
  claims: Claims;
}

export interface MintError {
  code: string;
  description: string;
}

/** The index refused the OIDC token (HTTP 422): a trusted publisher configuration problem. */
export class MintRefused extends Error {
  constructor(
    readonly errors: MintError[],
    readonly claims: Claims,
  ) {
    super(`the index refused the token (${errors.map((error) => error.code).join(", ")})`);
    this.name = "MintRefused";
  }
}

const transient = (response: HttpResponse) => response.status >= 500;

function failure(message: string): ConfigurationError {
  return new ConfigurationError(`Trusted publishing exchange failed: ${message}`);
}

async function fetchAudience(
  origin: string,
  retry: RetryPolicy,
  deadline: Deadline,
): Promise<string> {
  const host = new URL(origin).host;
  const response = await withRetries(retry, deadline, async () => {
    const answer = await send(`${origin}/_/oidc/audience`, {
      method: "GET",
      timeoutMs: 30_000,
      deadline,
    });
    if (transient(answer)) throw new Retryable(`the audience request got ${answer.status}`);
    return answer;
  });
  if (response.status === 403) {
    throw failure(
      `audience retrieval failed: repository at ${host} has trusted publishing disabled`,
    );
  }
  if (response.status === 404) {
    throw failure(
      `audience retrieval failed: repository at ${host} does not indicate trusted publishing support`,
    );
  }
  const audience = (jsonBody(response) as { audience?: unknown } | undefined)?.audience;
  if (response.status !== 200 || typeof audience !== "string" || audience === "") {
    throw failure(
      `audience retrieval failed: repository at ${host} responded with unexpected ${response.status}: ${serverText(response.statusText)}`,
    );
  }
  return audience;
}

/** A GitHub OIDC token for `audience` from the runner's token service, retried on 5xx. */
export async function fetchIdToken(
  request: IdTokenRequest,
  audience: string,
  retry: RetryPolicy,
  deadline: Deadline,
): Promise<string> {
  const separator = request.url.includes("?") ? "&" : "?";
  const url = `${request.url}${separator}audience=${encodeURIComponent(audience)}`;
  const response = await withRetries(retry, deadline, async () => {
    const answer = await send(url, {
      method: "GET",
      headers: { Authorization: `Bearer ${request.token}`, Accept: "application/json" },
      timeoutMs: 30_000,
      deadline,
    });
    if (transient(answer)) throw new Retryable(`the OIDC token request got ${answer.status}`);
    return answer;
  });
  const value = (jsonBody(response) as { value?: unknown } | undefined)?.value;
  if (response.status !== 200 || typeof value !== "string" || value === "") {
    throw failure(
      `OpenID Connect token retrieval failed: the runner's token service answered ${response.status} ${serverText(response.statusText)}. ` +
        "Add `permissions: id-token: write` to this job.",
    );
  }
  return value;
}

/** How many of the index's reasons are shown. */
const MAX_MINT_ERRORS = 5;

/** The index's reasons, as server text: redacted (a description may echo the token), one line each. */
function mintErrors(body: unknown): MintError[] {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors)) return [];
  return errors
    .slice(0, MAX_MINT_ERRORS)
    .map((error: { code?: unknown; description?: unknown }) => ({
      code: serverText(String(error?.code ?? "unknown")) || "unknown",
      description: serverText(String(error?.description ?? "")),
    }));
}

export async function exchangeToken(options: ExchangeOptions): Promise<Exchanged> {
  options.mask(options.idTokenRequest.token);
  const origin = new URL(options.repositoryUrl).origin;
  const { retry, deadline } = options;
  const audience = await fetchAudience(origin, retry, deadline);
  let told = false;
  return withRetries(retry, deadline, async () => {
    const jwt = await fetchIdToken(options.idTokenRequest, audience, retry, deadline);
    options.mask(jwt);
    const claims = decodeClaims(jwt);
    if (!told) options.onClaims?.(claims);
    told = true;
    const response = await send(`${origin}/_/oidc/mint-token`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ token: jwt }),
      timeoutMs: 30_000,
      deadline,
    });
    if (transient(response)) throw new Retryable(`the mint-token request got ${response.status}`);
    const body = jsonBody(response);
    if (body === undefined) {
      throw failure(
        `Token request failed: the index produced an unexpected ${response.status} response.`,
      );
    }
    const token = (body as { token?: unknown }).token;
    if (typeof token === "string" && token !== "") options.mask(token);
    if (response.status === 422) throw new MintRefused(mintErrors(body), claims);
    if (response.status !== 200 || typeof token !== "string" || token === "") {
      throw failure(
        `Token response error: the index gave us an invalid response (${response.status}).`,
      );
    }
    return { token, audience, claims };
  });
}
