/** poetry.lock, pdm.lock and Pipfile.lock: content hash, then the per-dependency diff. */
import type { Lock } from "../lockfiles/model.js";
import type { PdmLock } from "../lockfiles/pdm.js";
import type { PipfileLock } from "../lockfiles/pipfile.js";
import { type DeclaredDependency, describeConstraint } from "../project/declared.js";
import { tableAt } from "../project/files.js";
import { normalizeName } from "../project/names.js";
import { sameSpecifierSet } from "../project/pep440.js";
import { pipfileDependencies } from "../project/pipfile.js";
import { poetryToPep440 } from "../project/poetry-constraint.js";
import {
  dependencyGroups,
  type Manifest,
  pdmDevDependencies,
  pep621Dependencies,
  poetryDependencies,
} from "../project/pyproject.js";
import {
  changedHashedSections,
  currentRecipes,
  type HashCandidate,
  type HashFormat,
  hashedSections,
  matchingCandidate,
  PIPFILE_RECIPES,
  parseManifest,
  pdmContentHashes,
  pdmRecipesFor,
  pipfileHashes,
  poetryContentHashes,
  poetryRecipesFor,
} from "./content-hashes.js";
import { checkDeclared, checkOrphans, unparsableConstraints } from "./declared-vs-locked.js";
import { type DriftFinding, findingsFor, newerLockVersion } from "./drift.js";
import { findInHistory } from "./history.js";
import {
  type HashRecipes,
  hashLine,
  olderRecipeFinding,
  refusedPdmFormat,
  refusedPipfileSource,
} from "./recipes.js";

export interface HashedCheck {
  findings: DriftFinding[];
  /** The recipe whose hash matched, if any. */
  matchedRecipe?: string;
}

interface FormatRules {
  hashFormat: HashFormat;
  /** Every recipe's hash of the manifest. */
  candidates: (manifest: Record<string, unknown>) => HashCandidate[];
  /** The recipes that may have written this lock, most likely first. */
  recipes: (lock: Lock) => string[];
  /** One finding when today's tool refuses the lock's format outright. */
  refusedFormat?: (lock: Lock, manifest: Manifest) => DriftFinding | undefined;
  declared: (manifest: Manifest, lock: Lock) => DeclaredDependency[];
  /** Whether the lock records dependency edges, so orphans can be found. */
  hasEdges: boolean;
  newestLockVersion: string;
  requiresPython: (manifest: Manifest, lock: Lock) => DriftFinding[];
}

const poetry: FormatRules = {
  hashFormat: "poetry",
  candidates: (manifest) => poetryContentHashes(manifest),
  recipes: (lock) => poetryRecipesFor(lock.generator, lock.lockVersion),
  declared: (manifest) => [
    ...poetryDependencies(manifest),
    ...pep621Dependencies(manifest),
    ...[...dependencyGroups(manifest).values()].flat(),
  ],
  hasEdges: true,
  newestLockVersion: "2.1",
  requiresPython(manifest, lock) {
    const python = tableAt(manifest.data, ["tool", "poetry", "dependencies"]).python;
    const project = tableAt(manifest.data, ["project"])["requires-python"];
    const declared =
      typeof project === "string" ? project : typeof python === "string" ? python : undefined;
    const line =
      typeof project === "string"
        ? manifest.lines.key("project", "requires-python")
        : manifest.lines.key("tool.poetry.dependencies", "python");
    return compareRequiresPython(manifest, lock, declared, line, poetryToPep440);
  },
};

const pdm: FormatRules = {
  hashFormat: "pdm",
  candidates: (manifest) => pdmContentHashes(manifest),
  recipes: (lock) => pdmRecipesFor(lock.lockVersion),
  refusedFormat: refusedPdmFormat,
  declared: (manifest, lock) =>
    inLockedPdmGroups(lock, [
      ...pep621Dependencies(manifest),
      ...pdmDevDependencies(manifest),
      ...[...dependencyGroups(manifest).values()].flat(),
    ]),
  hasEdges: true,
  newestLockVersion: "4.5.1",
  requiresPython(manifest, lock) {
    const declared = tableAt(manifest.data, ["project"])["requires-python"];
    const line = manifest.lines.key("project", "requires-python");
    return compareRequiresPython(
      manifest,
      lock,
      typeof declared === "string" ? declared : undefined,
      line,
    );
  },
};

