/**
 * The Warehouse side of trusted publishing: checks a `/_/oidc/mint-token` request the way
 * `warehouse/oidc/views.py` and the GitHub publisher model do, in the same order, with the
 * same error codes and descriptions.
 */
import { createLocalJWKSet, decodeJwt, type JSONWebKeySet, type JWTPayload, jwtVerify } from "jose";

/** A GitHub trusted publisher as registered on the index. */
export interface TrustedPublisher {
  /** Repository name without the owner, e.g. "octo-repo". */
  repository: string;
  owner: string;
  /** When set, the token's `repository_owner_id` must equal it. */
  ownerId?: string;
  /** Workflow file name, e.g. "release.yml". */
  workflow: string;
  /** When set, the token's environment must match (case-insensitively). */
  environment?: string;
  /** When set, tokens minted for this publisher may only upload this project. */
  project?: string;
}

/** Whom the index trusts: the issuer URL and its public keys (a RunningOidcIssuer fits). */
export interface OidcTrust {
  issuer: string;
  jwks: JSONWebKeySet;
}

export interface MintError {
  code: string;
  description: string;
}

export type MintCheck =
  | { ok: true; publisher: TrustedPublisher; claims: JWTPayload; jti: string; exp: number }
  | { ok: false; error: MintError };

export interface MintContext {
  trust: OidcTrust;
  audience: string;
  enabled: boolean;
  publishers: readonly TrustedPublisher[];
  /** Has this jti been used for a minted token already? */
  jtiUsed(jti: string): boolean;
}

const PUBLISHER_SERVICE = "GitHub";
const REQUIRED_CLAIMS = [
  "sub",
  "repository",
  "repository_owner",
  "repository_owner_id",
  "job_workflow_ref",
  "jti",
  "ref",
  "sha",
];

class InvalidPublisher extends Error {}
class ReusedToken extends Error {}

