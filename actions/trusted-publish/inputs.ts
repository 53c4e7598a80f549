import { readIgnoredChecks } from "../../shared/dists/checks.js";
import type { IdTokenRequest } from "../../shared/publish/oidc.js";
import { activePython } from "../../shared/python/active.js";
import { ConfigurationError, InputReader, quoted } from "../../shared/runtime/index.js";

export interface TrustedPublishInputs {
  repositoryUrl: string;
  packagesDir: string;
  workspace: string;
  skipExisting: boolean;
  verifyMetadata: boolean;
  /** Check codes (or prefixes) validation does not report. */
  ignoreChecks: string[];
  printHash: boolean;
  user: string;
  /** Empty means trusted publishing. */
  password: string;
  retries: number;
  /** The longest one network phase may take: the token exchange, or one file's upload. */
  requestTimeoutMs: number;
  dryRun: boolean;
  /** The interpreter that renders reStructuredText descriptions during validation. */
  python: string;
  eventName: string;
  /** Set when the job may request an OIDC token (`permissions: id-token: write`). */
  idTokenRequest?: IdTokenRequest;
  /** One warning per input given in pypa/gh-action-pypi-publish's old underscore spelling. */
  oldSpellings: string[];
}

/** The inputs pypa/gh-action-pypi-publish once spelt with underscores. */
const pypaRenamed = [
  "repository-url",
  "packages-dir",
  "skip-existing",
  "verify-metadata",
  "print-hash",
];

function oldSpellings(reader: InputReader): string[] {
  return pypaRenamed.flatMap((name) => reader.oldSpelling(name.replace(/-/g, "_"), name) ?? []);
}

const PYPI_UPLOAD = "https://upload.pypi.org/legacy/";

function repositoryUrl(reader: InputReader): string {
  const value = reader.raw("repository-url") || PYPI_UPLOAD;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError(`input 'repository-url' is not a URL: ${quoted(value)}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigurationError(
      `input 'repository-url' must be an http(s) URL, got ${quoted(value)}`,
    );
  }
  if (url.username || url.password) {
    throw new ConfigurationError(
      "input 'repository-url' must not hold credentials; use the 'user' and 'password' inputs",
    );
  }
  return url.href;
}

/** A user name or token; an index refuses a header this long, so it is refused here, unshown. */
function credential(reader: InputReader, name: string, longest: number): string {
  const value = reader.raw(name);
  if (value.length > longest || /[\r\n]/.test(value)) {
    throw new ConfigurationError(
      `input '${name}' is not a usable credential: ${value.length > longest ? `${value.length} characters, more than ${longest}` : "it has a line break"}`,
    );
  }
  return value;
}

export function loadInputs(reader = new InputReader(), env = process.env): TrustedPublishInputs {
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const requestUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL ?? "";
  const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ?? "";
  return Object.freeze({
    oldSpellings: oldSpellings(reader),
    repositoryUrl: repositoryUrl(reader),
    packagesDir: reader.path("packages-dir", workspace, "dist"),
    workspace,
    skipExisting: reader.boolean("skip-existing", false),
    verifyMetadata: reader.boolean("verify-metadata", true),
    ignoreChecks: readIgnoredChecks(reader),
    printHash: reader.boolean("print-hash", true),
    user: credential(reader, "user", 256) || "__token__",
    password: credential(reader, "password", 8192),
    retries: reader.integer("retries", 3, 0, 10),
    requestTimeoutMs: reader.duration("request-timeout", 10 * 60_000),
    dryRun: reader.boolean("dry-run", false),
    python: activePython(env),
    eventName: env.GITHUB_EVENT_NAME ?? "",
    idTokenRequest:
      requestUrl && requestToken ? { url: requestUrl, token: requestToken } : undefined,
  });
}
