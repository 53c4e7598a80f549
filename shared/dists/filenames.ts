/** Wheel and sdist file names: parsed per the specs and compared with the metadata inside. */

import { normalizeName } from "../project/names.js";
import { compareVersions, isValidVersion, normalizeVersion } from "../project/pep440.js";
import type { Finding } from "../runtime/findings.js";
import { type DistArchive, defineChecks, finding } from "./model.js";
import { isPypiPlatform } from "./platform-tags.js";

export const filenameChecks = defineChecks({
  F001: {
    severity: "error",
    title: "Wheel file name does not follow the wheel filename spec",
    rule: "file-names",
  },
  F002: {
    severity: "error",
    title: "Sdist file name is not `{name}-{version}.tar.gz`",
    rule: "file-names",
  },
  F003: {
    severity: "error",
    title: "Name in the file name differs from the metadata Name",
    rule: "file-names",
  },
  F004: {
    severity: "error",
    title: "Version in the file name differs from the metadata Version",
    rule: "file-names",
  },
  F005: {
    severity: "error",
    title: "Sdist file name is not in PEP 625's normalized form, which PyPI refuses",
    rule: "sdist-names",
  },
  F006: {
    severity: "error",
    title: "Wheel file name does not start with the normalized project name, which PyPI refuses",
    rule: "file-names",
  },
  F007: {
    severity: "error",
    title: "Wheel platform tag is not one PyPI accepts (such as linux_x86_64)",
    rule: "platform-tags",
  },
});

export interface WheelFilename {
  distribution: string;
  version: string;
  build?: string;
  /** Every `python-abi-platform` tag the compressed tag sets expand to. */
  tags: string[];
}

export interface SdistFilename {
  distribution: string;
  version: string;
  /** Whether it is the spec's form: normalized name with `_`, normalized version. */
  normalized: boolean;
}

