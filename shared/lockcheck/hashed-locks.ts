/** poetry.lock, pdm.lock and Pipfile.lock: content hash, then the per-dependency diff. */
import type { Lock } from "../lockfiles/model.js";
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
import { checkDeclared, checkOrphans } from "./declared-vs-locked.js";
import { type DriftFinding, findingsFor, newerLockVersion } from "./drift.js";
import {
  changedHashedSections,
  type HashCandidate,
  type HashFormat,
  matchingCandidate,
  PIPFILE_RECIPES,
  parseManifest,
  pdmContentHashes,
  pipfileHashes,
  poetryContentHashes,
  poetryRecipesFor,
} from "./hashes.js";
import { findInHistory } from "./history.js";

export interface HashedCheck {
  findings: DriftFinding[];
  /** The recipe whose hash matched, if any. */
  matchedRecipe?: string;
}

interface FormatRules {
  hashFormat: HashFormat;
  candidates: (manifest: Record<string, unknown>, lock: Lock) => HashCandidate[];
  recipes?: (lock: Lock) => string[];
  declared: (manifest: Manifest) => DeclaredDependency[];
  /** Whether the lock records dependency edges, so orphans can be found. */
  hasEdges: boolean;
  newestLockVersion: string;
  requiresPython: (manifest: Manifest, lock: Lock) => DriftFinding[];
}

const poetry: FormatRules = {
  hashFormat: "poetry",
  candidates: (manifest) => poetryContentHashes(manifest),
  recipes: (lock) => poetryRecipesFor(lock.text.split("\n", 1)[0], lock.lockVersion),
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
    return compareRequiresPython(
      declared,
      lock.requiresPython,
      manifest,
      lock,
      line,
      poetryToPep440,
    );
  },
};

const pdm: FormatRules = {
  hashFormat: "pdm",
  candidates: (manifest, lock) => pdmContentHashes(manifest, lock.lockVersion),
  declared: (manifest) => [
    ...pep621Dependencies(manifest),
    ...pdmDevDependencies(manifest),
    ...[...dependencyGroups(manifest).values()].flat(),
  ],
  hasEdges: true,
  newestLockVersion: "4.5.1",
  requiresPython(manifest, lock) {
    const declared = tableAt(manifest.data, ["project"])["requires-python"];
    const line = manifest.lines.key("project", "requires-python");
    return compareRequiresPython(
      typeof declared === "string" ? declared : undefined,
      lock.requiresPython,
      manifest,
      lock,
      line,
    );
  },
};

const pipfile: FormatRules = {
  hashFormat: "pipfile",
  candidates: (manifest) => pipfileHashes(manifest),
  declared: pipfileDependencies,
  hasEdges: false,
  newestLockVersion: "6",
  requiresPython(manifest, lock) {
    const requires = tableAt(manifest.data, ["requires"]);
    const locked = tableAt(lock.raw, ["_meta", "requires"]);
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

const rulesFor = { poetry, pdm, pipfile } as const;

export function checkHashedLock(lock: Lock, manifest: Manifest): HashedCheck {
  const rules = rulesFor[lock.format as keyof typeof rulesFor];
  const findings: DriftFinding[] = [];
  const newer =
    lock.lockVersion && newerLockVersion(lock, lock.lockVersion, rules.newestLockVersion);
  if (newer) findings.push(newer);
  const hashInput = parseManifest(manifest.text);
  const matched = matchingCandidate(
    rules.candidates(hashInput, lock),
    lock.contentHash,
    rules.recipes?.(lock),
  );

  const declared = rules.declared(manifest);
  const semantic = [...checkDeclared(declared, lock), ...rules.requiresPython(manifest, lock)];
  if (rules.hasEdges) {
    const name =
      tableAt(manifest.data, ["project"]).name ?? tableAt(manifest.data, ["tool", "poetry"]).name;
    semantic.push(
      ...checkOrphans([...declared.map((d) => d.key), normalizeName(String(name ?? ""))], lock),
    );
  }
  if (matched) {
    // The lock was written from exactly this manifest: a difference we see is ours to doubt.
    findings.push(
      ...semantic.map((f) => (f.severity === "error" ? { ...f, severity: "warning" as const } : f)),
    );
    if (matched.recipe === PIPFILE_RECIPES.canonical) findings.push(canonicalOnlyNotice(lock));
    return { findings, matchedRecipe: matched.recipe };
  }
  findings.push(...semantic);
  if (!semantic.some((f) => f.severity === "error"))
    findings.push(hashFinding(lock, manifest, rules));
  return { findings };
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
        matchingCandidate(rules.candidates(parseManifest(text), lock), lock.contentHash) !==
        undefined
      );
    } catch {
      return false;
    }
  });
  const sections = base
    ? changedHashedSections(rules.hashFormat, parseManifest(base), parseManifest(manifest.text))
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

const hashedSectionNames: Record<HashFormat, string> = {
  poetry: "dependencies, groups, sources, extras or requires-python",
  pdm: "dependencies, dev-dependencies, sources, requires-python or resolution",
  pipfile: "packages, sources or requires",
};

function hashLine(lock: Lock): number {
  const index = lock.text.split("\n").findIndex((l) => /content[-_]hash|"sha256":/.test(l));
  return index + 1 || 1;
}

/** The absolute manifest path, which checkers pass along on the Manifest. */
const manifestPathOf = (manifest: Manifest) => manifest.path ?? manifest.file;

function compareRequiresPython(
  declared: string | undefined,
  locked: string | undefined,
  manifest: Manifest,
  lock: Lock,
  line: number | undefined,
  toPep440: (s: string) => string[] = (s) => [s],
): DriftFinding[] {
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
