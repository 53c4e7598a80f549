import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { bundleFromJSON } from "@sigstore/bundle";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import type { DsseBundle } from "../../shared/sigstore/pep740.js";
import { type RunningArtifactService, startArtifactService } from "../harness/artifact-service.js";
import { type RunningGitHubApi, startGitHubApi } from "../harness/github-api.js";
import { type RunningOidcIssuer, startOidcIssuer } from "../harness/oidc-issuer.js";
import { inheritedEnv, repoRoot, runAction } from "../harness/runner.js";
import { type RunningSigstore, startSigstore } from "../harness/sigstore.js";
import { shownText } from "../harness/step.js";

const fixtures = path.join(repoRoot, "test/fixtures/build-dist");
/** Debian's python: it has build and the backends; no index holds them here. */
const debianPython = "/usr/bin/python3";
// Debian 12's setuptools 66 writes sdist names PyPI refuses (F005); these tests are about the rest.
const offline = {
  python: debianPython,
  isolation: "false",
  "upload-artifact": "false",
  "ignore-checks": "F005",
};
const scratch: string[] = [];

afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

function workspaceWith(project: string, edit?: (dir: string) => void): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pyship-build-dist-"));
  scratch.push(dir);
  cpSync(path.join(fixtures, project), dir, { recursive: true });
  edit?.(dir);
  return dir;
}

const editFile = (dir: string, name: string, change: (text: string) => string) =>
  writeFileSync(path.join(dir, name), change(readFileSync(path.join(dir, name), "utf8")));

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", ["-C", dir, ...args], {
    encoding: "utf8",
    env: {
      ...inheritedEnv(),
      GIT_AUTHOR_NAME: "pyship",
      GIT_AUTHOR_EMAIL: "pyship@example.org",
      GIT_COMMITTER_NAME: "pyship",
      GIT_COMMITTER_EMAIL: "pyship@example.org",
      GIT_AUTHOR_DATE: "2026-01-02T03:04:05Z",
      GIT_COMMITTER_DATE: "2026-01-02T03:04:05Z",
    },
  });
}

function committed(dir: string, tag?: string): string {
  git(dir, "init", "-q", "-b", "main");
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "release");
  if (tag) git(dir, "tag", tag);
  return dir;
}

/** A fresh venv of Debian's python that sees its backends, for installing the dists. */
function installable(dists: string[]): string {
  const venv = mkdtempSync(path.join(os.tmpdir(), "pyship-build-dist-venv-"));
  scratch.push(venv);
  execFileSync(debianPython, ["-m", "venv", "--system-site-packages", venv]);
  const env = { ...inheritedEnv(), PIP_NO_INDEX: "1", PIP_DISABLE_PIP_VERSION_CHECK: "1" };
  for (const dist of dists) {
    execFileSync(
      path.join(venv, "bin/pip"),
      ["install", "--no-build-isolation", "--no-deps", "--force-reinstall", dist],
      { env, stdio: "pipe" },
    );
  }
  return venv;
}

