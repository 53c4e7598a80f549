/** audit's baseline: the packages of the PR's base lock, or why there is none. */
import type { AuditedPackage } from "../../shared/audit/model.js";
import { auditedPackages } from "../../shared/audit/packages.js";
import type { ActionIo } from "../../shared/runtime/index.js";
import { baseRevisionFromEnv, readBaseLock } from "../../shared/workspace/base-lock.js";
import type { Project } from "../../shared/workspace/open-project.js";
import type { AuditInputs } from "./inputs.js";

export interface Baseline {
  /** The base lock's audited packages (none for a new lockfile). */
  packages: AuditedPackage[];
  /** One line for the summary: what the findings were compared with. */
  note: string;
}

/** The base lock's packages on a PR event with `baseline: auto`; undefined when there is nothing to compare with. */
export async function readBaseline(
  inputs: AuditInputs,
  project: Project,
  io: ActionIo,
  env: Record<string, string | undefined>,
): Promise<Baseline | undefined> {
  if (inputs.baseline === "none") return undefined;
  const base = baseRevisionFromEnv(env, inputs.githubToken);
  if (!base) return undefined;
  const [{ lock, path: lockPath }] = project.locks;
  const found = await readBaseLock(inputs.workspace, lockPath, base);
  const at = `base ${base.sha.slice(0, 12)}`;
  if (found.status === "unreadable") {
    io.warning(
      `audit: could not read ${lock.file} at the ${at} (${found.reason}); findings are not marked new or existing, and each counts as new`,
    );
    return undefined;
  }
  if (found.status === "absent")
    return { packages: [], note: `${lock.file} is new (not in the ${at}): every finding is new` };
  const { packages } = auditedPackages(found.lock, project.manifest(), inputs.groups);
  io.info(`Baseline: ${packages.length} packages of ${lock.file} at the ${at} (${found.via}).`);
  return { packages, note: `compared with ${lock.file} at the ${at} (read via ${found.via})` };
}
