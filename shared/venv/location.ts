/** Where a venv may go, and the rule for replacing one: only a venv, or what this run created. */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ConfigurationError } from "../runtime/errors.js";
import { quoted } from "../runtime/inputs.js";
import { entryKind, isInside, realTarget } from "../runtime/paths.js";

export interface VenvPlace {
  workingDirectory: string;
  workspace: string;
  runnerTemp?: string;
  lockfile?: string;
  /** How messages show a path. */
  shown(file: string): string;
}

const refuse = (shown: string, why: string) =>
  new ConfigurationError(
    `input 'venv-path': ${shown} ${why}; setup-venv replaces the folder it names`,
  );

/** Refuses a venv-path that is the project, holds it, or holds something that is no venv. */
export function checkVenvPath(venv: string, place: VenvPlace): void {
  const real = realTarget(venv);
  const shown = place.shown(venv);
  // venv itself refuses the PATH separator; a line break would break the activate scripts.
  if (venv.includes(path.delimiter) || [...venv].some((char) => char.charCodeAt(0) < 32)) {
    throw new ConfigurationError(
      `input 'venv-path': ${quoted(shown)} holds '${path.delimiter}' or a control character, which a venv's path cannot`,
    );
  }
  const protectedPlaces: [string | undefined, string][] = [
    [place.workingDirectory, "is the working directory, or holds it"],
    [place.workspace, "is the workspace, or holds it"],
    [place.runnerTemp, "is RUNNER_TEMP, or holds it"],
    [place.lockfile, "holds the lockfile"],
  ];
  for (const [protectedPath, why] of protectedPlaces) {
    if (protectedPath && isInside(realTarget(protectedPath), real)) throw refuse(shown, why);
  }
  const kind = entryKind(venv);
  if (kind === "missing" || isVenv(venv)) return;
  if (kind !== "directory") throw refuse(shown, "is a file, not a venv");
  if (readdirSync(venv).length > 0) {
    throw refuse(shown, "exists and is not a venv (it has no pyvenv.cfg), so it is not deleted");
  }
}

export const isVenv = (directory: string): boolean =>
  entryKind(path.join(directory, "pyvenv.cfg")) === "file";

/** Venvs this process created or restored: the only folders it deletes besides real venvs. */
const ours = new Set<string>();

/** Marks a folder as made by this run (created, or restored from the cache). */
export const claimVenv = (venv: string) => ours.add(path.resolve(venv));

/** Deletes a venv: a folder with pyvenv.cfg, or one this run made; anything else is refused. */
export function removeVenv(venv: string): void {
  const kind = entryKind(venv);
  if (kind === "missing") return;
  if (kind === "directory" && readdirSync(venv).length === 0) return;
  if (!ours.has(path.resolve(venv)) && !isVenv(venv)) {
    throw new ConfigurationError(
      `${venv} is not a venv (no pyvenv.cfg) and setup-venv did not create it, so it is not deleted`,
    );
  }
  rmSync(venv, { recursive: true, force: true });
}

interface LockOwner {
  pid: number;
  host: string;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

/**
 * Holds the venv's folder for this run, so two runs in one workspace do not replace each other's
 * venv half-way. Returns the release. A lock left by a process that is gone is taken over.
 */
export function lockVenv(venv: string, shown: string): () => void {
  const lock = path.join(path.dirname(venv), `.${path.basename(venv)}.pyship-lock`);
  const owner = path.join(lock, "owner.json");
  mkdirSync(path.dirname(lock), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(lock);
      writeFileSync(owner, JSON.stringify({ pid: process.pid, host: os.hostname() }));
      return () => rmSync(lock, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw error;
      const holder = readOwner(owner);
      // No owner yet: the other run is between taking the lock and writing its name.
      const busy = holder
        ? holder.host !== os.hostname() || alive(holder.pid)
        : youngerThan(lock, 30_000);
      if (busy) {
        const who = holder ? ` (process ${holder.pid} on ${holder.host})` : "";
        throw new ConfigurationError(
          `input 'venv-path': another setup-venv run${who} is creating ${shown} right now; give each job its own venv-path`,
        );
      }
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<LockOwner>;
    return typeof parsed.pid === "number" && typeof parsed.host === "string"
      ? { pid: parsed.pid, host: parsed.host }
      : undefined;
  } catch {
    return undefined;
  }
}

function youngerThan(file: string, ms: number): boolean {
  try {
    return Date.now() - statSync(file).mtimeMs < ms;
  } catch {
    return false;
  }
}
