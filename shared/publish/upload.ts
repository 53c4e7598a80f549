/** One dist to the legacy upload API: streamed, retried on transient errors, with skip-existing. */
import { statSync } from "node:fs";
import path from "node:path";
import type { FileDigests } from "../digests/digests.js";
import type { CoreMetadata } from "../dists/metadata.js";
import type { Deadline } from "../http/deadline.js";
import { type HttpResponse, jsonBody, send } from "../http/http.js";
import { Retryable, type RetryPolicy, retryAfterMs, withRetries } from "../http/retry.js";
import { serverText } from "../runtime/redact.js";
import type { Attestation } from "../sigstore/pep740.js";
import { uploadFields } from "./form.js";
import { multipartBody } from "./multipart.js";

export interface UploadOptions {
  url: string;
  user: string;
  password: string;
  skipExisting: boolean;
  /** Sent as the `attestations` field, a JSON array (PEP 740). */
  attestations?: Attestation[];
  retry: RetryPolicy;
  /** Bounds this file's upload, with its retries and redirects. */
  deadline: Deadline;
}

export interface UploadOutcome {
  status: "uploaded" | "skipped" | "failed";
  /** Known once the whole file has been sent. */
  digests?: FileDigests;
  /** The index's message, for a skip or a failure. */
  reason?: string;
}

const MAX_REDIRECTS = 3;
const ACCEPT = "application/json;q=0.9, text/plain;q=0.8, text/html;q=0.7";

/**
 * Warehouse's message: the JSON `message`, else the status line, else the body's first line;
 * redacted and cut to one short line (serverText).
 */
export function indexMessage(response: HttpResponse): string {
  const message = (jsonBody(response) as { message?: unknown } | undefined)?.message;
  const said = typeof message === "string" ? serverText(message) : "";
  if (said) return said;
  const reason = serverText(response.statusText);
  if (reason && !/^(Bad Request|Forbidden|Conflict|Unauthorized|Not Found)$/i.test(reason))
    return reason;
  return serverText(response.body) || reason || `HTTP ${response.status}`;
}

/**
 * twine's rule (409 from pypiserver, or a 400 saying "already exist" from PyPI), the second-sdist
 * answer of pypa#282, and the answers of the private indexes a password is for.
 */
export function meansAlreadyThere(response: HttpResponse, message: string): boolean {
  if (response.status === 409) return true;
  const text = `${message}\n${response.statusText}\n${response.body}`.toLowerCase();
  if (response.status === 403) return text.includes("overwrite artifact"); // Artifactory
  if (response.status !== 400) return false;
  return [
    "already exist",
    "only one sdist may be uploaded per release",
    "updating asset", // Nexus
    "cannot be updated", // Nexus
    "already been taken", // GitLab
  ].some((phrase) => text.includes(phrase));
}

const retryableStatus = (status: number) => status >= 500 || status === 408 || status === 429;

function redirectTarget(response: HttpResponse, url: string): string | undefined {
  if (![301, 302, 303, 307, 308].includes(response.status)) return undefined;
  const location = response.headers.location;
  if (!location) return undefined;
  const next = new URL(location, url);
  // Credentials only go back to the same origin.
  return next.origin === new URL(url).origin ? next.href : undefined;
}

export async function uploadDist(
  file: string,
  metadata: CoreMetadata,
  options: UploadOptions,
): Promise<UploadOutcome> {
  const size = statSync(file).size;
  const fields = uploadFields(metadata, file);
  if (options.attestations) fields.push(["attestations", JSON.stringify(options.attestations)]);
  const authorization = `Basic ${Buffer.from(`${options.user}:${options.password}`).toString("base64")}`;
  let url = options.url;
  let redirects = 0;

  const attempt = async (): Promise<UploadOutcome> => {
    const body = multipartBody(fields, file, size);
    let digests: FileDigests | undefined;
    const response = await send(url, {
      method: "POST",
      headers: {
        "Content-Type": body.contentType,
        "Content-Length": body.length,
        Authorization: authorization,
        Accept: ACCEPT,
      },
      body: async (request) => {
        digests = await body.write(request);
      },
      timeoutMs: 300_000,
      deadline: options.deadline,
    });
    const next = redirectTarget(response, url);
    if (next && redirects < MAX_REDIRECTS) {
      redirects++;
      url = next;
      return attempt();
    }
    if (response.status === 200) return { status: "uploaded", digests };
    const message = indexMessage(response);
    if (retryableStatus(response.status)) {
      throw new Retryable(
        `${path.basename(file)}: ${response.status} ${message}`,
        retryAfterMs(response),
      );
    }
    if (options.skipExisting && meansAlreadyThere(response, message)) {
      return { status: "skipped", reason: message, digests };
    }
    return { status: "failed", reason: message, digests };
  };

  try {
    return await withRetries(options.retry, options.deadline, attempt);
  } catch (error) {
    return { status: "failed", reason: error instanceof Error ? error.message : String(error) };
  }
}
