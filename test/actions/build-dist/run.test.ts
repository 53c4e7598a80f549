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
import { buildSLSAProvenancePredicate } from "@actions/attest";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { bundleFromJSON } from "@sigstore/bundle";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import { loadInputs } from "../../../actions/build-dist/inputs.js";
import { type BuildDistDeps, run } from "../../../actions/build-dist/run.js";
import type { ArtifactUploadRequest } from "../../../shared/artifact/upload.js";
import { InputReader, inputVariable } from "../../../shared/runtime/index.js";
import { type RunningGitHubApi, startGitHubApi } from "../../harness/github-api.js";
import { type RunningOidcIssuer, startOidcIssuer } from "../../harness/oidc-issuer.js";
import { runInProcess, summaryText } from "../../harness/recording-io.js";
import { inheritedEnv, repoRoot } from "../../harness/runner.js";
import { type RunningSigstore, signWithStandIn, startSigstore } from "../../harness/sigstore.js";

const fixtures = path.join(repoRoot, "test/fixtures/build-dist");
// Debian's python has build and the backends, offline; setuptools 66's sdist names are F005.
const offline = {
  python: "/usr/bin/python3",
  builder: "build",
  isolation: "false",
  "ignore-checks": "F005",
};
const scratch: string[] = [];

afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

function workspaceWith(project: string, edit?: (dir: string) => void): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pyship-build-dist-run-"));
  scratch.push(dir);
  cpSync(path.join(fixtures, project), dir, { recursive: true });
  edit?.(dir);
  return dir;
}

const editFile = (dir: string, name: string, change: (text: string) => string) =>
  writeFileSync(path.join(dir, name), change(readFileSync(path.join(dir, name), "utf8")));

/** Records artifact uploads; answers as given. */
function artifactUploads(answer: Awaited<ReturnType<BuildDistDeps["uploadArtifact"]>>) {
  const requests: ArtifactUploadRequest[] = [];
  const upload: BuildDistDeps["uploadArtifact"] = async (request) => {
    requests.push(request);
    return answer;
  };
  return { requests, upload };
}

const uploaded = { status: "uploaded", id: 1, size: 100 } as const;

/** Loads the inputs from a runner-like environment and runs build-dist in-process. */
function buildDist(
  workspace: string,
  inputs: Record<string, string> = {},
  options: {
    ref?: string;
    upload?: BuildDistDeps["uploadArtifact"];
    env?: Record<string, string>;
    signing?: BuildDistDeps["provenanceSigning"];
  } = {},
) {
  const env: Record<string, string> = {
    ...inheritedEnv(),
    GITHUB_WORKSPACE: workspace,
    ...options.env,
  };
  if (options.ref) env.GITHUB_REF = options.ref;
  for (const [name, value] of Object.entries({ ...offline, ...inputs }))
    env[inputVariable(name)] = value;
  const upload = options.upload ?? artifactUploads(uploaded).upload;
  return runInProcess("build-dist", (io) =>
    run(loadInputs(new InputReader(env), env), io, {
      env,
      uploadArtifact: upload,
      provenanceSigning: options.signing,
    }),
  );
}

