/** What today's tools refuse: a content hash only an older recipe reproduces, a lock format too old. */
import type { Lock } from "../lockfiles/model.js";
import { tableAt } from "../project/files.js";
import { normalizeName } from "../project/names.js";
import type { Manifest } from "../project/pyproject.js";
import {
  CURRENT_TOOLS,
  type HashFormat,
  PDM_RECIPES,
  PIPFILE_RECIPES,
  POETRY_RECIPES,
} from "./content-hashes.js";
import { type DriftFinding, findingsFor } from "./drift.js";

/** `current`: only today's tool's recipe makes a lock fresh; `any`: older recipes too, with a notice. */
export type HashRecipes = "current" | "any";

/** What each older recipe leaves out that today's tool hashes. */
const leftOut: Record<string, string> = {
  [POETRY_RECIPES.v1_1]: "the [tool.poetry.group.*] tables",
  [POETRY_RECIPES.v1_2]: "[project] and [dependency-groups]",
  [POETRY_RECIPES.v2_0]: "[dependency-groups]",
  [PDM_RECIPES.v2_0]: "the whole [tool.pdm.resolution] table (it hashed overrides only)",
  [PDM_RECIPES.v2_3]: "the whole [tool.pdm.resolution] table (it hashed overrides only)",
  [PDM_RECIPES.v2_16]: "[dependency-groups] merged into dev-dependencies",
  [PIPFILE_RECIPES.raw]: "canonical package names",
  [PIPFILE_RECIPES.pypiPython]: "its own implied [[source]] (https://pypi.org/simple)",
};

/** The older recipe's hash, as an error (`current`) or a notice (`any`). */
export function olderRecipeFinding(
  lock: Lock,
  manifest: Manifest,
  format: HashFormat,
  recipe: string,
  mode: HashRecipes,
): DriftFinding {
  const today = CURRENT_TOOLS[format];
  const writer = writerOf(lock, recipe);
  const names = recipe === PIPFILE_RECIPES.raw ? nonCanonicalNames(manifest) : [];
  const what = names.length > 0 ? `${leftOut[recipe]} (${names.join(", ")})` : leftOut[recipe];
  const base = `${lock.file}: its content hash is ${writer}'s recipe for this ${manifest.file}; ${today} also hashes ${what}`;
  return findingsFor(lock)({
    severity: mode === "current" ? "error" : "notice",
    code: "hash-recipe",
    package: names[0],
    file: lock.file,
    line: hashLine(lock),
    locked: lock.contentHash,
    message:
      mode === "current"
        ? `${base}, so it calls the lock out of date.`
        : `${base}; accepted because hash-recipes is 'any'.`,
  });
}

/** "Poetry 1.8.3" from the lock's comment, else the recipe's version range. */
function writerOf(lock: Lock, recipe: string): string {
  if (lock.format === "poetry" && lock.generator?.version)
    return `Poetry ${lock.generator.version}`;
  if (recipe === PIPFILE_RECIPES.pypiPython) return "an early pipenv (pypi.python.org source)";
  if (lock.format === "pipfile") return "pipenv before 2026.4 (plette, raw names)";
  const version = lock.lockVersion ? ` (lock_version ${lock.lockVersion})` : "";
  return `${recipe.replace(/^pdm/, "PDM").replace(/^poetry/, "Poetry")}${version}`;
}

function nonCanonicalNames(manifest: Manifest): string[] {
  return ["packages", "dev-packages"].flatMap((section) =>
    Object.keys(tableAt(manifest.data, [section])).filter((name) => normalizeName(name) !== name),
  );
}

/** PDM 2.29 reads lock_version 4.x only: anything older gets one finding, not a diff. */
export function refusedPdmFormat(lock: Lock, manifest: Manifest): DriftFinding | undefined {
  const major = Number(lock.lockVersion?.split(".")[0] ?? 0);
  if (major >= 4) return undefined;
  const legacyManifest = !("project" in manifest.data);
  const version = lock.lockVersion ? `lock_version ${lock.lockVersion}` : "no lock_version";
  return findingsFor(lock)({
    severity: "error",
    code: "lock-format-too-old",
    file: lock.file,
    line: 1,
    message: `${lock.file}: this lock format is too old (${version}, from PDM before 2.0): ${CURRENT_TOOLS.pdm} refuses it as incompatible${legacyManifest ? `, and ${manifest.file} keeps its dependencies in [tool.pdm] (PDM before 1.0)` : ""}.`,
    fix: legacyManifest
      ? "Move the [tool.pdm] dependencies into [project] (PEP 621), then run: pdm lock"
      : "Run: pdm lock",
  });
}

export const hashLine = (lock: Lock): number => lock.contentHashLine ?? 1;

/** pipenv (plette) stops at a `[[source]]` without a name or url: one finding, not a diff. */
export function refusedPipfileSource(lock: Lock, manifest: Manifest): DriftFinding | undefined {
  const sources = Array.isArray(manifest.data.source) ? manifest.data.source : [];
  const index = sources.findIndex(
    (s) => typeof s !== "object" || s === null || !("name" in s) || !("url" in s),
  );
  if (index < 0) return undefined;
  const missing = "name" in (sources[index] ?? {}) ? "url" : "name";
  const lines = manifest.text.split("\n");
  const line = lines.flatMap((l, i) => (/^\s*\[\[source\]\]/.test(l) ? [i + 1] : []))[index];
  return findingsFor(lock)({
    severity: "error",
    code: "invalid-source",
    file: manifest.file,
    line,
    message: `${manifest.file}: [[source]] number ${index + 1} has no ${missing}, so ${CURRENT_TOOLS.pipfile} cannot read the Pipfile ("Missing required field: ${missing}").`,
    fix: `Add ${missing} = ... to that [[source]], then run: pipenv lock`,
  });
}
