/** Building a venv from a plan: created, installed into, stamped; removed again if any step fails. */
import type { CommandOptions } from "../runtime/command.js";
import { type VenvIdentity, writeVenvIdentity } from "./identity.js";
import { createVenv, type Installer, installPlan, installProject } from "./install.js";
import { removeVenv } from "./location.js";
import type { InstallPlan } from "./plan.js";

export interface VenvBuild {
  python: string;
  venv: string;
  installer: Installer;
  plan: InstallPlan;
  /** Where the lock is: relative paths in it, and the project, are there. */
  lockDirectory: string;
  withProject: boolean;
  identity: VenvIdentity;
}

export async function buildVenv(build: VenvBuild, log: CommandOptions["onOutput"]): Promise<void> {
  const { installer, venv, lockDirectory: cwd } = build;
  try {
    await createVenv(build.python, venv, installer, log);
    await installPlan(build.plan, { installer, venv, cwd, log });
    if (build.withProject) await installProject(cwd, { installer, venv, cwd, log });
    writeVenvIdentity(venv, build.identity);
  } catch (error) {
    removeVenv(venv); // never leave a half-built venv behind
    throw error;
  }
}
