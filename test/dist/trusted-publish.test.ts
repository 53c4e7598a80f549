import { execFileSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "@jest/globals";
import { decodeClaims } from "../../shared/runtime/jwt.js";
import type { ClaimOverrides, RunningOidcIssuer } from "../harness/oidc-issuer.js";
import { describeWithOracles, runInOracles } from "../harness/oracles.js";
import { DEBIAN_PYTHON, installFromIndex, twineUploadArgs } from "../harness/publish-tools.js";
import {
  buildDemoDists,
  type PublishStepOptions,
  type PublishWorld,
  publishStep,
  RELEASE_TAG,
  startPublishWorld,
} from "../harness/publish-world.js";
import { type ActionResult, inheritedEnv, runAction } from "../harness/runner.js";
import { shownText } from "../harness/step.js";
import { type RunningWarehouse, startWarehouse } from "../harness/warehouse.js";
import { craftSdist, craftWheel } from "../shared/dists/craft.js";

const debianPython = DEBIAN_PYTHON;
const scratch = mkdtempSync(path.join(os.tmpdir(), "pyship-trusted-publish-"));
const tag = RELEASE_TAG;

let world: PublishWorld;
let issuer: RunningOidcIssuer;
let warehouse: RunningWarehouse;
let dists: string;

const buildDists = (name: string, edit?: (dir: string) => void) =>
  buildDemoDists(scratch, name, edit);

/** A workspace whose dist/ holds copies of `from`'s files. */
function workspaceWith(from: string | string[]): string {
  const workspace = mkdtempSync(path.join(scratch, "ws-"));
  mkdirSync(path.join(workspace, "dist"));
  const files = Array.isArray(from) ? from : readdirSync(from).map((file) => path.join(from, file));
  for (const file of files) cpSync(file, path.join(workspace, "dist", path.basename(file)));
  return workspace;
}

interface PublishOptions extends PublishStepOptions {
  workspace?: string;
}

async function publish(options: PublishOptions = {}): Promise<ActionResult> {
  return runAction({
    ...publishStep(world, options),
    workspace: options.workspace ?? workspaceWith(dists),
  });
}

const errors = (result: ActionResult) =>
  result.annotations.filter((a) => a.level === "error").map((a) => a.message);
const warnings = (result: ActionResult) =>
  result.annotations.filter((a) => a.level === "warning").map((a) => a.message);
const legacyRequests = () => warehouse.requests.filter((r) => r.path.startsWith("/legacy"));

beforeAll(async () => {
  world = await startPublishWorld({ apiTokens: ["pypi-private-index-token"] });
  ({ issuer, warehouse } = world);
  dists = buildDists("dists");
});

beforeEach(async () => {
  await warehouse.reset();
  warehouse.setOidc("enabled");
});

afterAll(async () => {
  await world?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** Every secret the run could have seen: the minted tokens, the OIDC JWTs, the password. */
function secretsOf(): string[] {
  return [...warehouse.mintedTokens, ...issuer.tokens, "pypi-private-index-token"];
}

describe("trusted-publish through the bundled action", () => {
  test("a tag push uploads both dists through OIDC, and pip installs them back", async () => {
    const result = await publish();
    expect(errors(result)).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.outputs.auth).toBe("trusted-publishing");
    expect(result.outputs.uploaded.split("\n")).toEqual([
      "publish_demo-1.0.0-py3-none-any.whl",
      "publish_demo-1.0.0.tar.gz",
    ]);
    expect(result.outputs.skipped).toBe("");
    expect(warehouse.files()).toEqual([
      "publish_demo-1.0.0-py3-none-any.whl",
      "publish_demo-1.0.0.tar.gz",
    ]);
    expect(warehouse.minted).toHaveLength(1);
    expect(result.summary).toContain("trusted-publish: publish_demo 1.0.0");
    expect(result.summary).toContain("✅ uploaded");
    expect(result.stdout).toMatch(/SHA256:\s+[0-9a-f]{64}/);
    expect(result.stdout).toMatch(/BLAKE2-256:\s+[0-9a-f]{64}/);

    const { python, install } = await installFromIndex(
      path.join(scratch, "venv"),
      warehouse.simpleUrl,
      "publish_demo==1.0.0",
      inheritedEnv(),
    );
    expect(install.code).toBe(0);
    const hello = execFileSync(python, ["-c", "import publish_demo; print(publish_demo.hello())"], {
      encoding: "utf8",
    });
    expect(hello.trim()).toBe("hello from publish-demo");
  });

  test("no secret reaches stdout, stderr, outputs, summary, state or env; both are masked", async () => {
    const runs = [
      await publish(),
      await publish({ inputs: { "skip-existing": "true" } }),
      await publish({ inputs: { password: "pypi-private-index-token" }, oidc: false }),
      await publish({ claims: { repository: "someone/else" } }),
    ];
    const secrets = secretsOf();
    expect(warehouse.mintedTokens.length).toBeGreaterThan(0);
    for (const result of runs) {
      const shown = shownText(result);
      for (const secret of secrets) expect(shown).not.toContain(secret);
    }
    expect(runs[0].masks).toEqual(expect.arrayContaining([warehouse.mintedTokens[0]]));
    expect(runs[2].masks).toContain("pypi-private-index-token");
  });
});

describe("preflight", () => {
  test.each(["pull_request", "pull_request_target"])(
    "a %s event without a password",
    async (event) => {
      const result = await publish({ event });
      expect(result.exitCode).toBe(1);
      expect(errors(result)[0]).toContain(
        "fork PRs never get OIDC; publish from a tag, release or workflow_dispatch",
      );
      expect(warehouse.requests).toEqual([]);
    },
  );

  test("no id-token permission", async () => {
    const result = await publish({ oidc: false });
    expect(result.exitCode).toBe(1);
    expect(errors(result)[0]).toContain("add `permissions: id-token: write` to this job");
  });

  test("no dists, and no directory", async () => {
    const empty = workspaceWith([]);
    let result = await publish({ workspace: empty });
    expect(errors(result)[0]).toContain("no .whl or .tar.gz files in dist (input 'packages-dir')");
    result = await publish({ workspace: empty, inputs: { "packages-dir": "missing" } });
    expect(errors(result)[0]).toContain(
      "input 'packages-dir' is missing, which is not a directory",
    );
    expect(result.exitCode).toBe(1);
  });

  test("dists of more than one project", async () => {
    const other = buildDists("other", (dir) => {
      const pyproject = path.join(dir, "pyproject.toml");
      writeFileSync(
        pyproject,
        readFileSync(pyproject, "utf8").replace('name = "publish_demo"', 'name = "other_demo"'),
      );
      cpSync(path.join(dir, "publish_demo"), path.join(dir, "other_demo"), { recursive: true });
    });
    const workspace = workspaceWith([
      ...readdirSync(dists).map((f) => path.join(dists, f)),
      ...readdirSync(other).map((f) => path.join(other, f)),
    ]);
    const result = await publish({ workspace });
    expect(result.exitCode).toBe(1);
    expect(errors(result)[0]).toContain("holds dists of more than one project: other-demo");
    expect(warehouse.requests).toEqual([]);
  });

  test("validation errors stop everything before a request is sent", async () => {
    const workspace = workspaceWith(dists);
    const wheel = path.join(workspace, "dist/publish_demo-1.0.0-py3-none-any.whl");
    // A wheel with a member outside its root, which installers refuse (R008).
    execFileSync(debianPython, [
      "-c",
      "import sys, zipfile; zipfile.ZipFile(sys.argv[1], 'a').writestr('../extra.py', 'x = 1\\n')",
      wheel,
    ]);
    const result = await publish({ workspace });
    expect(result.exitCode).toBe(1);
    expect(errors(result).some((message) => message.includes("extra.py"))).toBe(true);
    expect(errors(result).at(-1)).toContain("nothing was uploaded");
    expect(warehouse.requests).toEqual([]);
  });
});

describe("the token exchange", () => {
  test.each([
    ["disabled", "has trusted publishing disabled"],
    ["unsupported", "does not indicate trusted publishing support"],
  ] as const)("audience: trusted publishing %s", async (mode, message) => {
    warehouse.setOidc(mode);
    const result = await publish();
    expect(result.exitCode).toBe(1);
    expect(errors(result)[0]).toContain(
      `audience retrieval failed: repository at 127.0.0.1:${warehouse.port} ${message}`,
    );
  });

  test("invalid-publisher prints the codes, the claims table and a hint", async () => {
    const result = await publish({ claims: { repository: "octo-org/renamed" } });
    expect(result.exitCode).toBe(1);
    expect(errors(result)[0]).toContain(
      "invalid-publisher: valid token, but no corresponding publisher",
    );
    expect(result.stdout).toContain(
      "* invalid-publisher: valid token, but no corresponding publisher",
    );
    expect(result.stdout).toMatch(/repository\s+octo-org\/renamed/);
    expect(result.stdout).toMatch(/environment\s+MISSING/);
    expect(result.stdout).toContain("workflow file name `release.yml`");
    expect(result.summary).toContain("| environment | MISSING |");
    expect(legacyRequests()).toEqual([]);
  });

  test.each([
    [
      "invalid-token",
      { exp: Math.floor(Date.now() / 1000) - 3600 },
      "malformed or invalid token",
      "expired",
    ],
    [
      "invalid-payload",
      { iss: "https://issuer.example" },
      "unknown trusted publishing issuer",
      "does not trust its issuer",
    ],
  ] as const)("%s", async (code, claims, description, hint) => {
    const result = await publish({ claims: claims as ClaimOverrides });
    expect(result.exitCode).toBe(1);
    expect(errors(result)[0]).toContain(`${code}: ${description}`);
    expect(result.stdout).toContain(hint);
  });

  test.each([
    [
      "not-enabled",
      "GitHub trusted publishing functionality not enabled",
      "turned off on this index",
    ],
    ["invalid-reuse-token", "invalid token: already used", "single-use"],
    [
      "invalid-pending-publisher",
      "valid token, but project already exists",
      "add a trusted publisher to the existing project",
    ],
  ])("%s (as the index answers it)", async (code, description, hint) => {
    warehouse.injectFault({
      path: "/_/oidc/mint-token",
      kind: "status",
      status: 422,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: "Token request failed", errors: [{ code, description }] }),
    });
    const result = await publish();
    expect(result.exitCode).toBe(1);
    expect(errors(result)[0]).toContain(`${code}: ${description}`);
    expect(result.stdout).toContain(hint);
  });

  test("a reusable workflow gets a warning naming its own file", async () => {
    const result = await publish({
      claims: {
        job_workflow_ref: "octo-org/shared-workflows/.github/workflows/pypi.yml@refs/heads/main",
      },
    });
    expect(warnings(result).join("\n")).toContain(
      "PyPI matches the trusted publisher on the reusable workflow's own file name, pypi.yml",
    );
    expect(errors(result)[0]).toContain("invalid-publisher");
  });

  test("OIDC and mint requests are retried, each mint with a fresh OIDC token", async () => {
    warehouse.injectFault({ path: "/_/oidc/audience", kind: "status", status: 503 });
    issuer.injectFault({ path: "/token", kind: "reset" });
    warehouse.injectFault({ path: "/_/oidc/mint-token", kind: "status", status: 502 });
    const before = issuer.issued;
    const result = await publish();
    expect(errors(result)).toEqual([]);
    expect(result.exitCode).toBe(0);
    const audiences = issuer.tokens.slice(before).map((token) => decodeClaims(token).aud);
    expect(audiences.filter((audience) => audience === "pypi")).toHaveLength(2);
    expect(warehouse.files()).toHaveLength(2);
  });
});