const pipfile: FormatRules = {
  hashFormat: "pipfile",
  candidates: (manifest) => pipfileHashes(manifest),
  recipes: () => Object.values(PIPFILE_RECIPES),
  refusedFormat: refusedPipfileSource,
  declared: pipfileDependencies,
  hasEdges: false,
  newestLockVersion: "6",
  requiresPython(manifest, lock) {
    const requires = tableAt(manifest.data, ["requires"]);
    const locked = (lock as PipfileLock).requires ?? {};
    const findings: DriftFinding[] = [];
    for (const key of new Set([...Object.keys(requires), ...Object.keys(locked)])) {
      if (String(requires[key] ?? "") === String(locked[key] ?? "")) continue;
      findings.push(
        findingsFor(lock)({
          severity: "error",
          code: "requires-python",
          package: key,
          declared: String(requires[key] ?? ""),
          locked: String(locked[key] ?? ""),
          file: manifest.file,
          line: manifest.lines.key("requires", key) ?? manifest.lines.table("requires"),
          message: `[requires] ${key}: ${manifest.file} says ${requires[key] ?? "nothing"}, ${lock.file} was locked for ${locked[key] ?? "nothing"}.`,
        }),
      );
    }
    return findings;
  },
};

/** `pdm lock` locks an extra only when `-G` names it: `[metadata] groups` says which it did. */
function inLockedPdmGroups(lock: Lock, declared: DeclaredDependency[]): DeclaredDependency[] {
  const groups = (lock as PdmLock).lockedGroups;
  if (!groups) return declared;
  const locked = new Set(groups.map(normalizeName));
  return declared.filter(
    (d) => !d.group.startsWith("extra:") || locked.has(normalizeName(d.group.slice(6))),
  );
}

const rulesFor = { poetry, pdm, pipfile } as const;

/** The dependencies a poetry.lock, pdm.lock or Pipfile.lock's manifest declares, the project's own extras left out. */
export function declaredFor(lock: Lock, manifest: Manifest): DeclaredDependency[] {
  const rules = rulesFor[lock.format as keyof typeof rulesFor];
  return rules.declared(manifest, lock).filter((d) => d.key !== projectKey(manifest));
}

export function checkHashedLock(
  lock: Lock,
  manifest: Manifest,
  hashRecipes: HashRecipes = "current",
): HashedCheck {
  const rules = rulesFor[lock.format as keyof typeof rulesFor];
  const refused = rules.refusedFormat?.(lock, manifest);
  if (refused) return { findings: [refused] };
  const findings: DriftFinding[] = [];
  const newer =
    lock.lockVersion && newerLockVersion(lock, lock.lockVersion, rules.newestLockVersion);
  if (newer) findings.push(newer);
  const candidates = rules.candidates(parseManifest(manifest.text));
  const today = currentRecipes(rules.hashFormat, lock.generator?.version);
  const current = matchingCandidate(candidates, lock.contentHash, today);
  const older = current
    ? undefined
    : matchingCandidate(candidates, lock.contentHash, rules.recipes(lock));

  const project = projectKey(manifest);
  // `all = ["pkg[a,b]"]` in pkg itself pulls in its own extras: not a package to lock.
  const declared = rules.declared(manifest, lock).filter((d) => d.key !== project);
  const unparsable = unparsableConstraints(declared, lock);
  if (unparsable.length > 0) return { findings: [...findings, ...unparsable] };
  const semantic = semanticFindings(lock, manifest, rules, declared, project);
  if (!current && !older) {
    findings.push(...semantic);
    if (!semantic.some((f) => f.severity === "error"))
      findings.push(hashFinding(lock, manifest, rules));
    return { findings };
  }
  // The lock was written from exactly this manifest: a difference we see is ours to doubt.
  findings.push(
    ...semantic.map((f) => (f.severity === "error" ? { ...f, severity: "warning" as const } : f)),
  );
  if (older) {
    findings.push(olderRecipeFinding(lock, manifest, rules.hashFormat, older.recipe, hashRecipes));
    return hashRecipes === "any" ? { findings, matchedRecipe: older.recipe } : { findings };
  }
  const matched = current as HashCandidate;
  const raw = candidates.find((c) => c.recipe === PIPFILE_RECIPES.raw);
  if (matched.recipe === PIPFILE_RECIPES.canonical && raw?.hash !== lock.contentHash)
    findings.push(canonicalOnlyNotice(lock));
  return { findings, matchedRecipe: matched.recipe };
}

