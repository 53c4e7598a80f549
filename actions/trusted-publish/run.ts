/** trusted-publish's main step: checks the dists, exchanges the OIDC token, uploads them. */
import { statSync } from "node:fs";
import path from "node:path";
import { digestFile } from "../../shared/digests/digests.js";
import { isIgnored } from "../../shared/dists/checks.js";
import { inspectDists } from "../../shared/dists/inspect.js";
import type { CoreMetadata } from "../../shared/dists/metadata.js";
import { readDistMetadata } from "../../shared/dists/read-metadata.js";
import { Deadline } from "../../shared/http/deadline.js";
import type { RetryPolicy } from "../../shared/http/retry.js";
import type { AttestedDist, StatementSigner } from "../../shared/publish/attest.js";
import { reusableWorkflowWarning } from "../../shared/publish/claims.js";
import { refusalLines, refusalMarkdown } from "../../shared/publish/diagnose.js";
import { findDists } from "../../shared/publish/dists.js";
import { type Exchanged, exchangeToken, MintRefused } from "../../shared/publish/oidc.js";
import {
  type FileReport,
  filesTable,
  hashLines,
  projectPage,
} from "../../shared/publish/report.js";
import { uploadDist } from "../../shared/publish/upload.js";
import {
  type ActionIo,
  CheckFailed,
  ConfigurationError,
  serverText,
} from "../../shared/runtime/index.js";
import { shownRelativeTo } from "../../shared/runtime/paths.js";
import { loadSigner, signDists } from "./attestations.js";
import type { TrustedPublishInputs } from "./inputs.js";

export interface TrustedPublishDeps {
  exchangeToken: typeof exchangeToken;
  uploadDist: typeof uploadDist;
  sign: StatementSigner;
}

const defaultDeps: TrustedPublishDeps = { exchangeToken, uploadDist, sign: loadSigner };

interface Dist {
  file: string;
  metadata: CoreMetadata;
}

export async function run(
  inputs: TrustedPublishInputs,
  io: ActionIo,
  deps = defaultDeps,
): Promise<void> {
  if (inputs.password) io.setSecret(inputs.password);
  for (const warning of inputs.oldSpellings) io.warning(warning);
  const auth = inputs.password ? "password" : "trusted-publishing";
  io.setOutput("auth", auth);
  io.setOutput("uploaded", "");
  io.setOutput("skipped", "");
  io.setOutput("attestations", "");
  preflight(inputs);

  const shownAs = shownRelativeTo(inputs.workspace);
  const files = findDists(inputs.packagesDir, shownAs(inputs.packagesDir), inputs.packagesDirInput);
  const dists = await readDists(files, inputs, io, shownAs);
  const retry = retryPolicy(inputs, io);
  const exchanged = inputs.password ? undefined : await exchange(inputs, io, retry, deps);
  const password = inputs.password || (exchanged?.token ?? "");
  const attested = await signDists(files, exchanged?.claims, inputs, io, retry, deps.sign);
  const attestationFiles = [...attested.values()].map((dist) => dist.attestationFile);
  io.setOutput("attestations", attestationFiles.join("\n"));

  const name = dists[0].metadata.get("Name") ?? "";
  const version = dists[0].metadata.get("Version") ?? "";
  const reports = inputs.dryRun
    ? await dryRun(dists, inputs, io)
    : await uploadAll(dists, attested, { ...inputs, password }, io, retry, deps);

  const names = (status: FileReport["status"]) =>
    reports
      .filter((report) => report.status === status)
      .map((report) => path.basename(report.file))
      .join("\n");
  io.setOutput("uploaded", names("uploaded"));
  io.setOutput("skipped", names("skipped"));
  await writeSummary(reports, { name, version, auth }, inputs, io);

  const failed = reports.find((report) => report.status === "failed");
  if (failed) throw new CheckFailed(failureMessage(failed, reports));
}

function preflight(inputs: TrustedPublishInputs): void {
  if (inputs.password) return;
  if (inputs.eventName === "pull_request" || inputs.eventName === "pull_request_target") {
    throw new ConfigurationError(
      `trusted publishing cannot run on a ${inputs.eventName} event: fork PRs never get OIDC; publish from a tag, release or workflow_dispatch`,
    );
  }
  if (!inputs.idTokenRequest) {
    throw new ConfigurationError(
      "this job cannot request an OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL or ACTIONS_ID_TOKEN_REQUEST_TOKEN is unset): add `permissions: id-token: write` to this job",
    );
  }
}

function retryPolicy(inputs: TrustedPublishInputs, io: ActionIo): RetryPolicy {
  return {
    retries: inputs.retries,
    onRetry: (reason, delayMs, attempt) =>
      io.info(
        `${reason}; retry ${attempt} of ${inputs.retries} in ${(delayMs / 1000).toFixed(1)} s`,
      ),
  };
}

/** Each dist's metadata; with verify-metadata, after build-dist's whole validation. */
async function readDists(
  files: string[],
  inputs: TrustedPublishInputs,
  io: ActionIo,
  shownAs: (file: string) => string,
): Promise<Dist[]> {
  if (!inputs.verifyMetadata) {
    return Promise.all(
      files.map(async (file) => {
        try {
          return { file, metadata: await readDistMetadata(file) };
        } catch (error) {
          throw new ConfigurationError(error instanceof Error ? error.message : String(error), {
            file: shownAs(file),
          });
        }
      }),
    );
  }
  const inspection = await io.group("Validating the dists", () =>
    inspectDists(files, { python: inputs.python, shownAs }),
  );
  const findings = inspection.findings.filter(
    (finding) => !isIgnored(finding.code, inputs.ignoreChecks),
  );
  const errors = findings.filter((finding) => finding.severity === "error");
  await io.report("Checks", findings, "✅ every check passed");
  if (errors.length > 0) {
    const codes = [...new Set(errors.map((finding) => finding.code))].join(", ");
    throw new CheckFailed(
      `${errors.length} validation error${errors.length === 1 ? "" : "s"} (${codes}); nothing was uploaded. See the annotations and the job summary.`,
    );
  }
  return inspection.dists.map((dist) => {
    if (!dist.metadata) throw new CheckFailed(`${dist.shownAs} has no core metadata`);
    return { file: dist.archive.file, metadata: dist.metadata };
  });
}