describe("build-dist through the bundled action", () => {
  test.each([
    ["setuptools", "demo-setuptools", "1.2.3", ["3.10", "3.11", "3.12"]],
    ["hatchling", "demo-hatchling", "0.4.0", ["3.11", "3.12"]],
    ["flit", "demo_flit", "2.0.0", ["3.11"]],
    ["poetry", "demo-poetry", "3.1.0", ["3.9", "3.10", "3.11"]], // from python = "^3.9"
    ["pdm", "demo-pdm", "0.9.1", ["3.11"]],
  ])("%s builds, validates and installs", async (backend, name, version, pythons) => {
    const workspace = workspaceWith(backend);
    const result = await runAction({ action: "build-dist", workspace, inputs: offline });
    expect(result.annotations.filter((a) => a.level === "error")).toEqual([]);
    expect(result.exitCode).toBe(0);
    const { outputs } = result;
    expect(outputs.name).toBe(name);
    expect(outputs.version).toBe(version);
    expect(outputs["dist-dir"]).toBe(path.join(workspace, "dist"));
    expect(path.dirname(outputs.sdist)).toBe(outputs["dist-dir"]);
    expect(outputs.sdist).toMatch(/\.tar\.gz$/);
    expect(outputs.wheels.split("\n")).toEqual([
      expect.stringMatching(
        new RegExp(`/${name.replace(/-/g, "_")}-${version}-py3-none-any\\.whl$`),
      ),
    ]);
    expect(JSON.parse(outputs["python-versions"])).toEqual(pythons);
    expect(outputs["artifact-name"]).toBe("");
    expect(result.summary).toContain(`### build-dist: ${name} ${version}`);
    expect(result.summary).toContain("<details><summary><code>");
    expect(result.summary).toContain("### sha256");

    const venv = installable([outputs.sdist, outputs.wheels]);
    const pip = execFileSync(path.join(venv, "bin/pip"), ["list", "--format=json"], {
      encoding: "utf8",
      env: inheritedEnv(),
    });
    const installed = JSON.parse(pip) as { name: string; version: string }[];
    const normal = (n: string) => n.toLowerCase().replace(/[-_.]+/g, "-");
    expect(installed.find((p) => normal(p.name) === normal(name))?.version).toBe(version);
  });

  test.each([
    [{ wheel: "false" }, ["demo_flit-2.0.0.tar.gz"]],
    [{ sdist: "false" }, ["demo_flit-2.0.0-py3-none-any.whl"]],
    [
      { "wheel-from-sdist": "false" },
      ["demo_flit-2.0.0-py3-none-any.whl", "demo_flit-2.0.0.tar.gz"],
    ],
  ])("%j into output-dir out/dists builds %j", async (switches, built) => {
    const workspace = workspaceWith("flit");
    const result = await runAction({
      action: "build-dist",
      workspace,
      inputs: { ...offline, ...switches, "output-dir": "out/dists" },
    });
    expect(result.exitCode).toBe(0);
    const dir = path.join(workspace, "out/dists");
    expect(result.outputs["dist-dir"]).toBe(dir);
    expect(readdirSync(dir).sort()).toEqual(built);
    expect(result.outputs.version).toBe("2.0.0");
    const sdist = built.find((file) => file.endsWith(".tar.gz"));
    expect(result.outputs.sdist).toBe(sdist ? path.join(dir, sdist) : "");
    const wheel = built.find((file) => file.endsWith(".whl"));
    expect(result.outputs.wheels).toBe(wheel ? path.join(dir, wheel) : "");
    const command = result.stdout.split("\n").find((line) => line.includes(" -m build "));
    expect(command).toBeDefined();
  });

  test("a real backend defect fails: hatchling 1.12 writes License-Expression into 2.1 metadata", async () => {
    const workspace = workspaceWith("hatchling", (dir) =>
      editFile(dir, "pyproject.toml", (t) =>
        t.replace('license = {text = "MIT"}', 'license = "MIT"'),
      ),
    );
    const result = await runAction({ action: "build-dist", workspace, inputs: offline });
    expect(result.exitCode).toBe(1);
    const errors = result.annotations.filter((a) => a.level === "error");
    expect(errors.map((a) => [a.title, a.file])).toEqual([
      ["M012", "dist/demo_hatchling-0.4.0.tar.gz"],
      ["M012", "dist/demo_hatchling-0.4.0-py3-none-any.whl"],
      [undefined, undefined],
    ]);
    expect(errors.at(-1)?.message).toBe(
      "build-dist: 2 checks failed (M012); see the annotations and the job summary.",
    );
    // The dists are still there to look at, and the outputs name them.
    expect(existsSync(result.outputs.sdist)).toBe(true);
  });

  test.each([
    ["setuptools-scm", "v1.5.0", "1.5.0"],
    ["hatch-vcs", "v2.0.0rc1", "2.0.0rc1"],
  ])("%s takes its version from the git tag %s", async (backend, tag, version) => {
    const workspace = committed(workspaceWith(backend), tag);
    const result = await runAction({
      action: "build-dist",
      workspace,
      inputs: offline,
      ref: `refs/tags/${tag}`,
    });
    expect(result.annotations.filter((a) => a.level === "error")).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.outputs.version).toBe(version);
  });

  test("a shallow checkout of a setuptools-scm project gets a fetch-depth warning", async () => {
    const origin = committed(workspaceWith("setuptools-scm"), "v1.5.0");
    git(origin, "commit", "-q", "--allow-empty", "-m", "more");
    const workspace = mkdtempSync(path.join(os.tmpdir(), "pyship-build-dist-shallow-"));
    scratch.push(workspace);
    execFileSync("git", ["clone", "-q", "--depth", "1", `file://${origin}`, workspace]);
    const result = await runAction({ action: "build-dist", workspace, inputs: offline });
    expect(result.annotations).toContainEqual(
      expect.objectContaining({ level: "warning", title: "G001", file: "pyproject.toml" }),
    );
  });

  test.each([
    ["refs/tags/v1.2.3", "1.2.3", 0],
    ["refs/tags/v1.2.3", "1.2.4", 1],
    ["refs/tags/v2.0.0rc1", "2.0.0rc1", 0],
    ["refs/tags/v1.0.0-rc.1", "1.0.0rc1", 0],
  ])("on %s a built version %s exits %i", async (ref, version, exitCode) => {
    const workspace = workspaceWith("setuptools", (dir) =>
      editFile(dir, "pyproject.toml", (t) =>
        t.replace('version = "1.2.3"', `version = "${version}"`),
      ),
    );
    const result = await runAction({ action: "build-dist", workspace, inputs: offline, ref });
    expect(result.exitCode).toBe(exitCode);
    const mismatch = result.annotations.filter((a) => a.title === "T001");
    expect(mismatch).toHaveLength(exitCode);
    if (exitCode) {
      expect(mismatch[0]).toMatchObject({ file: "pyproject.toml", line: 7 });
      expect(mismatch[0].message).toContain(`but the build made version ${version}`);
    }
  });

  test("check-tag false skips the tag, and expected-version still applies", async () => {
    const workspace = workspaceWith("setuptools");
    const result = await runAction({
      action: "build-dist",
      workspace,
      inputs: { ...offline, "check-tag": "false", "expected-version": "1.2.4" },
      ref: "refs/tags/v9.9.9",
    });
    expect(result.exitCode).toBe(1);
    const errors = result.annotations.filter((a) => a.level === "error" && a.title);
    expect(errors.map((a) => a.title)).toEqual(["T002"]);
  });

  test("a wheel that cannot be built from the sdist fails naming the wheel step", async () => {
    // MANIFEST.in drops the package from the sdist: the tree builds, the sdist does not.
    const workspace = workspaceWith("setuptools", (dir) =>
      writeFileSync(path.join(dir, "MANIFEST.in"), "prune demo_setuptools\n"),
    );
    const result = await runAction({ action: "build-dist", workspace, inputs: offline });
    expect(result.exitCode).toBe(1);
    const errors = result.annotations.filter((a) => a.level === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(
      /^build-dist: Building the wheel failed; the backend's output/,
    );
    expect(result.stdout).toContain("::group::Building with python -m build");
    expect(result.stdout).not.toMatch(/\n\s+at /);
    expect(existsSync(path.join(workspace, "dist"))).toBe(false);
  });

  test("a backend that cannot load fails naming the sdist step", async () => {
    const workspace = workspaceWith("setuptools", (dir) =>
      editFile(dir, "pyproject.toml", (t) => t.replace("setuptools.build_meta", "no_such_backend")),
    );
    const result = await runAction({ action: "build-dist", workspace, inputs: offline });
    expect(result.exitCode).toBe(1);
    expect(result.annotations.at(-1)?.message).toMatch(/^build-dist: Building the sdist failed/);
  });

  test("strict turns a warning into a failure, and ignore-checks skips it", async () => {
    const workspace = () =>
      workspaceWith("setuptools", (dir) =>
        editFile(dir, "pyproject.toml", (t) => t.replace('readme = "README.md"\n', "")),
      );
    const lenient = await runAction({
      action: "build-dist",
      workspace: workspace(),
      inputs: offline,
    });
    const warnings = lenient.annotations.filter((a) => a.level === "warning");
    expect(warnings.length).toBeGreaterThan(0);
    expect(lenient.exitCode).toBe(0);
    const strict = await runAction({
      action: "build-dist",
      workspace: workspace(),
      inputs: { ...offline, strict: "true" },
    });
    expect(strict.exitCode).toBe(1);
    const codes = [...new Set(warnings.map((a) => a.title))].join(", ");
    const ignored = await runAction({
      action: "build-dist",
      workspace: workspace(),
      inputs: { ...offline, strict: "true", "ignore-checks": `${codes}, F005` },
    });
    expect(ignored.annotations.filter((a) => a.level !== "notice")).toEqual([]);
    expect(ignored.exitCode).toBe(0);
  });

  test("a frontend that writes no dist fails, naming what is missing", async () => {
    const result = await runAction({
      action: "build-dist",
      workspace: workspaceWith("setuptools"),
      inputs: { ...offline, python: "/bin/true" },
    });
    expect(result.exitCode).toBe(1);
    expect(result.annotations).toEqual([
      expect.objectContaining({
        level: "error",
        message: expect.stringContaining("wrote no sdist (.tar.gz) and no wheel (.whl)"),
      }),
    ]);
    expect(result.summary).not.toContain("ready to ship");
  });

  test.each([
    [{ "ignore-checks": "W002 X123" }, "input 'ignore-checks' has unknown check code X123"],
    [{ sdist: "false", wheel: "false" }, "inputs 'sdist' and 'wheel' are both false"],
    [
      { "check-tag": "true" },
      "input 'check-tag' is true, but GITHUB_REF (refs/heads/main) is not a tag",
    ],
    [{ builder: "uv" }, "input 'builder' is uv, but uv is not on PATH"],
    [{ python: "/no/such/python" }, "python"],
  ])("bad input %j fails with a short error", async (inputs, message) => {
    const result = await runAction({
      action: "build-dist",
      workspace: workspaceWith("setuptools"),
      inputs: { ...offline, ...inputs },
      env: { PATH: "/usr/bin:/bin" },
    });
    expect(result.exitCode).toBe(1);
    expect(result.annotations).toEqual([
      expect.objectContaining({ level: "error", message: expect.stringContaining(message) }),
    ]);
    expect(result.stdout).not.toMatch(/\n\s+at /);
  });
});