/** A distribution name with `-` escaped; legacy `.` and upper case are still accepted. */
const wheelName = /^[A-Za-z0-9](?:[A-Za-z0-9._]*[A-Za-z0-9])?$/;
const tagSet = /^[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*$/;
const buildTag = /^\d[A-Za-z0-9_.]*$/;

/** A wheel name's `-` fields, unchecked: the one split every reader of wheel names shares. */
export interface WheelFields {
  fields: string[];
  /** The python, abi and platform tag sets: the last three fields, when there are five or more. */
  tags?: [python: string, abi: string, platform: string];
}

export function splitWheelFilename(filename: string): WheelFields | undefined {
  if (!filename.endsWith(".whl")) return undefined;
  const fields = filename.slice(0, -".whl".length).split("-");
  if (fields.length < 5) return { fields };
  const [python, abi, platform] = fields.slice(-3);
  return { fields, tags: [python, abi, platform] };
}

export function parseWheelFilename(filename: string): WheelFilename | undefined {
  const split = splitWheelFilename(filename);
  if (!split?.tags || split.fields.length > 6) return undefined;
  const { fields, tags: sets } = split;
  const [distribution, version] = fields;
  const build = fields.length === 6 ? fields[2] : undefined;
  const [python, abi, platform] = sets;
  if (!wheelName.test(distribution) || !isValidVersion(version)) return undefined;
  if (build !== undefined && !buildTag.test(build)) return undefined;
  if (![python, abi, platform].every((set) => tagSet.test(set))) return undefined;
  const tags = python
    .split(".")
    .flatMap((p) =>
      abi.split(".").flatMap((a) => platform.split(".").map((t) => `${p}-${a}-${t}`)),
    );
  return { distribution, version, ...(build === undefined ? {} : { build }), tags };
}

/** The spec's form: the normalized name with `_` separators, then the normalized version. */
const normalizedName = /^[a-z0-9]+(?:_[a-z0-9]+)*$/;
/** Any valid project name; older backends wrote names such as `My.Pkg` or `my-pkg`. */
const projectName = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

/** `{name}-{version}.tar.gz` split at the last `-`, unchecked; undefined when either is empty. */
export function splitSdistFilename(
  filename: string,
): { distribution: string; version: string } | undefined {
  if (!filename.endsWith(".tar.gz")) return undefined;
  const stem = filename.slice(0, -".tar.gz".length);
  const dash = stem.lastIndexOf("-");
  if (dash < 1 || dash === stem.length - 1) return undefined;
  return { distribution: stem.slice(0, dash), version: stem.slice(dash + 1) };
}

/** `{name}-{version}.tar.gz`; the version is what follows the last `-`. */
export function parseSdistFilename(filename: string): SdistFilename | undefined {
  const split = splitSdistFilename(filename);
  if (!split) return undefined;
  const { distribution, version } = split;
  if (!projectName.test(distribution) || !isValidVersion(version)) return undefined;
  const normalized = normalizedName.test(distribution) && normalizeVersion(version) === version;
  return { distribution, version, normalized };
}

/** The file name the specs give for this name and version. */
export function expectedSdistFilename(name: string, version: string): string {
  const escaped = normalizeName(name).replace(/-/g, "_");
  return `${escaped}-${normalizeVersion(version) ?? version}.tar.gz`;
}

/** Equal as PEP 440 versions (`1.0` is `1.0.0`, `1.0-RC1` is `1.0rc1`); as text when invalid. */
export const sameVersion = (a: string, b: string) =>
  isValidVersion(a) && isValidVersion(b)
    ? compareVersions(a, b) === 0
    : a.replace(/_/g, "-") === b.replace(/_/g, "-");

/** F001–F005 for one dist; `metadata` is its own Name and Version, when it has them. */
export function checkFilename(
  archive: DistArchive,
  metadata?: { name: string; version: string },
): Finding[] {
  const { filename } = archive;
  const expected = metadata
    ? ` (expected ${expectedSdistFilename(metadata.name, metadata.version)})`
    : "";
  const parsed =
    archive.kind === "wheel" ? parseWheelFilename(filename) : parseSdistFilename(filename);
  if (!parsed && archive.kind === "wheel") {
    const form = "{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl";
    return [
      finding(filenameChecks.F001, filename, `${filename} is not ${form} with a PEP 440 version.`),
    ];
  }
  if (!parsed) {
    const form = "{name}-{version}.tar.gz with a PEP 440 version";
    return [finding(filenameChecks.F002, filename, `${filename} is not ${form}${expected}.`)];
  }
  const findings: Finding[] = [];
  if ("normalized" in parsed && !parsed.normalized) {
    findings.push(
      finding(
        filenameChecks.F005,
        filename,
        `${filename} is not {normalized_name}-{normalized_version}.tar.gz${expected}; PyPI refuses the upload.`,
        { fix: "Upgrade the build backend: current versions write normalized sdist names." },
      ),
    );
  }
  if ("tags" in parsed) findings.push(...checkWheelNaming(filename, parsed, metadata));
  if (!metadata) return findings;
  if (normalizeName(parsed.distribution) !== normalizeName(metadata.name)) {
    findings.push(
      finding(
        filenameChecks.F003,
        filename,
        `The file name says ${parsed.distribution}, the metadata says Name: ${metadata.name}.`,
      ),
    );
  }
  if (!sameVersion(parsed.version, metadata.version)) {
    findings.push(
      finding(
        filenameChecks.F004,
        filename,
        `The file name says ${parsed.version}, the metadata says Version: ${metadata.version}.`,
      ),
    );
  }
  return findings;
}

/** F006 and F007: what PyPI refuses in a parseable wheel name. */
function checkWheelNaming(
  filename: string,
  parsed: WheelFilename,
  metadata?: { name: string },
): Finding[] {
  const findings: Finding[] = [];
  const expected = metadata ? normalizeName(metadata.name).replace(/-/g, "_") : undefined;
  const sameProject =
    !metadata || normalizeName(parsed.distribution) === normalizeName(metadata.name);
  if (expected && sameProject && parsed.distribution !== expected) {
    findings.push(
      finding(
        filenameChecks.F006,
        filename,
        `${filename} starts with ${parsed.distribution}; PyPI refuses wheels whose name is not the normalized ${expected}.`,
        { fix: "Upgrade the build backend: current versions write normalized wheel names." },
      ),
    );
  }
  const refused = [...new Set(parsed.tags.map((tag) => tag.split("-")[2]))].filter(
    (platform) => !isPypiPlatform(platform),
  );
  if (refused.length > 0) {
    findings.push(
      finding(
        filenameChecks.F007,
        filename,
        `${filename} has the platform tag ${refused.join(", ")}, which PyPI refuses; build manylinux or musllinux wheels (auditwheel, cibuildwheel).`,
      ),
    );
  }
  return findings;
}