async function exchange(
  inputs: TrustedPublishInputs,
  io: ActionIo,
  retry: RetryPolicy,
  deps: TrustedPublishDeps,
): Promise<Exchanged> {
  const request = inputs.idTokenRequest;
  if (!request) throw new Error("no OIDC token request"); // preflight refuses this
  try {
    const exchanged = await io.group("Trusted publishing: exchanging the OIDC token", () =>
      deps.exchangeToken({
        repositoryUrl: inputs.repositoryUrl,
        idTokenRequest: request,
        retry,
        deadline: new Deadline(inputs.requestTimeoutMs, "the token exchange"),
        mask: (secret) => io.setSecret(secret),
        onClaims: (claims) => {
          const warning = reusableWorkflowWarning(claims);
          if (warning) io.warning(warning);
        },
      }),
    );
    io.info(`Got an upload token for audience '${exchanged.audience}'.`);
    return exchanged;
  } catch (error) {
    if (!(error instanceof MintRefused)) throw error;
    for (const line of refusalLines(error.errors, error.claims)) io.info(line);
    await io.summary(refusalMarkdown(error.errors, error.claims));
    const described = serverText(
      error.errors.map((refusal) => `${refusal.code}: ${refusal.description}`).join("; "),
    );
    throw new CheckFailed(
      `Trusted publishing exchange failed: the index refused the token (${described}). The claims and what this usually means are in the log and the job summary.`,
    );
  }
}

async function uploadAll(
  dists: Dist[],
  attested: Map<string, AttestedDist>,
  inputs: TrustedPublishInputs,
  io: ActionIo,
  retry: RetryPolicy,
  deps: TrustedPublishDeps,
): Promise<FileReport[]> {
  const reports: FileReport[] = [];
  let stopped = false;
  for (const { file, metadata } of dists) {
    const size = statSync(file).size;
    const filename = path.basename(file);
    if (stopped) {
      reports.push({ file, status: "not sent", size });
      continue;
    }
    io.info(`Uploading ${filename} (${size} bytes)`);
    const attestation = attested.get(file);
    const outcome = await deps.uploadDist(file, metadata, {
      attestations: attestation && [attestation.attestation],
      url: inputs.repositoryUrl,
      user: inputs.user,
      password: inputs.password,
      skipExisting: inputs.skipExisting,
      retry,
      deadline: new Deadline(inputs.requestTimeoutMs, `uploading ${filename}`),
    });
    const report: FileReport = {
      file,
      status: outcome.status,
      size,
      digests: outcome.digests,
      attestation,
    };
    if (outcome.status === "skipped") {
      report.reason = outcome.reason;
      io.warning(`Skipping ${filename} because it appears to already exist: ${outcome.reason}`);
    }
    if (outcome.status === "failed") {
      report.reason = outcome.reason;
      stopped = true;
    }
    if (inputs.printHash) {
      report.digests ??= await digestFile(file);
      for (const line of hashLines(report)) io.info(line);
    }
    reports.push(report);
  }
  return reports;
}

async function dryRun(
  dists: Dist[],
  inputs: TrustedPublishInputs,
  io: ActionIo,
): Promise<FileReport[]> {
  io.info(
    inputs.password
      ? "dry-run: a password was given, so no token exchange was made; nothing is uploaded."
      : "dry-run: the token exchange worked; nothing is uploaded.",
  );
  return Promise.all(
    dists.map(async ({ file }) => {
      const report: FileReport = { file, status: "dry run", size: statSync(file).size };
      if (inputs.printHash) {
        report.digests = await digestFile(file);
        for (const line of hashLines(report)) io.info(line);
      }
      return report;
    }),
  );
}

function failureMessage(failed: FileReport, reports: FileReport[]): string {
  const list = (status: FileReport["status"]) =>
    reports
      .filter((report) => report.status === status)
      .map((report) => path.basename(report.file))
      .join(", ") || "none";
  return (
    `Uploading ${path.basename(failed.file)} failed: ${failed.reason}. ` +
    `Uploaded: ${list("uploaded")}. Skipped: ${list("skipped")}. Not uploaded: ${[
      path.basename(failed.file),
      ...reports
        .filter((report) => report.status === "not sent")
        .map((report) => path.basename(report.file)),
    ].join(", ")}.`
  );
}

async function writeSummary(
  reports: FileReport[],
  release: { name: string; version: string; auth: string },
  inputs: TrustedPublishInputs,
  io: ActionIo,
): Promise<void> {
  const host = new URL(inputs.repositoryUrl).host;
  const failed = reports.some((report) => report.status === "failed");
  const status = failed ? "❌ failed" : inputs.dryRun ? "🧪 dry run" : "✅ published";
  const page = projectPage(inputs.repositoryUrl, release.name, release.version);
  const parts = [
    `### trusted-publish: ${release.name} ${release.version} → ${host} ${status}`,
    `Authenticated with ${release.auth === "password" ? "a password (API token)" : "trusted publishing (OIDC)"}.`,
    filesTable(reports, inputs.printHash),
  ];
  if (page && !failed && !inputs.dryRun) parts.push(`Project page: ${page}`);
  await io.summary(`${parts.join("\n\n")}\n`);
}
