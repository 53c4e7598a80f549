/**
 * Secrets never leave through error text: trusted-publish against an index that echoes the
 * request back in its refusals, in every form and place, for the password and the OIDC flows.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "@jest/globals";
import {
  buildDemoDists,
  DEMO_PUBLISHER,
  type PublishStepOptions,
  type PublishWorld,
  publishStep,
  startPublishWorld,
} from "../harness/publish-world.js";
import type { ActionResult } from "../harness/runner.js";
import type { EchoForm, EchoOptions, EchoPlace } from "../harness/warehouse.js";
import { expectSafeEnd, makeSandbox, runSafely, type Sandbox } from "./sandbox.js";

/** A password with every character that URL-encoding or JSON-escaping changes. */
const PASSWORD = 'hunter2"pass\\word/+&=?%42~';
/** Longer leaks of a secret than twice this are caught even when cut short. */
const FRAGMENT = 24;

const scratch = mkdtempSync(path.join(os.tmpdir(), "pyship-safety-secrets-"));
let world: PublishWorld;
let dists: string;
let sandbox: Sandbox | undefined;

beforeAll(async () => {
  // The publisher is scoped to another project: tokens mint, and their uploads are refused.
  world = await startPublishWorld({ publishers: [{ ...DEMO_PUBLISHER, project: "elsewhere" }] });
  dists = buildDemoDists(scratch, "dists");
});
afterEach(async () => {
  world.warehouse.setEcho(undefined);
  await world.warehouse.reset();
  if (sandbox) rmSync(sandbox.root, { recursive: true, force: true });
  sandbox = undefined;
});
afterAll(async () => {
  await world?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** Every secret a run could have seen. */
function secrets(): string[] {
  const { issuer, warehouse } = world;
  return [PASSWORD, issuer.requestToken, ...issuer.tokens, ...warehouse.mintedTokens];
}

/** trusted-publish in a fresh sandbox whose dist/ holds the demo's dists, the index echoing. */
async function publish(echo: EchoOptions | undefined, options: PublishStepOptions) {
  sandbox = makeSandbox();
  mkdirSync(path.join(sandbox.workspace, "dist"));
  for (const file of readdirSync(dists)) {
    cpSync(path.join(dists, file), path.join(sandbox.workspace, "dist", file));
  }
  world.warehouse.setEcho(echo);
  const step = publishStep(world, options);
  const inputs = { ...step.inputs, "verify-metadata": "false", retries: "0" };
  return { sandbox, run: await runSafely(sandbox, { ...step, inputs }) };
}

const errors = (result: ActionResult) =>
  result.annotations.filter((a) => a.level === "error").map((a) => a.message);

/** The safe end, plus: the echo reached the action and was shown redacted, on one short line. */
function expectRedactedEcho(
  box: Sandbox,
  run: Awaited<ReturnType<typeof runSafely>>,
  shownIn: "error" | "summary" = "error",
) {
  expectSafeEnd(box, run, { secrets: secrets(), exitCode: 1, fragments: FRAGMENT });
  const [error, ...more] = errors(run.result);
  expect(more).toEqual([]);
  expect(error).not.toContain("\n");
  expect(error.length).toBeLessThanOrEqual(1000);
  const shown = shownIn === "error" ? error : run.result.summary;
  expect(shown).toContain("you sent");
  expect(shown).toContain("***");
}

describe("the password flow: the index echoes the Basic credential", () => {
  const cases: Array<[EchoForm, EchoPlace, string]> = [
    ["headers", "message", "__token__"],
    ["json-headers", "status-line", "__token__"],
    ["raw", "body", "__token__"],
    ["raw", "status-line", "__token__"],
    ["base64", "message", "__token__"],
    ["base64", "status-line", "ab"],
    ["base64", "body", "abcd"],
    ["url", "message", "__token__"],
    ["json", "message", "__token__"],
  ];
  test.each(cases)("%s in the %s, user %s", async (form, place, user) => {
    const { sandbox: box, run } = await publish(
      { form, place },
      { inputs: { password: PASSWORD, user }, oidc: false },
    );
    expect(world.warehouse.uploads.map((upload) => upload.status)).toEqual([403]);
    expectRedactedEcho(box, run);
  });
});

describe("the OIDC flow", () => {
  test.each<[EchoForm, EchoPlace]>([
    ["headers", "message"],
    ["raw", "body"],
    ["base64", "status-line"],
    ["json", "message"],
  ])("the upload refusal echoes the minted token: %s in the %s", async (form, place) => {
    const { sandbox: box, run } = await publish({ form, place }, {});
    expect(world.warehouse.mintedTokens).toHaveLength(1);
    expect(run.result.masks).toContain(world.warehouse.mintedTokens[0]);
    expect(world.warehouse.uploads.map((upload) => upload.status)).toEqual([403]);
    expectRedactedEcho(box, run);
  });

  test.each<EchoForm>(["raw", "headers", "json-headers", "base64", "url", "json"])(
    "a mint-token 422 echoes the OIDC token (%s): the refusal table shows claims, never the token",
    async (form) => {
      const { sandbox: box, run } = await publish(
        { form, place: "message" },
        { claims: { repository: "someone/else" } },
      );
      expect(world.warehouse.mintedTokens).toEqual([]);
      expectRedactedEcho(box, run, "summary");
      expect(errors(run.result)[0]).toContain("invalid-publisher: you sent");
      expect(run.result.summary).toContain("| repository | someone/else |");
      expect(run.result.stdout).toContain("* invalid-publisher: you sent");
    },
  );

  test.each<EchoForm>(["headers", "raw", "json-headers"])(
    "the runner's token service echoes ACTIONS_ID_TOKEN_REQUEST_TOKEN (%s) in its status line",
    async (form) => {
      world.issuer.injectFault({ path: "/token", kind: "echo", status: 403, form });
      const { sandbox: box, run } = await publish(undefined, {});
      expect(errors(run.result)[0]).toContain("the runner's token service answered 403");
      expectRedactedEcho(box, run);
    },
  );
});
