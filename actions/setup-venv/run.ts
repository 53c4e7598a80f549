/** setup-venv's main step: picks a Python, restores or creates the venv, installs the lock. */
import path from "node:path";
import { unusableVenv, venvCacheKey, writeVenvIdentity } from "../../shared/cache/venv-key.js";
import type { Lock } from "../../shared/lockfiles/model.js";
import { selectPackages } from "../../shared/lockfiles/select.js";
import { tableAt } from "../../shared/project/files.js";
import { readVersionRequest, selectInterpreter } from "../../shared/python/index.js";
import { venvBin, venvPython } from "../../shared/python/venv-layout.js";
import { runCommand, which } from "../../shared/runtime/command.js";
import { type ActionIo, markdownTable } from "../../shared/runtime/index.js";
import {
  createVenv,
  type Installer,
  installPlan,
  installProject,
} from "../../shared/venv/install.js";
import { checkVenvPath, claimVenv, lockVenv, removeVenv } from "../../shared/venv/location.js";
import { planInstall } from "../../shared/venv/plan.js";
import {
  cacheWanted,
  findInstallLock,
  installIndexes,
  isPackage,
  readManifest,
} from "../../shared/venv/project.js";
import type { SetupVenvInputs } from "./inputs.js";

import { State } from "./state.js";

export interface SetupVenvDeps {
  env: Record<string, string | undefined>;
}

export async function run(
  inputs: SetupVenvInputs,
  io: ActionIo,
  deps: SetupVenvDeps = { env: process.env },
) {
  const display = (p: string) => path.relative(inputs.workspace, p) || ".";
  const lock = findInstallLock(inputs.workingDirectory, inputs.lockfile, display);
  const lockDirectory = path.dirname(path.resolve(inputs.workspace, lock.file));
  const venv = inputs.venvPath;
  checkVenvPath(venv, {
    workingDirectory: inputs.workingDirectory,
    workspace: inputs.workspace,
    runnerTemp: deps.env.RUNNER_TEMP,
    lockfile: path.resolve(inputs.workspace, lock.file),
    shown: display,
  });
  const release = lockVenv(venv, display(venv));
  try {
    await setUp(inputs, io, deps, { lock, lockDirectory, venv, display });
  } finally {
    release();
  }
}

interface OpenedProject {
  lock: Lock;
  lockDirectory: string;
  venv: string;
  display(p: string): string;
}