describe("uploads", () => {
  test("skip-existing: an identical re-run is a success, a conflicting file is skipped", async () => {
    expect((await publish()).exitCode).toBe(0);
    const again = await publish({ inputs: { "skip-existing": "true" } });
    expect(again.exitCode).toBe(0);
    expect(again.outputs.uploaded.split("\n")).toHaveLength(2); // Warehouse answers 200 to identical files

    const changed = buildDists("changed", (dir) =>
      writeFileSync(path.join(dir, "README.md"), "# changed\n"),
    );
    const skipped = await publish({
      workspace: workspaceWith(changed),
      inputs: { "skip-existing": "true" },
    });
    expect(skipped.exitCode).toBe(0);
    expect(skipped.outputs.uploaded).toBe("");
    expect(skipped.outputs.skipped.split("\n")).toHaveLength(2);
    expect(warnings(skipped)[0]).toContain("File already exists");
    expect(skipped.summary).toContain("⏭️ skipped");
  });

  test("without skip-existing a conflict fails with Warehouse's message, naming what went up", async () => {
    const wheel = readdirSync(dists).find((f) => f.endsWith(".whl")) ?? "";
    // A partial earlier upload: only the wheel went up.
    expect((await publish({ workspace: workspaceWith([path.join(dists, wheel)]) })).exitCode).toBe(
      0,
    );
    const changed = buildDists("changed-2", (dir) =>
      writeFileSync(path.join(dir, "README.md"), "# other\n"),
    );
    const result = await publish({ workspace: workspaceWith(changed) });
    expect(result.exitCode).toBe(1);
    const message = errors(result).at(-1) ?? "";
    expect(message).toContain(
      "Uploading publish_demo-1.0.0-py3-none-any.whl failed: File already exists",
    );
    expect(message).toContain("Uploaded: none.");
    expect(message).toContain(
      "Not uploaded: publish_demo-1.0.0-py3-none-any.whl, publish_demo-1.0.0.tar.gz.",
    );
    expect(result.summary).toContain("⏸️ not sent");
  });

  test("a second sdist is skipped with skip-existing (pypa#282), and fails without", async () => {
    // The release already has an sdist under its pre-PEP 625 name.
    const sdist = path.join(dists, "publish_demo-1.0.0.tar.gz");
    const earlier = buildDists("earlier", (dir) =>
      writeFileSync(path.join(dir, "README.md"), "# earlier\n"),
    );
    const directory = mkdtempSync(path.join(scratch, "seeded-"));
    cpSync(
      path.join(earlier, "publish_demo-1.0.0.tar.gz"),
      path.join(directory, "publish-demo-1.0.0.tar.gz"),
    );
    const seeded = await startWarehouse({
      issuer,
      publishers: warehouse.publishers,
      directory,
      sigstoreTrustedRoot: world.sigstore?.trustedRoot,
    });
    try {
      const run = (inputs: Record<string, string>) =>
        runAction({
          action: "trusted-publish",
          workspace: workspaceWith([sdist]),
          ref: tag,
          env: { ...issuer.env(), ...world.sigstore?.env() },
          inputs: { "repository-url": seeded.legacyUrl, "verify-metadata": "false", ...inputs },
        });
      const failed = await run({});
      expect(errors(failed).at(-1)).toContain("Only one sdist may be uploaded per release.");
      const skipped = await run({ "skip-existing": "true" });
      expect(skipped.exitCode).toBe(0);
      expect(skipped.outputs.skipped).toBe("publish_demo-1.0.0.tar.gz");
    } finally {
      await seeded.close();
    }
  });

  test("retries 5xx, resets and 429 without duplicating a file", async () => {
    warehouse.injectFault({ path: "/legacy/", kind: "status", status: 503 });
    warehouse.injectFault({ path: "/legacy/", kind: "reset-after-store" });
    warehouse.injectFault({ path: "/legacy/", kind: "rate-limit", retryAfterSeconds: 1 });
    warehouse.injectFault({ path: "/legacy/", kind: "reset" });
    const result = await publish({ inputs: { retries: "4" } });
    expect(errors(result)).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(warehouse.files()).toEqual([
      "publish_demo-1.0.0-py3-none-any.whl",
      "publish_demo-1.0.0.tar.gz",
    ]);
    expect(warehouse.uploads.filter((upload) => upload.stored)).toHaveLength(2);
    expect(result.stdout).toContain("retry 4 of 4");
  });

  test("no retry after a 4xx", async () => {
    warehouse.injectFault({
      path: "/legacy/",
      kind: "status",
      status: 400,
      body: "Invalid distribution: no",
    });
    const result = await publish();
    expect(result.exitCode).toBe(1);
    expect(legacyRequests()).toHaveLength(1);
    expect(errors(result).at(-1)).toContain(
      "Not uploaded: publish_demo-1.0.0-py3-none-any.whl, publish_demo-1.0.0.tar.gz",
    );
  });

  test("retries run out", async () => {
    for (let i = 0; i < 2; i++)
      warehouse.injectFault({ path: "/legacy/", kind: "status", status: 500 });
    const result = await publish({ inputs: { retries: "1" } });
    expect(result.exitCode).toBe(1);
    expect(legacyRequests()).toHaveLength(2);
    expect(errors(result).at(-1)).toContain("500");
  });

  test("a password for a private index, even on a pull request", async () => {
    const result = await publish({
      inputs: { password: "pypi-private-index-token" },
      oidc: false,
      event: "pull_request",
    });
    expect(errors(result)).toEqual([]);
    expect(result.outputs.auth).toBe("password");
    expect(warehouse.minted).toHaveLength(0);
    expect(warehouse.files()).toHaveLength(2);
  });

  test("a wrong password fails with the index's message and no retry", async () => {
    const result = await publish({ inputs: { password: "pypi-wrong" }, oidc: false });
    expect(result.exitCode).toBe(1);
    expect(errors(result).at(-1)).toContain("Invalid or non-existent authentication information");
    expect(legacyRequests()).toHaveLength(1);
  });

  test("dry-run exchanges the token and uploads nothing", async () => {
    const result = await publish({ inputs: { "dry-run": "true" } });
    expect(result.exitCode).toBe(0);
    expect(warehouse.minted).toHaveLength(1);
    expect(legacyRequests()).toEqual([]);
    expect(result.outputs.uploaded).toBe("");
    expect(result.summary).toContain("🧪 dry run");
    expect(result.stdout).toMatch(/SHA256:\s+[0-9a-f]{64}/);
  });

  test("dry-run with a password says no exchange was made", async () => {
    const result = await publish({
      inputs: { "dry-run": "true", password: "pypi-private-index-token" },
      oidc: false,
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("a password was given, so no token exchange was made");
    expect(result.stdout).not.toContain("the token exchange worked");
    expect(legacyRequests()).toEqual([]);
  });

  test("pypa's underscore spellings are honoured, with a warning naming the new one", async () => {
    const workspace = workspaceWith(dists);
    renameSync(path.join(workspace, "dist"), path.join(workspace, "out"));
    const result = await publish({
      workspace,
      inputs: {
        "repository-url": "",
        repository_url: warehouse.legacyUrl,
        packages_dir: "out",
      },
    });
    expect(result.exitCode).toBe(0);
    expect(warehouse.files()).toHaveLength(2);
    expect(warnings(result)).toEqual(
      expect.arrayContaining([
        "input 'repository_url' is deprecated: it was read as 'repository-url', the spelling to use",
        "input 'packages_dir' is deprecated: it was read as 'packages-dir', the spelling to use",
      ]),
    );
  });

  test("both spellings of an input are refused", async () => {
    const result = await publish({ inputs: { "packages-dir": "dist", packages_dir: "out" } });
    expect(result.exitCode).toBe(1);
    expect(errors(result)).toEqual([
      "trusted-publish: inputs 'packages-dir' and 'packages_dir' are both set: 'packages_dir' is the old spelling of 'packages-dir'; keep only 'packages-dir'",
    ]);
    expect(legacyRequests()).toEqual([]);
  });

  test("ignore-checks lets a dist through validation, and the index then refuses what PyPI refuses", async () => {
    const folder = mkdtempSync(path.join(scratch, "classifier-"));
    craftWheel(folder, {
      name: "publish_demo",
      headers: { Classifier: "Programming Language :: Cobol :: 2099" },
    });
    const blocked = await publish({ workspace: workspaceWith(folder) });
    expect(blocked.exitCode).toBe(1);
    expect(errors(blocked).join("\n")).toContain("M019");
    expect(legacyRequests()).toEqual([]);
    const sent = await publish({
      workspace: workspaceWith(folder),
      inputs: { "ignore-checks": "M019" },
    });
    expect(sent.exitCode).toBe(1);
    expect(warehouse.uploads.map((upload) => upload.status)).toEqual([400]);
    expect(sent.stdout).toContain("is not a valid classifier");
  });

  const verdictCases: Array<{
    title: string;
    craft: (folder: string) => Promise<string> | string;
    /** The error code that stops it, or undefined when it goes up (with this warning). */
    error?: string;
    warning?: string;
  }> = [
    {
      title: "a local version is refused (M015)",
      craft: (folder) => craftWheel(folder, { name: "publish_demo", version: "1.0.0+cpu" }),
      error: "M015",
    },
    {
      title: "an invalid SPDX expression is refused (M022)",
      craft: (folder) =>
        craftWheel(folder, {
          name: "publish_demo",
          headers: { "Metadata-Version": "2.4", "License-Expression": "MIT ANDD Apache-2.0" },
        }),
      error: "M022",
    },
    {
      title: "a non-normalised sdist name is refused, as PyPI does (F005)",
      craft: (folder) =>
        craftSdist(folder, { name: "publish_demo", filename: "Publish_Demo-1.0.0.tar.gz" }),
      error: "F005",
    },
    {
      title: "dual-spelled extras go up (M016 only warns)",
      craft: (folder) =>
        craftWheel(folder, {
          name: "publish_demo",
          headers: { "Metadata-Version": "2.3", "Provides-Extra": ["Foo_Bar", "foo-bar"] },
        }),
      warning: "M016",
    },
    {
      title: "a setup.py-only sdist goes up (S003 only warns)",
      craft: (folder) =>
        craftSdist(folder, {
          name: "publish_demo",
          files: { "setup.py": "from setuptools import setup\nsetup()\n" },
        }),
      warning: "S003",
    },
  ];

  test.each(verdictCases)("$title", async ({ craft, error, warning }) => {
    const folder = mkdtempSync(path.join(scratch, "verdict-"));
    await craft(folder);
    const result = await publish({
      workspace: workspaceWith(folder),
      inputs: { password: "pypi-private-index-token" },
      oidc: false,
    });
    if (error) {
      expect(result.exitCode).toBe(1);
      expect(errors(result).join("\n")).toContain(error);
      expect(legacyRequests()).toEqual([]);
      if (error === "F005") expect(errors(result).join("\n")).toContain("PyPI refuses");
    } else {
      expect([result.exitCode, errors(result)]).toEqual([0, []]);
      const titles = result.annotations.filter((a) => a.level === "warning").map((a) => a.title);
      expect(titles.join("\n")).toContain(warning);
      expect(warehouse.uploads.map((upload) => upload.status)).toEqual([200]);
    }
  });

  test("print-hash false prints no hashes", async () => {
    const result = await publish({ inputs: { "print-hash": "false" } });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).not.toMatch(/SHA256:/);
    expect(result.summary).not.toContain("blake2_256");
  });
});

describeWithOracles("agreement with twine 7", () => {
  /** The fields the index got for each file, sorted, without md5 (which twine 7 does not send). */
  function received(): Record<string, string[]> {
    const byFile: Record<string, string[]> = {};
    for (const upload of warehouse.uploads.filter((u) => u.status === 200)) {
      byFile[upload.filename] = upload.fields
        .filter(([name]) => name !== "md5_digest")
        .map(([name, value]) => `${name}=${value}`)
        .sort();
    }
    return byFile;
  }

  test("the index receives the same multipart fields from the action as from real twine 7 upload", async () => {
    const home = mkdtempSync(path.join(scratch, "twine-home-"));
    const files = readdirSync(dists).map((file) => path.join(dists, file));
    const twine = await runInOracles(
      "twine",
      twineUploadArgs(warehouse.legacyUrl, "pypi-private-index-token", files),
      {
        binds: [dists],
        env: {
          ...inheritedEnv(),
          HOME: home,
          PYTHON_KEYRING_BACKEND: "keyring.backends.null.Keyring",
        },
      },
    );
    expect(twine.code).toBe(0);
    const fromTwine = received();
    await warehouse.reset();
    const result = await publish({ inputs: { password: "pypi-private-index-token" }, oidc: false });
    expect(result.exitCode).toBe(0);
    const fromAction = received();
    expect(Object.keys(fromAction).sort()).toEqual(Object.keys(fromTwine).sort());
    for (const file of Object.keys(fromTwine)) {
      expect([file, fromAction[file]]).toEqual([file, fromTwine[file]]);
    }
  });
});
