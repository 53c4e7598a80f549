/** lock-check's semantic lock diff on a pull request: each lockfile against its base revision. */
import { diffSection, hashFindings } from "../../shared/lockcheck/diff-report.js";
import { directKeys } from "../../shared/lockcheck/direct.js";
import type { LockReport } from "../../shared/lockcheck/index.js";
import { diffLocks, type LockDiff } from "../../shared/lockfiles/diff.js";
import type { Lock } from "../../shared/lockfiles/model.js";
import { type ActionIo, errorMessage } from "../../shared/runtime/index.js";
import type {
  BaseLock,
  BaseRevision,
  baseRevisionFromEnv,
  readBaseLock,
} from "../../shared/workspace/base-lock.js";

export interface BaseLockDeps {
  env: Record<string, string | undefined>;
  baseRevision: typeof baseRevisionFromEnv;
  readBaseLock: typeof readBaseLock;
}

/** The step summary allows 1 MiB; each lockfile's diff gets at most this much of it. */
const SUMMARY_CHARS = 200_000;

/**
 * On pull_request, pull_request_target and merge_group events: each lock's diff against the base
 * (no base lock: everything added), its hashes-changed warnings added to the report's findings.
 */
export async function diffAgainstBase(
  reports: LockReport[],
  workspace: string,
  token: string,
  io: ActionIo,
  deps: BaseLockDeps,
): Promise<LockDiff[]> {
  const revision = deps.baseRevision(deps.env, token);
  if (!revision) return [];
  const diffs: LockDiff[] = [];
  for (const report of reports) {
    if (!report.lock) continue;
    const base = await baseOf(report.lockfile, workspace, revision, io, deps);
    if (base === "unreadable") continue;
    const diff = diffLocks(base, report.lock, report.direct, baseDirect(base, report.direct));
    report.findings.push(...hashFindings(diff));
    diffs.push(diff);
  }
  return diffs;
}

/** The base's own roots (uv, requirements) and what the head's manifest declares. */
const baseDirect = (base: Lock | undefined, direct: Set<string>) =>
  new Set([...(base ? directKeys(base, undefined) : []), ...direct]);

async function baseOf(
  lockfile: string,
  workspace: string,
  revision: BaseRevision,
  io: ActionIo,
  deps: BaseLockDeps,
): Promise<Lock | undefined | "unreadable"> {
  let base: BaseLock;
  try {
    base = await deps.readBaseLock(workspace, lockfile, revision);
  } catch (error) {
    base = { status: "unreadable", reason: errorMessage(error) };
  }
  const at = `the base ${revision.sha.slice(0, 12)}`;
  if (base.status === "read") {
    io.info(`lock-check: ${lockfile} compared with ${at} (read through ${base.via})`);
    return base.lock;
  }
  if (base.status === "absent") {
    io.info(`lock-check: ${lockfile} is new: ${at} has no such file, so every package is added`);
    return undefined;
  }
  io.warning(
    `lock-check: could not read ${lockfile} at ${at} (${base.reason}); no lock diff for it.`,
  );
  return "unreadable";
}

/** Appends each diff to the job summary. */
export async function summarizeDiffs(diffs: LockDiff[], io: ActionIo): Promise<void> {
  for (const diff of diffs) {
    await io.summary(
      `${diffSection(diff, SUMMARY_CHARS, "the `diff` output lists every change")}\n`,
    );
  }
}

/** The `added`, `removed`, `changed` and `diff` outputs. */
export function setDiffOutputs(diffs: LockDiff[], io: ActionIo): void {
  const total = (key: keyof LockDiff["counts"]) =>
    String(diffs.reduce((sum, diff) => sum + diff.counts[key], 0));
  io.setOutput("added", total("added"));
  io.setOutput("removed", total("removed"));
  io.setOutput("changed", total("changed"));
  const json = JSON.stringify(diffs);
  const fits = json.length <= DIFF_OUTPUT_CHARS;
  if (!fits)
    io.warning(
      `lock-check: the diff output would be ${json.length} characters, over GitHub's 1 MiB of step outputs; it keeps each lockfile's counts, without its changes.`,
    );
  io.setOutput("diff", fits ? json : JSON.stringify(diffs.map((d) => ({ ...d, changes: [] }))));
}

/** GitHub keeps at most 1 MiB of a step's outputs; the diff gets most of it. */
const DIFF_OUTPUT_CHARS = 900_000;
