/** Uploads files as one zipped workflow artifact; no artifact service is a result, not an error. */
import { TimedOut, within } from "../http/deadline.js";
import { ConfigurationError, errorMessage } from "../runtime/errors.js";
import { decodeClaims } from "../runtime/jwt.js";
import { registerSecret, serverText } from "../runtime/redact.js";
import { explainErrnoCodes } from "../runtime/system-errors.js";

export interface ArtifactUploadRequest {
  /** The artifact name; unique within a workflow run. */
  name: string;
  /** Absolute or relative paths, all under rootDirectory. */
  files: string[];
  /** Trimmed from each path inside the zip. */
  rootDirectory: string;
  retentionDays?: number;
  /** The longest the whole upload may take (default 10 minutes). */
  timeoutMs?: number;
}

export type ArtifactUpload =
  | { status: "uploaded"; id: number; size: number; digest?: string }
  | { status: "unavailable"; reason: string };

const UPLOAD_TIMEOUT_MS = 10 * 60_000;

/** Why this process cannot reach an artifact service, or undefined when it can try. */
export function missingArtifactService(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const token = env.ACTIONS_RUNTIME_TOKEN;
  if (!token) return "ACTIONS_RUNTIME_TOKEN is not set, so there is no artifact service here";
  if (!env.ACTIONS_RESULTS_URL) {
    return "ACTIONS_RESULTS_URL is not set, so there is no artifact service here";
  }
  if (!hasResultsScope(token)) {
    return "the runtime token grants no Actions.Results scope, so the artifact service is out of reach";
  }
  const server = env.GITHUB_SERVER_URL || "https://github.com";
  if (isEnterpriseServer(server)) {
    return `artifact uploads through @actions/artifact 2+ are not supported on GitHub Enterprise Server (${server})`;
  }
  return undefined;
}

export async function uploadArtifact(request: ArtifactUploadRequest): Promise<ArtifactUpload> {
  const missing = missingArtifactService();
  if (missing) return { status: "unavailable", reason: missing };
  registerSecret(process.env.ACTIONS_RUNTIME_TOKEN ?? "");
  // Loaded only when uploading: it pulls in the Azure SDK.
  const { DefaultArtifactClient } = await import("@actions/artifact");
  const options = request.retentionDays ? { retentionDays: request.retentionDays } : {};
  try {
    // The client's requests have no overall timeout of their own.
    const uploaded = await within(
      new DefaultArtifactClient().uploadArtifact(
        request.name,
        request.files,
        request.rootDirectory,
        options,
      ),
      request.timeoutMs ?? UPLOAD_TIMEOUT_MS,
      `uploading the ${request.name} artifact`,
    );
    return {
      status: "uploaded",
      id: uploaded.id ?? 0,
      size: uploaded.size ?? 0,
      ...(uploaded.digest ? { digest: uploaded.digest } : {}),
    };
  } catch (error) {
    if (error instanceof TimedOut) throw error;
    throw uploadFailure(request.name, failureText(error));
  }
}

/** Turns the client's error into a short, token-free one; a name clash is the user's to fix. */
function uploadFailure(name: string, message: string): Error {
  if (/CreateArtifact/.test(message) && /\(409\)/.test(message)) {
    return new ConfigurationError(
      `input 'artifact-name': an artifact named ${JSON.stringify(name)} already exists in this workflow run, and artifact names must be unique per run. Give each matrix leg its own name, e.g. artifact-name: ${name}-\${{ matrix.os }}-\${{ matrix.python-version }}.`,
    );
  }
  return new Error(`uploading the ${name} artifact failed: ${serverText(message)}`);
}

/** The error's message, plus the HTTP status blob-storage errors carry. */
function failureText(error: unknown): string {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  const message = explainErrnoCodes(errorMessage(error));
  return typeof status === "number" ? `${message} (HTTP ${status})` : message;
}

/** The scope claim the client needs: `Actions.Results:<run>:<job>` in the JWT's `scp`. */
function hasResultsScope(token: string): boolean {
  const scope = decodeClaims(token).scp;
  return (
    typeof scope === "string" &&
    scope.split(" ").some((part) => /^Actions\.Results:[^:]+:[^:]+$/.test(part))
  );
}

/** The same host test @actions/artifact applies: github.com, *.ghe.com and *.localhost are not GHES. */
function isEnterpriseServer(serverUrl: string): boolean {
  let host: string;
  try {
    host = new URL(serverUrl).hostname.toUpperCase();
  } catch {
    return false;
  }
  return !(host === "GITHUB.COM" || host.endsWith(".GHE.COM") || host.endsWith(".LOCALHOST"));
}
