import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "@jest/globals";
import { decodeJwt } from "jose";
import { type RunningArtifactService, startArtifactService } from "../harness/artifact-service.js";
import { backendWheels } from "../harness/backend-wheels.js";
import { type RunningIndex, startIndex } from "../harness/index-server.js";
import { type RunningOidcIssuer, startOidcIssuer } from "../harness/oidc-issuer.js";
import { installHelloPyship } from "../harness/publish-tools.js";
import { inheritedEnv, repoRoot } from "../harness/runner.js";
import { type RunningSigstore, startSigstore } from "../harness/sigstore.js";
import {
  type RunningWarehouse,
  startWarehouse,
  type TrustedPublisher,
} from "../harness/warehouse.js";
import {
  type JobRun,
  jobOrder,
  runWorkflow,
  triggers,
  type WorkflowJob,
} from "../harness/workflow.js";

const template = path.join(repoRoot, "action-templates/python-release.yml");
const project = path.join(repoRoot, "examples/hello-pyship");
const tag = "refs/tags/v0.1.0";
const files = ["hello_pyship-0.1.0-py3-none-any.whl", "hello_pyship-0.1.0.tar.gz"];
const scratch = mkdtempSync(path.join(os.tmpdir(), "pyship-release-workflow-"));
const services: RunningArtifactService[] = [];
let issuer: RunningOidcIssuer;
let sigstore: RunningSigstore;
let testpypi: RunningWarehouse;
let pypi: RunningWarehouse;
let backends: RunningIndex;

/** The trusted publisher registered on an index for the template, in `environment`. */
const publisher = (environment: string): TrustedPublisher => ({
  owner: "octo-org",
  repository: "octo-repo",
  workflow: "python-release.yml",
  environment,
});

// trusted-publish has no hook for its default index: the runner maps the real URLs to the stand-ins'.
function toStandIns(directory: string, inputs: Record<string, string>) {
  if (path.basename(directory) !== "trusted-publish") return inputs;
  const urls: Record<string, string> = {
    "": pypi.legacyUrl,
    "https://test.pypi.org/legacy/": testpypi.legacyUrl,
  };
  const given = inputs["repository-url"] ?? "";
  if (!(given in urls)) throw new Error(`no stand-in for the index ${given}`);
  return { ...inputs, "repository-url": urls[given] };
}

/** The template on a tag push, with a fresh artifact service (one workflow run). */
async function release(file = template, ref = tag) {
  const artifacts = await startArtifactService();
  services.push(artifacts);
  const jobs = await runWorkflow({
    file,
    project,
    ref,
    artifacts,
    issuer,
    // The machine's PyPI: an index of the build backends.
    env: { PIP_INDEX_URL: backends.simpleUrl, ...sigstore.env() },
    rewriteInputs: toStandIns,
    scratch: mkdtempSync(path.join(scratch, "run-")),
  });
  const job = (id: string) => jobs.find((run) => run.id === id) as JobRun;
  return { jobs, job, artifacts };
}

/** The failed steps' labels and logs, so a failure shows why. */
const failures = (jobs: JobRun[]) =>
  jobs.flatMap((job) =>
    job.steps
      .filter((step) => step.conclusion === "failure")
      .map((step) => `${step.label}\n${step.result?.stdout}\n${step.result?.stderr}`),
  );
const conclusions = (jobs: JobRun[]) => jobs.map((job) => [job.id, job.conclusion]);
const uploaded = (warehouse: RunningWarehouse) =>
  warehouse.uploads.map((upload) => [upload.filename, upload.status]).sort();
const lines = (text = "") => text.split("\n").filter(Boolean).sort();