async function setUp(
  inputs: SetupVenvInputs,
  io: ActionIo,
  deps: SetupVenvDeps,
  { lock, lockDirectory, venv, display }: OpenedProject,
) {
  const manifest = readManifest(lockDirectory, display);
  const requiresPython = tableAt(manifest?.data ?? {}, ["project"])["requires-python"];
  const request = readVersionRequest({
    pythonVersion: inputs.pythonVersion,
    pythonVersionFile: inputs.pythonVersionFile,
    workingDirectory: inputs.workingDirectory,
    requiresPython: typeof requiresPython === "string" ? requiresPython : undefined,
  });
  const python = await io.group("Python", async () => {
    const found = await selectInterpreter(request, deps.env as NodeJS.ProcessEnv);
    io.info(`Python ${found.version} at ${found.path} (${request.from})`);
    return found;
  });
  const installer: Installer =
    inputs.installer === "auto" ? (which("uv", deps.env) ? "uv" : "pip") : inputs.installer;
  const selection = selectPackages(lock, manifest, {
    groups: inputs.groups,
    extras: inputs.extras,
    environment: python.markers,
  });
  const plan = planInstall(lock, selection.packages, {
    lockDirectory,
    indexes: installIndexes(lock, manifest),
    markers: python.markers,
  });
  const withProject = inputs.installProject && isPackage(lockDirectory, manifest);
  const key = venvCacheKey({
    pythonVersion: python.version,
    pythonRealPath: python.realPath,
    installer,
    installerVersion:
      installer === "uv" ? (await runCommand("uv", ["--version"])).output.trim() : "",
    lockText: lock.text,
    selection: JSON.stringify({ groups: selection.groups, extras: selection.extras, withProject }),
    venvPath: venv,
    suffix: inputs.cacheSuffix,
    env: deps.env,
  });

  // @actions/cache is a large module: it is loaded only when the cache is wanted.
  const cache = cacheWanted(inputs.cache, deps.env);
  if (cache.off) io.notice(cache.off);
  const store = cache.wanted ? await import("../../shared/cache/venv-store.js") : undefined;
  const caching = store !== undefined && usableCache(io, store.cacheAvailable());
  if (caching) claimVenv(venv); // what the restore writes is this run's
  let hit =
    caching &&
    store !== undefined &&
    (await io.group("Restore the venv from the cache", () =>
      store.restoreVenv(venv, key, (message) => io.warning(message)),
    ));
  const identity = { key, pythonVersion: python.version, pythonRealPath: python.realPath };
  if (hit) {
    const unusable = await unusableVenv(venv, identity);
    if (unusable) {
      io.warning(`setup-venv: ${unusable}; rebuilding it.`);
      removeVenv(venv);
      hit = false;
    }
  }
  if (!hit) {
    await io.group(
      `Install ${plan.count} packages from ${lock.file} with ${installer}`,
      async () => {
        if (plan.withoutHashes.length > 0) {
          io.notice(
            `setup-venv: ${lock.file} has no hashes for ${plan.withoutHashes.join(", ")}; installed without --require-hashes.`,
          );
        }
        const log = (text: string) => io.info(text.trimEnd());
        try {
          await createVenv(python.path, venv, installer, log);
          await installPlan(plan, { installer, venv, cwd: lockDirectory, log });
          if (withProject)
            await installProject(lockDirectory, { installer, venv, cwd: lockDirectory, log });
          writeVenvIdentity(venv, identity);
        } catch (error) {
          removeVenv(venv); // never leave a half-built venv behind
          throw error;
        }
      },
    );
  }

  io.exportVariable("VIRTUAL_ENV", venv);
  io.addPath(venvBin(venv));
  const outputs = {
    "python-version": python.version,
    "python-path": venvPython(venv),
    "venv-path": venv,
    "cache-hit": String(hit),
    "cache-key": key,
    lockfile: lock.file,
    installer,
    packages: String(hit ? 0 : plan.count + (withProject ? 1 : 0)),
  };
  for (const [name, value] of Object.entries(outputs)) io.setOutput(name, value);
  io.saveState(State.Venv, venv);
  io.saveState(State.Key, key);
  io.saveState(State.Save, String(caching && !hit));
  await io.summary(summary(outputs, selection.groups, selection.extras, caching));
}

let warnedNoCache = false;

function usableCache(io: ActionIo, available: boolean): boolean {
  if (available) return true;
  if (!warnedNoCache)
    io.warning("setup-venv: no cache service is available here; the venv will not be cached.");
  warnedNoCache = true;
  return false;
}

function summary(
  outputs: Record<string, string>,
  groups: string[],
  extras: string[],
  caching: boolean,
): string {
  const rows = [
    ["Python", outputs["python-version"]],
    ["Lockfile", `\`${outputs.lockfile}\``],
    ["Groups", groups.join(", ") || "—"],
    ["Extras", extras.join(", ") || "—"],
    ["Installer", outputs.installer],
    [
      "Installed",
      outputs["cache-hit"] === "true"
        ? "nothing: restored from the cache"
        : `${outputs.packages} distribution${outputs.packages === "1" ? "" : "s"}`,
    ],
    [
      "Cache",
      caching
        ? outputs["cache-hit"] === "true"
          ? "✅ exact hit"
          : "miss: saved after the job"
        : "off",
    ],
    ["venv", `\`${outputs["venv-path"]}\``],
  ];
  return `### setup-venv\n\n${markdownTable(["", ""], rows)}\n`;
}
