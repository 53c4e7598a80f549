/** Facts about the source checkout that change what gets built. */
import { existsSync } from "node:fs";
import path from "node:path";
import { readText } from "../project/text.js";
import { runCommand } from "../runtime/command.js";
import type { Finding } from "../runtime/findings.js";
import { defineChecks, finding } from "./model.js";

export const sourceChecks = defineChecks({
  G001: {
    severity: "warning",
    title: "Shallow git checkout with a version taken from git tags (setuptools-scm, hatch-vcs)",
  },
});

async function git(directory: string, args: string[]): Promise<string | undefined> {
  const result = await runCommand("git", ["-C", directory, ...args], { timeoutMs: 30_000 });
  return result.code === 0 ? result.stdout.trim() : undefined;
}

/** SOURCE_DATE_EPOCH as set, else the last commit's time, else undefined (not a git checkout). */
export async function sourceDateEpoch(
  directory: string,
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  if (env.SOURCE_DATE_EPOCH) return env.SOURCE_DATE_EPOCH;
  const time = await git(directory, ["log", "-1", "--pretty=%ct"]);
  return time && /^\d+$/.test(time) ? time : undefined;
}

const vcsVersionPlugins = /["'](setuptools[-_]scm|hatch[-_]vcs)\b/i;

/**
 * A shallow clone has no tags, so setuptools-scm and hatch-vcs make up a version: warns
 * when the project uses one of them and the checkout is shallow. `shownAs` names pyproject.toml.
 */
export async function checkShallowCheckout(directory: string, shownAs: string): Promise<Finding[]> {
  const pyproject = path.join(directory, "pyproject.toml");
  if (!existsSync(pyproject)) return [];
  const lines = readText(pyproject, shownAs).split("\n");
  const index = lines.findIndex((line) => vcsVersionPlugins.test(line));
  if (index < 0) return [];
  if ((await git(directory, ["rev-parse", "--is-shallow-repository"])) !== "true") return [];
  const plugin = vcsVersionPlugins.exec(lines[index])?.[1] ?? "the version plugin";
  return [
    finding(
      sourceChecks.G001,
      shownAs,
      `The checkout is shallow, so ${plugin} cannot see the git tags and the version it builds is not the release's.`,
      { line: index + 1, fix: "Check out with `actions/checkout` and `fetch-depth: 0`." },
    ),
  ];
}
