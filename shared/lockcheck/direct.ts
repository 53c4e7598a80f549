/** Which locked packages are direct dependencies (declared), for the lock diff's direct/transitive split. */
import type { Lock, LockedPackage } from "../lockfiles/model.js";
import type { RequirementsLock } from "../lockfiles/requirements.js";
import type { UvLock } from "../lockfiles/uv.js";
import { normalizeName } from "../project/names.js";
import { dependencyGroups, type Manifest, pep621Dependencies } from "../project/pyproject.js";
import { declaredFor } from "./hashed-locks.js";

/** The normalized names the project declares itself: from the lock's own roots where it has them, else the manifest. */
export function directKeys(lock: Lock, manifest: Manifest | undefined): Set<string> {
  switch (lock.format) {
    case "uv":
      return uvDirect(lock as UvLock);
    case "requirements":
      return requirementsDirect(lock as RequirementsLock);
    case "pylock":
      return new Set(
        manifest
          ? [
              ...pep621Dependencies(manifest),
              ...[...dependencyGroups(manifest).values()].flat(),
            ].map((d) => d.key)
          : [],
      );
    default:
      return new Set(manifest ? declaredFor(lock, manifest).map((d) => d.key) : []);
  }
}

/** uv.lock: the edges of the workspace members (editable or virtual entries), groups included. */
function uvDirect(lock: UvLock): Set<string> {
  const members = new Set(lock.manifest.members.map(normalizeName));
  const isMember = (p: LockedPackage) =>
    members.has(p.key) || p.source.kind === "editable" || p.source.kind === "virtual";
  const roots = lock.packages.filter(isMember);
  const edges = roots.flatMap((p) => [
    ...p.dependencies,
    ...Object.values(p.groupDependencies ?? {}).flat(),
  ]);
  const own = new Set(roots.map((p) => p.key));
  return new Set(edges.map((e) => e.key).filter((key) => !own.has(key)));
}

/** A pin whose `# via` names an input (`-r requirements.in`, `pkg (pyproject.toml)`); every pin when none says. */
function requirementsDirect(lock: RequirementsLock): Set<string> {
  const annotated = lock.packages.some((pin) => pin.via.length > 0);
  const fromInput = (via: string) => via.startsWith("-r ") || via.includes("(");
  return new Set(
    lock.packages.filter((pin) => !annotated || pin.via.some(fromInput)).map((pin) => pin.key),
  );
}
