/**
 * Cases generated from each action.yml: every input fed an empty value, a value of the wrong
 * type, a path that escapes the workspace, a file where a folder is expected, and 100 KB.
 * Each action runs in a small real world (a project, and the harness servers it talks to).
 */
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { type RunningOidcIssuer, startOidcIssuer } from "../harness/oidc-issuer.js";
import { advisoryFixtures, type RunningOsvApi, startOsvApi } from "../harness/osv-api.js";
import { DEBIAN_PYTHON } from "../harness/publish-tools.js";
import { actionDirectory, readActionMetadata, repoRoot } from "../harness/runner.js";
import { type RunningSigstore, startSigstore } from "../harness/sigstore.js";
import { type RunningWarehouse, startWarehouse } from "../harness/warehouse.js";
import type { ParsedAnnotation } from "../harness/workflow-files.js";
import {
  expectSafeEnd,
  makeSandbox,
  runSafely,
  type Sandbox,
  writeEmptyUvProject,
} from "./sandbox.js";

export interface InputCase {
  label: string;
  value: string;
}

/** The five hostile values for an input, the wrong type chosen from its default. */
export function inputCases(defaultValue: string | undefined): InputCase[] {
  const wrongType =
    defaultValue === "true" || defaultValue === "false"
      ? "maybe"
      : /^\d+$/.test(defaultValue ?? "")
        ? "many"
        : "-r /etc/passwd\n--index-url http://127.0.0.1:9/";
  return [
    { label: "empty", value: "" },
    { label: "of the wrong type", value: wrongType },
    { label: "escaping the workspace", value: "../../outside/precious.txt" },
    { label: "a file where a folder is expected", value: "README.md" },
    { label: "100 KB", value: "x".repeat(100_000) },
  ];
}

export interface World {
  /** Fills the sandbox's workspace with the action's project. */
  project(sandbox: Sandbox): void;
  inputs: Record<string, string>;
  env: Record<string, string>;
  ref?: string;
}

const fixtures = path.join(repoRoot, "test/fixtures");

function copyProject(from: string, sandbox: Sandbox): void {
  cpSync(from, sandbox.workspace, { recursive: true });
  writeFileSync(path.join(sandbox.workspace, "README.md"), "# project\n");
  mkdirSync(path.join(sandbox.workspace, "src"), { recursive: true });
}

/** Offline: pip and build fail at once instead of reaching for PyPI. */
const offline = { PIP_NO_INDEX: "1", PIP_DISABLE_PIP_VERSION_CHECK: "1" };

/** The worlds that need no server. */
export const plainWorlds: Record<string, () => World> = {
  "setup-venv": () => ({
    project: (sandbox) => writeEmptyUvProject(sandbox.workspace),
    inputs: {},
    env: offline,
  }),
  "lock-check": () => ({
    project: (sandbox) => copyProject(path.join(fixtures, "lock-check/uv-app"), sandbox),
    inputs: {},
    env: offline,
  }),
  "build-dist": () => ({
    project: (sandbox) => copyProject(path.join(fixtures, "build-dist/flit"), sandbox),
    inputs: { python: DEBIAN_PYTHON, isolation: "false", "upload-artifact": "false" },
    env: offline,
  }),
};

/** audit against the local OSV API. */
export function auditWorld(): {
  world: () => World;
  start(): Promise<void>;
  stop(): Promise<void>;
} {
  let osv: RunningOsvApi;
  return {
    start: async () => {
      osv = await startOsvApi({ advisories: advisoryFixtures });
    },
    stop: () => osv.close(),
    world: () => ({
      project: (sandbox) => copyProject(path.join(fixtures, "audit/uv"), sandbox),
      inputs: { "osv-url": osv.url },
      env: offline,
    }),
  };
}

/** trusted-publish of a prebuilt wheel to the local Warehouse, through the OIDC issuer. */
export function publishWorld(wheelDirectory: () => string) {
  let issuer: RunningOidcIssuer;
  let sigstore: RunningSigstore;
  let warehouse: RunningWarehouse;
  return {
    start: async () => {
      issuer = await startOidcIssuer();
      sigstore = await startSigstore({ jwks: issuer.jwks });
      warehouse = await startWarehouse({
        issuer,
        publishers: [{ repository: "octo-repo", owner: "octo-org", workflow: "release.yml" }],
        sigstoreTrustedRoot: sigstore.trustedRoot,
      });
    },
    stop: async () => {
      await warehouse.close();
      await sigstore.close();
      await issuer.close();
    },
    world: (): World => ({
      project: (sandbox) => {
        cpSync(wheelDirectory(), path.join(sandbox.workspace, "dist"), { recursive: true });
        writeFileSync(path.join(sandbox.workspace, "README.md"), "# project\n");
      },
      inputs: { "repository-url": warehouse.legacyUrl, "skip-existing": "true" },
      env: { ...issuer.env(), ...sigstore.env() },
      ref: "refs/tags/v1.0.0",
    }),
  };
}

/**
 * A failure says where: an error at a file, one that names the input, or one about a dist, a URL
 * or the build it was at (a value the action accepted, refused further on).
 */
function located(annotations: ParsedAnnotation[], input: string): boolean {
  return annotations.some(
    (annotation) =>
      annotation.level === "error" &&
      (annotation.file !== undefined ||
        annotation.message.includes(`'${input}'`) ||
        /https?:\/\/|\.whl|\.tar\.gz|Building the (sdist|wheel)/.test(annotation.message)),
  );
}

/** One test per input and hostile value of `action`, each ending safely. */
export function describeInputCases(
  action: string,
  world: () => World,
  hooks?: { start(): Promise<void>; stop(): Promise<void> },
): void {
  const declared = readActionMetadata(actionDirectory(action)).inputs ?? {};
  describe(`${action}: every input, every hostile value`, () => {
    if (hooks) {
      beforeAll(() => hooks.start(), 120_000);
      afterAll(() => hooks.stop());
    }
    const rows = Object.entries(declared).flatMap(([name, spec]) =>
      inputCases(spec.default === undefined ? undefined : String(spec.default)).map(
        (hostile) => [name, hostile.label, hostile.value] as const,
      ),
    );
    test.each(rows)(`%s %s`, async (name, _label, value) => {
      const sandbox = makeSandbox(`pyship-input-${action}-`);
      const setting = world();
      setting.project(sandbox);
      const run = await runSafely(sandbox, {
        action,
        inputs: { ...setting.inputs, [name]: value },
        env: setting.env,
        ref: setting.ref,
      });
      expectSafeEnd(sandbox, run);
      if (run.result.exitCode !== 0) expect(located(run.result.annotations, name)).toBe(true);
    });
  });
}
