import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "@jest/globals";
import { loadInputs } from "../../../actions/trusted-publish/inputs.js";
import { run, type TrustedPublishDeps } from "../../../actions/trusted-publish/run.js";
import type { StatementSigner } from "../../../shared/publish/attest.js";
import { exchangeToken } from "../../../shared/publish/oidc.js";
import { uploadDist } from "../../../shared/publish/upload.js";
import { InputReader, inputVariable } from "../../../shared/runtime/index.js";
import { statementOf } from "../../../shared/sigstore/pep740.js";
import type { ClaimOverrides } from "../../harness/oidc-issuer.js";
import { type PublishWorld, startPublishWorld } from "../../harness/publish-world.js";
import { runInProcess, summaryText } from "../../harness/recording-io.js";
import { type RunningSigstore, signWithStandIn } from "../../harness/sigstore.js";
import { craftSdist, craftWheel } from "../../shared/dists/craft.js";

const scratch = mkdtempSync(path.join(os.tmpdir(), "pyship-publish-run-"));
const PASSWORD = "pypi-private-index-token";
const WHEEL = "publish_demo-1.0.0-py3-none-any.whl";
const SDIST = "publish_demo-1.0.0.tar.gz";
let world: PublishWorld;
/** Signs through the Sigstore stand-in, in a child process (jest cannot load @sigstore/sign). */
const standInSigner: StatementSigner = (statement, options) =>
  signWithStandIn(world.sigstore as RunningSigstore, options.idToken, statement);

