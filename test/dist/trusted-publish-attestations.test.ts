/** PEP 740 attestations through the trusted-publish bundle, verified by the Warehouse stand-in on its own. */
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "@jest/globals";
import { bundleFromJSON } from "@sigstore/bundle";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import { decodeClaims } from "../../shared/runtime/jwt.js";
import { type Attestation, statementOf, toBundle } from "../../shared/sigstore/pep740.js";
import type { AttestationBundle } from "../harness/integrity-api.js";
import {
  buildDemoDists,
  DEMO_PUBLISHER,
  type PublishStepOptions,
  type PublishWorld,
  publishStep,
  startPublishWorld,
} from "../harness/publish-world.js";
import { type ActionResult, runAction } from "../harness/runner.js";
import type { RunningSigstore } from "../harness/sigstore.js";
import { shownText } from "../harness/step.js";
import { startWarehouse } from "../harness/warehouse.js";
import { craftWheel } from "../shared/dists/craft.js";

const scratch = mkdtempSync(path.join(os.tmpdir(), "pyship-attestations-"));
const WHEEL = "publish_demo-1.0.0-py3-none-any.whl";
const SDIST = "publish_demo-1.0.0.tar.gz";
const RELEASE_WORKFLOW = "https://github.com/octo-org/octo-repo/.github/workflows/release.yml@";
let world: PublishWorld;
let sigstore: RunningSigstore;
let dists: string;

beforeAll(async () => {
  world = await startPublishWorld({ apiTokens: ["pypi-private-index-token"] });
  sigstore = world.sigstore as RunningSigstore;
  dists = buildDemoDists(scratch, "dists");
});
beforeEach(async () => {
  await world.warehouse.reset();
  sigstore.heal();
});
afterAll(async () => {
  await world?.close();
  rmSync(scratch, { recursive: true, force: true });
});

function workspace(): string {
  const dir = mkdtempSync(path.join(scratch, "ws-"));
  cpSync(dists, path.join(dir, "dist"), { recursive: true });
  return dir;
}

interface Run extends PublishStepOptions {
  workspace?: string;
  /** The runner's folder: the same one for two steps of one job. */
  home?: string;
  repositoryUrl?: string;
}

function publish(options: Run = {}): Promise<ActionResult> {
  const step = publishStep(world, options);
  return runAction({
    ...step,
    workspace: options.workspace ?? workspace(),
    home: options.home,
    inputs: {
      ...step.inputs,
      ...(options.repositoryUrl && { "repository-url": options.repositoryUrl }),
    },
  });
}

const errors = (result: ActionResult) =>
  result.annotations.filter((a) => a.level === "error").map((a) => a.message);
const annotations = (result: ActionResult, level: string) =>
  result.annotations.filter((a) => a.level === level).map((a) => a.message);
const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
const sentAttestations = () =>
  world.warehouse.uploads.map((upload) => upload.fields.some(([name]) => name === "attestations"));

/** @sigstore/verify's own check of an attestation against the stand-in's trust root and identity. */
function verifyIndependently(attestation: Attestation) {
  const verifier = new Verifier(toTrustMaterial(TrustedRoot.fromJSON(sigstore.trustedRoot)), {
    tlogThreshold: 1,
    ctlogThreshold: 1,
  });
  return verifier.verify(toSignedEntity(bundleFromJSON(toBundle(attestation))));
}

