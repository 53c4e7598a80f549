import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "@jest/globals";
import { backendWheels } from "../harness/backend-wheels.js";
import { type RunningIndex, startIndex } from "../harness/index-server.js";
import { DEBIAN_PYTHON, installHelloPyship } from "../harness/publish-tools.js";
import { type PublishWorld, startPublishWorld } from "../harness/publish-world.js";
import { type ActionResult, inheritedEnv, repoRoot, runAction } from "../harness/runner.js";

const scratch = mkdtempSync(path.join(os.tmpdir(), "pyship-release-"));
const tag = "refs/tags/v0.1.0";
let world: PublishWorld;
let backends: RunningIndex;
let builder: string;

/** The example project, and a venv with `build` active in it, as a workflow's earlier steps leave them. */
function releaseJob(inputs: Record<string, string> = {}, ref = tag, edit?: (dir: string) => void) {
  const workspace = mkdtempSync(path.join(scratch, "ws-"));
  cpSync(path.join(repoRoot, "examples/hello-pyship"), workspace, { recursive: true });
  edit?.(workspace);
  world.issuer.resetClaims();
  world.issuer.setClaims({ ref, environment: "pypi" });
  return runAction({
    action: "release",
    workspace,
    ref,
    env: {
      ...world.issuer.env(),
      ...world.sigstore?.env(),
      VIRTUAL_ENV: builder,
      PATH: `${path.join(builder, "bin")}${path.delimiter}${inheritedEnv().PATH}`,
      PIP_INDEX_URL: backends.simpleUrl,
    },
    inputs: { "repository-url": world.warehouse.legacyUrl, ...inputs },
  });
}

const lines = (text = "") => text.split("\n").filter(Boolean).sort();
const messages = (result: ActionResult, level: string) =>
  result.annotations.filter((a) => a.level === level).map((a) => a.message);

beforeAll(async () => {
  world = await startPublishWorld();
  backendWheels(path.join(scratch, "backends"));
  backends = await startIndex({ directory: path.join(scratch, "backends") });
  builder = path.join(scratch, "builder");
  execFileSync(DEBIAN_PYTHON, ["-m", "venv", "--system-site-packages", "--without-pip", builder]);
}, 60_000);
beforeEach(async () => {
  await world.warehouse.reset();
  world.warehouse.setOidc("enabled");
});
afterAll(async () => {
  await world?.close();
  await backends?.close();
});

describe("actions/release (composite: build-dist, then trusted-publish)", () => {
  test("a tag push builds, validates and uploads both files through OIDC; pip installs them back", async () => {
    const result = await releaseJob();
    expect(messages(result, "error")).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.outputs.version).toBe("0.1.0");
    expect(lines(result.outputs.uploaded)).toEqual([
      "hello_pyship-0.1.0-py3-none-any.whl",
      "hello_pyship-0.1.0.tar.gz",
    ]);
    expect(result.outputs.skipped).toBe("");
    // The composite passes inputs in underscore form: no pypa deprecation warning for them.
    expect(messages(result, "warning").join("\n")).not.toContain("deprecated");
    expect(lines(result.outputs.attestations).map((file) => path.basename(file))).toEqual([
      "hello_pyship-0.1.0-py3-none-any.whl.publish.attestation",
      "hello_pyship-0.1.0.tar.gz.publish.attestation",
    ]);
    for (const upload of world.warehouse.uploads)
      expect(upload.fields.map(([name]) => name)).toContain("attestations");
    const { install, greeting } = await installHelloPyship(
      path.join(scratch, "installed"),
      world.warehouse.simpleUrl,
      inheritedEnv(),
    );
    expect(install.code).toBe(0);
    expect(greeting).toBe("Hello, pyship!");
  });

  test("a release of files the index has is refused, and skipped with skip-existing", async () => {
    expect((await releaseJob()).exitCode).toBe(0);
    const again = await releaseJob();
    expect(again.exitCode).toBe(1);
    const skipping = await releaseJob({ "skip-existing": "true", attestations: "false" });
    expect(skipping.exitCode).toBe(0);
    expect(lines(skipping.outputs.skipped)).toEqual([
      "hello_pyship-0.1.0-py3-none-any.whl",
      "hello_pyship-0.1.0.tar.gz",
    ]);
    expect(skipping.outputs.uploaded).toBe("");
    expect(messages(skipping, "notice").join("\n")).not.toContain("attestations");
  });

  test("a tag that is not the built version stops the release before anything is sent", async () => {
    const result = await releaseJob({}, "refs/tags/v0.2.0");
    expect(result.exitCode).toBe(1);
    expect(messages(result, "error").join("\n")).toContain("0.2.0");
    expect(world.warehouse.uploads).toEqual([]);
    expect(result.outputs.uploaded).toBe("");
    // check-tag: false lets the same job through.
    expect((await releaseJob({ "check-tag": "false" }, "refs/tags/v0.2.0")).exitCode).toBe(0);
  });

  test("attestations must be true or false", async () => {
    const result = await releaseJob({ attestations: "sometimes" });
    expect(result.exitCode).toBe(1);
    expect(messages(result, "error").join("\n")).toContain(
      "input 'attestations' must be true or false, got 'sometimes'",
    );
    expect(world.warehouse.uploads).toEqual([]);
  });
});

test("strict: build-dist's warnings stop the release, which otherwise goes ahead with them", async () => {
  const noReadme = (dir: string) => {
    const file = path.join(dir, "pyproject.toml");
    writeFileSync(file, readFileSync(file, "utf8").replace('readme = "README.md"\n', ""));
  };
  const strict = await releaseJob({ strict: "true" }, tag, noReadme);
  expect(strict.exitCode).toBe(1);
  expect(messages(strict, "error").join("\n")).toContain("checks failed (D002, D003)");
  expect(world.warehouse.uploads).toEqual([]);
  const lenient = await releaseJob({}, tag, noReadme);
  expect(messages(lenient, "warning").join("\n")).toContain("Description-Content-Type is missing");
  expect(lenient.exitCode).toBe(0);
});