beforeAll(async () => {
  issuer = await startOidcIssuer();
  sigstore = await startSigstore({ jwks: issuer.jwks });
  const sigstoreTrustedRoot = sigstore.trustedRoot;
  testpypi = await startWarehouse({
    issuer,
    audience: "testpypi",
    publishers: [],
    sigstoreTrustedRoot,
  });
  pypi = await startWarehouse({ issuer, publishers: [publisher("pypi")], sigstoreTrustedRoot });
  backendWheels(path.join(scratch, "backends"));
  backends = await startIndex({ directory: path.join(scratch, "backends") });
}, 60_000);
beforeEach(async () => {
  await testpypi.reset();
  await pypi.reset();
  testpypi.publishers.splice(0, Infinity, publisher("testpypi"));
});
afterAll(async () => {
  for (const service of services) await service.close();
  await Promise.all([testpypi?.close(), pypi?.close(), backends?.close()]);
  await sigstore?.close();
  await issuer?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe("action-templates/python-release.yml through the emulated runner", () => {
  test("a tag push builds once, publishes to TestPyPI, then PyPI, through OIDC; pip installs the release", async () => {
    const { jobs, job, artifacts } = await release();
    expect(failures(jobs)).toEqual([]);
    expect(conclusions(jobs)).toEqual([
      ["build", "success"],
      ["testpypi", "success"],
      ["pypi", "success"],
    ]);
    expect(job("build").steps.map((step) => step.conclusion)).toEqual(Array(4).fill("success"));
    // No PyPI here: pip finds build in Debian's site-packages, which the setup-python venv sees.
    expect(job("build").steps[2].result?.stdout).toContain("Requirement already satisfied: build");

    // Only the publish jobs may mint a token.
    expect(job("build").env.ACTIONS_ID_TOKEN_REQUEST_URL).toBeUndefined();
    expect(job("build").env.ACTIONS_ID_TOKEN_REQUEST_TOKEN).toBeUndefined();
    expect(job("testpypi").env.ACTIONS_ID_TOKEN_REQUEST_TOKEN).toBe(issuer.requestToken);
    expect(job("pypi").env.ACTIONS_ID_TOKEN_REQUEST_TOKEN).toBe(issuer.requestToken);

    // build uploads the dists once, as python-dist; both publish jobs download that artifact.
    expect(artifacts.artifacts().map((artifact) => artifact.name)).toEqual(["python-dist"]);
    expect((await artifacts.files("python-dist")).map((file) => file.path).sort()).toEqual(files);

    // TestPyPI first, as the testpypi environment; then PyPI, as the pypi environment.
    const claims = issuer.tokens.map((token) => decodeJwt(token));
    // Each publish job: the index's token, then one sigstore token per attestation.
    expect(claims.map(({ aud, environment }) => [aud, environment])).toEqual([
      ["testpypi", "testpypi"],
      ["sigstore", "testpypi"],
      ["sigstore", "testpypi"],
      ["pypi", "pypi"],
      ["sigstore", "pypi"],
      ["sigstore", "pypi"],
    ]);
    for (const claim of claims) {
      expect(claim.ref).toBe(tag);
      expect(claim.job_workflow_ref).toBe(
        `octo-org/octo-repo/.github/workflows/python-release.yml@${tag}`,
      );
    }
    expect(testpypi.minted.map((token) => token.publisher.environment)).toEqual(["testpypi"]);
    expect(pypi.minted.map((token) => token.publisher.environment)).toEqual(["pypi"]);
    expect(uploaded(testpypi)).toEqual(files.map((file) => [file, 200]));
    expect(uploaded(pypi)).toEqual(files.map((file) => [file, 200]));
    for (const index of [testpypi, pypi])
      expect(index.uploads.map((upload) => upload.attestations?.length)).toEqual([1, 1]);
    expect(testpypi.files()).toEqual(files);
    expect(pypi.files()).toEqual(files);
    const publish = (id: string) => job(id).steps[1].result?.outputs ?? {};
    expect(lines(publish("testpypi").uploaded)).toEqual(files);
    expect(lines(publish("pypi").uploaded)).toEqual(files);
    expect(publish("pypi").auth).toBe("trusted-publishing");

    const { install, greeting } = await installHelloPyship(
      path.join(scratch, "installed"),
      pypi.simpleUrl,
      inheritedEnv(),
    );
    expect(install.code).toBe(0);
    expect(greeting).toBe("Hello, pyship!");
  });

  test("when TestPyPI refuses the publisher, the pypi job does not run and nothing reaches PyPI", async () => {
    testpypi.publishers.splice(0, Infinity, publisher("staging"));
    const { jobs, job } = await release();
    expect(conclusions(jobs)).toEqual([
      ["build", "success"],
      ["testpypi", "failure"],
      ["pypi", "skipped"],
    ]);
    expect(job("testpypi").steps.map((step) => step.conclusion)).toEqual(["success", "failure"]);
    const errors = job("testpypi").steps[1].result?.annotations.filter((a) => a.level === "error");
    expect(errors?.map((error) => error.message).join("\n")).toContain("invalid-publisher");
    expect(testpypi.files()).toEqual([]);
    expect(pypi.requests).toEqual([]);
    expect(pypi.files()).toEqual([]);
  });
});

describe("the emulated runner", () => {
  test("a step it has no stand-in for is an error naming the step, before any job runs", async () => {
    const file = path.join(scratch, "uses-cache.yml");
    const cache = "      - uses: actions/cache@v4\n        with: { path: x, key: y }\n";
    writeFileSync(file, `on: push\njobs:\n  build:\n    steps:\n${cache}`);
    await expect(release(file)).rejects.toThrow(
      "job build, step 1 (actions/cache@v4): the emulated runner has no stand-in for uses: actions/cache@v4",
    );
    expect(services.at(-1)?.requests).toEqual([]);
  });

  test("a branch push does not start the release workflow", async () => {
    await expect(release(template, "refs/heads/main")).rejects.toThrow(
      "python-release.yml is not triggered by push refs/heads/main",
    );
  });

  test("jobs run after the jobs they need; a cycle is an error", () => {
    const job = (needs?: string | string[]): WorkflowJob => ({ needs, steps: [] });
    expect(jobOrder({ c: job(["b", "a"]), b: job("a"), a: job() })).toEqual(["a", "b", "c"]);
    expect(() => jobOrder({ a: job("b"), b: job("a") })).toThrow("jobs need each other: a → b → a");
  });

  test("push filters: tags and branches globs", () => {
    const on = { push: { tags: ["v*"] } };
    expect(triggers(on, "push", "refs/tags/v0.1.0")).toBe(true);
    expect(triggers(on, "push", "refs/tags/release-1")).toBe(false);
    expect(triggers(on, "push", "refs/heads/main")).toBe(false);
    expect(triggers(on, "pull_request", "refs/tags/v0.1.0")).toBe(false);
    expect(triggers(["push"], "push", "refs/heads/main")).toBe(true);
    expect(triggers({ push: { branches: ["release/**"] } }, "push", "refs/heads/release/1/x")).toBe(
      true,
    );
  });
});
