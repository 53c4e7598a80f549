/** What setup-venv installs: the installer, the selected packages as a plan, and the project or not. */
import type { Lock } from "../lockfiles/model.js";
import { type Selection, selectPackages } from "../lockfiles/select.js";
import type { ProjectManifest } from "../project/manifest.js";
import type { Installer } from "./install.js";
import { chooseInstaller } from "./installer.js";
import { type InstallPlan, planInstall } from "./plan.js";
import { installIndexes, isPackage } from "./project.js";

export interface SetupRequest {
  groups: "default" | "all" | string[];
  extras: "all" | string[];
  installProject: boolean;
  installer: "auto" | Installer;
}

export interface SetupPlan {
  installer: Installer;
  selection: Selection;
  plan: InstallPlan;
  withProject: boolean;
}

export interface LockedProject {
  lock: Lock;
  /** The lock's directory, where the manifest is. */
  directory: string;
  manifest: ProjectManifest | undefined;
}

export function planSetup(
  { lock, directory, manifest }: LockedProject,
  request: SetupRequest,
  markers: Record<string, string>,
  env: Record<string, string | undefined>,
): SetupPlan {
  const installer = chooseInstaller(request.installer, env);
  const selection = selectPackages(lock, manifest, {
    groups: request.groups,
    extras: request.extras,
    environment: markers,
  });
  const plan = planInstall(lock, selection.packages, {
    lockDirectory: directory,
    indexes: installIndexes(lock, manifest),
    markers,
  });
  const withProject = request.installProject && isPackage(directory, manifest);
  return { installer, selection, plan, withProject };
}
