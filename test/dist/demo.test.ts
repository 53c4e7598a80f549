import { spawnSync } from "node:child_process";
import path from "node:path";
import { expect, test } from "@jest/globals";
import { inheritedEnv, repoRoot } from "../harness/runner.js";

/** `npm run demo`'s script, as the README runs it (the bundles under PYSHIP_TEST_NODE when set). */
function demo(env: Record<string, string> = {}) {
  const tsx = path.join(repoRoot, "node_modules/.bin/tsx");
  const run = spawnSync(tsx, ["demo/demo.ts"], {
    cwd: repoRoot,
    env: {
      ...inheritedEnv(),
      ...(process.env.PYSHIP_TEST_NODE ? { PYSHIP_TEST_NODE: process.env.PYSHIP_TEST_NODE } : {}),
      ...env,
    },
    encoding: "utf8",
    timeout: 600_000,
  });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

test("the demo runs the pipeline from a PR to installing the release, and ends with its table", () => {
  const { code, output } = demo();
  expect(output).toContain("| total");
  expect(output).toContain("10 of 10 steps passed");
  for (const step of [
    "lock-check (PR)",
    "audit (PR)",
    "lock-check",
    "setup-venv (cold)",
    "setup-venv (warm)",
    "tests in the venv",
    "audit (offline)",
    "build-dist",
    "release (OIDC)",
    "install and import",
  ]) {
    expect(output).toContain(`✓ ${step}: `);
  }
  // The PR adds idna 3.6: lock-check shows the diff, and audit fails the PR on its new advisory.
  expect(output).toMatch(
    /^✓ lock-check \(PR\): 1 added, 0 removed, 0 changed: adds idna 3\.6 \(direct\); no drift: true$/m,
  );
  expect(output).toMatch(
    /^✓ audit \(PR\): 1 new vulnerability \(of 1\): idna 3\.6 PYSEC-2024-60 \(high, fixed in 3\.7\); audit fails the PR, as it should$/m,
  );
  expect(output).toMatch(/^\| audit \(PR\) +\| +[\d.]+ s \| ok: 1 new vulnerability/m);
  expect(output).toContain("Hello, pyship!");
  expect(output).toMatch(
    /release \(OIDC\): .*2 PEP 740 attestations \(Rekor log index \d+, \d+\), signed as https:\/\/github.com\//,
  );
  expect(code).toBe(0);
});

test("a failing step is one line, the table still ends the run, and the exit code is 1", () => {
  const { code, output } = demo({ PYSHIP_TEST_NODE: "/no/such/node" });
  expect(output).toMatch(/^✗ lock-check \(PR\): .*\/no\/such\/node/m);
  expect(output).toContain("0 of 10 steps passed");
  expect(output).not.toMatch(/^\s+at /m);
  expect(code).toBe(1);
});
