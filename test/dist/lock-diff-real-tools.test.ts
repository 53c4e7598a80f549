/** lock-check's PR diff through the bundle, on lock pairs today's Poetry, PDM and pipenv write. */
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import type { RunningIndex } from "../harness/index-server.js";
import { describeWithOracles, oracleName } from "../harness/oracles.js";
import { pullRequestEvent, pullRequestRepo } from "../harness/pull-request-repo.js";
import { TOOL_TIMEOUT_MS } from "../harness/python-tools.js";
import { runAction } from "../harness/runner.js";
import {
  type LockTool,
  type ToolLockPair,
  writeToolLockPairs,
} from "../harness/tool-lock-pairs.js";

describeWithOracles(
  "the lock diff of a PR whose head lock a real tool wrote, through the bundle",
  () => {
    const scratch = mkdtempSync(path.join(os.tmpdir(), "pyship-lock-diff-tools-"));
    let index: RunningIndex;
    let pairs: Record<LockTool, ToolLockPair>;

    beforeAll(async () => {
      ({ index, pairs } = await writeToolLockPairs(scratch));
    }, TOOL_TIMEOUT_MS);
    afterAll(async () => {
      await index?.close();
    });

    test.each(["poetry", "pdm", "pipenv"] as const)(
      "%s: the upgrade, the addition and what it pulled in, the removal",
      async (tool) => {
        const pair = pairs[tool];
        const side = (at: ToolLockPair["base"]) => ({
          [pair.manifest]: at.manifest,
          [pair.lockfile]: at.lock,
        });
        const repo = pullRequestRepo(scratch, side(pair.base), side(pair.head));
        const result = await runAction({
          action: "lock-check",
          workspace: repo.dir,
          inputs: { lockfile: pair.lockfile },
          event: pullRequestEvent(repo),
        });
        const [diff] = JSON.parse(result.outputs.diff || "[{}]");
        const changes = (diff.changes ?? []).map((c: { kind: string; key: string }) => [
          c.kind,
          c.key,
        ]);
        expect([oracleName(tool), result.exitCode, changes]).toEqual([
          oracleName(tool),
          0,
          expect.arrayContaining([
            ["upgraded", "alpha"],
            ["added", "omega"],
            ["added", "delta"],
            ["removed", "gamma"],
          ]),
        ]);
        expect(result.summary).toContain("| ⬆️ upgraded | `alpha` | 1.5 | 2.0 |");
        expect(result.summary).toMatch(/\| ➕ added \| `omega` \|/);
        expect(result.outputs.removed).toBe("1");
      },
      TOOL_TIMEOUT_MS,
    );
  },
);
