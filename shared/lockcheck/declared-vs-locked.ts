/** Declared vs locked: each dependency locked at an admitted version, each package still reachable. */
import type { Lock, LockedPackage } from "../lockfiles/model.js";
import {
  type DeclaredDependency,
  declaredSatisfiedBy,
  describeConstraint,
} from "../project/declared.js";
import { isValidSpecifier } from "../project/pep440.js";
import { type DriftFinding, findingsFor, fixCommand, notDeclared } from "./drift.js";

export function checkDeclared(declared: DeclaredDependency[], lock: Lock): DriftFinding[] {
  const finding = findingsFor(lock);
  const byKey = packagesByKey(lock);
  const findings: DriftFinding[] = [];
  for (const dependency of declared) {
    const locked = byKey.get(dependency.key) ?? [];
    const where = { file: dependency.file, line: dependency.line, package: dependency.name };
    const group = dependency.group === "main" ? "" : ` (${dependency.group})`;
    if (locked.length === 0) {
      findings.push(
        finding({
          ...where,
          severity: "error",
          code: "not-locked",
          declared: dependency.constraint,
          message: `${dependency.name}: ${dependency.file} declares ${describeConstraint(dependency.constraint)}${group}, but ${lock.file} does not lock it.`,
        }),
      );
      continue;
    }
    if (dependency.direct) continue;
    const versions = locked.map((p) => p.version).filter((v): v is string => v !== undefined);
    const satisfied = satisfiedOrUnparsable(dependency, versions);
    if (satisfied === "unparsable") {
      findings.push(unparsableFinding(dependency, lock));
      continue;
    }
    if (versions.length > 0 && !satisfied) {
      findings.push(
        finding({
          ...where,
          severity: "error",
          code: "unsatisfied",
          declared: dependency.constraint,
          locked: versions.join(", "),
          message: `${dependency.name}: ${dependency.file} asks for ${dependency.constraint}${group}, ${lock.file} has ${versions.join(", ")}.`,
        }),
      );
    }
  }
  return findings;
}

/**
 * Locked packages that no declared dependency reaches through the lock's own edges: a removed
 * top-level dependency. `roots` holds the keys to start from (declared names, the project itself).
 */
export function checkOrphans(roots: Iterable<string>, lock: Lock): DriftFinding[] {
  const byKey = packagesByKey(lock);
  const reached = new Set<string>();
  const queue = [...roots];
  for (let key = queue.pop(); key !== undefined; key = queue.pop()) {
    if (reached.has(key)) continue;
    reached.add(key);
    for (const locked of byKey.get(key) ?? []) {
      for (const edge of locked.dependencies) queue.push(edge.key);
    }
  }
  // Only packages nothing else in the lock depends on were top-level.
  const dependedOn = new Set(lock.packages.flatMap((p) => p.dependencies.map((d) => d.key)));
  return lock.packages
    .filter((p) => !reached.has(p.key) && !dependedOn.has(p.key))
    .map((p) =>
      notDeclared(
        lock,
        p,
        `still locks ${p.version ?? "it"} as a top-level dependency, but nothing declares it any more.`,
      ),
    );
}

/** One finding per declared constraint that does not parse: the tools refuse such a manifest. */
export function unparsableConstraints(declared: DeclaredDependency[], lock: Lock): DriftFinding[] {
  const parses = (specifier: string) => {
    try {
      return specifier.trim() === "" || isValidSpecifier(specifier);
    } catch {
      return false;
    }
  };
  return declared
    .filter((d) => !d.direct && !d.specifiers.every(parses))
    .map((d) => unparsableFinding(d, lock));
}

function unparsableFinding(dependency: DeclaredDependency, lock: Lock): DriftFinding {
  const group = dependency.group === "main" ? "" : ` (${dependency.group})`;
  return findingsFor(lock)({
    severity: "error",
    code: "unparsable-constraint",
    package: dependency.name,
    file: dependency.file,
    line: dependency.line,
    declared: dependency.constraint,
    message: `${dependency.name}: ${dependency.file} declares ${JSON.stringify(dependency.constraint)}${group}, which does not parse as a version constraint, so the lock cannot be checked against it.`,
    fix: `Fix the constraint in ${dependency.file}, then run: ${fixCommand(lock)}`,
  });
}

/** Whether a locked version satisfies the constraint; "unparsable" when the constraint does not parse. */
function satisfiedOrUnparsable(
  dependency: DeclaredDependency,
  versions: string[],
): boolean | "unparsable" {
  try {
    return versions.some((v) => declaredSatisfiedBy(dependency, v));
  } catch {
    return "unparsable";
  }
}

export function packagesByKey(lock: Lock): Map<string, LockedPackage[]> {
  const byKey = new Map<string, LockedPackage[]>();
  for (const p of lock.packages) byKey.set(p.key, [...(byKey.get(p.key) ?? []), p]);
  return byKey;
}
