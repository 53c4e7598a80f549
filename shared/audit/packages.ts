/** The locked packages an audit looks at: the chosen groups' and those no declared root reaches. */
import type { Lock, LockedPackage } from "../lockfiles/model.js";
import { selectPackages } from "../lockfiles/select.js";
import type { Manifest } from "../project/pyproject.js";
import type { AuditedPackage } from "./model.js";

export interface SkippedPackage {
  name: string;
  reason: string;
}

export interface AuditScope {
  packages: AuditedPackage[];
  /** Locked packages left out, with why. */
  skipped: SkippedPackage[];
  /** Distinct locked packages (name and version), the project itself left out. */
  locked: number;
}

export const notInSelectedGroups = "not in the selected groups";

const idOf = (locked: LockedPackage) => `${locked.key}==${locked.version ?? ""}`;

export function auditedPackages(
  lock: Lock,
  manifest: Manifest | undefined,
  groups: "all" | string[],
): AuditScope {
  const selection = selectPackages(lock, manifest, { groups, extras: "all" });
  const everyGroup =
    groups === "all" ? selection : selectPackages(lock, manifest, { groups: "all", extras: "all" });
  const chosen = new Map(selection.packages.map((s) => [s.package, s.groups]));
  const inSomeGroup = new Set(everyGroup.packages.map((s) => s.package));
  const byVersion = new Map<string, AuditedPackage>();
  const skipped = new Map<string, SkippedPackage>();
  const lockedIds = new Set<string>();
  for (const locked of lock.packages) {
    if (locked === selection.project) continue;
    const id = idOf(locked);
    lockedIds.add(id);
    const reachedBy = chosen.get(locked);
    const unreachable = !reachedBy && !inSomeGroup.has(locked);
    if (!reachedBy && !unreachable) {
      if (!skipped.has(id)) skipped.set(id, { name: locked.name, reason: notInSelectedGroups });
      continue;
    }
    const reason = notAuditable(locked);
    if (reason) {
      skipped.set(id, { name: locked.name, reason });
      continue;
    }
    skipped.delete(id);
    const seen = byVersion.get(id);
    if (seen) {
      seen.groups = [...new Set([...seen.groups, ...(reachedBy ?? [])])];
      if (reachedBy) delete seen.unreachable;
      continue;
    }
    byVersion.set(id, {
      name: locked.name,
      key: locked.key,
      version: locked.version as string,
      line: locked.line,
      groups: [...(reachedBy ?? [])],
      ...(unreachable ? { unreachable: true } : {}),
    });
  }
  return {
    packages: [...byVersion.values()],
    skipped: [...skipped.values()],
    locked: lockedIds.size,
  };
}

function notAuditable(locked: LockedPackage): string | undefined {
  const { kind } = locked.source;
  if (kind !== "registry")
    return `from ${/^[aeiou]/.test(kind) ? "an" : "a"} ${kind} source, not an index`;
  if (!locked.version) return "no pinned version";
  return undefined;
}