describe("build-dist uploads the artifact", () => {
  let service: RunningArtifactService | undefined;
  afterAll(async () => service?.close());

  test("the dists go up as one artifact named by artifact-name", async () => {
    service = await startArtifactService();
    const workspace = workspaceWith("flit");
    const result = await runAction({
      action: "build-dist",
      workspace,
      inputs: { ...offline, "upload-artifact": "true", "artifact-name": "dists-linux" },
      env: service.env,
    });
    expect(result.exitCode).toBe(0);
    expect(result.outputs["artifact-name"]).toBe("dists-linux");
    expect(service.artifacts().map((a) => a.name)).toEqual(["dists-linux"]);
    const files = await service.files("dists-linux");
    const uploaded = files.map((file) => file.path).sort();
    expect(uploaded).toEqual(["demo_flit-2.0.0-py3-none-any.whl", "demo_flit-2.0.0.tar.gz"]);
    const wheel = files.find((file) => file.path.endsWith(".whl"));
    expect(wheel?.data.equals(readFileSync(result.outputs.wheels))).toBe(true);
  });

  test("with no artifact service it warns and carries on", async () => {
    const result = await runAction({
      action: "build-dist",
      workspace: workspaceWith("flit"),
      inputs: { ...offline, "upload-artifact": "true" },
    });
    expect(result.exitCode).toBe(0);
    expect(result.outputs["artifact-name"]).toBe("");
    expect(result.annotations).toContainEqual(
      expect.objectContaining({
        level: "warning",
        message: expect.stringContaining("Not uploading the python-dist artifact"),
      }),
    );
  });
});

