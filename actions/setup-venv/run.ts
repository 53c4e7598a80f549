/** setup-venv's main step: picks a Python, restores or creates the venv, installs the lock. */
import { venvCacheKey } from "../../shared/cache/venv-key.js";
import type { ProjectManifest } from "../../shared/project/manifest.js";
import {
  type InterpreterInfo,
  readVersionRequest,
  selectInterpreter,
} from "../../shared/python/index.js";
import { venvBin, venvPython } from "../../shared/python/venv-layout.js";
import type { ActionIo } from "../../shared/runtime/index.js";
import { buildVenv, type VenvBuild } from "../../shared/venv/build.js";
import { keepRestoredVenv } from "../../shared/venv/identity.js";
import { installerVersion } from "../../shared/venv/installer.js";
import { checkVenvPath, lockVenv } from "../../shared/venv/location.js";
import { planSetup, type SetupPlan } from "../../shared/venv/setup-plan.js";
import { openProject, type Project } from "../../shared/workspace/open-project.js";
import { restoreFromCache } from "./cache.js";
import type { SetupVenvInputs } from "./inputs.js";
import { State } from "./state.js";
import { summary } from "./summary.js";

type Env = Record<string, string | undefined>;

export interface SetupVenvDeps {
  env: Env;
}

export async function run(
  inputs: SetupVenvInputs,
  io: ActionIo,
  deps: SetupVenvDeps = { env: process.env },
) {
  const project = openProject(inputs, "install");
  const venv = inputs.venvPath;
  checkVenvPath(venv, {
    workingDirectory: inputs.workingDirectory,
    workspace: inputs.workspace,
    runnerTemp: deps.env.RUNNER_TEMP,
    lockfile: project.locks[0].path,
    shown: project.shown,
  });
  const release = lockVenv(venv, project.shown(venv));
  try {
    await setUp(inputs, io, deps.env, project);
  } finally {
    release();
  }
}

interface SetUpVenv {
  python: InterpreterInfo;
  setup: SetupPlan;
  key: string;
  hit: boolean;
  caching: boolean;
}

async function setUp(inputs: SetupVenvInputs, io: ActionIo, env: Env, project: Project) {
  const [{ lock }] = project.locks;
  const { venvPath: venv } = inputs;
  const manifest = project.manifest();
  const python = await findPython(inputs, io, env, manifest);
  const locked = { lock, directory: project.directory, manifest };
  const setup = planSetup(locked, inputs, python.markers, env);
  const key = venvCacheKey({
    ...pythonIdentity(python),
    installer: setup.installer,
    installerVersion: await installerVersion(setup.installer, env),
    lock,
    selection: { ...setup.selection, withProject: setup.withProject },
    venvPath: venv,
    suffix: inputs.cacheSuffix,
    env,
  });
  const identity = { key, ...pythonIdentity(python) };
  const cache = await restoreFromCache(inputs.cache, venv, key, io, env);
  const hit = cache.hit && (await keepRestoredVenv(venv, identity, (text) => io.warning(text)));
  const place = { python: python.path, venv, lockDirectory: project.directory, identity };
  if (!hit) await install(io, lock.file, setup, place);
  await publish(inputs, io, lock.file, { python, setup, key, hit, caching: cache.caching });
}

const pythonIdentity = (python: InterpreterInfo) => ({
  pythonVersion: python.version,
  pythonRealPath: python.realPath,
});

async function findPython(
  inputs: SetupVenvInputs,
  io: ActionIo,
  env: Env,
  manifest: ProjectManifest | undefined,
) {
  const request = readVersionRequest({
    pythonVersion: inputs.pythonVersion,
    pythonVersionFile: inputs.pythonVersionFile,
    workingDirectory: inputs.workingDirectory,
    requiresPython: manifest?.requiresPython,
  });
  return io.group("Python", async () => {
    const found = await selectInterpreter(request, env as NodeJS.ProcessEnv);
    io.info(`Python ${found.version} at ${found.path} (${request.from})`);
    return found;
  });
}

type BuildPlace = Omit<VenvBuild, keyof SetupPlan>;

async function install(io: ActionIo, lockfile: string, setup: SetupPlan, place: BuildPlace) {
  const { plan, installer } = setup;
  await io.group(`Install ${plan.count} packages from ${lockfile} with ${installer}`, async () => {
    if (plan.withoutHashes.length > 0) {
      io.notice(
        `setup-venv: ${lockfile} has no hashes for ${plan.withoutHashes.join(", ")}; installed without --require-hashes.`,
      );
    }
    await buildVenv({ ...place, ...setup }, (text) => io.info(text.trimEnd()));
  });
}

async function publish(inputs: SetupVenvInputs, io: ActionIo, lockfile: string, done: SetUpVenv) {
  const { python, setup, key, hit } = done;
  const venv = inputs.venvPath;
  io.exportVariable("VIRTUAL_ENV", venv);
  io.addPath(venvBin(venv));
  const outputs = {
    "python-version": python.version,
    "python-path": venvPython(venv),
    "venv-path": venv,
    "cache-hit": String(hit),
    "cache-key": key,
    lockfile,
    installer: setup.installer,
    packages: String(hit ? 0 : setup.plan.count + (setup.withProject ? 1 : 0)),
  };
  for (const [name, value] of Object.entries(outputs)) io.setOutput(name, value);
  io.saveState(State.Venv, venv);
  io.saveState(State.Key, key);
  io.saveState(State.Save, String(done.caching && !hit));
  const { groups, extras } = setup.selection;
  await io.summary(summary(outputs, groups, extras, done.caching));
}
