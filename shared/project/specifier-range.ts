/** PEP 440 specifier sets as sorted unions of disjoint intervals, to tell whether two sets are the same. */
import {
  type Clause,
  compareParsed,
  comparePublic,
  formatVersion,
  isPrerelease,
  isValidSpecifier,
  parseSpecifierSet,
  parseVersion,
  type Version,
} from "./pep440.js";

/** One end of an interval; `undefined` is unbounded. `afterPosts` sits above every V.postN. */
interface Bound {
  version: string;
  inclusive: boolean;
  afterPosts?: boolean;
}
export interface Interval {
  lower?: Bound;
  upper?: Bound;
}

const everything: Interval[] = [{}];

/** The specifier set as a sorted union of disjoint intervals; `~=3.11.0` and `==3.11.*` give the same. Invalid sets give []. */
export function specifierRange(specifier: string): Interval[] {
  const clauses = parseSpecifierSet(specifier);
  if (!clauses) return [];
  let range = everything;
  for (const clause of clauses) range = intersect(range, clauseRange(clause));
  return range;
}

/** Whether two specifier sets admit the same versions; invalid ones only equal themselves. */
export function sameSpecifierSet(a: string, b: string): boolean {
  if (clausesText(a) === clausesText(b)) return true;
  if (!isValidSpecifier(a) || !isValidSpecifier(b)) return false;
  const [left, right] = [specifierRange(a), specifierRange(b)];
  return (
    left.length === right.length && left.every((interval, i) => sameInterval(interval, right[i]))
  );
}

const clausesText = (specifier: string) =>
  String(specifier).replace(/\s+/g, "").split(",").filter(Boolean).sort().join(",");

const versionOf = (v: Omit<Version, "text">): string => formatVersion(v);

/** The `.dev0` of the release after `release[0..length)`, the first version past that prefix. */
function nextPrefix(epoch: number, release: number[], length: number): string {
  const parts = release.slice(0, length);
  parts[parts.length - 1] += 1;
  return versionOf({ epoch, release: parts, dev: 0 });
}

function clauseRange(clause: Clause): Interval[] {
  const spec = clause.parsed;
  if (!spec) return everything;
  const at = (inclusive: boolean): Bound => ({ version: spec.text, inclusive });
  const { epoch, release } = spec;
  switch (clause.operator) {
    case ">=":
      return [{ lower: at(true) }];
    case ">":
      if (spec.dev !== undefined || spec.post !== undefined) return [{ lower: at(false) }];
      return [{ lower: { ...at(false), afterPosts: true } }];
    case "<=":
      return [{ upper: at(true) }];
    case "<": {
      const bound = isPrerelease(spec)
        ? spec.text
        : versionOf({ ...spec, dev: 0, local: undefined });
      return [{ upper: { version: bound, inclusive: false } }];
    }
    case "~=":
      return [
        {
          lower: at(true),
          upper: { version: nextPrefix(epoch, release, release.length - 1), inclusive: false },
        },
      ];
    case "==":
      if (clause.wildcard) {
        return [
          {
            // Lockers read `==3.11.*` as `~=3.11.0`: the prefix's own pre-releases are left out here.
            lower: { version: versionOf({ epoch, release }), inclusive: true },
            upper: { version: nextPrefix(epoch, release, release.length), inclusive: false },
          },
        ];
      }
      return [{ lower: at(true), upper: at(true) }];
    case "!=":
      if (clause.wildcard) {
        return [
          { upper: { version: versionOf({ epoch, release }), inclusive: false } },
          { lower: { version: nextPrefix(epoch, release, release.length), inclusive: true } },
        ];
      }
      return [{ upper: at(false) }, { lower: at(false) }];
    default:
      return everything;
  }
}

/** Orders two bound points; an after-posts point sorts above its version's post-releases. */
function comparePoints(a: Bound, b: Bound): number {
  const [x, y] = [parseVersion(a.version) as Version, parseVersion(b.version) as Version];
  if (a.afterPosts && b.afterPosts) return compareParsed(x, y);
  if (a.afterPosts) return -afterPostsVersus(x, y);
  if (b.afterPosts) return afterPostsVersus(y, x);
  return compareParsed(x, y);
}

/** Sign of (other − afterPosts(base)). */
function afterPostsVersus(base: Version, other: Version): number {
  const root = { ...other, post: undefined, dev: undefined, local: undefined };
  if (comparePublic(root, base) === 0 && other.post !== undefined) return -1;
  return comparePublic(other, base) > 0 ? 1 : -1;
}

function compareLower(a?: Bound, b?: Bound): number {
  if (!a || !b) return (a ? 1 : 0) - (b ? 1 : 0);
  return comparePoints(a, b) || (a.inclusive ? 0 : 1) - (b.inclusive ? 0 : 1);
}

function compareUpper(a?: Bound, b?: Bound): number {
  if (!a || !b) return (b ? 1 : 0) - (a ? 1 : 0);
  return comparePoints(a, b) || (a.inclusive ? 1 : 0) - (b.inclusive ? 1 : 0);
}

function isEmpty({ lower, upper }: Interval): boolean {
  if (!lower || !upper) return false;
  const order = comparePoints(lower, upper);
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
  const order = comparePoints(upper, lower);
  return order > 0 || (order === 0 && (upper.inclusive || lower.inclusive));
}

function sameInterval(a: Interval, b: Interval): boolean {
  return compareLower(a.lower, b.lower) === 0 && compareUpper(a.upper, b.upper) === 0;
}
