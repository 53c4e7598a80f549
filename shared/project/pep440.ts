/** PEP 440 versions and specifier sets, as `packaging` 26 reads them; invalid input never throws. */

export interface Version {
  epoch: number;
  release: number[];
  /** `a`, `b` or `rc` and its number. */
  pre?: [string, number];
  post?: number;
  dev?: number;
  /** Local label segments: numbers, or lower-case strings. */
  local?: (number | string)[];
  /** The normal form (`1.0rc1.post2+abc.5`). */
  text: string;
}

const pre = String.raw`(?:[-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?(\d+)?)?`;
const post = String.raw`(?:-(\d+)|[-_.]?(?:post|rev|r)[-_.]?(\d+)?)?`;
const dev = String.raw`(?:[-_.]?(dev)[-_.]?(\d+)?)?`;
const local = String.raw`(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?`;
const versionPattern = new RegExp(
  String.raw`^\s*v?(?:(\d+)!)?(\d+(?:\.\d+)*)${pre}(${post})${dev}${local}\s*$`,
  "i",
);
const preNames: Record<string, string> = {
  alpha: "a",
  beta: "b",
  c: "rc",
  pre: "rc",
  preview: "rc",
};

const parsedVersions = new Map<string, Version | null>();

/** Parses a version once; locks and manifests repeat the same versions many times. */
export function parseVersion(text: string): Version | null {
  let parsed = parsedVersions.get(text);
  if (parsed === undefined) {
    parsed = readVersion(text);
    if (parsedVersions.size > 50_000) parsedVersions.clear();
    parsedVersions.set(text, parsed);
  }
  return parsed;
}

function readVersion(text: string): Version | null {
  if (typeof text !== "string") return null;
  const m = versionPattern.exec(text);
  if (!m) return null;
  const [, epoch, release, preName, preNumber, postText, postDash, postNumber, devName, devNumber] =
    m;
  const version: Version = {
    epoch: Number(epoch ?? 0),
    release: release.split(".").map(Number),
    text: "",
  };
  if (preName) {
    const name = preName.toLowerCase();
    version.pre = [preNames[name] ?? name, Number(preNumber ?? 0)];
  }
  if (postText) version.post = Number(postDash ?? postNumber ?? 0);
  if (devName) version.dev = Number(devNumber ?? 0);
  if (m[10]) {
    version.local = m[10]
      .toLowerCase()
      .split(/[-_.]/)
      .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  }
  version.text = formatVersion(version);
  return version;
}

export function formatVersion(v: Omit<Version, "text">): string {
  let text = `${v.epoch ? `${v.epoch}!` : ""}${v.release.join(".")}`;
  if (v.pre) text += `${v.pre[0]}${v.pre[1]}`;
  if (v.post !== undefined) text += `.post${v.post}`;
  if (v.dev !== undefined) text += `.dev${v.dev}`;
  if (v.local) text += `+${v.local.join(".")}`;
  return text;
}

export const isValidVersion = (version: string): boolean => parseVersion(version) !== null;

/** The PEP 440 normal form (`v1.0.0-RC.1` → `1.0.0rc1`), or undefined when it is no version. */
export const normalizeVersion = (version: string): string | undefined =>
  parseVersion(version)?.text;

export const isPrerelease = (v: Version): boolean => v.pre !== undefined || v.dev !== undefined;

/** PEP 440 order: epoch, release (zero-padded), then pre, post, dev and local segments. */
export function compareParsed(x: Version, y: Version): number {
  return comparePublic(x, y) || compareLocal(x.local, y.local);
}

export function comparePublic(x: Version, y: Version): number {
  if (x.epoch !== y.epoch) return x.epoch - y.epoch;
  const length = Math.max(x.release.length, y.release.length);
  for (let i = 0; i < length; i++) {
    const order = (x.release[i] ?? 0) - (y.release[i] ?? 0);
    if (order !== 0) return order;
  }
  return (
    compareKeys(preKey(x), preKey(y)) ||
    (x.post ?? -1) - (y.post ?? -1) ||
    (x.dev ?? Number.POSITIVE_INFINITY) - (y.dev ?? Number.POSITIVE_INFINITY) ||
    0
  );
}

const preRanks: Record<string, number> = { a: 0, b: 1, rc: 2 };

function preKey(v: Version): [number, number] {
  if (v.pre) return [preRanks[v.pre[0]], v.pre[1]];
  // A dev release with no pre or post segment sorts before every pre-release.
  return v.post === undefined && v.dev !== undefined ? [-1, 0] : [3, 0];
}

const compareKeys = (a: [number, number], b: [number, number]) => a[0] - b[0] || a[1] - b[1];

