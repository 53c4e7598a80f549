/** Poetry's constraint syntax (`^1.2`, `~1.2`, `*`, `>=1 <2`, `1.0 || 2.0`), as poetry-core 2.3 parses it, as PEP 440 specifier sets. */
import { compareVersions, parseVersion, satisfies, type Version } from "./pep440.js";

/**
 * The alternatives of a Poetry constraint, each a PEP 440 specifier set ("" for any version).
 * A term poetry-core refuses is kept as written, so it stays an invalid specifier that nothing satisfies.
 */
export function poetryToPep440(constraint: string): string[] {
  // poetry-core has no parentheses: `(>=1.0)` is refused, as it is here.
  const text = String(constraint).trim();
  if (text === "*") return [""];
  return joinAdjacent(
    text.split(/\s*\|\|?\s*/).flatMap((alternative) => {
      const terms = alternative
        .replace(/,+\s*$/, "")
        .split(/(?<!^)(?<![\^~=>< ,]) *(?<!-)[, ](?!-) *(?!,|$)/)
        .map((term) => term.trim());
      return terms
        .map(termToPep440)
        .reduce((sets, choices) => sets.flatMap((set) => choices.map((c) => join(set, c))), [""]);
    }),
  );
}

/** Whether a Poetry constraint parses as poetry-core would parse it. */
export const isValidPoetryConstraint = (constraint: string): boolean =>
  poetryToPep440(constraint).every((specifier) => !specifier.includes(INVALID));

export function satisfiesPoetry(version: string, constraint: string): boolean {
  return poetryToPep440(constraint).some((specifier) => satisfies(version, specifier));
}

/** Prefixes a refused term; `?` never occurs in a valid specifier. */
const INVALID = "?";

const join = (a: string, b: string) => (a === "" ? b : b === "" ? a : `${a},${b}`);

const versionOnly = String.raw`\s*(v?\d[^\s,]*)`;

/** One term as PEP 440 alternatives; `!=V` is `<V || >V` in poetry-core, so it also drops V's pre- and post-releases. */
function termToPep440(term: string): string[] {
  if (/^v?[xX*](\.[xX*])*$/i.test(term)) return [""];
  let m = new RegExp(`^~(?!=)${versionOnly}$`).exec(term);
  if (m) return bounded(m[1], (v) => (v.release.length === 1 ? 0 : 1));
  m = new RegExp(`^~=${versionOnly}$`).exec(term);
  if (m) return bounded(m[1], (v) => (v.release.length === 2 ? 0 : 1));
  m = new RegExp(`^\\^${versionOnly}$`).exec(term);
  if (m) return bounded(m[1], caretIndex);
  m = /^(!=|==)?\s*v?(\d+(?:\.\d+){0,2})(?:\.\*)+$/.exec(term);
  if (m) return [`${m[1] ?? "=="}${m[2]}.*`];
  m = /^(<>|!=|>=?|<=?|==?)?\s*(\S+?)(\.\*)?$/.exec(term);
  const version = m && parseVersion(m[2] === "dev" ? "0.0-dev" : m[2]);
  if (!m || !version) return [`${INVALID}${term}`];
  const operator = m[1] ?? "==";
  if (["<", "<=", ">", ">="].includes(operator)) return [`${operator}${version.text}`];
  if (m[3]) return [`${operator === "!=" ? "!=" : "=="}${version.text}.*`];
  if (operator === "!=" && !version.local) return [`<${version.text}`, `>${version.text}`];
  return [`${operator === "!=" ? "!=" : "=="}${version.text}`];
}

/** `>=V,<U` where U bumps V's release at the index `at` chooses. */
function bounded(text: string, at: (v: Version) => number): string[] {
  const version = parseVersion(text);
  if (!version) return [`${INVALID}${text}`];
  const index = at(version);
  const release = version.release.slice(0, index + 1);
  release[index] = (release[index] ?? 0) + 1;
  const epoch = version.epoch ? `${version.epoch}!` : "";
  return [`>=${version.text},<${epoch}${release.join(".")}`];
}

/** `^`: the first non-zero part, or the last given part when all are zero. */
function caretIndex(version: Version): number {
  const parts = version.release;
  const firstNonZero = parts.findIndex((part) => part !== 0);
  if (parts.length === 1) return 0;
  return firstNonZero < 0 ? parts.length - 1 : firstNonZero;
}

/** poetry-core unites touching ranges (`^1.0 || ^2.0` is `>=1.0,<3.0`, so 2.0a1 is in it). */
function joinAdjacent(alternatives: string[]): string[] {
  const joined = [...alternatives];
  for (let i = 0; i + 1 < joined.length; i++) {
    const left = /^(>=[^,]+),<([^,]+)$/.exec(joined[i]);
    const right = /^>=([^,]+)(,<[^,]+)$/.exec(joined[i + 1]);
    if (left && right && compareVersions(left[2], right[1]) === 0) {
      joined.splice(i, 2, `${left[1]}${right[2]}`);
      i--;
    }
  }
  return joined;
}
