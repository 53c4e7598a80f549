/** build-dist's main step: builds the sdist and wheel, inspects them, uploads the artifact. */
import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { uploadArtifact } from "../../shared/artifact/upload.js";
import { BuildFailed, type BuiltDists, buildDists } from "../../shared/dists/build.js";
import { isIgnored } from "../../shared/dists/checks.js";
import { type Inspection, inspectDists } from "../../shared/dists/inspect.js";
import { checkShallowCheckout, sourceDateEpoch } from "../../shared/dists/source.js";
import {
  classifierPythonVersions,
  distDetails,
  hashTable,
  metadataTable,
} from "../../shared/dists/summary.js";
import { checkExpectedVersion, checkTag } from "../../shared/dists/version-check.js";
import { readText } from "../../shared/project/text.js";
import { type ActionIo, CheckFailed, type Finding, lastLines } from "../../shared/runtime/index.js";
import { shownRelativeTo } from "../../shared/runtime/paths.js";
import type { BuildDistInputs } from "./inputs.js";
import type { DistAttestation, ProvenanceSigning } from "./provenance.js";

export interface BuildDistDeps {
  env: NodeJS.ProcessEnv;
  uploadArtifact: typeof uploadArtifact;
  /** What signs build provenance; by default loaded only when asked for (it is large, and rarely on). */
  provenanceSigning?: () => Promise<ProvenanceSigning>;
}

const loadSigning = async () => (await import("./provenance-signing.js")).signing;

const defaultDeps: BuildDistDeps = { env: process.env, uploadArtifact };

export async function run(
  inputs: BuildDistInputs,
  io: ActionIo,
  deps = defaultDeps,
): Promise<void> {
  const shownAs = shownRelativeTo(inputs.workspace);
  // The checkout is looked at while the backend builds.
  const checkingSource = checkShallowCheckout(
    inputs.workingDirectory,
    shownAs(path.join(inputs.workingDirectory, "pyproject.toml")),
  );
  const built = await build(inputs, io, deps.env);
  requireRequestedDists(built, inputs);
  const files = placeDists(built, inputs.outputDir);
  rmSync(built.directory, { recursive: true, force: true });

  const inspection = await inspectDists(files, { python: inputs.python, shownAs });
  const sourceFindings = await checkingSource;
  const findings = [
    ...sourceFindings,
    ...inspection.findings,
    ...versionFindings(inputs, inspection, shownAs),
  ].filter((finding) => !isIgnored(finding.code, inputs.ignoreChecks));

  const metadata = inspection.metadata;
  const name = metadata?.get("Name") ?? "";
  const version = metadata?.get("Version") ?? "";
  io.setOutput("name", name);
  io.setOutput("version", version);
  io.setOutput("sdist", files.find((file) => file.endsWith(".tar.gz")) ?? "");
  io.setOutput("wheels", files.filter((file) => file.endsWith(".whl")).join("\n"));
  io.setOutput("dist-dir", inputs.outputDir);
  io.setOutput(
    "python-versions",
    JSON.stringify(metadata ? classifierPythonVersions(metadata) : []),
  );

  const artifact = inputs.uploadArtifact ? await upload(inputs, files, io, deps) : "";
  io.setOutput("artifact-name", artifact);

  const failing = findings.filter(
    (finding) => finding.severity === "error" || (inputs.strict && finding.severity === "warning"),
  );
  const { attested, summary } = await attest(inputs, files, failing.length, io, deps);
  io.setOutput("attestations", attested.map((a) => a.bundlePath).join("\n"));
  io.setOutput("attestation-ids", attested.map((a) => a.id).join("\n"));
  io.setOutput("attestation-urls", attested.map((a) => a.url).join("\n"));
  await writeSummary(inspection, findings, failing.length, { name, version }, io);
  if (summary) await io.summary(summary);
  if (failing.length > 0) {
    const codes = [...new Set(failing.map((finding) => finding.code))].join(", ");
    throw new CheckFailed(
      `${failing.length} check${failing.length === 1 ? "" : "s"} failed (${codes}); see the annotations and the job summary.`,
    );
  }
}

/**
 * Build provenance for dists that passed their checks, and its summary section; none when off,
 * or when a check failed. Its code is only loaded here, so a step without it starts as fast.
 */
async function attest(
  inputs: BuildDistInputs,
  files: string[],
  failing: number,
  io: ActionIo,
  deps: BuildDistDeps,
): Promise<{ attested: DistAttestation[]; summary?: string }> {
  const access = inputs.provenance;
  if (!access) return { attested: [] };
  if (failing > 0) {
    io.info(`Not attesting build provenance: ${failing} check${failing === 1 ? "" : "s"} failed.`);
    return { attested: [] };
  }
  const [provenance, signing] = await Promise.all([
    import("./provenance.js"),
    (deps.provenanceSigning ?? loadSigning)(),
  ]);
  const attested = await io.group("Attesting build provenance", () =>
    provenance.attestDists(files, access, deps.env, io, signing),
  );
  return { attested, summary: provenance.provenanceSummary(attested) };
}

