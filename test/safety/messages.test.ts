/** Unclear or doubled messages: one located error for a broken dist, never two. */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "@jest/globals";
import { repoRoot } from "../harness/runner.js";
import { expectSafeEnd, makeSandbox, runSafely } from "./sandbox.js";

describe("a broken dist gives one clear error", () => {
  test.each([
    ["an sdist that is not gzip", "demo-1.0.tar.gz", "not gzip at all\n"],
    ["a wheel that is not a zip", "demo-1.0-py3-none-any.whl", "not a zip\n"],
  ])("%s, read without validation", async (_label, name, content) => {
    const sandbox = makeSandbox();
    mkdirSync(path.join(sandbox.workspace, "dist"));
    writeFileSync(path.join(sandbox.workspace, "dist", name), content);
    const run = await runSafely(sandbox, {
      action: "trusted-publish",
      inputs: { password: "pypi-not-used", "verify-metadata": "false", "dry-run": "true" },
    });
    expectSafeEnd(sandbox, run, { exitCode: 1, errorNames: new RegExp(`Cannot read ${name}`) });
    const errors = run.result.annotations.filter((a) => a.level === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0].file).toBe(`dist/${name}`);
  });
});

describe("a runner that stops reading the step's output", () => {
  const node = process.env.PYSHIP_TEST_NODE ?? process.execPath;
  // Generous: the point is that the step ends at all (it used to spin on EPIPE for ever).
  const limitMs = 120_000;

  test.each(["audit", "build-dist", "lock-check", "setup-venv", "trusted-publish"])(
    "%s ends failed when its log pipe closes",
    async (action) => {
      const sandbox = makeSandbox();
      const child = spawn(node, [path.join(repoRoot, "dist", action, "index.js")], {
        cwd: sandbox.workspace,
        env: {
          PATH: process.env.PATH ?? "",
          GITHUB_WORKSPACE: sandbox.workspace,
          RUNNER_TEMP: sandbox.runnerTemp,
          "INPUT_WORKING-DIRECTORY": "not-there",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child.stdout.destroy();
      child.stderr.destroy();
      const ended = await new Promise<number | null | "running">((resolve) => {
        const timer = setTimeout(() => {
          child.kill("SIGKILL");
          resolve("running");
        }, limitMs);
        child.on("exit", (code) => {
          clearTimeout(timer);
          resolve(code);
        });
      });
      expect(ended).toBe(1);
    },
    180_000,
  );
});
