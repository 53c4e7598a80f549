/** Recomputes the content hashes Poetry, PDM and Pipenv lock, to tell if a manifest has changed. */
import { createHash } from "node:crypto";
import { parse as parseToml } from "smol-toml";
import type { Lock } from "../lockfiles/model.js";
import { poetryGenerator } from "../lockfiles/poetry.js";
import { tableAt } from "../project/files.js";
import { normalizeName } from "../project/names.js";
import { pep440 } from "../project/pep440.js";

// ---------------------------------------------------------------------------------------------
// Python json.dumps
// ---------------------------------------------------------------------------------------------

export interface PythonJsonOptions {
  /**
   * How a JS `number` maps to a Python value. "auto" (default): integer-valued numbers are Python
   * ints, others floats — right for smol-toml's default parse, where TOML `1` and `1.0` are both
   * `1`. "float": every `number` is a Python float (`1.0`) — right when integers were parsed as
   * `bigint` (`parse(text, { integersAsBigInt: true })`, or `parseManifest`). `bigint` is always an
   * int.
   */
  numbers?: "auto" | "float";
  /**
   * Values Python's json module rejects (TOML dates and times, functions, symbols): "throw"
   * (default) raises a TypeError with Python's message, as the tools themselves would crash;
   * "string" writes them as a JSON string (ISO text), for display only.
   */
  unserializable?: "throw" | "string";
}

/** Python's `TypeError: Object of type X is not JSON serializable`. */
export class PythonJsonError extends TypeError {
  override name = "PythonJsonError";
}

const STRING_ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
};

