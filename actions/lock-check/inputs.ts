/** lock-check's inputs, read and validated from action.yml's names. */
import { InputReader } from "../../shared/runtime/index.js";
import { indexUrl, minReleaseAge } from "./cooldown-inputs.js";

export interface LockCheckInputs {
  workingDirectory: string;
  workspace: string;
  lockfile?: string;
  mode: "static" | "tool";
  hashRecipes: "current" | "any";
  failOnDrift: boolean;
  comment: boolean;
  githubToken: string;
  /** `min-release-age` in milliseconds; undefined is off. */
  minReleaseAgeMs?: number;
  /** The JSON API asked for upload times the lock does not record, for packages from PyPI (default PyPI). */
  indexUrl?: string;
}

export function loadInputs(reader = new InputReader(), env = process.env): LockCheckInputs {
  const workingDirectory = reader.workingDirectory();
  const lockfile = reader.optional("lockfile");
  return Object.freeze({
    workingDirectory,
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    lockfile:
      lockfile === undefined ? undefined : reader.existing("lockfile", workingDirectory, "file"),
    mode: reader.choice("mode", ["static", "tool"] as const, "static"),
    hashRecipes: reader.choice("hash-recipes", ["current", "any"] as const, "current"),
    failOnDrift: reader.boolean("fail-on-drift", true),
    comment: reader.boolean("comment", false),
    githubToken: reader.raw("github-token"),
    minReleaseAgeMs: minReleaseAge(reader),
    indexUrl: indexUrl(reader),
  });
}
