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
import { afterAll, describe, expect, test } from "@jest/globals";
import { loadInputs } from "../../../actions/build-dist/inputs.js";
import { type BuildDistDeps, run } from "../../../actions/build-dist/run.js";
import type { ArtifactUploadRequest } from "../../../shared/artifact/upload.js";
import { InputReader, inputVariable } from "../../../shared/runtime/index.js";
import { runInProcess, summaryText } from "../../harness/recording-io.js";
import { inheritedEnv, repoRoot } from "../../harness/runner.js";

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
  options: { ref?: string; upload?: BuildDistDeps["uploadArtifact"] } = {},
) {
  const env: Record<string, string> = { ...inheritedEnv(), GITHUB_WORKSPACE: workspace };
  if (options.ref) env.GITHUB_REF = options.ref;
  for (const [name, value] of Object.entries({ ...offline, ...inputs }))
    env[inputVariable(name)] = value;
  const upload = options.upload ?? artifactUploads(uploaded).upload;
  return runInProcess("build-dist", (io) =>
    run(loadInputs(new InputReader(env), env), io, { env, uploadArtifact: upload }),
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