/** A JSON string literal as json.dumps(ensure_ascii=True) writes it. */
function pythonString(text: string): string {
  // Python escapes everything outside 0x20-0x7e; astral characters come out as surrogate pairs,
  // which is exactly what escaping each UTF-16 code unit gives.
  const escaped = text.replace(
    /[^ -~]|["\\]/g,
    (char) => STRING_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return `"${escaped}"`;
}

/** Python's float repr (shortest round-trip digits, scientific outside 1e-4 <= |x| < 1e16). */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "Infinity";
  if (value === Number.NEGATIVE_INFINITY) return "-Infinity";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const negative = value < 0;
  // toExponential() with no argument gives the shortest digits that round-trip, as repr does.
  const [mantissa, exponentText] = Math.abs(value).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const exponent = Number(exponentText);
  const point = exponent + 1; // value = 0.<digits> * 10**point
  let text: string;
  if (point > -4 && point <= 16) {
    if (point <= 0) text = `0.${"0".repeat(-point)}${digits}`;
    else if (point >= digits.length) text = `${digits}${"0".repeat(point - digits.length)}.0`;
    else text = `${digits.slice(0, point)}.${digits.slice(point)}`;
  } else {
    const head = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const sign = exponent < 0 ? "-" : "+";
    text = `${head}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  return negative ? `-${text}` : text;
}

const SURROGATE = /[\ud800-\udfff]/;

/** Python orders str keys by code point; JS's default sort compares UTF-16 code units. */
function compareKeys(a: string, b: string): number {
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  const left = Array.from(a, (char) => char.codePointAt(0) ?? 0);
  const right = Array.from(b, (char) => char.codePointAt(0) ?? 0);
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    if (left[i] !== right[i]) return left[i] - right[i];
  }
  return left.length - right.length;
}

const isDate = (value: unknown): value is Date =>
  Object.prototype.toString.call(value) === "[object Date]";

function pythonTypeName(value: unknown): string {
  if (isDate(value)) {
    // What tomllib / tomlkit hand to json.dumps for a TOML date, time or date-time.
    const date = value as Date & { isDate?: () => boolean; isTime?: () => boolean };
    if (date.isDate?.()) return "date";
    if (date.isTime?.()) return "time";
    return "datetime";
  }
  if (typeof value === "function") return "function";
  if (typeof value === "symbol") return "symbol";
  return (value as object)?.constructor?.name ?? typeof value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  // Realm-independent: some realm's Object.prototype (whose own prototype is null), or none.
  const proto = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/**
 * Python's `json.dumps(value, sort_keys=True, separators=separators)` with ensure_ascii=True.
 * `separators` defaults to Python's `(", ", ": ")`. `undefined` is written as `null`.
 */
export function pythonJsonDumps(
  value: unknown,
  separators: [string, string] = [", ", ": "],
  options: PythonJsonOptions = {},
): string {
  const [itemSeparator, keySeparator] = separators;
  const floats = options.numbers === "float";
  const stack = new Set<object>();
  const dump = (item: unknown): string => {
    if (item === null || item === undefined) return "null";
    if (item === true) return "true";
    if (item === false) return "false";
    if (typeof item === "string") return pythonString(item);
    if (typeof item === "bigint") return item.toString();
    if (typeof item === "number") {
      if (!floats && Number.isInteger(item) && !Object.is(item, -0)) {
        return Number.isSafeInteger(item) ? String(item) : BigInt(item).toString();
      }
      return pythonFloatRepr(item);
    }
    if (Array.isArray(item) || isPlainObject(item)) {
      if (stack.has(item)) throw new Error("ValueError: Circular reference detected");
      stack.add(item);
      try {
        if (Array.isArray(item)) return `[${item.map(dump).join(itemSeparator)}]`;
        const keys = Object.keys(item).sort(compareKeys);
        const members = keys.map((key) => `${pythonString(key)}${keySeparator}${dump(item[key])}`);
        return `{${members.join(itemSeparator)}}`;
      } finally {
        stack.delete(item);
      }
    }
    if (options.unserializable === "string") {
      const text = isDate(item) ? item.toISOString() : String(item);
      return pythonString(text);
    }
    throw new PythonJsonError(`Object of type ${pythonTypeName(item)} is not JSON serializable`);
  };
  return dump(value);
}

// ---------------------------------------------------------------------------------------------
// Manifest access helpers
// ---------------------------------------------------------------------------------------------

const bigintManifests = new WeakSet<object>();

/**
 * Parses a TOML manifest the way the hash functions want it: integers as `bigint`, so a TOML float
 * such as `1.0` stays distinguishable and prints as Python does. A plain `smol-toml` parse works
 * too, except that integer-valued floats then print as ints.
 */
export function parseManifest(text: string): Record<string, unknown> {
  const parsed = parseToml(text, { integersAsBigInt: true }) as Record<string, unknown>;
  bigintManifests.add(parsed);
  return parsed;
}

function containsBigint(value: unknown, depth = 0): boolean {
  if (typeof value === "bigint") return true;
  if (depth > 64 || typeof value !== "object" || value === null) return false;
  return Object.values(value).some((item) => containsBigint(item, depth + 1));
}

function numberModeFor(manifest: Record<string, unknown>): PythonJsonOptions["numbers"] {
  return bigintManifests.has(manifest) || containsBigint(manifest) ? "float" : "auto";
}

const has = (table: unknown, key: string): boolean =>
  isPlainObject(table) && Object.hasOwn(table, key);

/** Python's `table.get(key, fallback)`: the value when the key is present, else `fallback`. */
function get(table: unknown, key: string, fallback?: unknown): unknown {
  return has(table, key) ? (table as Record<string, unknown>)[key] : fallback;
}

/** Python truthiness of a parsed TOML value (empty tables, arrays and strings are false). */
function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === "") return false;
  if (value === 0 || value === 0n) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isPlainObject(value)) return Object.keys(value).length > 0;
  return true;
}

export interface HashCandidate {
  /** A short human name for the tool versions that hash this way, e.g. "poetry 1.2-1.8". */
  recipe: string;
  hash: string;
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** The tool would have failed on this manifest, so this recipe yields no hash. */
class RecipeNotApplicable extends Error {}

/**
 * Hashes what `build` returns for `recipe`; nothing when the tool itself would have failed
 * (json.dumps TypeError on a TOML date, or a manifest the recipe cannot handle).
 */
function candidate(
  recipe: string,
  build: () => unknown,
  numbers: PythonJsonOptions["numbers"],
  separators?: [string, string],
  prefix = "",
): HashCandidate[] {
  try {
    const json = pythonJsonDumps(build(), separators, { numbers });
    return [{ recipe, hash: prefix + sha256(json) }];
  } catch (error) {
    if (error instanceof PythonJsonError || error instanceof RecipeNotApplicable) return [];
    throw error;
  }
}

/** Returns the first candidate whose hash equals `stored`, limited to `recipes` when given. */
export function matchingCandidate(
  candidates: HashCandidate[],
  stored: string | undefined,
  recipes?: string[],
): HashCandidate | undefined {
  if (!stored) return undefined;
  const allowed = recipes ? candidates.filter((c) => recipes.includes(c.recipe)) : candidates;
  const ordered = recipes
    ? [...allowed].sort((a, b) => recipes.indexOf(a.recipe) - recipes.indexOf(b.recipe))
    : allowed;
  return ordered.find((c) => c.hash === stored);
}

// ---------------------------------------------------------------------------------------------
// Poetry
// ---------------------------------------------------------------------------------------------

export const POETRY_RECIPES = {
  /** Poetry 1.0/1.1: `_relevant_keys = [dependencies, dev-dependencies, source, extras]`. */
  v1_1: "poetry 1.1",
  /** Poetry 1.2-1.8: adds `group`; legacy keys kept as null. */
  v1_2: "poetry 1.2-1.8",
  /** Poetry 2.0-2.2 (and >= 2.3 for locks generated before 2.3): `[project]` keys + tool.poetry. */
  v2_0: "poetry 2.0-2.2",
  /** Poetry >= 2.3: also `[dependency-groups]`. */
  v2_3: "poetry >=2.3",
} as const;

const POETRY_LEGACY_KEYS = ["dependencies", "source", "extras", "dev-dependencies"];
const POETRY_RELEVANT_KEYS = [...POETRY_LEGACY_KEYS, "group"];
const POETRY_PROJECT_KEYS = ["requires-python", "dependencies", "optional-dependencies"];

function poetry11Content(pyproject: Record<string, unknown>) {
  const poetry = tableAt(pyproject, ["tool", "poetry"]);
  const keys = ["dependencies", "dev-dependencies", "source", "extras"];
  return Object.fromEntries(keys.map((key) => [key, get(poetry, key, null)]));
}

function poetry12Content(pyproject: Record<string, unknown>) {
  const poetry = tableAt(pyproject, ["tool", "poetry"]);
  const content: Record<string, unknown> = {};
  for (const key of POETRY_RELEVANT_KEYS) {
    const data = get(poetry, key, null);
    if (data === null && !POETRY_LEGACY_KEYS.includes(key)) continue;
    content[key] = data;
  }
  return content;
}

function poetry2Content(pyproject: Record<string, unknown>, withDependencyGroups: boolean) {
  const project = tableAt(pyproject, ["project"]);
  const poetry = tableAt(pyproject, ["tool", "poetry"]);
  const groups = withDependencyGroups ? get(pyproject, "dependency-groups", {}) : {};
  const projectContent: Record<string, unknown> = {};
  for (const key of POETRY_PROJECT_KEYS) {
    if (has(project, key)) projectContent[key] = project[key];
  }
  const hasProject = Object.keys(projectContent).length > 0;
  const poetryContent: Record<string, unknown> = {};
  for (const key of POETRY_RELEVANT_KEYS) {
    const data = get(poetry, key, null);
    if (data === null && (!POETRY_LEGACY_KEYS.includes(key) || hasProject || truthy(groups))) {
      continue;
    }
    poetryContent[key] = data;
  }
  const content: Record<string, unknown> = {};
  if (hasProject) content.project = projectContent;
  if (truthy(groups)) content["dependency-groups"] = groups;
  if (Object.keys(content).length === 0) return poetryContent; // legacy layout, top level
  content.tool = { poetry: poetryContent };
  return content;
}

/** poetry.lock `[metadata] content-hash` candidates for a parsed pyproject, per Poetry family. */
export function poetryContentHashes(pyproject: Record<string, unknown>): HashCandidate[] {
  const numbers = numberModeFor(pyproject);
  return [
    ...candidate(POETRY_RECIPES.v2_3, () => poetry2Content(pyproject, true), numbers),
    ...candidate(POETRY_RECIPES.v2_0, () => poetry2Content(pyproject, false), numbers),
    ...candidate(POETRY_RECIPES.v1_2, () => poetry12Content(pyproject), numbers),
    ...candidate(POETRY_RECIPES.v1_1, () => poetry11Content(pyproject), numbers),
  ];
}

/** A lock's text, its first line or a bare version, read as the poetry.lock reader reads the comment. */
function generatorOf(text: string): Lock["generator"] {
  const trimmed = text.trim();
  const bare = trimmed.split(/\s/)[0];
  if (/^v?\d/.test(trimmed) && pep440.valid(bare)) return { tool: "poetry", version: bare };
  return poetryGenerator(trimmed.split(/\r?\n/, 1)[0]);
}

/** The Poetry version a generator comment names (Poetry >= 1.4: "…@generated by Poetry 1.8.4 and…"). */
export const poetryGeneratorVersion = (text: string | undefined): string | undefined =>
  text ? generatorOf(text)?.version : undefined;

const lessThan = (version: string, bound: string) => pep440.compare(version, bound) < 0;

/**
 * Which `poetryContentHashes` recipes apply to a lock, most likely first, from its generator (the
 * Lock's, or a comment or version to read) and `[metadata] lock-version`.
 * - a comment with a version (Poetry >= 1.4) names the family that wrote the hash;
 * - a comment without one is Poetry 1.3 ("poetry 1.2-1.8");
 * - otherwise lock-version: 1.0/1.1 -> Poetry 1.0-1.2, 2.0 -> Poetry 1.3+ or 2.x, 2.1 -> 2.x;
 * - nothing known: every recipe.
 */
export function poetryRecipesFor(
  generator: Lock["generator"] | string,
  lockVersion: string | undefined,
): string[] {
  const all = [POETRY_RECIPES.v2_3, POETRY_RECIPES.v2_0, POETRY_RECIPES.v1_2, POETRY_RECIPES.v1_1];
  const named = typeof generator === "string" ? generatorOf(generator) : generator;
  const version = named?.version;
  if (version) {
    if (lessThan(version, "1.2.0a0")) return [POETRY_RECIPES.v1_1];
    if (lessThan(version, "2.0.0a0")) return [POETRY_RECIPES.v1_2];
    // Poetry >= 2.3 hashes locks written by 2.0-2.2 without [dependency-groups] too.
    if (lessThan(version, "2.3.0")) return [POETRY_RECIPES.v2_0];
    return [POETRY_RECIPES.v2_3];
  }
  if (named) return [POETRY_RECIPES.v1_2];
  switch (lockVersion?.trim()) {
    case "1.0":
      return [POETRY_RECIPES.v1_1];
    case "1.1": // Poetry 1.1, or 1.2 (which still wrote 1.1)
      return [POETRY_RECIPES.v1_2, POETRY_RECIPES.v1_1];
    case "2.0": // Poetry 1.3+ with its comment edited away; Poetry 2.x reads it with groups
      return [POETRY_RECIPES.v1_2, POETRY_RECIPES.v2_3, POETRY_RECIPES.v2_0];
    case "2.1":
      return [POETRY_RECIPES.v2_3, POETRY_RECIPES.v2_0];
    default:
      return all;
  }
}

// ---------------------------------------------------------------------------------------------
// PDM
// ---------------------------------------------------------------------------------------------

export const PDM_RECIPES = {
  /** PDM 2.0-2.2 (`Project.get_content_hash`): overrides from `[tool.pdm.overrides]` only. */
  v2_0: "pdm 2.0-2.2 (tool.pdm.overrides)",
  /**
   * PDM 2.3-2.15 (`PyProject.content_hash`): overrides from tool.pdm.overrides, else from
   * tool.pdm.resolution.overrides (the 2.3 name).
   */
  v2_3: "pdm <=2.15 (overrides)",
  /** PDM 2.16-2.19: the whole `[tool.pdm.resolution]` table, raw dev-dependencies. */
  v2_16: "pdm 2.16-2.19 (resolution)",
  /**
   * PDM >= 2.20: dev-dependencies = `[dependency-groups]` + tool.pdm.dev-dependencies, merged under
   * normalized group names.
   */
  v2_20: "pdm >=2.20 (resolution, dependency-groups)",
} as const;

/** pdm.utils.normalize_name (>= 2.20 spelling: runs of non-alphanumerics become "-"). */
const pdmNormalizeName = (name: string) => name.replace(/[^A-Za-z0-9]+/g, "-").toLowerCase();

function pdmBase(pyproject: Record<string, unknown>) {
  const project = tableAt(pyproject, ["project"]);
  const settings = tableAt(pyproject, ["tool", "pdm"]);
  return {
    project,
    settings,
    data: {
      sources: get(settings, "source", []),
      dependencies: get(project, "dependencies", []),
      "optional-dependencies": get(project, "optional-dependencies", {}),
      "requires-python": get(project, "requires-python", ""),
    } as Record<string, unknown>,
  };
}

function pdmDevDependencies(pyproject: Record<string, unknown>): Record<string, unknown[]> {
  const groups: Record<string, unknown[]> = {};
  for (const [name, deps] of Object.entries(tableAt(pyproject, ["dependency-groups"]))) {
    const group = pdmNormalizeName(name);
    if (Object.hasOwn(groups, group)) throw new RecipeNotApplicable(`duplicate group ${group}`);
    groups[group] = Array.isArray(deps) ? [...deps] : (deps as unknown[]);
  }
  for (const [name, deps] of Object.entries(
    tableAt(pyproject, ["tool", "pdm", "dev-dependencies"]),
  )) {
    const group = pdmNormalizeName(name);
    groups[group] ??= [];
    const list = groups[group];
    if (!Array.isArray(list) || !Array.isArray(deps)) throw new RecipeNotApplicable("bad group");
    list.push(...deps);
  }
  return groups;
}

function pdmContent(pyproject: Record<string, unknown>, recipe: string): Record<string, unknown> {
  const { settings, data } = pdmBase(pyproject);
  switch (recipe) {
    case PDM_RECIPES.v2_0:
      data["dev-dependencies"] = get(settings, "dev-dependencies", {});
      data.overrides = get(settings, "overrides", {});
      break;
    case PDM_RECIPES.v2_3:
      data["dev-dependencies"] = get(settings, "dev-dependencies", {});
      data.overrides = has(settings, "overrides")
        ? settings.overrides
        : get(get(settings, "resolution", {}), "overrides", {});
      break;
    case PDM_RECIPES.v2_16:
      data["dev-dependencies"] = get(settings, "dev-dependencies", {});
      data.resolution = get(settings, "resolution", {});
      break;
    default:
      data["dev-dependencies"] = pdmDevDependencies(pyproject);
      data.resolution = get(settings, "resolution", {});
  }
  return data;
}

/** Numeric parts of a pdm lock_version ("4.4.1" -> [4, 4, 1]); undefined when unparseable. */
function versionTuple(version: string | undefined): number[] | undefined {
  if (!version || !/^\d+(\.\d+)*$/.test(version.trim())) return undefined;
  return version.trim().split(".").map(Number);
}

function compareTuples(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference) return difference;
  }
  return 0;
}

/**
 * Which PDM recipes apply to a lock_version, most likely first:
 * 4.4.1 -> <=2.15 overrides layout; 4.4.2 (2.16 only) -> resolution layout; 4.5.0 (2.17-2.28.0)
 * -> both resolution variants; >= 4.5.1 -> >= 2.20; older or unknown -> all layouts.
 */
export function pdmRecipesFor(lockVersion: string | undefined): string[] {
  const all = [PDM_RECIPES.v2_3, PDM_RECIPES.v2_0, PDM_RECIPES.v2_20, PDM_RECIPES.v2_16];
  const version = versionTuple(lockVersion);
  if (!version) return all;
  const at = (bound: string) => compareTuples(version, versionTuple(bound) ?? []);
  // PDM 2.0-2.2 write 4.0 (Debian's 2.2.1: Project.LOCKFILE_VERSION).
  if (at("4.1") < 0)
    return [PDM_RECIPES.v2_0, PDM_RECIPES.v2_3, PDM_RECIPES.v2_20, PDM_RECIPES.v2_16];
  if (at("4.4.1") < 0) return [PDM_RECIPES.v2_3, PDM_RECIPES.v2_20, PDM_RECIPES.v2_16];
  if (at("4.4.1") === 0) return [PDM_RECIPES.v2_3];
  if (at("4.5.0") < 0) return [PDM_RECIPES.v2_16];
  if (at("4.5.1") < 0) return [PDM_RECIPES.v2_20, PDM_RECIPES.v2_16];
  return [PDM_RECIPES.v2_20];
}

/**
 * pdm.lock `content_hash` candidates ("sha256:<hex>") for the recipes that apply to `lockVersion`
 * (`[metadata] lock_version`; all recipes when omitted or unknown), most likely first.
 */
export function pdmContentHashes(
  pyproject: Record<string, unknown>,
  lockVersion?: string,
): HashCandidate[] {
  const numbers = numberModeFor(pyproject);
  return pdmRecipesFor(lockVersion).flatMap((recipe) =>
    candidate(recipe, () => pdmContent(pyproject, recipe), numbers, undefined, "sha256:"),
  );
}

// ---------------------------------------------------------------------------------------------
// Pipfile
// ---------------------------------------------------------------------------------------------

export const PIPFILE_RECIPES = {
  /** plette `Pipfile.get_hash` (pipenv before 2026.4, including Debian's 2022.12.19). */
  raw: "plette raw names",
  /** pipenv >= 2026.4 `Project.calculate_pipfile_hash`: PEP 503-canonical package keys. */
  canonical: "pipenv >=2026.4 canonical names",
  /** Early pipenv: raw names, and https://pypi.python.org/simple as the implied source. */
  pypiPython: "early pipenv (default source pypi.python.org)",
} as const;

/** plette's PIPFILE_SECTIONS plus the names get_hash skips. */
const PIPFILE_NON_PACKAGE_KEYS = new Set([
  "source",
  "packages",
  "dev-packages",
  "requires",
  "scripts",
  "pipfile",
  "pipenv",
  "default",
  "develop",
]);

/** plette prepends this source when the Pipfile has no `[[source]]`. */
const DEFAULT_PIPFILE_SOURCE = { name: "pypi", url: "https://pypi.org/simple", verify_ssl: true };
const EARLY_PIPFILE_SOURCE = { ...DEFAULT_PIPFILE_SOURCE, url: "https://pypi.python.org/simple" };

function pipfileContent(
  pipfile: Record<string, unknown>,
  canonical: boolean,
  defaultSource = DEFAULT_PIPFILE_SOURCE,
) {
  const names = (section: unknown) => {
    if (!canonical) return section;
    if (!isPlainObject(section)) throw new RecipeNotApplicable("not a table");
    return Object.fromEntries(Object.entries(section).map(([k, v]) => [normalizeName(k), v]));
  };
  const data: Record<string, unknown> = {
    _meta: {
      sources: has(pipfile, "source") ? pipfile.source : [defaultSource],
      requires: get(pipfile, "requires", {}),
    },
    default: names(get(pipfile, "packages", {})),
    develop: names(get(pipfile, "dev-packages", {})),
  };
  for (const [category, values] of Object.entries(pipfile)) {
    if (!PIPFILE_NON_PACKAGE_KEYS.has(category)) data[category] = names(values);
  }
  return data;
}

/**
 * Pipfile.lock `_meta.hash.sha256` candidates: plette raw names, PEP 503-canonical names, then (with
 * no `[[source]]`) early pipenv's implied pypi.python.org source.
 */
export function pipfileHashes(pipfile: Record<string, unknown>): HashCandidate[] {
  const numbers = numberModeFor(pipfile);
  const compact: [string, string] = [",", ":"];
  const early = has(pipfile, "source")
    ? []
    : candidate(
        PIPFILE_RECIPES.pypiPython,
        () => pipfileContent(pipfile, false, EARLY_PIPFILE_SOURCE),
        numbers,
        compact,
      );
  return [
    ...candidate(PIPFILE_RECIPES.raw, () => pipfileContent(pipfile, false), numbers, compact),
    ...candidate(PIPFILE_RECIPES.canonical, () => pipfileContent(pipfile, true), numbers, compact),
    ...early,
  ];
}

// ---------------------------------------------------------------------------------------------
// Hashed sections, for explaining a mismatch
// ---------------------------------------------------------------------------------------------

export type HashFormat = "poetry" | "pdm" | "pipfile";

/**
 * Every manifest section any recipe of `format` hashes (dotted names such as
 * "tool.poetry.dependencies"; Pipfile custom categories by their own name), mapped to the
 * pythonJsonDumps of its current value ("null" when absent; dates written as strings). None of the
 * hashes identifies what changed, so diff these between the base and head manifests instead.
 */
export function hashedSections(
  format: HashFormat,
  manifest: Record<string, unknown>,
): Record<string, string> {
  const options: PythonJsonOptions = { numbers: numberModeFor(manifest), unserializable: "string" };
  const separators: [string, string] = format === "pipfile" ? [",", ":"] : [", ", ": "];
  const dump = (value: unknown) => pythonJsonDumps(value ?? null, separators, options);
  const at = (path: string) => {
    let current: unknown = manifest;
    for (const key of path.split(".")) current = get(current, key);
    return current;
  };
  let paths: string[];
  if (format === "poetry") {
    paths = [
      ...POETRY_RELEVANT_KEYS.map((key) => `tool.poetry.${key}`),
      ...POETRY_PROJECT_KEYS.map((key) => `project.${key}`),
      "dependency-groups",
    ];
  } else if (format === "pdm") {
    paths = [
      "project.dependencies",
      "project.optional-dependencies",
      "project.requires-python",
      "tool.pdm.source",
      "tool.pdm.dev-dependencies",
      "dependency-groups",
      "tool.pdm.overrides",
      "tool.pdm.resolution",
    ];
  } else {
    const sections: Record<string, string> = {
      source: dump(has(manifest, "source") ? manifest.source : [DEFAULT_PIPFILE_SOURCE]),
      requires: dump(get(manifest, "requires")),
      packages: dump(get(manifest, "packages")),
      "dev-packages": dump(get(manifest, "dev-packages")),
    };
    for (const [category, values] of Object.entries(manifest)) {
      if (!PIPFILE_NON_PACKAGE_KEYS.has(category)) sections[category] = dump(values);
    }
    return sections;
  }
  // Keys with dots are never nested in these paths, so a plain split is enough.
  return Object.fromEntries(paths.map((path) => [path, dump(at(path))]));
}

/** Names of the hashed sections whose content differs between two manifests. */
export function changedHashedSections(
  format: HashFormat,
  base: Record<string, unknown>,
  head: Record<string, unknown>,
): string[] {
  const before = hashedSections(format, base);
  const after = hashedSections(format, head);
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return names.filter((name) => (before[name] ?? "null") !== (after[name] ?? "null"));
}

// ---------------------------------------------------------------------------------------------
// Today's recipes
// ---------------------------------------------------------------------------------------------

/** The release each format's "current" verdict follows (the oracle chroot's versions). */
export const CURRENT_TOOLS: Record<HashFormat, string> = {
  poetry: "Poetry 2.3",
  pdm: "PDM 2.29",
  pipfile: "pipenv 2026.8",
};

/**
 * The recipes today's tool accepts for a lock: Poetry 2.3 (also without groups for a lock whose
 * comment names a Poetry before 2.3), PDM ≥ 2.20, pipenv's canonical names.
 */
export function currentRecipes(format: HashFormat, poetryVersion?: string): string[] {
  if (format === "pdm") return [PDM_RECIPES.v2_20];
  if (format === "pipfile") return [PIPFILE_RECIPES.canonical];
  return poetryVersion && lessThan(poetryVersion, "2.3.0")
    ? [POETRY_RECIPES.v2_3, POETRY_RECIPES.v2_0]
    : [POETRY_RECIPES.v2_3];
}
