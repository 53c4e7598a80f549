/** trusted-publish's inputs, read and validated from action.yml's names. */
import os from "node:os";
import { readIgnoredChecks } from "../../shared/dists/checks.js";
import type { IdTokenRequest } from "../../shared/publish/oidc.js";
import { activePython } from "../../shared/python/active.js";
import { ConfigurationError, InputReader, quoted } from "../../shared/runtime/index.js";
import { type SigstoreInstance, sigstoreInstance } from "../../shared/sigstore/instance.js";

export interface TrustedPublishInputs {
  repositoryUrl: string;
  packagesDir: string;
  /** How the workflow spelt it (`packages_dir` is pypa's), for messages. */
  packagesDirInput: string;
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
  /** Sign a PEP 740 publish attestation for each dist (trusted publishing only). */
  attestations: boolean;
  /** The workflow set `attestations: true` itself (so it is not turned off where PyPI would refuse it). */
  attestationsRequested: boolean;
  /** Why the default `attestations` is off, for the one notice that says so. */
  attestationsOff?: string;
  sigstore: SigstoreInstance;
  /** RUNNER_TEMP, or the OS's temporary folder off a runner: where attestations are kept. */
  tempDir: string;
}

/** The inputs pypa/gh-action-pypi-publish once spelt with underscores. */
const pypaRenamed = [
  "repository-url",
  "packages-dir",
  "skip-existing",
  "verify-metadata",
  "print-hash",
];

const underscored = (name: string) => name.replace(/-/g, "_");

function oldSpellings(reader: InputReader): string[] {
  return pypaRenamed.flatMap((name) => reader.oldSpelling(underscored(name), name) ?? []);
}

/** The spelling the workflow used, so an error names what the user wrote. */
function spelling(reader: InputReader, name: string): string {
  return reader.oldSpelling(underscored(name), name) ? underscored(name) : name;
}

const PYPI_UPLOAD = "https://upload.pypi.org/legacy/";

function repositoryUrl(reader: InputReader): string {
  const name = spelling(reader, "repository-url");
  const value = reader.raw(name) || PYPI_UPLOAD;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigurationError(`input '${name}' is not a URL: ${quoted(value)}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigurationError(`input '${name}' must be an http(s) URL, got ${quoted(value)}`);
  }
  if (url.username || url.password) {
    throw new ConfigurationError(
      `input '${name}' must not hold credentials; use the 'user' and 'password' inputs`,
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

const PASSWORD_NOTICE =
  "attestations are off: PyPI accepts them only with trusted publishing, and this upload uses a password";

/** `attestations`: on by default with trusted publishing; an explicit `true` with a password is refused. */
function attestations(reader: InputReader, password: string) {
  const given = reader.raw("attestations");
  const wanted = reader.boolean("attestations", true);
  const requested = given !== "" && wanted;
  if (!password) return { attestations: wanted, attestationsRequested: requested };
  if (requested)
    throw new ConfigurationError(
      "input 'attestations' is true, but attestations need trusted publishing and 'password' is set: PyPI refuses them with a password; remove 'password', or set 'attestations: false'",
    );
  return {
    attestations: false,
    attestationsRequested: false,
    attestationsOff: given ? undefined : PASSWORD_NOTICE,
  };
}

export function loadInputs(reader = new InputReader(), env = process.env): TrustedPublishInputs {
  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const requestUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL ?? "";
  const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ?? "";
  const password = credential(reader, "password", 8192);
  return Object.freeze({
    oldSpellings: oldSpellings(reader),
    repositoryUrl: repositoryUrl(reader),
    packagesDir: reader.path(spelling(reader, "packages-dir"), workspace, "dist"),
    packagesDirInput: spelling(reader, "packages-dir"),
    workspace,
    skipExisting: reader.boolean(spelling(reader, "skip-existing"), false),
    verifyMetadata: reader.boolean(spelling(reader, "verify-metadata"), true),
    ignoreChecks: readIgnoredChecks(reader),
    printHash: reader.boolean(spelling(reader, "print-hash"), true),
    user: credential(reader, "user", 256) || "__token__",
    password,
    ...attestations(reader, password),
    sigstore: sigstoreInstance(env),
    tempDir: env.RUNNER_TEMP || os.tmpdir(),
    retries: reader.integer("retries", 3, 0, 10),
    requestTimeoutMs: reader.duration("request-timeout", 10 * 60_000),
    dryRun: reader.boolean("dry-run", false),
    python: activePython(env),
    eventName: env.GITHUB_EVENT_NAME ?? "",
    idTokenRequest:
      requestUrl && requestToken ? { url: requestUrl, token: requestToken } : undefined,
  });
}
