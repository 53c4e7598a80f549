/** When a pull request's head commit was made: the time a cooldown counts back from. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

export interface HeadCommitTime {
  /** Milliseconds since the epoch. */
  at: number;
  /** What it is: "the head commit abc1234's committer date", or "now". */
  source: string;
}

/** The PR's head sha (pull_request, merge_group events), from the event payload. */
function headSha(env: Record<string, string | undefined>): string | undefined {
  if (!env.GITHUB_EVENT_PATH) return undefined;
  try {
    const payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, "utf8"));
    const sha = payload?.pull_request?.head?.sha ?? payload?.merge_group?.head_sha;
    return typeof sha === "string" && /^[0-9a-f]{7,64}$/i.test(sha) ? sha : undefined;
  } catch {
    return undefined;
  }
}

/** The committer date of the PR's head commit, else of HEAD, from git in the workspace; else now. */
export function headCommitTime(
  workspace: string,
  env: Record<string, string | undefined>,
  now = Date.now(),
): HeadCommitTime {
  for (const revision of [headSha(env), "HEAD"]) {
    if (!revision) continue;
    try {
      const out = execFileSync(
        "git",
        ["show", "-s", "--format=%cI", `${revision}^{commit}`, "--"],
        {
          cwd: workspace,
          encoding: "utf8",
          stdio: ["ignore", "pipe", "ignore"],
          timeout: 10_000,
        },
      ).trim();
      const at = Date.parse(out);
      if (Number.isFinite(at))
        return {
          at,
          source: `the committer date of ${revision === "HEAD" ? "HEAD" : revision.slice(0, 7)}`,
        };
    } catch {
      // not a git checkout, or the commit is not fetched: try the next
    }
  }
  return { at: now, source: "now (no head commit in the workspace's git)" };
}
