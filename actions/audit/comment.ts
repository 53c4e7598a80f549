/** audit's own sticky PR comment: its report while something is vulnerable, deleted once nothing is. */
import type { ActionIo } from "../../shared/runtime/index.js";
import type { AuditInputs } from "./inputs.js";

export const commentMarker = "<!-- pyship:audit -->";

/** `report` undefined deletes the comment. */
export async function syncComment(
  inputs: AuditInputs,
  report: string | undefined,
  io: ActionIo,
  env: Record<string, string | undefined>,
): Promise<void> {
  // Loaded only with `comment: true`: the GitHub client is most of its weight.
  const { pullRequestFromEnv, syncStickyComment } = await import(
    "../../shared/github/pr-comment.js"
  );
  const target = pullRequestFromEnv(env);
  if (!target) {
    io.info("audit: comment is on, but this is not a pull_request event; no comment written.");
    return;
  }
  const result = await syncStickyComment({
    token: inputs.githubToken,
    target,
    marker: commentMarker,
    body: report && `${commentMarker}\n${report}`,
    apiUrl: env.GITHUB_API_URL,
  });
  io.info(`audit: PR comment ${result}`);
}
