/** trusted-publish's attestation step: one signed PEP 740 publish attestation per dist, before any upload. */
import { mkdtempSync } from "node:fs";
import path from "node:path";
import { digestFile } from "../../shared/digests/digests.js";
import { Deadline } from "../../shared/http/deadline.js";
import type { RetryPolicy } from "../../shared/http/retry.js";
import {
  type AttestedDist,
  attestDists,
  type StatementSigner,
} from "../../shared/publish/attest.js";
import { type Claims, workflowFile } from "../../shared/publish/claims.js";
import { fetchIdToken } from "../../shared/publish/oidc.js";
import { type ActionIo, CheckFailed } from "../../shared/runtime/index.js";
import type { TrustedPublishInputs } from "./inputs.js";

/** The real signer, loaded only when a run signs (it is most of the bundle's weight). */
export const loadSigner: StatementSigner = async (statement, options) =>
  (await import("../../shared/sigstore/sign.js")).signStatement(statement, options);

/** The attestations of `files`, or none when they are off or nothing is uploaded. */
export async function signDists(
  files: string[],
  claims: Claims | undefined,
  inputs: TrustedPublishInputs,
  io: ActionIo,
  retry: RetryPolicy,
  sign: StatementSigner,
): Promise<Map<string, AttestedDist>> {
  if (inputs.attestationsOff) io.notice(inputs.attestationsOff);
  if (!inputs.attestations || inputs.dryRun || !inputs.idTokenRequest) return new Map();
  const refusal = claims && reusableWorkflowRefusal(claims);
  if (refusal && !inputs.attestationsRequested) {
    io.warning(
      `${refusal}. Publishing without attestations; 'attestations: true' sends them anyway.`,
    );
    return new Map();
  }
  if (refusal) io.warning(`${refusal}; they are sent because 'attestations' is true.`);
  const request = inputs.idTokenRequest;
  const directory = mkdtempSync(path.join(inputs.tempDir, "pyship-attestations-"));
  const dists = await Promise.all(
    files.map(async (file) => ({ file, sha256: (await digestFile(file)).sha256 })),
  );
  const attested = await io.group("Signing PEP 740 publish attestations", async () => {
    try {
      return await attestDists(dists, {
        instance: inputs.sigstore,
        retries: inputs.retries,
        timeoutMs: Math.min(inputs.requestTimeoutMs, 60_000),
        directory,
        sign,
        idToken: async () => {
          const deadline = new Deadline(inputs.requestTimeoutMs, "the sigstore token request");
          const token = await fetchIdToken(request, "sigstore", retry, deadline);
          io.setSecret(token);
          return token;
        },
      });
    } catch (error) {
      throw new CheckFailed(
        `Signing the attestations failed: ${error instanceof Error ? error.message : String(error)}. Nothing was uploaded; with 'attestations: false' the dists are published without attestations.`,
      );
    }
  });
  for (const dist of attested)
    io.info(
      `${path.basename(dist.file)}: Rekor log index ${dist.logIndex}, signed as ${dist.identity}`,
    );
  return new Map(attested.map((dist) => [dist.file, dist]));
}

/**
 * Why PyPI would refuse this job's attestations: in a reusable workflow the certificate's Build
 * Config URI is the caller's workflow, which PyPI matches against the publisher's (the callee's).
 */
export function reusableWorkflowRefusal(claims: Claims): string | undefined {
  const caller = claims.workflow_ref;
  const callee = claims.job_workflow_ref;
  if (typeof caller !== "string" || typeof callee !== "string") return undefined;
  if (workflowFile(caller) === workflowFile(callee)) return undefined;
  return (
    `This job runs in a reusable workflow: its attestations would be signed as https://github.com/${callee} ` +
    `(the certificate's identity), with https://github.com/${caller} as their Build Config URI, and PyPI matches ` +
    `that Build Config URI against the trusted publisher's workflow, ${workflowFile(callee) ?? "?"}, so it refuses them ` +
    "(pypa/gh-action-pypi-publish#283)"
  );
}
