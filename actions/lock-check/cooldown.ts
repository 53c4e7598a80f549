/** lock-check's cooldown: the packages a PR adds or upgrades, against min-release-age and exclude-newer. */
import path from "node:path";
import { Deadline } from "../../shared/http/deadline.js";
import {
  type CooldownCandidate,
  type CooldownPolicy,
  cooldownCandidates,
  cooldownFindings,
  cooldownIsOn,
  unknownUploadTimes,
} from "../../shared/lockcheck/cooldown.js";
import type { DriftFinding, LockReport } from "../../shared/lockcheck/index.js";
import type { LockDiff, PackageChange } from "../../shared/lockfiles/diff.js";
import { formatSpan } from "../../shared/project/durations.js";
import { cutoffFor } from "../../shared/project/exclude-newer.js";
import { readManifest } from "../../shared/project/manifest.js";
import type { ActionIo } from "../../shared/runtime/index.js";
import { shownRelativeTo } from "../../shared/runtime/paths.js";
import { headCommitTime } from "../../shared/workspace/head-commit.js";
import type { LockCheckInputs } from "./inputs.js";
import {
  jsonApiRoot,
  PYPI,
  type UploadTimeAnswer,
  UploadTimeClient,
  type UploadTimeQuery,
} from "./upload-times.js";

/** A checked lockfile and what the PR changed in it. */
export interface LockChanges {
  report: LockReport;
  changes: readonly PackageChange[];
}

export type UploadTimeLookup = (queries: UploadTimeQuery[]) => Promise<UploadTimeAnswer[]>;

/** The JSON API lookups of one run: each version asked once, 8 at a time, within 2 minutes. */
export function uploadTimeLookup(): UploadTimeLookup {
  const client = new UploadTimeClient({
    retry: { retries: 2 },
    deadline: new Deadline(120_000, "the index's JSON API lookups", "min-release-age"),
  });
  return (queries) => client.lookupAll(queries);
}

/** The cooldown of a run: each lock diff's added and upgraded packages checked; without diffs, an info line. */
export async function cooldownOfRun(
  inputs: LockCheckInputs,
  reports: readonly LockReport[],
  diffs: readonly LockDiff[],
  io: ActionIo,
  deps: { env: Record<string, string | undefined>; uploadTimes?: UploadTimeLookup },
): Promise<DriftFinding[]> {
  const locks = diffs.flatMap((diff) => {
    const report = reports.find((r) => r.lock?.file === diff.file);
    return report ? [{ report, changes: diff.changes }] : [];
  });
  if (locks.length === 0 && inputs.minReleaseAgeMs !== undefined)
    io.info(
      "lock-check: min-release-age checks what a pull request adds or upgrades, and there is no lock diff here (not a pull_request or merge_group event, or no base lock).",
    );
  return checkCooldown(inputs, locks, io, deps.env, deps.uploadTimes);
}

interface LockPlan {
  report: LockReport;
  policy: CooldownPolicy;
  candidates: CooldownCandidate[];
}

/** The policy for one lockfile: the input, and the exclude-newer of the manifest beside it. */
function policyOf(inputs: LockCheckInputs, report: LockReport): CooldownPolicy {
  const manifest = readManifest(path.dirname(report.path), shownRelativeTo(inputs.workspace));
  const excludeNewer = manifest?.excludeNewer;
  // A value the tool would refuse is refused here too, though no package needs it.
  if (excludeNewer)
    for (const key of ["", ...Object.keys(excludeNewer.packages)]) cutoffFor(excludeNewer, key);
  return { minReleaseAgeMs: inputs.minReleaseAgeMs, excludeNewer };
}

/** Checks, reports (one table per lockfile) and returns the cooldown findings. */
export async function checkCooldown(
  inputs: LockCheckInputs,
  locks: readonly LockChanges[],
  io: ActionIo,
  env: Record<string, string | undefined>,
  lookup: UploadTimeLookup = uploadTimeLookup(),
): Promise<DriftFinding[]> {
  const plans: LockPlan[] = locks.flatMap(({ report, changes }) => {
    if (!report.lock) return [];
    const policy = policyOf(inputs, report);
    if (!cooldownIsOn(policy)) return [];
    return [{ report, policy, candidates: cooldownCandidates(changes, report.lock) }];
  });
  if (plans.length === 0) return [];
  const reference = headCommitTime(inputs.workspace, env);
  const queries = plans.flatMap(({ candidates }) =>
    candidates
      .filter((c) => c.uploadTime === undefined)
      .map((c) => ({ candidate: c, query: queryOf(c, inputs.indexUrl ?? PYPI) })),
  );
  const answers = new Map(
    (await lookup(queries.map((q) => q.query))).map((answer, i) => [queries[i].candidate, answer]),
  );
  const all: DriftFinding[] = [];
  for (const plan of plans) {
    const findings = lockFindings(plan, answers, reference.at);
    io.info(describeRun(plan, answers, reference.source));
    await io.report(
      reportTitle(plan, findings),
      findings,
      "✅ no added or upgraded package is too new",
    );
    all.push(...findings);
  }
  return all;
}

const queryOf = (c: CooldownCandidate, indexUrl: string): UploadTimeQuery => ({
  index: jsonApiRoot(c.registry, indexUrl),
  name: c.key,
  version: c.version,
  files: c.files,
});

function lockFindings(
  { report, policy, candidates }: LockPlan,
  answers: Map<CooldownCandidate, UploadTimeAnswer>,
  reference: number,
): DriftFinding[] {
  const lock = report.lock as NonNullable<LockReport["lock"]>;
  const dated: { candidate: CooldownCandidate; uploadTime: string }[] = [];
  const unknown: { candidate: CooldownCandidate; reason: string }[] = [];
  for (const candidate of candidates) {
    const answer = answers.get(candidate);
    if (candidate.uploadTime) dated.push({ candidate, uploadTime: candidate.uploadTime });
    else if (answer?.kind === "found") dated.push({ candidate, uploadTime: answer.uploadTime });
    else unknown.push({ candidate, reason: answer?.reason ?? "not asked" });
  }
  const notice = unknownUploadTimes(lock, unknown, candidates.length);
  return [...cooldownFindings(lock, dated, policy, reference), ...(notice ? [notice] : [])];
}

function reportTitle({ report }: LockPlan, findings: DriftFinding[]): string {
  const errors = findings.filter((f) => f.severity === "error").length;
  const status =
    errors > 0 ? `❌ ${errors} too new` : findings.length > 0 ? "ℹ️ not all checked" : "✅ passed";
  return `lock-check: \`${report.lockfile}\` cooldown ${status}`;
}

function describeRun(
  { report, policy, candidates }: LockPlan,
  answers: Map<CooldownCandidate, UploadTimeAnswer>,
  reference: string,
): string {
  const rules = [
    policy.minReleaseAgeMs !== undefined && `min-release-age ${formatSpan(policy.minReleaseAgeMs)}`,
    policy.excludeNewer &&
      `${policy.excludeNewer.file}'s ${policy.excludeNewer.name} = '${policy.excludeNewer.value}'`,
  ].filter(Boolean);
  const fromLock = candidates.filter((c) => c.uploadTime !== undefined).length;
  const fromIndex = candidates.filter((c) => answers.get(c)?.kind === "found").length;
  return `lock-check: ${report.lockfile}: cooldown checked ${fromLock + fromIndex} of ${candidates.length} added or upgraded packages against ${rules.join(" and ")}, counting back from ${reference} (upload times: ${fromLock} from the lock, ${fromIndex} from the index's JSON API).`;
}
