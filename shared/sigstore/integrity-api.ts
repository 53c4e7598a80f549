/** PyPI's Integrity API: each file's PEP 740 provenance, asked once per file, a few at a time. */
import type { Deadline } from "../http/deadline.js";
import { type HttpResponse, jsonBody, send } from "../http/http.js";
import { Retryable, type RetryPolicy, retryAfterMs, withRetries } from "../http/retry.js";
import { mapConcurrently } from "../runtime/concurrency.js";
import { serverText } from "../runtime/redact.js";
import type { Attestation } from "./pep740.js";

export const INTEGRITY_MEDIA_TYPE = "application/vnd.pypi.integrity.v1+json";

/** One file to ask about. */
export interface ProvenanceQuery {
  /** The index's root, where `/integrity/…` lives (`https://pypi.org`). */
  index: string;
  /** PEP 503 normalized. */
  project: string;
  version: string;
  filename: string;
}

/** The Trusted Publisher a provenance object names (GitHub: repository, workflow, environment). */
export interface ProvenancePublisher {
  kind: string;
  repository?: string;
  workflow?: string;
  environment?: string | null;
  [claim: string]: unknown;
}

export interface ProvenanceBundle {
  publisher: ProvenancePublisher;
  attestations: Attestation[];
}

export type ProvenanceAnswer =
  | { kind: "provenance"; bundles: ProvenanceBundle[] }
  /** 404: the index has no provenance for the file. */
  | { kind: "none"; reason: string }
  /** 200, but not a provenance object. */
  | { kind: "invalid"; reason: string }
  /** No answer after the retries, or an unexpected status. */
  | { kind: "unavailable"; reason: string };

export interface IntegrityClientOptions {
  retry: RetryPolicy;
  /** Bounds every request and retry of the lookups. */
  deadline: Deadline;
  /** Requests in flight at once (default 16). */
  concurrency?: number;
}

export function provenanceUrl(query: ProvenanceQuery): string {
  const parts = [query.project, query.version, query.filename].map(encodeURIComponent);
  return `${query.index.replace(/\/+$/, "")}/integrity/${parts.join("/")}/provenance`;
}

/** A lookup per distinct URL, cached for the client's life (a file locked twice is asked once). */
export class IntegrityClient {
  private readonly answers = new Map<string, Promise<ProvenanceAnswer>>();
  /** HTTP requests made, retries not counted. */
  requests = 0;

  constructor(private readonly options: IntegrityClientOptions) {}

  lookup(query: ProvenanceQuery): Promise<ProvenanceAnswer> {
    const url = provenanceUrl(query);
    let answer = this.answers.get(url);
    if (!answer) {
      answer = this.fetch(url);
      this.answers.set(url, answer);
    }
    return answer;
  }

  /** Every query's answer, in query order, with at most `concurrency` requests in flight. */
  async lookupAll(queries: readonly ProvenanceQuery[]): Promise<ProvenanceAnswer[]> {
    return mapConcurrently(queries, this.options.concurrency ?? 16, (query) => this.lookup(query));
  }

  private async fetch(url: string): Promise<ProvenanceAnswer> {
    this.requests++;
    const path = new URL(url).pathname;
    try {
      const response = await withRetries(this.options.retry, this.options.deadline, async () => {
        const answer = await send(url, {
          method: "GET",
          headers: { Accept: INTEGRITY_MEDIA_TYPE },
          timeoutMs: 30_000,
          totalMs: 60_000,
          deadline: this.options.deadline,
        });
        if (answer.status >= 500 || answer.status === 429)
          throw new Retryable(`${path} got ${answer.status}`, retryAfterMs(answer));
        return answer;
      });
      return answerOf(response);
    } catch (error) {
      return { kind: "unavailable", reason: serverText(errorText(error)) };
    }
  }
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

function answerOf(response: HttpResponse): ProvenanceAnswer {
  if (response.status === 404)
    return { kind: "none", reason: "the index has no provenance for it" };
  if (response.status !== 200) {
    const status = `${response.status} ${response.statusText}`.trim();
    return { kind: "unavailable", reason: `the Integrity API answered ${status}` };
  }
  const body = jsonBody(response) as { version?: unknown; attestation_bundles?: unknown };
  const bundles = body?.attestation_bundles;
  if (body?.version !== 1 || !Array.isArray(bundles) || !bundles.every(isBundle))
    return { kind: "invalid", reason: "the index's answer is not a PEP 740 provenance object" };
  return { kind: "provenance", bundles };
}

function isBundle(value: unknown): value is ProvenanceBundle {
  const bundle = value as Partial<ProvenanceBundle> | undefined;
  return (
    typeof bundle?.publisher?.kind === "string" &&
    Array.isArray(bundle.attestations) &&
    bundle.attestations.every(isAttestation)
  );
}

function isAttestation(value: unknown): value is Attestation {
  const attestation = value as Partial<Attestation> | undefined;
  return (
    attestation?.version === 1 &&
    typeof attestation.verification_material?.certificate === "string" &&
    Array.isArray(attestation.verification_material.transparency_entries) &&
    typeof attestation.envelope?.statement === "string" &&
    typeof attestation.envelope.signature === "string"
  );
}
