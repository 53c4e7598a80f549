/** lock-check's sticky PR comment: the lock diff, then the drift, under GitHub's size limit. */
import { diffSection, hasChanges } from "../../shared/lockcheck/diff-report.js";
import type { DriftFinding, LockReport } from "../../shared/lockcheck/index.js";
import type { LockDiff } from "../../shared/lockfiles/diff.js";
import { findingsTable } from "../../shared/runtime/index.js";

export const commentMarker = "<!-- pyship:lock-check -->";

/** GitHub refuses longer comment bodies; a margin is kept for the marker and headings. */
export const COMMENT_LIMIT = 65_536;
const MARGIN = 1_000;

/**
 * The comment's body, or undefined (delete it) when there is neither drift nor a lock change:
 * it stays while the PR changes a lock, even once the drift is fixed.
 */
export function commentBody(
  drifted: LockReport[],
  diffs: LockDiff[],
  cooldown: readonly DriftFinding[] = [],
): string | undefined {
  const changed = diffs.filter(hasChanges);
  if (drifted.length === 0 && changed.length === 0 && cooldown.length === 0) return undefined;
  const tooNew = cooldown.some((f) => f.severity === "error");
  const title =
    drifted.length > 0
      ? "lockfile drift"
      : tooNew
        ? "too new for the cooldown"
        : "what this PR changes in the lock";
  const drift = [...drifted.map(driftSection), ...cooldownSection(cooldown)];
  let room = COMMENT_LIMIT - MARGIN - drift.join("\n\n").length;
  const sections = changed.map((diff, i) => {
    const section = diffSection(
      diff,
      Math.max(room / (changed.length - i), 500),
      "the job summary and the `diff` output list every change",
    );
    room -= section.length + 2;
    return section;
  });
  return `${commentMarker}\n## 🔒 lock-check: ${title}\n\n${[...sections, ...drift].join("\n\n")}\n`;
}

function driftSection(report: LockReport): string {
  const fix = report.findings.find((f) => f.fix)?.fix?.replace(/^Run: /, "") ?? "re-lock";
  return `### \`${report.lockfile}\` drifted\n\n${findingsTable(report.findings)}\n\nFix: \`${fix}\``;
}

/** The cooldown's findings, all lockfiles in one table (cut to fit, the job summary has them all). */
function cooldownSection(findings: readonly DriftFinding[]): string[] {
  if (findings.length === 0) return [];
  const shown = findings.slice(0, 50);
  const more =
    findings.length > shown.length
      ? `\n\n… and ${findings.length - shown.length} more in the job summary`
      : "";
  return [`### Cooldown\n\n${findingsTable(shown)}${more}`];
}
