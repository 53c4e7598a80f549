/**
 * A pull request for the cooldown tests: a git repository of the uv-app fixture whose head commit
 * upgrades requests (its upload time, yesterday, in the lock), rich and click; and an index
 * stand-in whose JSON API says rich 13.8.0 was uploaded yesterday and click 8.1.8 long ago.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { daysAgo, type RunningIndex, startIndex } from "./index-server.js";
import { repoRoot } from "./runner.js";
import { buildPackages } from "./wheels.js";

const uvApp = path.join(repoRoot, "test/fixtures/lock-check/uv-app");

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();

/** Upgrades `name` in a uv.lock's text, its files renamed; `uploadTime` written on them when given. */
function upgrade(text: string, name: string, from: string, to: string, uploadTime?: string) {
  const start = text.indexOf(`name = "${name}"\nversion = "${from}"`);
  const end = text.indexOf("[[package]]", start + 1);
  let entry = text.slice(start, end).replaceAll(from, to);
  if (uploadTime) entry = entry.replaceAll(", size = ", `, upload-time = "${uploadTime}", size = `);
  return text.slice(0, start) + entry + text.slice(end);
}

export interface CooldownPullRequest {
  workspace: string;
  base: string;
  head: string;
  /** The pull_request event's payload. */
  payload: unknown;
}

/** The repository; `manifestTail` is appended to pyproject.toml in the head commit. */
export function cooldownPullRequest(manifestTail = ""): CooldownPullRequest {
  const workspace = mkdtempSync(path.join(os.tmpdir(), "pyship-cooldown-"));
  cpSync(uvApp, workspace, { recursive: true });
  git(workspace, "init", "-q", "-b", "main");
  git(workspace, "add", "-A");
  git(workspace, "commit", "-q", "-m", "base");
  const base = git(workspace, "rev-parse", "HEAD");
  const lockPath = path.join(workspace, "uv.lock");
  let lock = readFileSync(lockPath, "utf8");
  lock = upgrade(lock, "requests", "2.32.3", "2.33.0", daysAgo(1));
  lock = upgrade(lock, "rich", "13.7.1", "13.8.0");
  lock = upgrade(lock, "click", "8.1.7", "8.1.8");
  writeFileSync(lockPath, lock);
  const manifest = path.join(workspace, "pyproject.toml");
  writeFileSync(manifest, readFileSync(manifest, "utf8") + manifestTail);
  git(workspace, "add", "-A");
  git(workspace, "commit", "-q", "-m", "upgrade");
  const head = git(workspace, "rev-parse", "HEAD");
  const payload = {
    number: 7,
    pull_request: { number: 7, base: { sha: base }, head: { sha: head } },
    repository: { full_name: "o/r", name: "r", owner: { login: "o" } },
  };
  return { workspace, base, head, payload };
}

/** The index stand-in with rich 13.8.0 (uploaded yesterday) and click 8.1.8 (2020). */
export async function cooldownIndex(): Promise<RunningIndex> {
  const directory = mkdtempSync(path.join(os.tmpdir(), "pyship-cooldown-index-"));
  const [rich] = await buildPackages(
    [
      { name: "rich", version: "13.8.0" },
      { name: "click", version: "8.1.8" },
    ],
    directory,
  );
  return startIndex({ directory, uploadTimes: { [path.basename(rich)]: daysAgo(1) } });
}
