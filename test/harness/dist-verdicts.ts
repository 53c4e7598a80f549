/** Runs scripts/oracles/dist_verdicts.py in the oracle chroot over some dists. */
import path from "node:path";
import type { DistVerdict, VerdictsFile } from "./dist-corpus.js";
import { oracleVersions, runInOracles } from "./oracles.js";
import { repoRoot } from "./runner.js";

const SCRIPT = path.join(repoRoot, "scripts", "oracles", "dist_verdicts.py");

export async function collectVerdicts(files: string[]): Promise<VerdictsFile> {
  const folders = [...new Set(files.map((file) => path.dirname(file)))];
  const result = await runInOracles("python3", [SCRIPT], {
    binds: [repoRoot, ...folders],
    input: `${files.join("\n")}\n`,
  });
  if (result.code !== 0)
    throw new Error(`dist_verdicts.py exited ${result.code}: ${result.stderr.slice(-2000)}`);
  const dists: Record<string, DistVerdict> = {};
  for (const line of result.stdout.split("\n").filter(Boolean)) {
    const entry = JSON.parse(line) as DistVerdict & { sha256?: string; error?: string };
    if (entry.error || !entry.sha256)
      throw new Error(`the oracles failed on ${entry.file}: ${entry.error}`);
    const { sha256, ...verdict } = entry;
    dists[sha256] = verdict;
  }
  const versions = oracleVersions();
  const tools = Object.fromEntries(
    ["twine", "packaging", "trove-classifiers", "email-validator", "readme_renderer"]
      .filter((tool) => versions[tool])
      .map((tool) => [tool, versions[tool]]),
  );
  return { tools, dists };
}