/** A Python-ish repr, as pydantic puts input values in its messages (long ones shortened). */
export function pyRepr(value: unknown): string {
  let text: string;
  if (typeof value === "string") {
    text = value.includes("'") && !value.includes('"') ? `"${value}"` : `'${value}'`;
  } else if (value === null || value === undefined) text = "None";
  else if (value === true) text = "True";
  else if (value === false) text = "False";
  else if (Array.isArray(value)) text = `[${value.map(pyRepr).join(", ")}]`;
  else if (typeof value === "object") {
    const items = Object.entries(value).map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`);
    text = `{${items.join(", ")}}`;
  } else text = String(value);
  return text.length > 50 ? `${text.slice(0, 24)}...${text.slice(-24)}` : text;
}

function pyType(value: unknown): string {
  if (value === null) return "NoneType";
  if (Array.isArray(value)) return "list";
  if (typeof value === "object") return "dict";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  return "str";
}

/** The token from a `{"token": "…"}` body, or pydantic's message for TokenPayload. */
export function parseTokenPayload(body: Buffer): { token: string } | { description: string } {
  const text = body.toString("utf8");
  const header = "1 validation error for TokenPayload";
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      description: `${header}\n  Invalid JSON: ${reason} [type=json_invalid, input_value=${pyRepr(text)}, input_type=str]`,
    };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {
      description: `${header}\n  Input should be an object [type=model_type, input_value=${pyRepr(value)}, input_type=${pyType(value)}]`,
    };
  }
  const token = (value as Record<string, unknown>).token;
  if (token === undefined) {
    return {
      description: `${header}\ntoken\n  Field required [type=missing, input_value=${pyRepr(value)}, input_type=dict]`,
    };
  }
  if (typeof token !== "string") {
    return {
      description: `${header}\ntoken\n  Input should be a valid string [type=string_type, input_value=${pyRepr(token)}, input_type=${pyType(token)}]`,
    };
  }
  return { token };
}

/** The workflow file of a `…/.github/workflows/<file>@<ref>` reference, as Warehouse finds it. */
export function workflowFilename(workflowRef: string): string | undefined {
  return /[^/]+\.(yml|yaml)(?=@)/.exec(workflowRef)?.[0];
}

const fail = (code: string, description: string): MintCheck => ({
  ok: false,
  error: { code, description },
});

function lookupPublisher(
  claims: JWTPayload,
  publishers: readonly TrustedPublisher[],
): TrustedPublisher {
  for (const name of REQUIRED_CLAIMS) {
    if (claims[name] === undefined || claims[name] === null) {
      throw new InvalidPublisher(`Missing claim '${name}'`);
    }
  }
  const repository = String(claims.repository);
  const slash = repository.indexOf("/");
  const owner = repository.slice(0, slash).toLowerCase();
  const name = repository.slice(slash + 1).toLowerCase();
  const workflow = workflowFilename(String(claims.job_workflow_ref));
  if (!workflow) {
    throw new InvalidPublisher("Could not job extract workflow filename from OIDC claims");
  }
  const candidates = publishers.filter(
    (p) =>
      p.repository.toLowerCase() === name &&
      p.owner.toLowerCase() === owner &&
      (p.ownerId === undefined || p.ownerId === String(claims.repository_owner_id)) &&
      p.workflow === workflow,
  );
  // The most specific publisher wins: one with the token's environment, else one without.
  const environment = typeof claims.environment === "string" ? claims.environment : "";
  const found =
    (environment &&
      candidates.find((p) => p.environment?.toLowerCase() === environment.toLowerCase())) ||
    candidates.find((p) => !p.environment);
  if (!found) throw new InvalidPublisher("Publisher with matching claims was not found");
  return found;
}

function verifyClaims(
  publisher: TrustedPublisher,
  claims: JWTPayload,
  jtiUsed: (jti: string) => boolean,
): void {
  const repository = `${publisher.owner}/${publisher.repository}`;
  const required = (name: string) =>
    new InvalidPublisher(`Check failed for required claim '${name}'`);
  const [prefix, subRepository] = String(claims.sub).split(":");
  if (`${prefix}:${subRepository}`.toLowerCase() !== `repo:${repository}`.toLowerCase()) {
    throw required("sub");
  }
  if (String(claims.repository).toLowerCase() !== repository.toLowerCase()) {
    throw required("repository");
  }
  if (String(claims.repository_owner).toLowerCase() !== publisher.owner.toLowerCase()) {
    throw required("repository_owner");
  }
  if (publisher.ownerId !== undefined && String(claims.repository_owner_id) !== publisher.ownerId) {
    throw required("repository_owner_id");
  }
  const jobWorkflowRef = String(claims.job_workflow_ref);
  if (!jobWorkflowRef) throw new InvalidPublisher("The job_workflow_ref claim is empty");
  const refs = [claims.ref, claims.sha].filter((v): v is string => typeof v === "string" && !!v);
  if (refs.length === 0) throw new InvalidPublisher("The ref and sha claims are empty");
  const base = `${repository}/.github/workflows/${publisher.workflow}`;
  const expected = refs.map((ref) => `${base}@${ref}`).sort();
  if (!expected.some((e) => e.toLowerCase() === jobWorkflowRef.toLowerCase())) {
    throw new InvalidPublisher(
      `The job_workflow_ref claim does not match, expecting one of [${expected.map(pyRepr).join(", ")}], got ${pyRepr(jobWorkflowRef)}`,
    );
  }
  if (jtiUsed(String(claims.jti))) throw new ReusedToken();
  if (publisher.environment) {
    const environment = typeof claims.environment === "string" ? claims.environment : "";
    if (environment.toLowerCase() !== publisher.environment.toLowerCase()) {
      throw new InvalidPublisher("Check failed for optional claim 'environment'");
    }
  }
  if (claims.event_name === "pull_request_target") {
    throw new InvalidPublisher("Check failed for optional claim 'event_name'");
  }
}

/** Checks a mint-token request body; on success the caller mints and records the jti. */
export async function checkMintRequest(body: Buffer, context: MintContext): Promise<MintCheck> {
  const payload = parseTokenPayload(body);
  if ("description" in payload) return fail("invalid-payload", payload.description);

  let unverified: JWTPayload;
  try {
    unverified = decodeJwt(payload.token);
  } catch {
    return fail("invalid-payload", "malformed JWT");
  }
  if (typeof unverified.iss !== "string") return fail("invalid-payload", "malformed JWT");
  if (unverified.iss !== context.trust.issuer) {
    return fail("invalid-payload", "unknown trusted publishing issuer");
  }
  if (!context.enabled) {
    return fail("not-enabled", `${PUBLISHER_SERVICE} trusted publishing functionality not enabled`);
  }

  let claims: JWTPayload;
  try {
    const verified = await jwtVerify(payload.token, createLocalJWKSet(context.trust.jwks), {
      issuer: context.trust.issuer,
      audience: context.audience,
      algorithms: ["RS256"],
      clockTolerance: 30,
      requiredClaims: ["iss", "iat", "exp", "aud"],
    });
    claims = verified.payload;
  } catch {
    return fail("invalid-token", "malformed or invalid token");
  }

  try {
    const publisher = lookupPublisher(claims, context.publishers);
    verifyClaims(publisher, claims, context.jtiUsed);
    return { ok: true, publisher, claims, jti: String(claims.jti), exp: Number(claims.exp) };
  } catch (error) {
    if (error instanceof ReusedToken) {
      return fail("invalid-reuse-token", "invalid token: already used");
    }
    if (error instanceof InvalidPublisher) {
      return fail(
        "invalid-publisher",
        `valid token, but no corresponding publisher (${error.message})`,
      );
    }
    throw error;
  }
}