describe("build-dist attests build provenance", () => {
  let issuer: RunningOidcIssuer;
  let sigstore: RunningSigstore;
  let api: RunningGitHubApi;
  beforeAll(async () => {
    issuer = await startOidcIssuer();
    // @actions/attest wants the token's iss to start with the issuer it fetches the keys from.
    issuer.setClaims({ iss: issuer.url, repository: "pyship-test/example" });
    sigstore = await startSigstore({ jwks: issuer.jwks });
    api = await startGitHubApi();
  });
  afterAll(async () => {
    await Promise.all([sigstore?.close(), issuer?.close(), api?.close()]);
  });

  const provenance = { ...offline, "attest-build-provenance": "true" };

  test("each dist's SLSA attestation reaches the GitHub API, verifies, and its subject is the dist", async () => {
    const result = await runAction({
      action: "build-dist",
      workspace: workspaceWith("flit"),
      inputs: { ...provenance, "github-token": api.token },
      env: {
        ...issuer.env(),
        GITHUB_API_URL: api.url,
        PYSHIP_OIDC_ISSUER: issuer.url,
        PYSHIP_FULCIO_URL: sigstore.url,
        PYSHIP_REKOR_URL: sigstore.url,
      },
    });
    expect(result.annotations.filter((a) => a.level === "error")).toEqual([]);
    expect(result.exitCode).toBe(0);
    const dists = [result.outputs.sdist, result.outputs.wheels];
    const files = result.outputs.attestations.split("\n");
    expect(files.map((file) => path.dirname(file))).toEqual(
      dists.map(() => path.join(result.runnerTemp, "pyship-provenance")),
    );
    const verifier = new Verifier(toTrustMaterial(TrustedRoot.fromJSON(sigstore.trustedRoot)), {
      tlogThreshold: 1,
      ctlogThreshold: 1,
      tsaThreshold: 0,
    });
    for (const [index, dist] of dists.entries()) {
      const sha256 = createHash("sha256").update(readFileSync(dist)).digest("hex");
      const listed = await fetch(
        `${api.url}/repos/pyship-test/example/attestations/sha256:${sha256}`,
        { headers: { authorization: `Bearer ${api.token}` } },
      );
      const { attestations } = (await listed.json()) as { attestations: { bundle: unknown }[] };
      expect(attestations).toHaveLength(1);
      const { bundle } = attestations[0] as { bundle: DsseBundle };
      expect(bundle).toEqual(JSON.parse(readFileSync(files[index], "utf8")));
      const signer = verifier.verify(toSignedEntity(bundleFromJSON(bundle)));
      expect(signer.identity?.subjectAlternativeName).toBe(
        "https://github.com/pyship-test/example/.github/workflows/release.yml@refs/tags/v1.0.0",
      );
      const statement = JSON.parse(
        Buffer.from(bundle.dsseEnvelope?.payload ?? "", "base64").toString("utf8"),
      );
      expect(statement.predicateType).toBe("https://slsa.dev/provenance/v1");
      expect(statement.subject).toEqual([{ name: path.basename(dist), digest: { sha256 } }]);
    }
    const ids = api.attestations("pyship-test", "example").map((a) => String(a.id));
    expect(result.outputs["attestation-ids"].split("\n")).toEqual(ids);
    expect(result.summary).toContain("### Build provenance");
    // Masked (the runner hides them), and shown nowhere else.
    const shown = shownText(result);
    for (const token of [api.token, ...issuer.tokens]) {
      expect(result.stdout).toContain(`::add-mask::${token}`);
      expect(shown).not.toContain(token);
    }
  });

  test("without id-token: write the step fails before building, naming the input and the permissions", async () => {
    const workspace = workspaceWith("flit");
    const result = await runAction({ action: "build-dist", workspace, inputs: provenance });
    expect(result.exitCode).toBe(1);
    expect(result.annotations).toEqual([
      expect.objectContaining({
        level: "error",
        message: expect.stringMatching(
          /input 'attest-build-provenance' is true, but this job cannot request an OIDC token .*id-token: write` and `attestations: write`/,
        ),
      }),
    ]);
    expect(existsSync(path.join(workspace, "dist"))).toBe(false);
  });
});
