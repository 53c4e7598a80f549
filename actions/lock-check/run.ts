/** lock-check's main step: each lockfile against its manifest (drift) and, on a PR, its base (the lock diff); the PR comment. */
import path from "node:path";
import { pullRequestFromEnv, syncStickyComment } from "../../shared/github/pr-comment.js";
import { checkProject, type DriftFinding, type LockReport } from "../../shared/lockcheck/index.js";
import { runToolCheck, type ToolVerdict } from "../../shared/lockcheck/tools.js";
import type { LockDiff } from "../../shared/lockfiles/diff.js";
import { type ActionIo, CheckFailed, lastLines } from "../../shared/runtime/index.js";
import { shownRelativeTo } from "../../shared/runtime/paths.js";
import { baseRevisionFromEnv, readBaseLock } from "../../shared/workspace/base-lock.js";
import { commentBody, commentMarker } from "./comment.js";
import { cooldownOfRun, type UploadTimeLookup } from "./cooldown.js";
import type { LockCheckInputs } from "./inputs.js";
import { type BaseLockDeps, diffAgainstBase, setDiffOutputs, summarizeDiffs } from "./lock-diff.js";

export { commentMarker } from "./comment.js";

export interface LockCheckDeps extends BaseLockDeps {
  toolCheck: typeof runToolCheck;
  /** The index's JSON API, for upload times the lock does not record. */
  uploadTimes?: UploadTimeLookup;
}

const defaultDeps: LockCheckDeps = {
  env: process.env,
  toolCheck: runToolCheck,
  baseRevision: baseRevisionFromEnv,
  readBaseLock,
};

export async function run(
  inputs: LockCheckInputs,
  io: ActionIo,
  given: Partial<LockCheckDeps> = {},
): Promise<void> {
  const deps = { ...defaultDeps, ...given };
  const reports = checkProject(inputs);
  const checked = reports.filter((r) => !r.diffOnly);
  if (inputs.mode === "tool") {
    for (const report of checked) await compareWithTool(report, io, deps);
  }
  const diffs = await diffAgainstBase(reports, inputs.workspace, inputs.githubToken, io, deps);
  await summarizeDiffs(diffs, io);
  for (const report of checked) {
    await io.report(reportTitle(report), report.findings, "✅ up to date");
  }
  if (reports.length === 0) {
    io.notice(
      `lock-check: no lockfile found in ${shownRelativeTo(inputs.workspace)(inputs.workingDirectory)}`,
    );
    await io.summary("### lock-check\n\nNo lockfile found: nothing to check.");
  }
  const cooldown = await cooldownOfRun(inputs, reports, diffs, io, deps);
  const drifted = reports.filter((r) => r.drift);
  io.setOutput("drift", String(drifted.length > 0));
  io.setOutput(
    "lockfiles",
    checked
      .filter((r) => r.lock)
      .map((r) => r.lockfile)
      .join("\n"),
  );
  const findings = [...reports.flatMap((r) => r.findings), ...cooldown];
  io.setOutput("findings", JSON.stringify(findings.map(findingJson)));
  setDiffOutputs(diffs, io);

  if (inputs.comment) await syncComment(inputs, drifted, diffs, io, deps, cooldown);
  if (drifted.length > 0 && inputs.failOnDrift) {
    const names = drifted.map((r) => r.lockfile).join(", ");
    throw new CheckFailed(
      `${names} ${drifted.length > 1 ? "have" : "has"} drifted from the manifest; see the findings above.`,
    );
  }
  const tooNew = cooldown.filter((f) => f.severity === "error").length;
  if (tooNew > 0)
    throw new CheckFailed(
      `${tooNew} cooldown finding${tooNew === 1 ? "" : "s"}: a package the pull request adds or upgrades is too new; see the findings above.`,
    );
}

function reportTitle(report: LockReport): string {
  const errors = report.findings.filter((f) => f.severity === "error").length;
  const status = report.drift
    ? `❌ drifted (${errors} finding${errors === 1 ? "" : "s"})`
    : "✅ up to date";
  return `lock-check: \`${report.lockfile}\` ${status}`;
}

const findingJson = (f: DriftFinding) => ({
  lockfile: f.lockfile,
  code: f.code,
  package: f.package ?? null,
  declared: f.declared ?? null,
  locked: f.locked ?? null,
  file: f.file ?? null,
  line: f.line ?? null,
  message: f.message,
  fix: f.fix ?? null,
});

async function compareWithTool(
  report: LockReport,
  io: ActionIo,
  deps: LockCheckDeps,
): Promise<void> {
  let verdict: ToolVerdict | undefined;
  try {
    verdict = await deps.toolCheck(report.format, path.dirname(report.path));
  } catch (error) {
    io.warning(
      `lock-check: could not run the tool check for ${report.lockfile}: ${(error as Error).message}`,
    );
    return;
  }
  if (!verdict) {
    io.info(`${report.lockfile}: its tool is not on PATH; the static verdict stands alone.`);
    return;
  }
  io.info(
    `${report.lockfile}: \`${verdict.command}\` says ${verdict.fresh === undefined ? "nothing conclusive" : verdict.fresh ? "up to date" : "out of date"}`,
  );
  if (verdict.fresh === undefined || verdict.fresh === !report.drift) return;
  report.findings.push({
    severity: "warning",
    code: "tool-disagrees",
    lockfile: report.lockfile,
    file: report.lockfile,
    message:
      `${report.lockfile}: \`${verdict.command}\` says ${verdict.fresh ? "up to date" : "out of date"}, the static check says ${report.drift ? "drifted" : "up to date"}. ${lastLine(verdict.output)}`.trim(),
  });
}

const lastLine = (output: string) => lastLines(output, 1)[0]?.slice(0, 300) ?? "";

async function syncComment(
  inputs: LockCheckInputs,
  drifted: LockReport[],
  diffs: LockDiff[],
  io: ActionIo,
  deps: LockCheckDeps,
  cooldown: DriftFinding[],
) {
  const target = pullRequestFromEnv(deps.env);
  if (!target) {
    io.info("lock-check: comment is on, but this is not a pull_request event; no comment written.");
    return;
  }
  const body = commentBody(drifted, diffs, cooldown);
  const result = await syncStickyComment({
    token: inputs.githubToken,
    target,
    marker: commentMarker,
    body,
    apiUrl: deps.env.GITHUB_API_URL,
  });
  io.info(`lock-check: PR comment ${result}`);
}
