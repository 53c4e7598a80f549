/** PEP 440 versions and specifier sets, compared as sets of versions rather than as strings. */
import pep440 from "@renovatebot/pep440";
import specifiers from "@renovatebot/pep440/lib/specifier.js";

type Version = NonNullable<ReturnType<typeof pep440.explain>>;

const explained = new Map<string, Version | null>();

/** Parses a version once; locks and manifests repeat the same versions many times. */
function explain(version: string): Version | null {
  let parsed = explained.get(version);
  if (parsed === undefined) {
    parsed = pep440.explain(version);
    explained.set(version, parsed);
  }
  return parsed;
}

export const isValidVersion = (version: string): boolean => explain(version) !== null;

/** The PEP 440 normal form (`v1.0.0-RC.1` → `1.0.0rc1`), or undefined when it is no version. */
export function normalizeVersion(version: string): string | undefined {
  const parsed = explain(version.trim());
  if (!parsed) return undefined;
  return parsed.local ? `${parsed.public}+${parsed.local}` : parsed.public;
}

/** PEP 440 order: epoch, release (zero-padded), then pre, post, dev and local segments. */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [explain(a), explain(b)];
  if (!x || !y) return pep440.compare(a, b);
  if (x.epoch !== y.epoch) return x.epoch - y.epoch;
  for (let i = 0; i < Math.max(x.release.length, y.release.length); i++) {
    const order = (x.release[i] ?? 0) - (y.release[i] ?? 0);
    if (order !== 0) return order;
  }
  const keys = (v: Version) => [...preKey(v), v.post ?? -1, v.dev ?? Number.POSITIVE_INFINITY];
  const [kx, ky] = [keys(x), keys(y)];
  for (let i = 0; i < kx.length; i++) if (kx[i] !== ky[i]) return kx[i] < ky[i] ? -1 : 1;
  return compareLocal(x.local, y.local);
}

const preRanks: Record<string, number> = {
  a: 0,
  alpha: 0,
  b: 1,
  beta: 1,
  c: 2,
  rc: 2,
  pre: 2,
  preview: 2,
};

function preKey(v: Version): [number, number] {
  if (v.pre) return [preRanks[String(v.pre[0])] ?? 2, Number(v.pre[1] ?? 0)];
  // A dev release with no pre or post segment sorts before every pre-release.
  return v.post === null && v.dev !== null ? [-1, 0] : [3, 0];
}

function compareLocal(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null || b === null) return a === null ? -1 : 1;
  const [x, y] = [a.split(/[._-]/), b.split(/[._-]/)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] === undefined || y[i] === undefined) return x[i] === undefined ? -1 : 1;
    const [nx, ny] = [/^\d+$/.test(x[i]), /^\d+$/.test(y[i])];
    if (nx && ny && Number(x[i]) !== Number(y[i])) return Number(x[i]) - Number(y[i]);
    if (nx !== ny) return nx ? 1 : -1;
    if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return 0;
}

/** Clauses in the plain form most manifests use (`>=1.2`, `==3.*`, `<2.0rc1`), valid without the full grammar. */
const plainClauses =
  /^(\s*(~=|==|!=|<=|>=|<|>)\s*\d+(\.\d+)*(\.\*|(a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?\s*)(,(\s*(~=|==|!=|<=|>=|<|>)\s*\d+(\.\d+)*(\.\*|(a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?\s*))*$/;

export function isValidSpecifier(specifier: string): boolean {
  return (
    specifier.trim() === "" || plainClauses.test(specifier) || specifiers.validRange(specifier)
  );
}

/** Whether `version` is in the set; pre-releases count (a lock may pin one on purpose). */
export function satisfies(version: string, specifier: string): boolean {
  if (specifier.trim() === "") return true;
  const parsed = explain(version);
  const plainRelease =
    parsed && !parsed.pre && parsed.post === null && parsed.dev === null && !parsed.local;
  // PEP 440's special cases (pre-releases under `<`, local versions, `===`) only touch other versions.
  if (!plainRelease || specifier.includes("===")) {
    return specifiers.satisfies(version, specifier, { prereleases: true });
  }
  return specifierRange(specifier).some(
    ({ lower, upper }) =>
      (!lower || compareVersions(version, lower.version) >= (lower.inclusive ? 0 : 1)) &&
      (!upper || compareVersions(version, upper.version) <= (upper.inclusive ? 0 : -1)),
  );
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
  for (const clause of parseClauses(specifier)) {
    range = intersect(range, clauseRange(clause));
  }
  return range;
}

/** Clauses of a specifier set; plain ones are parsed here, the rest by the full grammar. */
function parseClauses(specifier: string): Clause[] {
  const clauses: Clause[] = [];
  for (const text of specifier.split(",")) {
    const match = /^\s*(~=|==|!=|<=|>=|<|>)\s*([^\s*]+?)(\.\*)?\s*$/.exec(text);
    const version = match ? explain(match[2]) : null;
    if (!match || !version) return specifiers.parse(specifier);
    clauses.push({
      operator: match[1],
      version: match[2],
      prefix: match[3],
      release: version.release,
    });
  }
  return clauses;
}

/** Whether two specifier sets admit the same versions. */
export function sameSpecifierSet(a: string, b: string): boolean {
  // Most pairs are written alike; only the others need parsing.
  if (clauses(a) === clauses(b)) return true;
  const [left, right] = [specifierRange(a), specifierRange(b)];
  return (
    left.length === right.length && left.every((interval, i) => sameInterval(interval, right[i]))
  );
}

const clauses = (specifier: string) => specifier.replace(/\s+/g, "").split(",").sort().join(",");

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
