/** build-dist's inputs, read and validated from action.yml's names. */
import type { Builder } from "../../shared/dists/build.js";
import { readIgnoredChecks } from "../../shared/dists/checks.js";
import { tagOf } from "../../shared/dists/version-check.js";
import { isValidVersion } from "../../shared/project/pep440.js";
import { activePython } from "../../shared/python/active.js";
import { which } from "../../shared/runtime/command.js";
import { ConfigurationError, InputReader, quoted } from "../../shared/runtime/index.js";

export interface BuildDistInputs {
  workingDirectory: string;
  workspace: string;
  outputDir: string;
  sdist: boolean;
  wheel: boolean;
  wheelFromSdist: boolean;
  builder: Builder;
  python: string;
  isolation: boolean;
  /** The tag the version must match, when the check is on. */
  tag?: string;
  expectedVersion?: string;
  strict: boolean;
  ignoreChecks: string[];
  uploadArtifact: boolean;
  artifactName: string;
  /** Set when `attest-build-provenance` is true: what signing and storing need. */
  provenance?: ProvenanceAccess;
}

/** The job's OIDC token service (`id-token: write`) and the token that stores attestations. */
export interface ProvenanceAccess {
  githubToken: string;
  idTokenRequest: { url: string; token: string };
}

const PERMISSIONS = "`permissions: id-token: write` and `attestations: write`";

function provenanceAccess(
  reader: InputReader,
  env: NodeJS.ProcessEnv,
): ProvenanceAccess | undefined {
  if (!reader.boolean("attest-build-provenance", false)) return undefined;
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL?.trim() ?? "";
  const token = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN?.trim() ?? "";
  if (!url || !token) {
    throw new ConfigurationError(
      `input 'attest-build-provenance' is true, but this job cannot request an OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL or ACTIONS_ID_TOKEN_REQUEST_TOKEN is unset): add ${PERMISSIONS} to the job`,
    );
  }
  const githubToken = reader.raw("github-token");
  if (!githubToken) {
    throw new ConfigurationError(
      `input 'attest-build-provenance' is true, but 'github-token' is empty: leave it at its default, \${{ github.token }}, with ${PERMISSIONS} on the job`,
    );
  }
  return { githubToken, idTokenRequest: { url, token } };
}

function resolveBuilder(choice: "auto" | Builder, env: NodeJS.ProcessEnv): Builder {
  const uv = which("uv", env);
  if (choice === "uv" && !uv)
    throw new ConfigurationError("input 'builder' is uv, but uv is not on PATH");
  if (choice === "auto") return uv ? "uv" : "build";
  return choice;
}

function resolveTag(
  choice: "auto" | "true" | "false",
  ref: string | undefined,
): string | undefined {
  const tag = tagOf(ref);
  if (choice === "true" && !tag) {
    throw new ConfigurationError(
      `input 'check-tag' is true, but GITHUB_REF (${ref || "unset"}) is not a tag`,
    );
  }
  return choice === "false" ? undefined : tag;
}

function expectedVersion(reader: InputReader): string | undefined {
  const version = reader.optional("expected-version");
  if (version !== undefined && !isValidVersion(version)) {
    throw new ConfigurationError(
      `input 'expected-version' is ${quoted(version)}, which is not a PEP 440 version`,
    );
  }
  return version;
}

export function loadInputs(reader = new InputReader(), env = process.env): BuildDistInputs {
  const workingDirectory = reader.workingDirectory();
  const sdist = reader.boolean("sdist", true);
  const wheel = reader.boolean("wheel", true);
  if (!sdist && !wheel) {
    throw new ConfigurationError(
      "inputs 'sdist' and 'wheel' are both false: there is nothing to build",
    );
  }
  const artifactName = reader.raw("artifact-name").trim() || "python-dist";
  if (/[":<>|*?\\/\r\n]/.test(artifactName)) {
    throw new ConfigurationError(
      `input 'artifact-name' is ${quoted(artifactName)}; artifact names cannot hold " : < > | * ? \\ /`,
    );
  }
  return Object.freeze({
    workingDirectory,
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    outputDir: reader.writable("output-dir", workingDirectory, "directory", "dist"),
    sdist,
    wheel,
    wheelFromSdist: sdist && reader.boolean("wheel-from-sdist", true),
    builder: resolveBuilder(
      reader.choice("builder", ["auto", "build", "uv"] as const, "auto"),
      env,
    ),
    python: reader.optional("python") ?? activePython(env),
    isolation: reader.boolean("isolation", true),
    tag: resolveTag(
      reader.choice("check-tag", ["auto", "true", "false"] as const, "auto"),
      env.GITHUB_REF,
    ),
    expectedVersion: expectedVersion(reader),
    strict: reader.boolean("strict", false),
    ignoreChecks: readIgnoredChecks(reader),
    uploadArtifact: reader.boolean("upload-artifact", true),
    artifactName,
    provenance: provenanceAccess(reader, env),
  });
}
