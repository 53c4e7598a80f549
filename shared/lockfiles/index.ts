/** Finding and reading lockfiles: one entry point, one Lock model. */
import { readdirSync } from "node:fs";
import path from "node:path";
import { readText } from "../project/text.js";
import { ConfigurationError } from "../runtime/errors.js";
import type { Lock, LockFormat } from "./model.js";
import { readPdmLock } from "./pdm.js";
import { readPipfileLock } from "./pipfile.js";
import { readPoetryLock } from "./poetry.js";
import { readPylock } from "./pylock.js";
import { readRequirementsLock } from "./requirements.js";
import { readUvLock } from "./uv.js";

export type { Lock, LockedPackage, LockFormat, PackageSource } from "./model.js";
export type { PdmLock } from "./pdm.js";
export type { PipfileLock } from "./pipfile.js";
export type { Pylock } from "./pylock.js";
export type { UvLock } from "./uv.js";

const byName: Record<string, LockFormat> = {
  "uv.lock": "uv",
  "poetry.lock": "poetry",
  "pdm.lock": "pdm",
  "Pipfile.lock": "pipfile",
  "pylock.toml": "pylock",
};

/** The format a lockfile's name says, or undefined for a file that is no lockfile. */
export function formatOf(file: string): LockFormat | undefined {
  const name = path.basename(file);
  if (byName[name]) return byName[name];
  if (/^pylock\.[^.]+\.toml$/.test(name)) return "pylock";
  if (/^requirements.*\.txt$/.test(name)) return "requirements";
  return undefined;
}

const readers: Record<LockFormat, (text: string, file: string) => Lock> = {
  uv: readUvLock,
  poetry: readPoetryLock,
  pdm: readPdmLock,
  pipfile: readPipfileLock,
  requirements: readRequirementsLock,
  pylock: readPylock,
};

/** Reads a lockfile; `display` is how messages name it. */
export function readLock(file: string, display = file): Lock {
  const format = formatOf(file);
  const text = readText(file, display);
  if (format) return readers[format](text, display);
  throw new ConfigurationError(
    `${display}: not a lockfile pyship reads (uv.lock, poetry.lock, pdm.lock, Pipfile.lock, pylock.toml, requirements*.txt)`,
    { file: display },
  );
}

/** Reads a lockfile's text, as another revision had it (a PR's base); `file` names its format. */
export function parseLock(text: string, file: string, display = file): Lock {
  const format = formatOf(file);
  if (format) return readers[format](text, display);
  throw new ConfigurationError(`${display}: not a lockfile pyship reads`, { file: display });
}

/** Lockfiles in a directory, in a stable order: uv, poetry, pdm, Pipfile, pylock, requirements. */
export function findLockfiles(directory: string): string[] {
  const order: LockFormat[] = ["uv", "poetry", "pdm", "pipfile", "pylock", "requirements"];
  return readdirSync(directory)
    .filter((name) => formatOf(name) !== undefined)
    .sort(
      (a, b) =>
        order.indexOf(formatOf(a) as LockFormat) - order.indexOf(formatOf(b) as LockFormat) ||
        a.localeCompare(b),
    )
    .map((name) => path.join(directory, name));
}
