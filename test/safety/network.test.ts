/**
 * Servers that go silent, trickle, loop and lie: every network phase of the bundled actions ends
 * in a clear error within its deadline. These cases assert that a run ends, never how fast.
 */
import { cpSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "@jest/globals";
import { type RunningOidcIssuer, startOidcIssuer } from "../harness/oidc-issuer.js";
import {
  advisoryFixtures,
  type FaultSpec,
  type RunningOsvApi,
  startOsvApi,
} from "../harness/osv-api.js";
import { repoRoot } from "../harness/runner.js";
import { type RunningSigstore, startSigstore } from "../harness/sigstore.js";
import { type RunningWarehouse, startWarehouse } from "../harness/warehouse.js";
import { craftWheel, craftZipBomb } from "../shared/dists/craft.js";
import {
  expectSafeEnd,
  makeSandbox,
  runSafely,
  type SafeEndOptions,
  type Sandbox,
  secretForms,
} from "./sandbox.js";

const ENDS = 120_000;
const lockfile = path.join(repoRoot, "test/fixtures/audit/uv");

let osv: RunningOsvApi;
let issuer: RunningOidcIssuer;
let sigstore: RunningSigstore;
let warehouse: RunningWarehouse;
const sandboxes: Sandbox[] = [];

function sandbox(): Sandbox {
  const made = makeSandbox();
  sandboxes.push(made);
  return made;
}

beforeAll(async () => {
  osv = await startOsvApi({ advisories: advisoryFixtures });
  issuer = await startOidcIssuer();
  sigstore = await startSigstore({ jwks: issuer.jwks });
  warehouse = await startWarehouse({
    issuer,
    publishers: [{ repository: "octo-repo", owner: "octo-org", workflow: "release.yml" }],
    sigstoreTrustedRoot: sigstore.trustedRoot,
  });
});
beforeEach(async () => {
  osv.reset();
  await warehouse.reset();
  issuer.faults("/token").length = 0;
});
afterAll(async () => {
  await Promise.all([osv?.close(), warehouse?.close(), sigstore?.close(), issuer?.close()]);
  for (const made of sandboxes) rmSync(made.root, { recursive: true, force: true });
});

/** The same fault for every attempt the phase could make. */
function always(inject: (fault: FaultSpec) => void, fault: FaultSpec): void {
  for (let i = 0; i < 8; i++) inject(fault);
}

type SafeRun = Awaited<ReturnType<typeof runSafely>>;

const errorsOf = (run: SafeRun) =>
  run.result.annotations.filter((a) => a.level === "error").map((a) => a.message);

/**
 * expectSafeEnd, for a run that masked the tokens it got: `::add-mask::` is how the runner learns
 * a secret, so the tokens may appear there and nowhere else; the request token nowhere at all.
 */
function expectSafePublishEnd(sandbox: Sandbox, run: SafeRun, options: SafeEndOptions): void {
  expectSafeEnd(sandbox, run, { ...options, secrets: [issuer.requestToken] });
  const shown = [
    run.result.stdout.replace(/^::add-mask::.*$/gm, ""),
    run.result.stderr,
    run.result.summary,
    JSON.stringify(run.result.outputs),
  ].join("\n");
  for (const secret of [...warehouse.mintedTokens, ...issuer.tokens]) {
    for (const form of secretForms(secret)) expect(shown.includes(form)).toBe(false);
  }
}

describe("audit against an OSV that misbehaves", () => {
  async function audit(url: string, inputs: Record<string, string> = {}) {
    const box = sandbox();
    cpSync(lockfile, box.workspace, { recursive: true });
    const run = await runSafely(box, {
      action: "audit",
      inputs: { "osv-url": url, "request-timeout": "3s", ...inputs },
    });
    return { sandbox: box, run };
  }

  test(
    "always another page: stops after 100 pages",
    async () => {
      const endless = await startOsvApi({ advisories: advisoryFixtures, pagination: "endless" });
      try {
        const { sandbox, run } = await audit(endless.url, { "request-timeout": "10" });
        expectSafeEnd(sandbox, run, {
          exitCode: 1,
          errorNames: /The audit did not run: .*querybatch had more than 100 pages for /,
        });
      } finally {
        await endless.close();
      }
    },
    ENDS,
  );

  test(
    "the same page token again: an error",
    async () => {
      const repeating = await startOsvApi({ advisories: advisoryFixtures, pagination: "repeated" });
      try {
        const { sandbox, run } = await audit(repeating.url);
        expectSafeEnd(sandbox, run, {
          exitCode: 1,
          errorNames: /The audit did not run: .*querybatch sent a page token twice for /,
        });
      } finally {
        await repeating.close();
      }
    },
    ENDS,
  );

  test.each([
    ["a body trickling a byte at a time", { kind: "trickle", intervalMs: 500 }],
    ["no answer at all", { kind: "silent" }],
  ] as const)(
    "%s: ends at request-timeout, saying so",
    async (_, fault) => {
      always((f) => osv.injectFault(f), { path: "/v1/querybatch", ...fault });
      const { sandbox, run } = await audit(osv.url);
      expectSafeEnd(sandbox, run, {
        exitCode: 1,
        errorNames:
          /The audit did not run: .*gave up on the OSV queries after 1 attempt in .* s \(no complete answer from http:\/\/127\.0\.0\.1:\d+\/v1\/querybatch within .* s\); raise request-timeout \(now 3 s\)/,
      });
    },
    ENDS,
  );

  test(
    "Retry-After: 999999999 is honoured only up to the deadline",
    async () => {
      always((f) => osv.injectFault(f), {
        path: "/v1/querybatch",
        kind: "rate-limit",
        retryAfterSeconds: 999999999,
      });
      const { sandbox, run } = await audit(osv.url, { "request-timeout": "20s" });
      expectSafeEnd(sandbox, run, {
        exitCode: 1,
        errorNames: /gave up on the OSV queries after 1 attempt .*got 429.*raise request-timeout/,
      });
      expect(osv.requests).toHaveLength(1);
    },
    ENDS,
  );

  test(
    "a request-timeout that is no duration is refused, naming the input",
    async () => {
      const { sandbox, run } = await audit(osv.url, { "request-timeout": "soon" });
      expectSafeEnd(sandbox, run, { exitCode: 1, errorNames: "input 'request-timeout'" });
      expect(osv.requests).toEqual([]);
    },
    ENDS,
  );
});

describe("trusted-publish against an index and a token service that misbehave", () => {
  function workspace(sandbox: Sandbox, bomb = false): void {
    const dist = path.join(sandbox.workspace, "dist");
    mkdirSync(dist);
    if (bomb) craftZipBomb(dist, 640);
    else craftWheel(dist);
  }

  async function publish(inputs: Record<string, string> = {}, bomb = false) {
    const box = sandbox();
    workspace(box, bomb);
    const run = await runSafely(box, {
      action: "trusted-publish",
      ref: "refs/tags/v1.0.0",
      event: { name: "push" },
      env: { ...issuer.env(), ...sigstore.env() },
      inputs: { "repository-url": warehouse.legacyUrl, "request-timeout": "3s", ...inputs },
    });
    return { sandbox: box, run };
  }

  test.each([
    ["a silent upload endpoint", { kind: "silent" }],
    ["an upload answer trickling a byte at a time", { kind: "trickle", intervalMs: 500 }],
  ] as const)(
    "%s: the upload gives up at request-timeout",
    async (_, fault) => {
      always((f) => warehouse.injectFault(f), { path: "/legacy/", ...fault });
      const { sandbox, run } = await publish();
      expectSafePublishEnd(sandbox, run, {
        exitCode: 1,
        errorNames:
          /Uploading craft_pkg-1\.0\.0-py3-none-any\.whl failed: gave up on uploading craft_pkg-1\.0\.0-py3-none-any\.whl after 1 attempt in .* s \(no complete answer from http:\/\/127\.0\.0\.1:\d+\/legacy\/ within .* s\); raise request-timeout \(now 3 s\)/,
      });
      expect(warehouse.files()).toEqual([]);
    },
    ENDS,
  );

  test(
    "Retry-After: 999999999 on upload is honoured only up to the deadline",
    async () => {
      always((f) => warehouse.injectFault(f), {
        path: "/legacy/",
        kind: "rate-limit",
        retryAfterSeconds: 999999999,
      });
      const { sandbox, run } = await publish({ "request-timeout": "20s" });
      expectSafePublishEnd(sandbox, run, {
        exitCode: 1,
        errorNames:
          /gave up on uploading craft_pkg-1\.0\.0-py3-none-any\.whl after 1 attempt .*429.*raise request-timeout \(now 20 s\)/,
      });
      expect(warehouse.requests.filter((r) => r.path === "/legacy/")).toHaveLength(1);
    },
    ENDS,
  );

  test.each([
    ["the OIDC token service", (f: FaultSpec) => issuer.injectFault(f), "/token"],
    ["the mint endpoint", (f: FaultSpec) => warehouse.injectFault(f), "/_/oidc/mint-token"],
  ] as const)(
    "%s never answers: the token exchange gives up at request-timeout",
    async (_, inject, faultPath) => {
      always(inject, { path: faultPath, kind: "silent" });
      const { sandbox, run } = await publish();
      expectSafePublishEnd(sandbox, run, {
        exitCode: 1,
        errorNames: new RegExp(
          `gave up on the token exchange after 1 attempt in .* s \\(no complete answer from http://127\\.0\\.0\\.1:\\d+${faultPath} within .* s\\); raise request-timeout \\(now 3 s\\)`,
        ),
      });
      expect(errorsOf(run).join("\n")).not.toContain("audience=");
      expect(warehouse.uploads).toEqual([]);
    },
    ENDS,
  );

  test.each([
    ["validated", {}, /1 validation error \(R014\); nothing was uploaded/],
    [
      "not validated",
      { "verify-metadata": "false" },
      /Cannot read craft_pkg-1\.0\.0-py3-none-any\.whl: its zip entries overlap or share data \(R014, a zip bomb\)/,
    ],
  ])(
    "an overlapping-entry zip bomb, %s, is refused with R014",
    async (_, inputs, message) => {
      const { sandbox, run } = await publish(inputs, true);
      expectSafePublishEnd(sandbox, run, { exitCode: 1, errorNames: message });
      if (!("verify-metadata" in inputs)) {
        expect(run.result.annotations).toContainEqual(
          expect.objectContaining({ level: "error", title: expect.stringContaining("R014") }),
        );
      }
      expect(warehouse.requests).toEqual([]);
    },
    ENDS,
  );
});