describe("build-dist's run(), in-process", () => {
  test("flit builds: outputs, the artifact upload, a notice-only checks report and the summary", async () => {
    const workspace = workspaceWith("flit");
    const artifacts = artifactUploads(uploaded);
    const { io, exitCode } = await buildDist(workspace, {}, { upload: artifacts.upload });
    expect(io.errors).toEqual([]);
    expect(exitCode).toBe(0);
    const dist = path.join(workspace, "dist");
    expect(io.outputs).toEqual({
      name: "demo_flit",
      version: "2.0.0",
      sdist: path.join(dist, "demo_flit-2.0.0.tar.gz"),
      wheels: path.join(dist, "demo_flit-2.0.0-py3-none-any.whl"),
      "dist-dir": dist,
      "python-versions": JSON.stringify(["3.11"]),
      "artifact-name": "python-dist",
      attestations: "",
      "attestation-ids": "",
      "attestation-urls": "",
    });
    expect(readdirSync(dist).sort()).toEqual([
      "demo_flit-2.0.0-py3-none-any.whl",
      "demo_flit-2.0.0.tar.gz",
    ]);
    expect(artifacts.requests).toEqual([
      { name: "python-dist", files: [io.outputs.sdist, io.outputs.wheels], rootDirectory: dist },
    ]);
    expect(io.infos).toContain("Uploaded the python-dist artifact (2 files).");
    expect(io.groups).toEqual(["Building with python -m build"]);
    // Debian's flit_core writes 2.1 PKG-INFO: a notice only, which does not fail the step.
    expect(io.reports.map((report) => report.title)).toEqual(["Checks"]);
    expect(io.findings.map((finding) => [finding.severity, finding.code])).toEqual([
      ["notice", "M006"],
    ]);
    expect(summaryText(io)).toContain("### build-dist: demo_flit 2.0.0 ✅ ready to ship");
    expect(summaryText(io)).toContain("### sha256");
  });

  test("no artifact service: a warning, an empty artifact-name, the dists still in place", async () => {
    const workspace = workspaceWith("flit");
    const { io, exitCode } = await buildDist(
      workspace,
      { sdist: "false" },
      {
        upload: artifactUploads({ status: "unavailable", reason: "ACTIONS_RUNTIME_TOKEN is unset" })
          .upload,
      },
    );
    expect(exitCode).toBe(0);
    expect(io.outputs["artifact-name"]).toBe("");
    expect(io.outputs.sdist).toBe("");
    expect(io.warnings.map((w) => w.message)).toEqual([
      `Not uploading the python-dist artifact: ACTIONS_RUNTIME_TOKEN is unset. The dists are in ${path.join(workspace, "dist")}.`,
    ]);
    expect(existsSync(io.outputs.wheels)).toBe(true);
  });

  test("a tag that does not match the version: a T001 finding at pyproject.toml's version line", async () => {
    const workspace = workspaceWith("setuptools", (dir) =>
      editFile(dir, "pyproject.toml", (t) => t.replace('version = "1.2.3"', 'version = "1.2.4"')),
    );
    const { io, exitCode } = await buildDist(
      workspace,
      { "upload-artifact": "false" },
      { ref: "refs/tags/v1.2.3" },
    );
    expect(exitCode).toBe(1);
    const mismatch = io.findings.filter((finding) => finding.code === "T001");
    expect(mismatch).toEqual([
      expect.objectContaining({ severity: "error", file: "pyproject.toml", line: 7 }),
    ]);
    expect(mismatch[0].message).toContain("but the build made version 1.2.4");
    expect(io.errors).toEqual([
      {
        message: "build-dist: 1 check failed (T001); see the annotations and the job summary.",
        location: {},
      },
    ]);
    expect(io.outputs["artifact-name"]).toBe("");
    expect(summaryText(io)).toContain("❌ 1 failing check");
  });

  test("a backend that cannot load fails naming the sdist step, with no stack", async () => {
    const workspace = workspaceWith("setuptools", (dir) =>
      editFile(dir, "pyproject.toml", (t) => t.replace("setuptools.build_meta", "no_such_backend")),
    );
    const { io, exitCode } = await buildDist(workspace);
    expect(exitCode).toBe(1);
    expect(io.errors).toHaveLength(1);
    expect(io.errors[0].message).toMatch(
      /^build-dist: Building the sdist failed; the backend's output is in the "Building with python -m build" log group\./,
    );
    expect(io.debugs).toEqual([]);
    expect(io.outputs).toEqual({});
    expect(existsSync(path.join(workspace, "dist"))).toBe(false);
  });

  test.each([
    [
      { sdist: "false", wheel: "false" },
      "inputs 'sdist' and 'wheel' are both false: there is nothing to build",
    ],
    [{ "artifact-name": "a/b" }, "input 'artifact-name' is 'a/b'; artifact names cannot hold"],
    [
      { "expected-version": "one.two" },
      "input 'expected-version' is 'one.two', which is not a PEP 440 version",
    ],
    [{ "check-tag": "true" }, "input 'check-tag' is true, but GITHUB_REF (unset) is not a tag"],
    [{ strict: "yes" }, "input 'strict' must be true or false, got 'yes'"],
  ])("a bad input %j is one error through runAction, before any build", async (inputs, message) => {
    const workspace = workspaceWith("flit");
    const { io, exitCode } = await buildDist(workspace, inputs);
    expect(exitCode).toBe(1);
    expect(io.errors).toHaveLength(1);
    expect(io.errors[0].message).toContain(`build-dist: ${message}`);
    expect(io.groups).toEqual([]);
    expect(existsSync(path.join(workspace, "dist"))).toBe(false);
  });
});

