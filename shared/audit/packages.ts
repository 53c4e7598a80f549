/** The locked packages an audit looks at: every package of the chosen groups, whatever its markers. */
import type { Lock } from "../lockfiles/model.js";
import { selectPackages } from "../lockfiles/select.js";
import type { Manifest } from "../project/pyproject.js";
import type { AuditedPackage } from "./model.js";

export interface SkippedPackage {
  name: string;
  reason: string;
}

export function auditedPackages(
  lock: Lock,
  manifest: Manifest | undefined,
  groups: "all" | string[],
): { packages: AuditedPackage[]; skipped: SkippedPackage[] } {
  const selection = selectPackages(lock, manifest, { groups, extras: "all" });
  const byVersion = new Map<string, AuditedPackage>();
  const skipped: SkippedPackage[] = [];
  for (const { package: locked, groups: reachedBy } of selection.packages) {
    if (locked === selection.project) continue;
    if (locked.source.kind !== "registry") {
      skipped.push({ name: locked.name, reason: `from a ${locked.source.kind}, not an index` });
      continue;
    }
    if (!locked.version) {
      skipped.push({ name: locked.name, reason: "no pinned version" });
      continue;
    }
    const id = `${locked.key}==${locked.version}`;
    const seen = byVersion.get(id);
    if (seen) {
      seen.groups = [...new Set([...seen.groups, ...reachedBy])];
      continue;
    }
    byVersion.set(id, {
      name: locked.name,
      key: locked.key,
      version: locked.version,
      line: locked.line,
      groups: [...reachedBy],
    });
  }
  return { packages: [...byVersion.values()], skipped };
}
