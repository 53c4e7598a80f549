/** Reads each dist once and runs every check on it: build-dist's whole validation. */
import type { Finding } from "../runtime/findings.js";
import { hasMember, metadataMember, readDist } from "./archive.js";
import { compareMetadata } from "./compare.js";
import { checkDescriptions } from "./description.js";
import { checkFilename } from "./filenames.js";
import { type CoreMetadata, parseCoreMetadata } from "./metadata.js";
import { checkMetadata } from "./metadata-checks.js";
import type { DistArchive } from "./model.js";
import { checkSdist } from "./sdist.js";
import { checkWheelStructure } from "./wheel.js";
import { checkWheelContents } from "./wheel-contents.js";

export interface InspectedDist {
  archive: DistArchive;
  metadata?: CoreMetadata;
  /** How findings and the summary name the file (relative to the workspace). */
  shownAs: string;
}

export interface Inspection {
  dists: InspectedDist[];
  /** The metadata the outputs report: the first wheel's, else the sdist's. */
  metadata?: CoreMetadata;
  findings: Finding[];
}

export interface InspectOptions {
  /** The interpreter that renders reStructuredText descriptions, when it has readme_renderer. */
  python: string;
  shownAs(file: string): string;
}

/** The path a `License-File` has inside this dist. */
function licensePath(archive: DistArchive, metadataPath: string, file: string): string {
  const root = metadataPath.slice(0, metadataPath.lastIndexOf("/"));
  return archive.kind === "wheel" ? `${root}/licenses/${file}` : `${root}/${file}`;
}

async function inspectOne(
  file: string,
  options: InspectOptions,
): Promise<[InspectedDist, Finding[]]> {
  const archive = await readDist(file);
  const shownAs = options.shownAs(file);
  const member = metadataMember(archive);
  const text = member ? archive.texts.get(member) : undefined;
  const metadata = text === undefined ? undefined : parseCoreMetadata(text);
  const findings = [
    ...checkFilename(archive, nameAndVersion(metadata)),
    ...(archive.kind === "wheel"
      ? [...checkWheelStructure(archive), ...checkWheelContents(archive)]
      : checkSdist(archive)),
  ];
  if (metadata && member) {
    findings.push(
      ...checkMetadata(metadata, {
        file: shownAs,
        kind: archive.kind,
        hasLicenseFile: (license) => hasMember(archive, licensePath(archive, member, license)),
      }),
    );
  }
  return [
    { archive, metadata, shownAs },
    findings.map((finding) => shown(finding, archive, shownAs)),
  ];
}

function nameAndVersion(metadata: CoreMetadata | undefined) {
  const name = metadata?.get("Name");
  const version = metadata?.get("Version");
  return name && version ? { name, version } : undefined;
}

/** Findings name the dist as the workspace sees it. */
function shown(finding: Finding, archive: DistArchive, shownAs: string): Finding {
  const aboutThisDist =
    !finding.file || finding.file === archive.file || finding.file === archive.filename;
  return aboutThisDist ? { ...finding, file: shownAs } : finding;
}

/**
 * A line inside METADATA or PKG-INFO is no line of the dist file: it moves into the message,
 * so the annotation does not point at a line of a binary file.
 */
function lineInMember(finding: Finding, dists: InspectedDist[]): Finding {
  const dist = dists.find((one) => one.shownAs === finding.file);
  const member = dist && metadataMember(dist.archive);
  if (!finding.line || !member) return finding;
  const { line, ...rest } = finding;
  return { ...rest, message: `${finding.message} (${member.split("/").pop()} line ${line})` };
}

export async function inspectDists(files: string[], options: InspectOptions): Promise<Inspection> {
  const inspected = await Promise.all(files.map((file) => inspectOne(file, options)));
  const dists = inspected.map(([dist]) => dist);
  const findings = inspected.flatMap(([, found]) => found);
  const withMetadata = dists.filter((dist) => dist.metadata);
  findings.push(
    ...(await checkDescriptions(
      withMetadata.map((dist) => ({ meta: dist.metadata as CoreMetadata, file: dist.shownAs })),
      options.python,
    )),
  );
  const sdist = withMetadata.find((dist) => dist.archive.kind === "sdist");
  const wheels = withMetadata.filter((dist) => dist.archive.kind === "wheel");
  if (sdist?.metadata) {
    for (const wheel of wheels) {
      findings.push(
        ...compareMetadata(sdist.metadata, wheel.metadata as CoreMetadata, {
          sdistFile: sdist.shownAs,
          wheelFile: wheel.shownAs,
        }),
      );
    }
  }
  return {
    dists,
    metadata: (wheels[0] ?? sdist)?.metadata,
    findings: findings.map((finding) => lineInMember(finding, dists)),
  };
}
