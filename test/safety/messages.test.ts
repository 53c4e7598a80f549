/** Unclear or doubled messages: one located error for a broken dist, never two. */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "@jest/globals";
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