function compareLocal(a?: (number | string)[], b?: (number | string)[]): number {
  if (!a || !b) return (a ? 1 : 0) - (b ? 1 : 0);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const [x, y] = [a[i], b[i]];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    if (typeof x !== typeof y) return typeof x === "number" ? 1 : -1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Orders two version strings; invalid ones sort before valid ones, then as strings. */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [parseVersion(a), parseVersion(b)];
  if (x && y) return compareParsed(x, y);
  if (x || y) return x ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface Clause {
  operator: string;
  /** As written after the operator, without the `.*`. */
  version: string;
  wildcard: boolean;
  /** Undefined only for `===`. */
  parsed?: Version;
}

const specVersion = String.raw`v?(?:\d+!)?\d+(?:\.\d+)*`;
const suffixes = String.raw`(?:[-_.]?(?:alpha|beta|preview|pre|a|b|c|rc)[-_.]?\d*)?(?:-\d+|[-_.]?(?:post|rev|r)[-_.]?\d*)?(?:[-_.]?dev[-_.]?\d*)?`;
const clausePattern = new RegExp(
  [
    String.raw`^\s*(===)\s*([^\s;)]*)\s*$`,
    String.raw`^\s*(==|!=)\s*(${specVersion}(?:\.\*|${suffixes}(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?))\s*$`,
    String.raw`^\s*(~=)\s*(v?(?:\d+!)?\d+(?:\.\d+)+${suffixes})\s*$`,
    String.raw`^\s*(<=|>=|<|>)\s*(${specVersion}${suffixes})\s*$`,
  ].join("|"),
  "i",
);

function parseClause(text: string): Clause | null {
  const m = clausePattern.exec(text);
  if (!m) return null;
  const at = [1, 3, 5, 7].find((i) => m[i] !== undefined) ?? 1;
  const operator = m[at];
  const written = m[at + 1];
  if (operator === "===") return { operator, version: written, wildcard: false };
  const wildcard = written.endsWith(".*");
  const version = wildcard ? written.slice(0, -2) : written;
  const parsed = parseVersion(version);
  return parsed ? { operator, version, wildcard, parsed } : null;
}

const parsedSets = new Map<string, Clause[] | null>();

/** The clauses of a specifier set (empty parts between commas are skipped, as packaging does), or null. */
export function parseSpecifierSet(specifier: string): Clause[] | null {
  let parsed = parsedSets.get(specifier);
  if (parsed === undefined) {
    parsed = readSpecifierSet(specifier);
    if (parsedSets.size > 10_000) parsedSets.clear();
    parsedSets.set(specifier, parsed);
  }
  return parsed;
}

function readSpecifierSet(specifier: string): Clause[] | null {
  if (typeof specifier !== "string") return null;
  const clauses: Clause[] = [];
  for (const part of specifier.split(",")) {
    if (part.trim() === "") continue;
    const clause = parseClause(part);
    if (!clause) return null;
    clauses.push(clause);
  }
  return clauses;
}

export const isValidSpecifier = (specifier: string): boolean =>
  parseSpecifierSet(specifier) !== null;

/** Whether `version` matches one clause, pre-releases allowed. */
export function clauseContains(clause: Clause, version: Version): boolean {
  const spec = clause.parsed as Version;
  switch (clause.operator) {
    case "==":
      return equalTo(clause, version);
    case "!=":
      return !equalTo(clause, version);
    case "<=":
      return comparePublic(version, spec) <= 0;
    case ">=":
      return comparePublic(version, spec) >= 0;
    case "<":
      return lessThan(version, spec);
    case ">":
      return greaterThan(version, spec);
    case "~=":
      return (
        comparePublic(version, spec) >= 0 &&
        prefixMatches(version, spec.epoch, spec.release.slice(0, -1))
      );
    default:
      return false;
  }
}

function equalTo({ wildcard, parsed }: Clause, version: Version): boolean {
  const spec = parsed as Version;
  if (wildcard) return prefixMatches(version, spec.epoch, spec.release);
  return spec.local ? compareParsed(version, spec) === 0 : comparePublic(version, spec) === 0;
}

/** `==E!R.*`: same epoch, and the release zero-padded starts with R. */
function prefixMatches(version: Version, epoch: number, release: number[]): boolean {
  if (version.epoch !== epoch) return false;
  return release.every((part, i) => (version.release[i] ?? 0) === part);
}

/** `<V` excludes V's own pre-releases unless V is one. */
function lessThan(version: Version, spec: Version): boolean {
  if (compareParsed(version, spec) >= 0) return false;
  if (isPrerelease(spec) || !isPrerelease(version)) return true;
  const earliest = { ...spec, dev: 0, local: undefined };
  return comparePublic(version, earliest) < 0;
}

/** `>V` excludes V's post-releases (unless V is one) and V's local versions. */
function greaterThan(version: Version, spec: Version): boolean {
  if (compareParsed(version, spec) <= 0) return false;
  if (spec.post === undefined && version.post !== undefined) {
    const base = { ...version, post: undefined, dev: undefined, local: undefined };
    if (comparePublic(base, spec) === 0) return false;
  }
  return !(version.local && comparePublic(version, spec) === 0);
}

/** Whether `version` is in the set, pre-releases counted (a lock may pin one on purpose); packaging's `SpecifierSet.contains(v, prereleases=True)`. */
export function satisfies(version: string, specifier: string): boolean {
  const clauses = parseSpecifierSet(specifier);
  if (!clauses) return false;
  if (clauses.length === 0) return true;
  const parsed = parseVersion(version);
  for (const clause of clauses) {
    if (clause.operator === "===") {
      if (String(version).toLowerCase() !== clause.version.toLowerCase()) return false;
    } else if (!parsed || !clauseContains(clause, parsed)) {
      return false;
    }
  }
  return true;
}

export { type Interval, sameSpecifierSet, specifierRange } from "./specifier-range.js";

/** `valid`/`compare` in the shape older callers use (`valid` gives the normal form or null). */
export const pep440 = {
  valid: (version: string): string | null => normalizeVersion(version) ?? null,
  compare: compareVersions,
};

/** A version's parts for display; `public` is the normal form without epoch and local label. */
export function explainVersion(version: string) {
  const parsed = parseVersion(version);
  if (!parsed) return null;
  const { epoch, release, pre, post, dev } = parsed;
  const local = parsed.local?.join(".");
  const publicText = formatVersion({ epoch: 0, release, pre, post, dev });
  return { epoch, release, pre, post, dev, local, public: publicText };
}

/** Forgets every parsed version and specifier set (for benchmarks and long runs). */
export function clearParseCaches(): void {
  parsedVersions.clear();
  parsedSets.clear();
}
