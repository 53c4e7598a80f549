/** Cooldown, statically: packages a PR adds or upgrades that were uploaded too recently, or after exclude-newer. */
import type { PackageChange } from "../lockfiles/diff.js";
import type { Lock, LockedFile } from "../lockfiles/model.js";
import { newestUploadTime } from "../lockfiles/upload-time.js";
import { formatSpan } from "../project/durations.js";
import {
  cutoffFor,
  cutoffTime,
  describeCutoff,
  type ExcludeNewerSetting,
} from "../project/exclude-newer.js";
import { type DriftFinding, findingsFor, fixCommand } from "./drift.js";

export interface CooldownPolicy {
  /** `min-release-age` in milliseconds; undefined is off. */
  minReleaseAgeMs?: number;
  /** The manifest's exclude-newer, when it sets one. */
  excludeNewer?: ExcludeNewerSetting;
}

/** An added or upgraded registry package, with what the head lock records of it. */
export interface CooldownCandidate {
  change: PackageChange;
  name: string;
  key: string;
  version: string;
  /** The registry the lock names for it (undefined: the default index). */
  registry?: string;
  /** Its locked files (names and hashes), to pick them out of the index's answer. */
  files: LockedFile[];
  /** The newest upload time the lock records for its files, when it records one. */
  uploadTime?: string;
}

export const cooldownIsOn = (policy: CooldownPolicy): boolean =>
  policy.minReleaseAgeMs !== undefined || policy.excludeNewer !== undefined;

/** The changes cooldown applies to: added or upgraded, from a registry (git, URL and path sources have no upload time). */
export function cooldownCandidates(
  changes: readonly PackageChange[],
  head: Lock,
): CooldownCandidate[] {
  return changes.flatMap((change) => {
    if ((change.kind !== "added" && change.kind !== "upgraded") || !change.to) return [];
    const entries = head.packages.filter((p) => p.key === change.key && p.version === change.to);
    const registry = entries.find((p) => p.source.kind === "registry");
    if (registry?.source.kind !== "registry") return [];
    const files = entries.flatMap((p) => p.files);
    return [
      {
        change,
        name: change.name,
        key: change.key,
        version: change.to,
        registry: registry.source.url,
        files,
        uploadTime: newestUploadTime(files),
      },
    ];
  });
}

const shownTime = (ms: number) => new Date(ms).toISOString().replace(/:\d{2}\.\d{3}Z$/, "Z");

const what = (c: CooldownCandidate) =>
  c.change.kind === "upgraded" && c.change.from
    ? `${c.name} ${c.version} (upgraded from ${c.change.from})`
    : `${c.name} ${c.version} (added)`;

/** The findings for candidates whose upload time is known; `reference` is the head commit's time. */
export function cooldownFindings(
  lock: Lock,
  dated: readonly { candidate: CooldownCandidate; uploadTime: string }[],
  policy: CooldownPolicy,
  reference: number,
): DriftFinding[] {
  const finding = findingsFor(lock);
  return dated.flatMap(({ candidate, uploadTime }) => {
    const uploaded = Date.parse(uploadTime);
    const base = {
      package: candidate.name,
      locked: candidate.version,
      file: lock.file,
      line: candidate.change.line,
    };
    const found: DriftFinding[] = [];
    const minimum = policy.minReleaseAgeMs;
    if (minimum !== undefined && reference - uploaded < minimum) {
      const age = reference - uploaded;
      const when = age < 0 ? "after the head commit" : `${formatSpan(age)} before the head commit`;
      const ready = shownTime(uploaded + minimum);
      found.push(
        finding({
          ...base,
          severity: "error",
          code: "release-too-new",
          message: `${what(candidate)} was uploaded ${shownTime(uploaded)}, ${when}; min-release-age is ${formatSpan(minimum)}.`,
          fix: `Keep the previous version until ${ready}, or lock an older release.`,
        }),
      );
    }
    const setting = policy.excludeNewer;
    const cutoff = setting && cutoffFor(setting, candidate.key);
    if (setting && cutoff && uploaded > cutoffTime(cutoff, reference)) {
      const at = shownTime(cutoffTime(cutoff, reference));
      const rule = cutoff.kind === "absolute" ? at : `${at}, ${describeCutoff(cutoff)}`;
      found.push(
        finding({
          ...base,
          severity: "error",
          code: "exclude-newer",
          message: `${what(candidate)} was uploaded ${shownTime(uploaded)}, after ${setting.file}'s ${setting.name} cutoff (${rule}).`,
          fix:
            lock.format === setting.tool
              ? `Run: ${fixCommand(lock)}`
              : `Re-lock with ${setting.tool}, which honours exclude-newer.`,
        }),
      );
    }
    return found;
  });
}

/** One notice for the candidates whose upload time is unknown, with why; undefined when there are none. */
export function unknownUploadTimes(
  lock: Lock,
  unknown: readonly { candidate: CooldownCandidate; reason: string }[],
  total: number,
): DriftFinding | undefined {
  if (unknown.length === 0) return undefined;
  const reasons = [...new Set(unknown.map((u) => u.reason))].join("; ");
  const names = unknown.slice(0, 10).map((u) => `${u.candidate.name} ${u.candidate.version}`);
  const more = unknown.length > names.length ? `, and ${unknown.length - names.length} more` : "";
  return findingsFor(lock)({
    severity: "notice",
    code: "upload-time-unknown",
    file: lock.file,
    message: `cooldown: ${unknown.length} of ${total} added or upgraded packages not checked, their upload time unknown (${reasons}): ${names.join(", ")}${more}.`,
    fix: "Check them by hand, or set index-url to an index with a JSON API.",
  });
}
