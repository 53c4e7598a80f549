import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "@jest/globals";
import {
  BuildFailed,
  type BuildRequest,
  buildCommand,
  buildDists,
  failedStep,
} from "../../../shared/dists/build.js";
import { ConfigurationError } from "../../../shared/runtime/errors.js";
import { inheritedEnv, repoRoot } from "../../harness/runner.js";

const request = (change: Partial<BuildRequest> = {}): BuildRequest => ({
  projectDirectory: "/project",
  builder: "build",
  python: "python3",
  sdist: true,
  wheel: true,
  wheelFromSdist: true,
  isolation: true,
  env: {},
  ...change,
});

describe("the frontend command", () => {
  test.each([
    [{}, ["python3", "-m", "build", "--outdir", "/out", "/project"]],
    [
      { wheelFromSdist: false },
      ["python3", "-m", "build", "--sdist", "--wheel", "--outdir", "/out", "/project"],
    ],
    [{ wheel: false }, ["python3", "-m", "build", "--sdist", "--outdir", "/out", "/project"]],
    [{ sdist: false }, ["python3", "-m", "build", "--wheel", "--outdir", "/out", "/project"]],
    [
      { isolation: false },
      [
        "python3",
        "-m",
        "build",
        "--no-isolation",
        "--skip-dependency-check",
        "--outdir",
        "/out",
        "/project",
      ],
    ],
    [
      { builder: "uv" as const, isolation: false },
      [
        "uv",
        "build",
        "--no-build-isolation",
        "--python",
        "python3",
        "--out-dir",
        "/out",
        "/project",
      ],
    ],
    [
      { builder: "uv" as const, sdist: false },
      ["uv", "build", "--wheel", "--python", "python3", "--out-dir", "/out", "/project"],
    ],
  ])("%j runs %j", (change, command) => {
    expect(buildCommand(request(change), "/out")).toEqual(command);
  });

  test.each([
    ["* Creating venv isolated environment...\n* Building sdist...\nTraceback", "sdist"],
    ["* Building sdist...\n* Building wheel from sdist\n* Building wheel...\nerror: x", "wheel"],
    ["* Getting build dependencies for wheel...\nboom", "wheel"],
    ["Building source distribution...\nfailed", "sdist"],
    [
      "Building source distribution...\nBuilding wheel from source distribution...\nfailed",
      "wheel",
    ],
    ["nothing recognisable", "sdist"],
  ])("output %j failed in the %s step", (output, step) => {
    expect(failedStep(output, "sdist")).toBe(step);
  });
});

describe("building with Debian's python -m build", () => {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });
  const project = path.join(repoRoot, "test/fixtures/build-dist/flit");
  const offline = { python: "/usr/bin/python3", isolation: false, env: inheritedEnv() };

  test("builds both dists into a fresh directory", async () => {
    const built = await buildDists(request({ projectDirectory: project, ...offline }));
    made.push(built.directory);
    expect(path.basename(built.sdist ?? "")).toBe("demo_flit-2.0.0.tar.gz");
    expect(built.wheels.map((wheel) => path.basename(wheel))).toEqual([
      "demo_flit-2.0.0-py3-none-any.whl",
    ]);
  });

  test("a python that is missing, or has no build module, is a configuration error", async () => {
    await expect(
      buildDists(request({ projectDirectory: project, ...offline, python: "/no/such/python3" })),
    ).rejects.toThrow(
      new ConfigurationError("input 'python': cannot run /no/such/python3: it does not exist"),
    );
    const venv = mkdtempSync(path.join(os.tmpdir(), "pyship-nobuild-"));
    made.push(venv);
    execFileSync("/usr/bin/python3", ["-m", "venv", "--without-pip", venv]);
    const bare = path.join(venv, "bin/python");
    await expect(
      buildDists(request({ projectDirectory: project, ...offline, python: bare })),
    ).rejects.toThrow(`input 'python': ${bare} has no \`build\` module.`);
  });

  test("a broken backend fails in the sdist step", async () => {
    const failure = await buildDists(
      request({ projectDirectory: path.join(repoRoot, "test/fixtures/build-dist"), ...offline }),
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BuildFailed);
    expect((failure as BuildFailed).step).toBe("sdist");
  });
});
