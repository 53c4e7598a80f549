/**
 * The semantic diff shared by poetry.lock, pdm.lock and Pipfile.lock: every declared dependency
 * must be locked at a version its constraint admits, and every locked package must still be reachable
 * from a declaration.
 */
import type { Lock, LockedPackage } from "../lockfiles/model.js";
import {
  type DeclaredDependency,
  declaredSatisfiedBy,
  describeConstraint,
} from "../project/declared.js";
import { type DriftFinding, findingsFor } from "./drift.js";

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
    if (versions.length > 0 && !versions.some((v) => declaredSatisfiedBy(dependency, v))) {
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
  const finding = findingsFor(lock);
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
      finding({
        severity: "error",
        code: "not-declared",
        package: p.name,
        locked: p.version,
        file: lock.file,
        line: p.line,
        message: `${p.name}: ${lock.file} still locks ${p.version ?? "it"} as a top-level dependency, but nothing declares it any more.`,
      }),
    );
}

export function packagesByKey(lock: Lock): Map<string, LockedPackage[]> {
  const byKey = new Map<string, LockedPackage[]>();
  for (const p of lock.packages) byKey.set(p.key, [...(byKey.get(p.key) ?? []), p]);
  return byKey;
}