function semanticFindings(
  lock: Lock,
  manifest: Manifest,
  rules: FormatRules,
  declared: DeclaredDependency[],
  project: string,
): DriftFinding[] {
  const semantic = [...checkDeclared(declared, lock), ...rules.requiresPython(manifest, lock)];
  if (!rules.hasEdges) return semantic;
  return [...semantic, ...checkOrphans([...declared.map((d) => d.key), project], lock)];
}

/** The project's own normalized name ("" for a Pipfile). */
function projectKey(manifest: Manifest): string {
  const name =
    tableAt(manifest.data, ["project"]).name ?? tableAt(manifest.data, ["tool", "poetry"]).name;
  return typeof name === "string" ? normalizeName(name) : "";
}

/**
 * Pipfile.lock does not say which pipenv wrote it. A hash that only pipenv ≥ 2026.4's recipe
 * (canonical names) reproduces is fresh for today's pipenv, but an older one re-locks.
 */
function canonicalOnlyNotice(lock: Lock): DriftFinding {
  return findingsFor(lock)({
    severity: "notice",
    code: "hash-recipe",
    file: lock.file,
    line: hashLine(lock),
    message: `${lock.file} matches the Pipfile with pipenv 2026.4's hashing (canonical names) only; pipenv before 2026.4 would call it out of date.`,
    fix: "Pin pipenv ≥ 2026.4 in CI, or run: pipenv lock",
  });
}

function hashFinding(lock: Lock, manifest: Manifest, rules: FormatRules): DriftFinding {
  const base = findInHistory(manifestPathOf(manifest), (text) => {
    try {
      return (
        matchingCandidate(rules.candidates(parseManifest(text)), lock.contentHash) !== undefined
      );
    } catch {
      return false;
    }
  });
  const sections = base
    ? changedHashedSections(rules.hashFormat, parseManifest(base), parseManifest(manifest.text))
    : rules.hashFormat === "pipfile"
      ? pipfileSectionsAgainstLock(manifest, lock)
      : [];
  const what =
    sections.length > 0
      ? `the hashed section${sections.length > 1 ? "s" : ""} ${sections.join(", ")} changed`
      : `a hashed section (${hashedSectionNames[rules.hashFormat]}) changed`;
  return findingsFor(lock)({
    severity: "error",
    code: "content-hash",
    file: lock.file,
    line: hashLine(lock),
    locked: lock.contentHash,
    message: `${lock.file}: the content hash no longer matches ${manifest.file}: ${what}, though no locked version is out of range.`,
  });
}

/**
 * Without history, Pipfile.lock's own `_meta` still tells whether [[source]] or [requires] changed;
 * if neither did, a package table did.
 */
function pipfileSectionsAgainstLock(manifest: Manifest, lock: Lock): string[] {
  const now = hashedSections("pipfile", parseManifest(manifest.text));
  const { sources, requires } = lock as PipfileLock;
  const locked = hashedSections("pipfile", { source: sources, requires });
  const dump = (sections: Record<string, string>, key: string) =>
    key === "requires" && sections[key] === "null" ? "{}" : sections[key];
  const changed = ["source", "requires"].filter((key) => dump(now, key) !== dump(locked, key));
  if (changed.length > 0) return changed;
  return Object.keys(now).filter((key) => key !== "source" && key !== "requires");
}

const hashedSectionNames: Record<HashFormat, string> = {
  poetry: "dependencies, groups, sources, extras or requires-python",
  pdm: "dependencies, dev-dependencies, sources, requires-python or resolution",
  pipfile: "packages, sources or requires",
};

/** The absolute manifest path, which checkers pass along on the Manifest. */
const manifestPathOf = (manifest: Manifest) => manifest.path ?? manifest.file;

/** The manifest's requires-python against the lock's. */
function compareRequiresPython(
  manifest: Manifest,
  lock: Lock,
  declared: string | undefined,
  line: number | undefined,
  toPep440: (s: string) => string[] = (s) => [s],
): DriftFinding[] {
  const locked = lock.requiresPython;
  if (declared === undefined || locked === undefined) return [];
  const [a, b] = [toPep440(declared), toPep440(locked)];
  if (a.length === b.length && a.every((s, i) => sameSpecifierSet(s, b[i]))) return [];
  return [
    findingsFor(lock)({
      severity: "error",
      code: "requires-python",
      package: "python",
      declared,
      locked,
      file: manifest.file,
      line,
      message: `requires-python: ${manifest.file} says ${describeConstraint(declared)}, ${lock.file} was locked for ${locked}.`,
    }),
  ];
}
