/**
 * Data loss: every path an action writes or deletes is checked first. The cases are the attack's
 * table (venv-path src, ., README.md, .. from working-directory app, ../../etc), the other written
 * paths, two setup-venv runs at once, and paths the OS cannot use.
 */
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, test } from "@jest/globals";
import {
  expectSafeEnd,
  makeSandbox,
  runSafely,
  type Sandbox,
  writeEmptyUvProject,
} from "./sandbox.js";

/** A project in `app/` with code beside the lock, a README, and a uv.lock of nothing to install. */
function project(sandbox: Sandbox): string {
  const app = path.join(sandbox.workspace, "app");
  writeEmptyUvProject(app);
  return app;
}

const setupVenv = (sandbox: Sandbox, inputs: Record<string, string>) =>
  runSafely(sandbox, {
    action: "setup-venv",
    inputs: { "working-directory": "app", cache: "false", "install-project": "false", ...inputs },
  });

describe("setup-venv never deletes what is not a venv", () => {
  test.each([
    ["src", /'venv-path': app\/src exists and is not a venv/],
    [".", /'venv-path': app is the working directory, or holds it/],
    ["README.md", /input 'venv-path': 'README.md' is a file, where a folder is written/],
    ["..", /'venv-path': \. is the working directory, or holds it/],
    ["../../etc", /'venv-path': '\.\.\/\.\.\/etc' is outside the workspace and RUNNER_TEMP/],
    ["../../../outside", /is outside the workspace and RUNNER_TEMP/],
  ])("venv-path %s is refused, and nothing is lost", async (venvPath, message) => {
    const sandbox = makeSandbox();
    project(sandbox);
    const run = await setupVenv(sandbox, { "venv-path": venvPath });
    expectSafeEnd(sandbox, run, { exitCode: 1, errorNames: message });
  });

  test("a symlink that leads out of the workspace is followed, and refused", async () => {
    const sandbox = makeSandbox();
    const app = project(sandbox);
    symlinkSync(sandbox.outside, path.join(app, "link"));
    const run = await setupVenv(sandbox, { "venv-path": "link/venv" });
    expectSafeEnd(sandbox, run, { exitCode: 1, errorNames: /it leads to .*outside/ });
  });

  test("an old venv is replaced, and an empty folder is used", async () => {
    const sandbox = makeSandbox();
    const app = project(sandbox);
    mkdirSync(path.join(app, "empty"));
    const first = await setupVenv(sandbox, { "venv-path": "empty" });
    expectSafeEnd(sandbox, first, { exitCode: 0 });
    const second = await setupVenv(sandbox, { "venv-path": "empty" });
    expectSafeEnd(sandbox, second, { exitCode: 0 });
    expect(existsSync(path.join(app, "empty", "pyvenv.cfg"))).toBe(true);
  });
});

describe("two setup-venv runs in one workspace", () => {
  test("a run that finds the venv held by a live run refuses, naming it, and touches nothing", async () => {
    const sandbox = makeSandbox();
    const app = project(sandbox);
    const lock = path.join(app, "..venv.pyship-lock");
    mkdirSync(lock);
    writeFileSync(
      path.join(lock, "owner.json"),
      JSON.stringify({ pid: process.pid, host: os.hostname() }),
    );
    const run = await setupVenv(sandbox, {});
    expectSafeEnd(sandbox, run, {
      exitCode: 1,
      errorNames: /another setup-venv run \(process \d+ .*\) is creating app\/\.venv right now/,
    });
  });

  test("run at the same time, each ends with a venv or the clear refusal, never a broken venv", async () => {
    const sandbox = makeSandbox();
    project(sandbox);
    const runs = await Promise.all([setupVenv(sandbox, {}), setupVenv(sandbox, {})]);
    for (const run of runs) {
      expectSafeEnd(sandbox, run);
      if (run.result.exitCode !== 0) {
        const errors = run.result.annotations.filter((a) => a.level === "error");
        expect(errors.map((e) => e.message).join("\n")).toMatch(/another setup-venv run/);
      }
    }
    expect(runs.some((run) => run.result.exitCode === 0)).toBe(true);
    expect(existsSync(path.join(sandbox.workspace, "app", ".venv", "pyvenv.cfg"))).toBe(true);
  });
});

describe("the other written paths", () => {
  test.each([
    ["build-dist", { "output-dir": "../../outside" }, /'output-dir': .* is outside the workspace/],
    ["build-dist", { "output-dir": "README.md" }, /'output-dir': 'README.md' is a file/],
    [
      "audit",
      { "sarif-file": "../../outside/x.sarif" },
      /'sarif-file': .* is outside the workspace/,
    ],
    ["audit", { "report-file": "/etc/pyship.json" }, /'report-file': .* is outside the workspace/],
    ["audit", { "sbom-file": "src" }, /'sbom-file': 'src' is a folder, where a file is written/],
    ["audit", { "report-file": "README.md/x.json" }, /README.md in its path is a file/],
  ])("%s %j is refused before anything is written", async (action, inputs, message) => {
    const sandbox = makeSandbox();
    project(sandbox);
    const run = await runSafely(sandbox, {
      action,
      inputs: { "working-directory": "app", ...inputs },
    });
    expectSafeEnd(sandbox, run, { exitCode: 1, errorNames: message });
  });
});

describe("paths the OS cannot use name their input", () => {
  test.each([
    [
      "setup-venv",
      { "working-directory": "nope" },
      /'working-directory': 'nope' cannot be used: it does not exist/,
    ],
    ["build-dist", { "working-directory": "nope" }, /'working-directory': 'nope' cannot be used/],
    [
      "lock-check",
      { "working-directory": "app/README.md" },
      /'working-directory': 'app\/README.md' is a file/,
    ],
    [
      "setup-venv",
      { "working-directory": "app", lockfile: "src" },
      /'lockfile': 'src' is a folder, not a file/,
    ],
    [
      "audit",
      { "working-directory": "app", lockfile: "README.md/uv.lock" },
      /'lockfile': .* README.md in its path is a file/,
    ],
    [
      "setup-venv",
      { "working-directory": "app", "venv-path": "x".repeat(300) },
      /'venv-path': 'x{200}… \(300 characters\)' cannot be used: a name in the path is longer than 255 bytes/,
    ],
    ["trusted-publish", { "packages-dir": "app/README.md" }, /'packages-dir'/],
  ])("%s %j", async (action, inputs, message) => {
    const sandbox = makeSandbox();
    project(sandbox);
    const run = await runSafely(sandbox, {
      action,
      inputs,
      env: {
        ACTIONS_ID_TOKEN_REQUEST_URL: "http://127.0.0.1:9/token",
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: "t",
      },
    });
    expectSafeEnd(sandbox, run, { exitCode: 1, errorNames: message });
  });
});
