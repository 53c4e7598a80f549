// actions/download-artifact's stand-in: one named artifact into `path`, with the real @actions/artifact client.
import { appendFileSync } from "node:fs";
import path from "node:path";
import { DefaultArtifactClient } from "@actions/artifact";

const name = process.env.INPUT_NAME ?? "";
const target = path.resolve(process.env.GITHUB_WORKSPACE ?? ".", process.env.INPUT_PATH || ".");
if (!name) throw new Error("download-artifact stand-in: input 'name' is required");
const client = new DefaultArtifactClient();
const { artifact } = await client.getArtifact(name);
const { downloadPath, digestMismatch } = await client.downloadArtifact(artifact.id, {
  path: target,
  expectedHash: artifact.digest,
});
if (digestMismatch) throw new Error(`artifact ${name}: digest mismatch`);
console.log(`Downloaded artifact ${name} to ${downloadPath}`);
appendFileSync(process.env.GITHUB_OUTPUT ?? "/dev/null", `download-path=${downloadPath}\n`);
