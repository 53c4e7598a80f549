/** lock-check's cooldown through the bundle, on a pull_request event: min-release-age against the index stand-in's upload times. */
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { cooldownIndex, cooldownPullRequest } from "../harness/cooldown-pr.js";
import type { RunningIndex } from "../harness/index-server.js";
import { runAction } from "../harness/runner.js";
import { startServer } from "../harness/server.js";

let index: RunningIndex;
beforeAll(async () => {
  index = await cooldownIndex();
});
afterAll(async () => {
  await index?.close();
});

const onPullRequest = (inputs: Record<string, string>, manifestTail = "") => {
  const { workspace, payload } = cooldownPullRequest(manifestTail);
  return runAction({
    action: "lock-check",
    workspace,
    inputs,
    event: { name: "pull_request", payload },
    env: { GITHUB_REPOSITORY: "o/r" },
  });
};

describe("lock-check's cooldown through the bundled action", () => {
  test("min-release-age 7d: what was uploaded yesterday fails the step, the old upgrade passes", async () => {
    const result = await onPullRequest({ "min-release-age": "7d", "index-url": index.url });
    expect(result.exitCode).toBe(1);
    const tooNew = result.annotations.filter((a) => a.title === "release-too-new");
    expect(tooNew.map((a) => [a.level, a.file, a.message.split(" ")[0]])).toEqual([
      ["error", "uv.lock", "requests"],
      ["error", "uv.lock", "rich"],
    ]);
    expect(result.annotations.some((a) => a.message.startsWith("click"))).toBe(false);
    expect(result.summary).toContain("`uv.lock` cooldown ❌ 2 too new");
    const findings = JSON.parse(result.outputs.findings) as { code: string; package: string }[];
    expect(findings.filter((f) => f.code === "release-too-new").map((f) => f.package)).toEqual([
      "requests",
      "rich",
    ]);
    expect(result.outputs.changed).toBe("3");
  });

  test("the old ones pass: min-release-age 1h", async () => {
    const result = await onPullRequest({ "min-release-age": "1h", "index-url": index.url });
    expect(result.exitCode).toBe(0);
    expect(result.summary).toContain("`uv.lock` cooldown ✅ passed");
  });

  test("offline: an index that cannot be reached is a notice, not a failure", async () => {
    const gone = await startServer(() => undefined);
    await gone.close();
    const result = await onPullRequest({ "min-release-age": "1h", "index-url": gone.url });
    expect(result.exitCode).toBe(0);
    expect(result.annotations).toEqual([
      expect.objectContaining({
        level: "notice",
        title: "upload-time-unknown",
        message: expect.stringContaining("cooldown: 2 of 3 added or upgraded packages not checked"),
      }),
    ]);
  });

  test("a bad min-release-age is an error naming the input, no stack trace", async () => {
    const result = await onPullRequest({ "min-release-age": "soon" });
    expect(result.exitCode).toBe(1);
    expect(result.annotations.map((a) => a.message)).toEqual([
      expect.stringMatching(
        /^lock-check: input 'min-release-age' must be a span above 0 such as 7d, 48h or 2w; got 'soon'/,
      ),
    ]);
    expect(result.stderr ?? "").not.toMatch(/\n\s+at /);
  });
});