describe("build-dist's run(): attest-build-provenance", () => {
  const GITHUB_TOKEN = "ghs_SECRET_build_provenance_token";
  let issuer: RunningOidcIssuer;
  let sigstore: RunningSigstore;
  let api: RunningGitHubApi;
  let readOnlyApi: RunningGitHubApi;

  beforeAll(async () => {
    issuer = await startOidcIssuer();
    // @actions/attest wants the token's iss to start with the issuer it fetches the keys from.
    issuer.setClaims({ iss: issuer.url, repository: "pyship-test/example" });
    sigstore = await startSigstore({ jwks: issuer.jwks });
    api = await startGitHubApi({ token: GITHUB_TOKEN });
    readOnlyApi = await startGitHubApi({ token: GITHUB_TOKEN, forbidWrites: true });
  });
  afterAll(async () => {
    await Promise.all([sigstore?.close(), issuer?.close(), api?.close(), readOnlyApi?.close()]);
  });

  /** A runner's job with id-token: write, the stand-ins as its Sigstore and GitHub API. */
  function jobEnv(apiUrl = api.url): Record<string, string> {
    const runnerTemp = mkdtempSync(path.join(os.tmpdir(), "pyship-build-dist-temp-"));
    scratch.push(runnerTemp);
    return {
      ...issuer.env(),
      GITHUB_REPOSITORY: "pyship-test/example",
      GITHUB_SERVER_URL: "https://github.com",
      GITHUB_API_URL: apiUrl,
      RUNNER_TEMP: runnerTemp,
      PYSHIP_OIDC_ISSUER: issuer.url,
      PYSHIP_FULCIO_URL: sigstore.url,
      PYSHIP_REKOR_URL: sigstore.url,
    };
  }

  /**
   * @actions/attest's real predicate builder (it reads process.env, as on a runner), and the
   * stand-in's signer in a child process (jest cannot load @sigstore/sign on Node 20).
   */
  function standInSigning(env: Record<string, string>): BuildDistDeps["provenanceSigning"] {
    return async () => ({
      predicate: (given) => withProcessEnv(env, () => buildSLSAProvenancePredicate(given)),
      sign: async (statement, options) => {
        expect(options.instance).toMatchObject({ fulcioUrl: sigstore.url, rekorUrl: sigstore.url });
        return signWithStandIn(sigstore, options.idToken, statement);
      },
    });
  }

  const verifier = () =>
    new Verifier(toTrustMaterial(TrustedRoot.fromJSON(sigstore.trustedRoot)), {
      tlogThreshold: 1,
      ctlogThreshold: 1,
      tsaThreshold: 0,
    });

  test("each dist gets a signed SLSA statement, stored on GitHub and kept in RUNNER_TEMP", async () => {
    const workspace = workspaceWith("flit");
    const env = jobEnv();
    const { io, exitCode } = await buildDist(
      workspace,
      { "attest-build-provenance": "true", "github-token": GITHUB_TOKEN },
      { env, signing: standInSigning(env) },
    );
    expect(io.errors).toEqual([]);
    expect(exitCode).toBe(0);
    const dists = [io.outputs.sdist, io.outputs.wheels];
    const bundles = io.outputs.attestations.split("\n");
    expect(bundles).toEqual(
      dists.map((dist) =>
        path.join(env.RUNNER_TEMP, "pyship-provenance", `${path.basename(dist)}.sigstore.json`),
      ),
    );
    expect(readFileSync(path.join(env.RUNNER_TEMP, "created_attestation_paths.txt"), "utf8")).toBe(
      `${bundles.join("\n")}\n`,
    );
    // Nothing is written beside the dists.
    expect(readdirSync(path.join(workspace, "dist")).sort()).toEqual([
      "demo_flit-2.0.0-py3-none-any.whl",
      "demo_flit-2.0.0.tar.gz",
    ]);

    const stored = api.attestations("pyship-test", "example").slice(-2);
    expect(io.outputs["attestation-ids"]).toBe(stored.map((a) => a.id).join("\n"));
    expect(io.outputs["attestation-urls"]).toBe(
      stored.map((a) => `https://github.com/pyship-test/example/attestations/${a.id}`).join("\n"),
    );
    for (const [index, dist] of dists.entries()) {
      const sha256 = createHash("sha256").update(readFileSync(dist)).digest("hex");
      const bundle = JSON.parse(readFileSync(bundles[index], "utf8"));
      expect(stored[index].bundle).toEqual(bundle);
      expect(stored[index].subjectDigests).toEqual([`sha256:${sha256}`]);
      const signer = verifier().verify(toSignedEntity(bundleFromJSON(bundle)));
      expect(signer.identity?.subjectAlternativeName).toBe(
        "https://github.com/pyship-test/example/.github/workflows/release.yml@refs/tags/v1.0.0",
      );
      const statement = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, "base64").toString());
      expect(statement).toMatchObject({
        _type: "https://in-toto.io/Statement/v1",
        subject: [{ name: path.basename(dist), digest: { sha256 } }],
        predicateType: "https://slsa.dev/provenance/v1",
        predicate: {
          buildDefinition: {
            buildType: "https://actions.github.io/buildtypes/workflow/v1",
            externalParameters: {
              workflow: {
                ref: "refs/tags/v1.0.0",
                repository: "https://github.com/pyship-test/example",
                path: ".github/workflows/release.yml",
              },
            },
          },
          runDetails: {
            builder: {
              id: "https://github.com/pyship-test/example/.github/workflows/release.yml@refs/tags/v1.0.0",
            },
          },
        },
      });
    }
    expect(io.groups).toContain("Attesting build provenance");
    const summary = summaryText(io);
    expect(summary).toContain("### Build provenance");
    for (const [index, dist] of dists.entries()) {
      expect(summary).toContain(
        `| \`${path.basename(dist)}\` | [${stored[index].id}](https://github.com/pyship-test/example/attestations/${stored[index].id}) |`,
      );
    }
    const { secrets, ...recorded } = io;
    expect(secrets).toContain(GITHUB_TOKEN);
    const shown = JSON.stringify(recorded);
    expect(shown).not.toContain(GITHUB_TOKEN);
    for (const token of issuer.tokens) expect(shown).not.toContain(token);
  });

  test("a token without attestations: write fails the step naming the permission", async () => {
    const env = jobEnv(readOnlyApi.url);
    const { io, exitCode } = await buildDist(
      workspaceWith("flit"),
      { "attest-build-provenance": "true", "github-token": GITHUB_TOKEN, sdist: "false" },
      { env, signing: standInSigning(env) },
    );
    expect(exitCode).toBe(1);
    expect(io.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(
        /^build-dist: could not store the attestation on pyship-test\/example: 403 .*permissions: attestations: write/,
      ),
    ]);
  });

  test("dists that fail a check are not attested", async () => {
    const workspace = workspaceWith("setuptools", (dir) =>
      editFile(dir, "pyproject.toml", (t) => t.replace('version = "1.2.3"', 'version = "1.2.4"')),
    );
    const env = jobEnv();
    const before = api.attestations("pyship-test", "example").length;
    const { io, exitCode } = await buildDist(
      workspace,
      { "attest-build-provenance": "true", "github-token": GITHUB_TOKEN },
      { env, ref: "refs/tags/v1.2.3", signing: standInSigning(env) },
    );
    expect(exitCode).toBe(1);
    expect(io.outputs.attestations).toBe("");
    expect(io.infos).toContain("Not attesting build provenance: 1 check failed.");
    expect(api.attestations("pyship-test", "example")).toHaveLength(before);
  });
});

/** Runs `fn` with these variables in process.env, as a runner step has them; restores them after. */
async function withProcessEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  try {
    return await fn();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
