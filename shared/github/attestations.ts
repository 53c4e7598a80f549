/** GitHub's artifact attestations: a signed Sigstore bundle stored on the repository (`attestations: write`). */
import { getOctokit } from "@actions/github";
import { Deadline } from "../http/deadline.js";
import { Retryable, withRetries } from "../http/retry.js";
import { ConfigurationError, errorMessage } from "../runtime/errors.js";
import { redact, registerSecret, serverText } from "../runtime/redact.js";

export interface AttestationTarget {
  token: string;
  /** `owner/repo`, as GITHUB_REPOSITORY holds it. */
  repository: string;
  /** Defaults to GITHUB_API_URL, else https://api.github.com. */
  apiUrl?: string;
  /** Where the attestation's page is: GITHUB_SERVER_URL, else https://github.com. */
  serverUrl?: string;
  /** Attempts after the first, on a 5xx or no answer. */
  retries?: number;
  /** The longest one request may take (default 30 s). */
  requestTimeoutMs?: number;
}

export interface StoredAttestation {
  id: number;
  /** The attestation's page on GitHub. */
  url: string;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const DEFAULT_RETRIES = 3;

const statusOf = (error: unknown) => (error as { status?: unknown } | null)?.status;

/** The error for a refused or failed store, as the step says it; never holding the token. */
function storeError(error: unknown, repository: string): Error {
  const failed = `could not store the attestation on ${repository}`;
  const status = statusOf(error);
  const detail = serverText(errorMessage(error));
  if (status === 401)
    return new ConfigurationError(redact(`${failed}: GitHub rejected the token (401 ${detail})`));
  if (status === 403 || status === 404)
    return new ConfigurationError(
      redact(
        `${failed}: ${status} ${detail}. Add \`permissions: attestations: write\` (with \`id-token: write\`) to the job;` +
          " in a private repository, artifact attestations need GitHub Enterprise Cloud",
      ),
    );
  if (status === 422)
    return new ConfigurationError(redact(`${failed}: GitHub refused the bundle (422 ${detail})`));
  return new Error(redact(`${failed}: ${typeof status === "number" ? `${status} ` : ""}${detail}`));
}

/** POST /repos/{owner}/{repo}/attestations with the bundle; retried on 5xx and on no answer. */
export async function storeAttestation(
  bundle: object,
  target: AttestationTarget,
): Promise<StoredAttestation> {
  registerSecret(target.token);
  const [owner, repo] = target.repository.split("/");
  if (!owner || !repo)
    throw new ConfigurationError(
      `GITHUB_REPOSITORY is ${JSON.stringify(target.repository)}, not owner/repo: cannot store the attestation`,
    );
  const apiUrl = target.apiUrl || process.env.GITHUB_API_URL || "https://api.github.com";
  const serverUrl = target.serverUrl || process.env.GITHUB_SERVER_URL || "https://github.com";
  const octokit = getOctokit(target.token, { baseUrl: apiUrl.replace(/\/+$/, "") });
  const requestMs = target.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const retries = target.retries ?? DEFAULT_RETRIES;
  // Each request is bounded; the phase's deadline only caps the waits between them.
  const deadline = new Deadline((retries + 1) * (requestMs + 10_000), "storing the attestation");
  const store = () =>
    withRetries({ retries }, deadline, async () => {
      try {
        const request = { owner, repo, bundle: bundle as { mediaType?: string } };
        const response = await octokit.rest.repos.createAttestation({
          ...request,
          request: { signal: AbortSignal.timeout(requestMs) },
        });
        return Number(response.data.id);
      } catch (error) {
        const status = statusOf(error);
        // Octokit gives a request that got no answer status 500 too.
        if (typeof status !== "number" || status >= 500)
          throw new Retryable(
            redact(`GitHub answered ${status ?? "nothing"}: ${serverText(errorMessage(error))}`),
          );
        throw storeError(error, target.repository);
      }
    });
  const id = await store().catch((error) => {
    if (error instanceof ConfigurationError) throw error;
    const tries = `${retries + 1} attempt${retries === 0 ? "" : "s"}`;
    throw new Error(
      `could not store the attestation on ${target.repository} (${tries}): ${errorMessage(error)}`,
    );
  });
  return { id, url: `${serverUrl.replace(/\/+$/, "")}/${owner}/${repo}/attestations/${id}` };
}
