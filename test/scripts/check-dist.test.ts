import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@jest/globals";
import { repoRoot } from "../harness/runner.js";

// A throwaway repository with the fixture action, its bundle committed, as a user's clone would be.
function cloneWithCommittedDist(): string {
  const repo = mkdtempSync(path.join(os.tmpdir(), "pyship-check-dist-"));
  // ncc type-checks the whole tsconfig project, so the copy holds all of it.
  const skip = new Set(["node_modules", "dist", ".git"].map((name) => path.join(repoRoot, name)));
  cpSync(repoRoot, repo, { recursive: true, filter: (source) => !skip.has(source) });
  symlinkSync(path.join(repoRoot, "node_modules"), path.join(repo, "node_modules"));
  writeFileSync(path.join(repo, ".gitignore"), "node_modules\n");
  const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, stdio: "pipe" });
  git("init", "-q");
  execFileSync(process.execPath, ["scripts/bundle.mjs", ...fixtureArgs], { cwd: repo });
  git("add", "-A");
  git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "init");
  return repo;
}

const fixtureArgs = ["--source", "test/fixtures/actions", "--out", "dist"];
const checkDist = (repo: string) =>
  spawnSync(process.execPath, ["scripts/check-dist.mjs", ...fixtureArgs], {
    cwd: repo,
    encoding: "utf8",
  });

test("check-dist passes on a fresh bundle and fails once a source changes without one", () => {
  const repo = cloneWithCommittedDist();
  const clean = checkDist(repo);
  expect(clean.stdout).toContain("check-dist: dist/ matches the sources");
  expect(clean.status).toBe(0);

  const source = path.join(repo, "test/fixtures/actions/echo/run.ts");
  writeFileSync(source, readFileSync(source, "utf8").replace("Hello, ", "Howdy, "));
  const drifted = checkDist(repo);
  expect(drifted.status).toBe(1);
  expect(drifted.stdout).toContain(" M dist/echo/index.js");
  expect(drifted.stdout).toContain("::error::check-dist: dist/ does not match the sources");
}, 180_000);
