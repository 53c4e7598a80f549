/** PEP 440 versions and specifier sets, compared as sets of versions rather than as strings. */
import pep440 from "@renovatebot/pep440";
import specifiers from "@renovatebot/pep440/lib/specifier.js";

export const isValidVersion = (version: string): boolean => pep440.valid(version) !== null;
export const compareVersions = (a: string, b: string): number => pep440.compare(a, b);

export function isValidSpecifier(specifier: string): boolean {
  return specifier.trim() === "" || specifiers.validRange(specifier);
}

/** Whether `version` is in the set; pre-releases count (a lock may pin one on purpose). */
export function satisfies(version: string, specifier: string): boolean {
  if (specifier.trim() === "") return true;
  return specifiers.satisfies(version, specifier, { prereleases: true });
}

/** One end of an interval; `undefined` is unbounded. */
interface Bound {
  version: string;
  inclusive: boolean;
}
export interface Interval {
  lower?: Bound;
  upper?: Bound;
}

const everything: Interval[] = [{}];

/** The specifier set as a sorted union of disjoint intervals; `~=3.11.0` and `==3.11.*` give the same. */
export function specifierRange(specifier: string): Interval[] {
  if (specifier.trim() === "") return everything;
  let range = everything;
  for (const clause of specifiers.parse(specifier)) {
    range = intersect(range, clauseRange(clause));
  }
  return range;
}

/** Whether two specifier sets admit the same versions. */
export function sameSpecifierSet(a: string, b: string): boolean {
  const [left, right] = [specifierRange(a), specifierRange(b)];
  return (
    left.length === right.length && left.every((interval, i) => sameInterval(interval, right[i]))
  );
}

interface Clause {
  operator: string;
  version?: string;
  prefix?: string;
  legacy?: string;
  release?: number[];
}

/** The first version after every version that starts with `release[0..length)`. */
function bump(release: number[], length: number): string {
  const parts = release.slice(0, length);
  parts[parts.length - 1] += 1;
  return parts.join(".");
}

function clauseRange({ operator, version, prefix, legacy, release = [] }: Clause): Interval[] {
  if (legacy !== undefined || version === undefined) {
    const exact = { version: legacy ?? "", inclusive: true };
    return [{ lower: exact, upper: exact }];
  }
  const at = (inclusive: boolean) => ({ version, inclusive });
  const wildcard = prefix === ".*";
  switch (operator) {
    case ">=":
      return [{ lower: at(true) }];
    case ">":
      return [{ lower: at(false) }];
    case "<=":
      return [{ upper: at(true) }];
    case "<":
      return [{ upper: at(false) }];
    case "~=":
      return [
        {
          lower: at(true),
          upper: { version: bump(release, release.length - 1), inclusive: false },
        },
      ];
    case "==":
    case "===":
      if (wildcard) {
        return [
          { lower: at(true), upper: { version: bump(release, release.length), inclusive: false } },
        ];
      }
      return [{ lower: at(true), upper: at(true) }];
    case "!=":
      if (wildcard) {
        return [
          { upper: at(false) },
          { lower: { version: bump(release, release.length), inclusive: true } },
        ];
      }
      return [{ upper: at(false) }, { lower: at(false) }];
    default:
      throw new Error(`unknown specifier operator ${operator}`);
  }
}

function compareLower(a?: Bound, b?: Bound): number {
  if (!a || !b) return (a ? 1 : 0) - (b ? 1 : 0);
  return compareVersions(a.version, b.version) || (a.inclusive ? 0 : 1) - (b.inclusive ? 0 : 1);
}

function compareUpper(a?: Bound, b?: Bound): number {
  if (!a || !b) return (b ? 1 : 0) - (a ? 1 : 0);
  return compareVersions(a.version, b.version) || (a.inclusive ? 1 : 0) - (b.inclusive ? 1 : 0);
}

function isEmpty({ lower, upper }: Interval): boolean {
  if (!lower || !upper) return false;
  const order = compareVersions(lower.version, upper.version);
  return order > 0 || (order === 0 && !(lower.inclusive && upper.inclusive));
}

function intersect(left: Interval[], right: Interval[]): Interval[] {
  const result: Interval[] = [];
  for (const a of left) {
    for (const b of right) {
      const interval = {
        lower: compareLower(a.lower, b.lower) >= 0 ? a.lower : b.lower,
        upper: compareUpper(a.upper, b.upper) <= 0 ? a.upper : b.upper,
      };
      if (!isEmpty(interval)) result.push(interval);
    }
  }
  return merge(result.sort((a, b) => compareLower(a.lower, b.lower)));
}

/** Joins sorted intervals that touch or overlap, so one set has one form. */
function merge(sorted: Interval[]): Interval[] {
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged.at(-1);
    if (last && touches(last.upper, interval.lower)) {
      if (compareUpper(interval.upper, last.upper) > 0) last.upper = interval.upper;
    } else {
      merged.push({ ...interval });
    }
  }
  return merged;
}

function touches(upper?: Bound, lower?: Bound): boolean {
  if (!upper || !lower) return true;
  const order = compareVersions(upper.version, lower.version);
  return order > 0 || (order === 0 && (upper.inclusive || lower.inclusive));
}

function sameInterval(a: Interval, b: Interval): boolean {
  return compareLower(a.lower, b.lower) === 0 && compareUpper(a.upper, b.upper) === 0;
}