describe("trusted-publish attestations through the bundle", () => {
  test("a tag push publishes both dists with attestations the Warehouse verified, and their provenance verifies", async () => {
    const ws = workspace();
    const result = await publish({ workspace: ws });
    expect(errors(result)).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(sentAttestations()).toEqual([true, true]);
    // Kept in RUNNER_TEMP; packages-dir holds only the dists.
    const files = result.outputs.attestations.split("\n");
    expect(files.map((file) => path.basename(file))).toEqual([
      `${WHEEL}.publish.attestation`,
      `${SDIST}.publish.attestation`,
    ]);
    for (const file of files) expect(file.startsWith(result.runnerTemp)).toBe(true);
    expect(readdirSync(path.join(ws, "dist")).sort()).toEqual([WHEEL, SDIST]);
    expect(result.summary).toMatch(/Rekor log index \d+/);
    expect(result.summary).toContain(RELEASE_WORKFLOW);

    for (const name of [WHEEL, SDIST]) {
      const response = await fetch(
        `${world.warehouse.url}/integrity/publish-demo/1.0.0/${name}/provenance`,
      );
      expect(response.status).toBe(200);
      const provenance = (await response.json()) as { attestation_bundles: AttestationBundle[] };
      const [bundle] = provenance.attestation_bundles;
      expect(bundle.publisher).toMatchObject({
        kind: "GitHub",
        repository: `${DEMO_PUBLISHER.owner}/${DEMO_PUBLISHER.repository}`,
        workflow: DEMO_PUBLISHER.workflow,
      });
      const [attestation] = bundle.attestations;
      const signer = verifyIndependently(attestation);
      expect(signer.identity?.subjectAlternativeName).toMatch(RELEASE_WORKFLOW);
      expect(statementOf(attestation)?.subject).toEqual([
        { name, digest: { sha256: sha256(path.join(ws, "dist", name)) } },
      ]);
    }
  });

  test("a dist changed after it was signed is refused (its subject digest differs), and nothing goes up", async () => {
    const ws = workspace();
    const wheel = path.join(ws, "dist", WHEEL);
    const other = mkdtempSync(path.join(scratch, "other-"));
    craftWheel(other, { name: "publish_demo", version: "1.0.0", description: "# swapped\n" });
    // The wheel is signed first; while the sdist is being logged, the wheel on disk is swapped.
    sigstore.whenLogging(2, () => cpSync(path.join(other, WHEEL), wheel));
    const result = await publish({ workspace: ws, inputs: { "verify-metadata": "false" } });
    expect(result.exitCode).toBe(1);
    expect(errors(result).at(-1)).toContain(
      `Uploading ${WHEEL} failed: Invalid attestations supplied during upload`,
    );
    expect(world.warehouse.files()).toEqual([]);
  });

  test("a certificate naming another workflow than the trusted publisher's is refused", async () => {
    const other = "octo-org/octo-repo/.github/workflows/nightly.yml@refs/tags/v1.0.0";
    const step = publishStep(world);
    world.issuer.setClaims({ workflow_ref: other, job_workflow_ref: other }, "sigstore");
    const result = await runAction({ ...step, env: step.env, workspace: workspace() });
    expect(result.exitCode).toBe(1);
    expect(errors(result).at(-1)).toContain("Invalid attestations supplied during upload");
    expect(errors(result).at(-1)).toContain("nightly.yml");
    expect(world.warehouse.files()).toEqual([]);
  });

  test("TestPyPI, then PyPI, in one job: both get attestations, and packages-dir is left as it was", async () => {
    const testpypi = await startWarehouse({
      issuer: world.issuer,
      publishers: [DEMO_PUBLISHER],
      audience: "testpypi",
      sigstoreTrustedRoot: sigstore.trustedRoot,
    });
    try {
      const home = mkdtempSync(path.join(scratch, "job-"));
      const ws = workspace();
      const first = await publish({ workspace: ws, home, repositoryUrl: testpypi.legacyUrl });
      expect(errors(first)).toEqual([]);
      const second = await publish({ workspace: ws, home });
      expect(errors(second)).toEqual([]);
      expect(second.exitCode).toBe(0);
      expect(testpypi.files()).toEqual([WHEEL, SDIST]);
      expect(world.warehouse.files()).toEqual([WHEEL, SDIST]);
      expect(readdirSync(path.join(ws, "dist")).sort()).toEqual([WHEEL, SDIST]);
      expect(first.outputs.attestations).not.toEqual(second.outputs.attestations);
    } finally {
      await testpypi.close();
    }
  });

  test("a reusable workflow: by default no attestations, with a warning saying what PyPI matches; asked for, PyPI's refusal", async () => {
    const claims = {
      workflow_ref: "octo-org/octo-repo/.github/workflows/ci.yml@refs/tags/v1.0.0",
      job_workflow_ref: "octo-org/octo-repo/.github/workflows/release.yml@refs/tags/v1.0.0",
    };
    const quiet = await publish({ claims });
    expect(quiet.exitCode).toBe(0);
    expect(sentAttestations()).toEqual([false, false]);
    const warning = annotations(quiet, "warning").find((m) => m.includes("Build Config URI"));
    expect(warning).toContain(`signed as ${RELEASE_WORKFLOW}refs/tags/v1.0.0`);
    expect(warning).toContain(
      "https://github.com/octo-org/octo-repo/.github/workflows/ci.yml@refs/tags/v1.0.0 as their Build Config URI",
    );

    await world.warehouse.reset();
    const asked = await publish({ claims, inputs: { attestations: "true" } });
    expect(asked.exitCode).toBe(1);
    expect(errors(asked).at(-1)).toContain("Invalid attestations supplied during upload");
    expect(errors(asked).at(-1)).toContain("Build Config URI");
  });

  test("a password: attestations off with one notice, and true with a password is an error naming the input", async () => {
    const password = { password: "pypi-private-index-token" };
    const result = await publish({ inputs: password, oidc: false });
    expect(result.exitCode).toBe(0);
    expect(annotations(result, "notice").filter((m) => m.includes("attestations"))).toEqual([
      "attestations are off: PyPI accepts them only with trusted publishing, and this upload uses a password",
    ]);
    expect(sentAttestations()).toEqual([false, false]);
    const refused = await publish({ inputs: { ...password, attestations: "true" }, oidc: false });
    expect(refused.exitCode).toBe(1);
    expect(errors(refused)[0]).toContain("input 'attestations' is true");
    expect(world.warehouse.uploads).toHaveLength(2);
  });

  test("Rekor failing twice is retried; Fulcio down fails before anything is sent, unless attestations: false", async () => {
    sigstore.fail("rekor", { times: 2 });
    const retried = await publish();
    expect(errors(retried)).toEqual([]);
    expect(retried.exitCode).toBe(0);
    expect(sigstore.requests.filter((r) => r.service === "rekor").map((r) => r.status)).toEqual(
      expect.arrayContaining([503, 503, 201]),
    );

    await world.warehouse.reset();
    sigstore.fail("fulcio", { times: "always" });
    const down = await publish();
    expect(down.exitCode).toBe(1);
    expect(errors(down).at(-1)).toContain(
      `Signing the attestations failed: Fulcio at ${sigstore.url}`,
    );
    expect(errors(down).at(-1)).toContain("Nothing was uploaded");
    expect(world.warehouse.uploads).toEqual([]);

    const unsigned = await publish({ inputs: { attestations: "false" } });
    expect(unsigned.exitCode).toBe(0);
    expect(sentAttestations()).toEqual([false, false]);
  });

  test("the sigstore-audience tokens are masked and never shown", async () => {
    const before = world.issuer.tokens.length;
    const result = await publish();
    const sigstoreTokens = world.issuer.tokens
      .slice(before)
      .filter((token) => decodeClaims(token).aud === "sigstore");
    expect(sigstoreTokens).toHaveLength(2);
    const shown = [
      shownText(result),
      readFileSync(result.outputs.attestations.split("\n")[0], "utf8"),
    ].join("\n");
    for (const token of sigstoreTokens) {
      expect(result.masks).toContain(token);
      expect(shown).not.toContain(token);
    }
  });
});
