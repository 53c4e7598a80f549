/** Whether a PyPI package version is affected by an OSV advisory, and which versions fix it. */
import { normalizeName } from "../project/names.js";
import { compareVersions, isValidVersion, normalizeVersion } from "../project/pep440.js";
import { type Advisory, type Affected, type EventKind, eventOf, type Range } from "./model.js";

export interface Evaluation {
  affected: boolean;
  /**
   * The smallest `fixed` above the version in each range that holds it (in every range when only
   * the `versions` list matched), PEP 440-sorted without repeats; empty when not affected.
   */
  fixVersions: string[];
  /** Events or versions that are not PEP 440 and were left out; the caller shows them. */
  warnings: string[];
}

/** Range types ordered by PEP 440 for PyPI; GIT ranges name commits and are not evaluated. */
const orderedTypes = new Set(["ECOSYSTEM", "SEMVER"]);

export function evaluateAdvisory(
  advisory: Advisory,
  packageName: string,
  installed: string,
): Evaluation {
  const version = installed.trim();
  const warnings: string[] = [];
  const none = { affected: false, fixVersions: [], warnings };
  if (advisory.withdrawn) return none;
  const entries = advisory.affected.filter((entry) => isFor(entry, normalizeName(packageName)));
  if (entries.length === 0) return none;

  const valid = isValidVersion(version);
  if (!valid) {
    warnings.push(
      `${advisory.id}: ${packageName} ${version} is not a PEP 440 version; ranges skipped`,
    );
  }
  let listed = false;
  let inAnyRange = false;
  const matched: string[] = [];
  const above: string[] = [];
  for (const entry of entries) {
    listed ||= isListed(entry.versions, version);
    for (const range of entry.ranges) {
      const steps = rangeSteps(range, advisory.id);
      if (!steps) continue;
      warnings.push(...steps.warnings);
      if (!valid) continue;
      const hit = inRange(steps, version);
      inAnyRange ||= hit;
      const fix = smallestFixAbove(steps, version);
      if (fix) (hit ? matched : above).push(fix);
    }
  }
  const affected = listed || inAnyRange;
  // A version matched only by the `versions` list takes its fixes from every range.
  const fixes = !affected ? [] : inAnyRange ? matched : above;
  return { affected, fixVersions: sortUnique(fixes), warnings: [...new Set(warnings)] };
}

export function isAffected(
  advisory: Advisory,
  packageName: string,
  version: string,
  warnings?: string[],
): boolean {
  const result = evaluateAdvisory(advisory, packageName, version);
  warnings?.push(...result.warnings);
  return result.affected;
}

export function fixVersions(
  advisory: Advisory,
  packageName: string,
  version: string,
  warnings?: string[],
): string[] {
  const result = evaluateAdvisory(advisory, packageName, version);
  warnings?.push(...result.warnings);
  return result.fixVersions;
}

/** A PyPI entry (the ecosystem may carry a `:suffix`) for the PEP 503-normalized name. */
function isFor(entry: Affected, key: string): boolean {
  const pkg = entry.package;
  return !!pkg && pkg.ecosystem.split(":")[0] === "PyPI" && normalizeName(pkg.name) === key;
}

/** Listed versions by PEP 440 identity, built once per list: `1.0` and `1.0.0` share a key. */
const listedKeys = new WeakMap<string[], Set<string>>();

function isListed(versions: string[], version: string): boolean {
  if (versions.includes(version)) return true; // the usual spelling: no normalizing needed
  let keys = listedKeys.get(versions);
  if (!keys) {
    keys = new Set(versions.map(versionKey));
    listedKeys.set(versions, keys);
  }
  return keys.has(versionKey(version));
}

const versionKeys = new Map<string, string>();

/** The normal form without trailing `.0` release segments; a non-PEP 440 string as written. */
function versionKey(version: string): string {
  let key = versionKeys.get(version);
  if (key === undefined) {
    key = computeVersionKey(version);
    versionKeys.set(version, key);
  }
  return key;
}

function computeVersionKey(version: string): string {
  const normal = normalizeVersion(version);
  if (normal === undefined) return `?${version.trim()}`;
  const [, epoch = "", release, rest] = /^(\d+!)?(\d+(?:\.\d+)*)(.*)$/.exec(normal) ?? [];
  return `${epoch}${release.replace(/(\.0)+$/, "")}${rest}`;
}

interface Step {
  kind: Exclude<EventKind, "limit">;
  version: string;
  /** `introduced: "0"`: before every version, pre-releases of 0 included. */
  zero: boolean;
}

interface Steps {
  events: Step[];
  limits: string[];
  warnings: string[];
}

const kindOrder: Record<Step["kind"], number> = { introduced: 0, last_affected: 1, fixed: 2 };

/** Ranges are immutable once parsed, so each is sorted once however often it is evaluated. */
const sortedRanges = new WeakMap<Range, Steps | null>();

/** The range's events sorted by PEP 440, or null for a range type that is not evaluated. */
function rangeSteps(range: Range, id: string): Steps | null {
  let steps = sortedRanges.get(range);
  if (steps !== undefined) return steps;
  steps = orderedTypes.has(range.type) ? sortSteps(range, id) : null;
  sortedRanges.set(range, steps);
  return steps;
}

function sortSteps(range: Range, id: string): Steps {
  const steps: Steps = { events: [], limits: [], warnings: [] };
  for (const event of range.events) {
    const { kind, version } = eventOf(event);
    const trimmed = version.trim();
    if (kind === "limit" && trimmed === "*") continue;
    if (!isValidVersion(trimmed)) {
      steps.warnings.push(
        `${id}: ${range.type} event ${kind}: ${version} is not a PEP 440 version; skipped`,
      );
    } else if (kind === "limit") {
      steps.limits.push(trimmed);
    } else {
      steps.events.push({ kind, version: trimmed, zero: kind === "introduced" && trimmed === "0" });
    }
  }
  steps.events.sort(
    (a, b) =>
      Number(b.zero) - Number(a.zero) ||
      compareVersions(a.version, b.version) ||
      kindOrder[a.kind] - kindOrder[b.kind],
  );
  return steps;
}

/** The schema's walk: each event at or below the version switches the state on or off. */
function inRange({ events, limits }: Steps, version: string): boolean {
  if (limits.length > 0 && !limits.some((limit) => compareVersions(version, limit) < 0)) {
    return false;
  }
  let affected = false;
  for (const { kind, version: at, zero } of events) {
    const order = zero ? 1 : compareVersions(version, at);
    if (kind === "introduced" && order >= 0) affected = true;
    else if (kind === "fixed" && order >= 0) affected = false;
    else if (kind === "last_affected" && order > 0) affected = false;
  }
  return affected;
}

function smallestFixAbove({ events }: Steps, version: string): string | undefined {
  return events.find((e) => e.kind === "fixed" && compareVersions(e.version, version) > 0)?.version;
}

function sortUnique(versions: string[]): string[] {
  const sorted = [...versions].sort(compareVersions);
  return sorted.filter((v, i) => i === 0 || compareVersions(sorted[i - 1], v) !== 0);
}
