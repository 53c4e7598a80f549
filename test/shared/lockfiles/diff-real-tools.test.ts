/** diffLocks on lock pairs today's tools write (test/harness/tool-lock-pairs.ts, the oracle chroot). */
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { directKeys } from "../../../shared/lockcheck/direct.js";
import { diffLocks, type LockDiff } from "../../../shared/lockfiles/diff.js";
import { parseLock } from "../../../shared/lockfiles/index.js";
import { parseTomlText } from "../../../shared/project/files.js";
import { manifestOf } from "../../../shared/project/pyproject.js";
import type { RunningIndex } from "../../harness/index-server.js";
import { describeWithOracles, oracleName } from "../../harness/oracles.js";
import { TOOL_TIMEOUT_MS } from "../../harness/python-tools.js";
import { type LockTool, projects, writeToolLockPairs } from "../../harness/tool-lock-pairs.js";

describeWithOracles("diffLocks on locks today's tools write", () => {
  let index: RunningIndex;
  const diffs: Partial<Record<LockTool, LockDiff>> = {};

  beforeAll(async () => {
    const written = await writeToolLockPairs(
      mkdtempSync(path.join(os.tmpdir(), "pyship-lock-diff-")),
    );
    index = written.index;
    for (const [name, pair] of Object.entries(written.pairs)) {
      const [base, head] = [pair.base.lock, pair.head.lock].map((text) =>
        parseLock(text, pair.lockfile),
      );
      const text = pair.head.manifest;
      const manifest = manifestOf(parseTomlText(text, pair.manifest), text, pair.manifest);
      diffs[name as LockTool] = diffLocks(base, head, directKeys(head, manifest));
    }
  }, TOOL_TIMEOUT_MS);

  afterAll(async () => {
    await index?.close();
  });

  test.each(Object.keys(projects) as (keyof typeof projects)[])(
    "%s: the upgrade, the addition and what it pulled in, the removal",
    (name) => {
      const diff = diffs[name] as LockDiff;
      const summary = diff.changes.map((c) => [c.kind, c.key, c.from ?? null, c.to ?? null]);
      expect([oracleName(name), summary]).toEqual([
        oracleName(name),
        expect.arrayContaining([
          ["upgraded", "alpha", "1.5", "2.0"],
          ["added", "delta", null, "1.0"],
          ["removed", "gamma", "1.0", null],
          ["added", "omega", null, "1.0"],
        ]),
      ]);
      const delta = diff.changes.find((c) => c.key === "delta");
      expect(delta?.direct).toBe(false);
      // Pipfile.lock records no edges, so there it cannot say who pulled delta in.
      expect(delta?.pulledInBy).toEqual(name === "pipenv" ? [] : ["omega"]);
      expect(diff.changes.find((c) => c.key === "omega")?.direct).toBe(true);
    },
    TOOL_TIMEOUT_MS,
  );

  // Re-locking, Poetry and PDM keep an unchanged pin's recorded hashes; pipenv fetches them again.
  test("pipenv: the rebuilt beta 1.0 keeps its version with other hashes, flagged", () => {
    const beta = (diffs.pipenv as LockDiff).changes.find((c) => c.key === "beta");
    expect([oracleName("pipenv"), beta]).toEqual([
      oracleName("pipenv"),
      expect.objectContaining({ kind: "changed", from: "1.0", to: "1.0", hashesChanged: true }),
    ]);
  });

  test.each(["poetry", "pdm"] as const)(
    "%s: keeps beta 1.0's recorded hashes when it re-locks, so beta is unchanged",
    (name) => {
      const beta = (diffs[name] as LockDiff).changes.find((c) => c.key === "beta");
      expect([oracleName(name), beta]).toEqual([oracleName(name), undefined]);
    },
  );
});