async function build(
  inputs: BuildDistInputs,
  io: ActionIo,
  env: NodeJS.ProcessEnv,
): Promise<BuiltDists> {
  const buildEnv = { ...env };
  const epoch = await sourceDateEpoch(inputs.workingDirectory, env);
  if (epoch) buildEnv.SOURCE_DATE_EPOCH = epoch;
  const frontend = inputs.builder === "uv" ? "uv build" : "python -m build";
  try {
    return await io.group(`Building with ${frontend}`, () => {
      if (epoch) io.info(`SOURCE_DATE_EPOCH=${epoch}`);
      return buildDists({
        projectDirectory: inputs.workingDirectory,
        builder: inputs.builder,
        python: inputs.python,
        sdist: inputs.sdist,
        wheel: inputs.wheel,
        wheelFromSdist: inputs.wheelFromSdist,
        isolation: inputs.isolation,
        env: buildEnv,
        onOutput: lineWriter((line) => io.info(line)),
      });
    });
  } catch (error) {
    if (!(error instanceof BuildFailed)) throw error;
    const last = lastLines(error.output, 3)
      .map((line) => line.trim())
      .join(" ⏎ ");
    throw new CheckFailed(
      `Building the ${error.step} failed; the backend's output is in the "Building with ${frontend}" log group.${last ? ` It ended: ${last}` : ""}`,
    );
  }
}

/** A frontend that exits 0 without writing a requested dist fails the step. */
function requireRequestedDists(built: BuiltDists, inputs: BuildDistInputs): void {
  const missing = [
    ...(inputs.sdist && !built.sdist ? ["sdist (.tar.gz)"] : []),
    ...(inputs.wheel && built.wheels.length === 0 ? ["wheel (.whl)"] : []),
  ];
  if (missing.length === 0) return;
  rmSync(built.directory, { recursive: true, force: true });
  throw new CheckFailed(
    `The build finished but wrote no ${missing.join(" and no ")}; nothing was placed in ${inputs.outputDir}. See the "Building with" log group.`,
  );
}

/** Passes on whole lines of a stream of chunks. */
function lineWriter(write: (line: string) => void): (text: string) => void {
  let partial = "";
  return (text) => {
    const lines = (partial + text).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) write(line);
  };
}

/** Copies what was built into the output directory, next to anything already there. */
function placeDists(built: BuiltDists, outputDir: string): string[] {
  mkdirSync(outputDir, { recursive: true });
  const sources = [...(built.sdist ? [built.sdist] : []), ...built.wheels];
  return sources.map((source) => {
    const target = path.join(outputDir, path.basename(source));
    copyFileSync(source, target);
    return target;
  });
}

/** Where a version mismatch points: the static `version =` line of pyproject.toml, if any. */
function versionLocation(inputs: BuildDistInputs, shownAs: (file: string) => string) {
  const pyproject = path.join(inputs.workingDirectory, "pyproject.toml");
  if (!existsSync(pyproject)) return {};
  const index = readText(pyproject, shownAs(pyproject))
    .split("\n")
    .findIndex((line) => /^\s*version\s*=/.test(line));
  return { file: shownAs(pyproject), line: index >= 0 ? index + 1 : undefined };
}

function versionFindings(
  inputs: BuildDistInputs,
  inspection: Inspection,
  shownAs: (file: string) => string,
): Finding[] {
  const version = inspection.metadata?.get("Version");
  if (!version) return [];
  const where = versionLocation(inputs, shownAs);
  const file = where.file ?? inspection.dists[0]?.shownAs ?? "";
  const found = [
    ...(inputs.tag ? checkTag(version, inputs.tag, file) : []),
    ...(inputs.expectedVersion ? checkExpectedVersion(version, inputs.expectedVersion, file) : []),
  ];
  return found.map((finding) => ({ ...finding, line: where.line }));
}

async function upload(
  inputs: BuildDistInputs,
  files: string[],
  io: ActionIo,
  deps: BuildDistDeps,
): Promise<string> {
  const result = await deps.uploadArtifact({
    name: inputs.artifactName,
    files,
    rootDirectory: inputs.outputDir,
  });
  if (result.status === "unavailable") {
    io.warning(
      `Not uploading the ${inputs.artifactName} artifact: ${result.reason}. The dists are in ${inputs.outputDir}.`,
    );
    return "";
  }
  io.info(`Uploaded the ${inputs.artifactName} artifact (${files.length} files).`);
  return inputs.artifactName;
}

async function writeSummary(
  inspection: Inspection,
  findings: Finding[],
  failing: number,
  built: { name: string; version: string },
  io: ActionIo,
): Promise<void> {
  const status =
    failing > 0 ? `❌ ${failing} failing check${failing === 1 ? "" : "s"}` : "✅ ready to ship";
  const parts = [`### build-dist: ${built.name || "?"} ${built.version} ${status}`];
  if (inspection.metadata) parts.push(metadataTable(inspection.metadata));
  parts.push(...inspection.dists.map((dist) => distDetails(dist.archive)));
  await io.summary(`${parts.join("\n\n")}\n`);
  await io.report("Checks", findings, "✅ every check passed");
  await io.summary(`### sha256\n\n${hashTable(inspection.dists.map((dist) => dist.archive))}\n`);
}