beforeAll(async () => {
  world = await startPublishWorld({ apiTokens: [PASSWORD] });
});
beforeEach(async () => {
  await world.warehouse.reset();
  world.warehouse.setOidc("enabled");
  world.issuer.resetClaims();
});
afterAll(async () => {
  await world?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** A workspace whose dist/ holds a crafted wheel and sdist of publish_demo 1.0.0. */
async function workspaceWithDists(version = "1.0.0"): Promise<string> {
  const workspace = mkdtempSync(path.join(scratch, "ws-"));
  const dist = path.join(workspace, "dist");
  mkdirSync(dist);
  craftWheel(dist, { name: "publish_demo", version });
  await craftSdist(dist, { name: "publish_demo", version });
  return workspace;
}

interface Step {
  inputs?: Record<string, string>;
  event?: string;
  oidc?: boolean;
  claims?: ClaimOverrides;
  deps?: Partial<TrustedPublishDeps>;
  /** Raw environment entries, such as a composite's underscore spellings. */
  env?: Record<string, string>;
}

/** The step on a tag push against the world, run in-process through runAction. */
async function publish(workspace: string, step: Step = {}) {
  if (step.claims) world.issuer.setClaims(step.claims);
  const env: Record<string, string> = {
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_NAME: step.event ?? "push",
    GITHUB_REF: "refs/tags/v1.0.0",
    RUNNER_TEMP: mkdtempSync(path.join(scratch, "temp-")),
    ...(step.oidc === false ? {} : world.issuer.env()),
    ...step.env,
  };
  const inputs = { "repository-url": world.warehouse.legacyUrl, ...step.inputs };
  for (const [name, value] of Object.entries(inputs)) env[inputVariable(name)] = value;
  const deps = { exchangeToken, uploadDist, sign: standInSigner, ...step.deps };
  return runInProcess("trusted-publish", (io) =>
    run(loadInputs(new InputReader(env), env), io, deps),
  );
}

const legacyRequests = () => world.warehouse.requests.filter((r) => r.path.startsWith("/legacy"));

describe("trusted-publish's run(), in-process against the harness Warehouse and OIDC issuer", () => {
  test("OIDC: both dists go up, the minted token is masked, the summary says published", async () => {
    const { io, exitCode } = await publish(await workspaceWithDists());
    expect(io.errors).toEqual([]);
    expect(exitCode).toBe(0);
    expect(io.outputs).toMatchObject({
      auth: "trusted-publishing",
      uploaded: `${WHEEL}\n${SDIST}`,
      skipped: "",
    });
    expect(world.warehouse.files()).toEqual([WHEEL, SDIST]);
    expect(world.warehouse.mintedTokens).toHaveLength(1);
    expect(io.secrets).toContain(world.warehouse.mintedTokens[0]);
    expect(io.groups).toContain("Trusted publishing: exchanging the OIDC token");
    expect(io.reports).toEqual([{ title: "Checks", findings: [], clean: "✅ every check passed" }]);
    expect(summaryText(io)).toContain("### trusted-publish: publish_demo 1.0.0");
    expect(summaryText(io)).toContain("✅ published");
    expect(io.infos.filter((line) => line.startsWith("  SHA256:"))).toHaveLength(2);
  });

  test("attestations: one per dist, signed, sent in the form, kept in RUNNER_TEMP and shown", async () => {
    const workspace = await workspaceWithDists();
    const { io, exitCode } = await publish(workspace);
    expect(exitCode).toBe(0);
    const files = io.outputs.attestations.split("\n");
    expect(files.map((file) => path.basename(file))).toEqual([
      `${WHEEL}.publish.attestation`,
      `${SDIST}.publish.attestation`,
    ]);
    for (const file of files) expect(file.startsWith(workspace)).toBe(false);
    const sent = world.warehouse.uploads.map((upload) => {
      const field = upload.fields.find(([name]) => name === "attestations");
      return { filename: upload.filename, attestations: JSON.parse(field?.[1] ?? "[]") };
    });
    for (const { filename, attestations } of sent) {
      expect(attestations).toHaveLength(1);
      expect(statementOf(attestations[0])?.subject[0].name).toBe(filename);
    }
    expect(world.sigstore?.issued().certificates).toBeGreaterThanOrEqual(2);
    // The sigstore-audience tokens are masked as well as the upload token.
    expect(io.secrets.length).toBeGreaterThanOrEqual(4);
    const summary = summaryText(io);
    expect(summary).toMatch(/Rekor log index \d+/);
    expect(summary).toContain(
      "https://github.com/octo-org/octo-repo/.github/workflows/release.yml@",
    );
  });

  test("a reusable workflow: PyPI would refuse its attestations, so by default they are not made, with a warning saying what PyPI matches", async () => {
    const reusable = {
      workflow_ref: "octo-org/octo-repo/.github/workflows/ci.yml@refs/tags/v1.0.0",
      job_workflow_ref: "octo-org/octo-repo/.github/workflows/release.yml@refs/tags/v1.0.0",
    };
    const quiet = await publish(await workspaceWithDists(), { claims: reusable });
    expect(quiet.exitCode).toBe(0);
    expect(quiet.io.outputs.attestations).toBe("");
    const warning = quiet.io.warnings
      .map((w) => w.message)
      .find((m) => m.includes("Build Config URI"));
    expect(warning).toContain(
      "signed as https://github.com/octo-org/octo-repo/.github/workflows/release.yml@refs/tags/v1.0.0",
    );
    expect(warning).toContain(
      "https://github.com/octo-org/octo-repo/.github/workflows/ci.yml@refs/tags/v1.0.0 as their Build Config URI",
    );

    await world.warehouse.reset();
    const asked = await publish(await workspaceWithDists(), {
      claims: reusable,
      inputs: { attestations: "true" },
    });
    expect(asked.exitCode).toBe(1);
    expect(asked.io.errors[0].message).toContain("Invalid attestations supplied during upload");
    expect(asked.io.errors[0].message).toContain("Build Config URI");
  });

  test("attestations: false signs nothing and sends no attestations field", async () => {
    const before = world.sigstore?.issued().certificates;
    const { exitCode, io } = await publish(await workspaceWithDists(), {
      inputs: { attestations: "false" },
    });
    expect(exitCode).toBe(0);
    expect(io.outputs.attestations).toBe("");
    expect(world.sigstore?.issued().certificates).toBe(before);
    expect(
      world.warehouse.uploads.flatMap((upload) => upload.fields.map(([name]) => name)),
    ).not.toContain("attestations");
  });

  test("a signing failure uploads nothing and says how to publish without attestations", async () => {
    const failing: StatementSigner = async () => {
      throw new Error("Fulcio at http://127.0.0.1:9: connection refused");
    };
    const { io, exitCode } = await publish(await workspaceWithDists(), { deps: { sign: failing } });
    expect(exitCode).toBe(1);
    expect(legacyRequests()).toEqual([]);
    expect(io.errors[0].message).toContain(
      "Signing the attestations failed: Fulcio at http://127.0.0.1:9",
    );
    expect(io.errors[0].message).toContain("'attestations: false'");
  });

  test("a password with attestations: true is a configuration error naming the input", async () => {
    const { io, exitCode } = await publish(await workspaceWithDists(), {
      inputs: { password: PASSWORD, attestations: "true" },
      oidc: false,
    });
    expect(exitCode).toBe(1);
    expect(io.errors[0].message).toContain("input 'attestations' is true");
    expect(legacyRequests()).toEqual([]);
  });

  test("a password: no token exchange, the password masked, auth output password", async () => {
    const { io, exitCode } = await publish(await workspaceWithDists(), {
      inputs: { password: PASSWORD },
      oidc: false,
    });
    expect(exitCode).toBe(0);
    expect(io.outputs.auth).toBe("password");
    expect(io.secrets).toEqual([PASSWORD]);
    expect(io.notices).toEqual([
      expect.objectContaining({ message: expect.stringContaining("attestations are off") }),
    ]);
    expect(world.warehouse.minted).toEqual([]);
    expect(world.warehouse.files()).toEqual([WHEEL, SDIST]);
  });

  test("dry-run exchanges the token but uploads nothing", async () => {
    const { io, exitCode } = await publish(await workspaceWithDists(), {
      inputs: { "dry-run": "true" },
    });
    expect(exitCode).toBe(0);
    expect(io.infos).toContain("dry-run: the token exchange worked; nothing is uploaded.");
    expect(legacyRequests()).toEqual([]);
    expect(io.outputs.uploaded).toBe("");
    expect(summaryText(io)).toContain("🧪 dry run");
  });

  test("skip-existing: a conflicting re-upload is skipped with a warning", async () => {
    expect((await publish(await workspaceWithDists())).exitCode).toBe(0);
    // Different bytes under the same name: Warehouse says the file exists.
    const other = mkdtempSync(path.join(scratch, "ws-"));
    mkdirSync(path.join(other, "dist"));
    craftWheel(path.join(other, "dist"), {
      name: "publish_demo",
      version: "1.0.0",
      description: "# changed\n",
    });
    const { io, exitCode } = await publish(other, { inputs: { "skip-existing": "true" } });
    expect(exitCode).toBe(0);
    expect(io.outputs.uploaded).toBe("");
    expect(io.outputs.skipped).toBe(WHEEL);
    expect(io.warnings[0].message).toContain(
      `Skipping ${WHEEL} because it appears to already exist`,
    );
  });

  test("a failed upload stops the rest and names what went up and what did not", async () => {
    const failing: TrustedPublishDeps["uploadDist"] = async () => ({
      status: "failed",
      reason: "503 Service Unavailable",
    });
    const { io, exitCode } = await publish(await workspaceWithDists(), {
      deps: { uploadDist: failing },
    });
    expect(exitCode).toBe(1);
    expect(io.errors).toEqual([
      {
        message: `trusted-publish: Uploading ${WHEEL} failed: 503 Service Unavailable. Uploaded: none. Skipped: none. Not uploaded: ${WHEEL}, ${SDIST}.`,
        location: {},
      },
    ]);
    expect(summaryText(io)).toContain("❌ failed");
  });

  test("invalid-publisher: the refusal and claims go to the log and summary, nothing is uploaded", async () => {
    const { io, exitCode } = await publish(await workspaceWithDists(), {
      claims: { repository: "octo-org/renamed" },
    });
    expect(exitCode).toBe(1);
    expect(io.errors).toHaveLength(1);
    expect(io.errors[0].message).toContain(
      "invalid-publisher: valid token, but no corresponding publisher",
    );
    expect(io.infos.join("\n")).toContain(
      "* invalid-publisher: valid token, but no corresponding publisher",
    );
    expect(summaryText(io)).toContain("| environment | MISSING |");
    expect(legacyRequests()).toEqual([]);
  });

  test.each([
    [
      { event: "pull_request" },
      "trusted publishing cannot run on a pull_request event: fork PRs never get OIDC",
    ],
    [{ oidc: false }, "add `permissions: id-token: write` to this job"],
    [
      { inputs: { retries: "11" } },
      "input 'retries' must be a whole number from 0 to 10, got '11'",
    ],
    [
      { inputs: { "repository-url": "https://user:pw@upload.example/legacy/" } },
      "input 'repository-url' must not hold credentials",
    ],
  ] as [Step, string][])(
    "a refused configuration %j is one error, before any request",
    async (step, message) => {
      const { io, exitCode } = await publish(await workspaceWithDists(), step);
      expect(exitCode).toBe(1);
      expect(io.errors).toHaveLength(1);
      expect(io.errors[0].message).toMatch(/^trusted-publish: /);
      expect(io.errors[0].message).toContain(message);
      expect(io.debugs).toEqual([]);
      expect(world.warehouse.requests).toEqual([]);
    },
  );

  test("a wheel without METADATA is an error located at the file (verify-metadata off)", async () => {
    const workspace = mkdtempSync(path.join(scratch, "ws-"));
    mkdirSync(path.join(workspace, "dist"));
    craftWheel(path.join(workspace, "dist"), { name: "publish_demo", metadataFile: null });
    const { io, exitCode } = await publish(workspace, { inputs: { "verify-metadata": "false" } });
    expect(exitCode).toBe(1);
    expect(io.errors).toHaveLength(1);
    expect(io.errors[0].location).toEqual({ file: `dist/${WHEEL}` });
    expect(world.warehouse.requests).toEqual([]);
  });

  test("a validation error stops everything before a request is sent", async () => {
    const workspace = mkdtempSync(path.join(scratch, "ws-"));
    mkdirSync(path.join(workspace, "dist"));
    craftWheel(path.join(workspace, "dist"), {
      name: "publish_demo",
      appended: [{ name: "../extra.py", data: "x = 1\n" }],
    });
    const { io, exitCode } = await publish(workspace);
    expect(exitCode).toBe(1);
    expect(io.findings.some((finding) => finding.message.includes("extra.py"))).toBe(true);
    expect(io.errors.at(-1)?.message).toContain("nothing was uploaded");
    expect(world.warehouse.requests).toEqual([]);
  });

  test("pypa's underscore spelling, set by the runner, warns and is read", async () => {
    const { io, exitCode } = await publish(await workspaceWithDists(), {
      env: { "INPUT_DRY-RUN": "", "INPUT_PRINT-HASH": "", INPUT_PRINT_HASH: "false" },
    });
    expect(exitCode).toBe(0);
    expect(io.warnings.map((w) => w.message)).toContain(
      "input 'print_hash' is deprecated: it was read as 'print-hash', the spelling to use",
    );
    expect(io.infos.some((line) => /sha256/i.test(line))).toBe(false);
  });
});
