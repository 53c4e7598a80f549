/** Whether setup-venv caches the venv in this run: `cache: auto` stays off where it is risky. */
/** Events whose runs hold secrets or write access while running code a pull request can shape. */
const privilegedEvents = ["pull_request_target", "workflow_run", "release"];

/**
 * Caching is off by default where a poisoned cache could reach a release or a privileged run;
 * `off` says why, for a notice.
 */
export function cacheWanted(
  input: "auto" | "true" | "false",
  env: Record<string, string | undefined>,
): { wanted: boolean; off?: string } {
  if (input !== "auto") return { wanted: input === "true" };
  const event = env.GITHUB_EVENT_NAME ?? "";
  const ref = env.GITHUB_REF ?? "";
  const off = privilegedEvents.includes(event)
    ? `a ${event} run is privileged`
    : ref.startsWith("refs/tags/")
      ? `${ref} is a tag push`
      : undefined;
  if (!off) return { wanted: true };
  return {
    wanted: false,
    off: `cache: auto does not cache here: ${off}, and a poisoned cache could reach it. Set cache: true to cache anyway.`,
  };
}
