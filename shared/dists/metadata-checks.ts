/** The M checks: core metadata fields as the spec, packaging.metadata and PyPI read them. */
import { normalizeName } from "../project/names.js";
import { isValidSpecifier, isValidVersion } from "../project/pep440.js";
import { parseRequirement } from "../project/pep508.js";
import type { Finding } from "../runtime/findings.js";
import {
  type CoreMetadata,
  coreFields,
  declaresAtLeast,
  type MetadataField,
  type MetadataVersion,
  metadataVersion,
  newestKnownVersion,
} from "./metadata.js";
import { type Check, type DistKind, defineChecks, finding } from "./model.js";
import { checkPypiMetadata } from "./pypi-metadata.js";

export const metadataChecks = defineChecks({
  M001: {
    severity: "error",
    title: "A required field (Metadata-Version, Name, Version) is missing or empty",
    rule: "required-fields",
  },
  M002: {
    severity: "error",
    title: "Name is not a valid project name",
    rule: "required-fields",
  },
  M003: {
    severity: "error",
    title: "Version is not a valid PEP 440 version",
    rule: "required-fields",
  },
  M004: {
    severity: "error",
    title: "Metadata-Version is malformed, not a known version, or of a newer major version",
    rule: "metadata-version",
  },
  M005: {
    severity: "error",
    title: "Metadata-Version is a newer minor version than 2.5",
    rule: "metadata-version",
  },
  M006: {
    severity: "notice",
    title: "The sdist's Metadata-Version is below 2.2, the oldest the sdist format allows",
  },
  M007: {
    severity: "error",
    title: "License and License-Expression are both set",
    rule: "license",
  },
  M008: {
    severity: "error",
    title: "A License-File is not in the dist, or is not a relative path",
    rule: "license",
  },
  M009: {
    severity: "error",
    title: "Dynamic names Name, Version or Metadata-Version, or something that is no field",
    rule: "dynamic",
  },
  M010: {
    severity: "error",
    title: "Provides-Extra is not a valid extra name",
    rule: "extras",
  },
  M011: {
    severity: "error",
    title: "A field is unknown, a single-use field is repeated, or the description is given twice",
    rule: "metadata-fields",
  },
  M012: {
    severity: "error",
    title: "A field is newer than the declared Metadata-Version",
    rule: "field-versions",
  },
  M013: {
    severity: "error",
    title: "Requires-Dist is not a valid PEP 508 requirement",
    rule: "dependencies",
  },
  M014: {
    severity: "error",
    title: "Requires-Python is not a valid version specifier",
    rule: "dependencies",
  },
  M016: {
    severity: "warning",
    title: "Provides-Extra is not normalised, which Metadata-Version 2.3 asks for",
  },
});

export interface MetadataContext {
  /** How findings name the dist. */
  file: string;
  kind: DistKind;
  /** Whether a `License-File` value exists in the dist (the caller maps it to a member). */
  hasLicenseFile: (path: string) => boolean;
}

const knownVersions = new Set(["1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"]);
const validName = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;
const normalizedExtra = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const notDynamic = new Set(["name", "version", "metadata-version"]);

type Report = (check: Check, message: string, field?: MetadataField, fix?: string) => void;

/** Every M finding for one METADATA or PKG-INFO. */
export function checkMetadata(meta: CoreMetadata, context: MetadataContext): Finding[] {
  const findings: Finding[] = [];
  const report: Report = (check, message, field, fix) =>
    findings.push(finding(check, context.file, message, { line: field?.line, fix }));
  const version = checkMetadataVersion(meta, context.kind, report);
  checkNameAndVersion(meta, report);
  checkFieldShape(meta, version, report);
  checkLicense(meta, context, report);
  checkDynamic(meta, report);
  checkDependencies(meta, report);
  findings.push(...checkPypiMetadata(meta, context.file));
  return findings;
}

/** Whether the version's fields are known here, so field rules that depend on it apply. */
const isKnown = (version: MetadataVersion | undefined): version is MetadataVersion =>
  version !== undefined && knownVersions.has(version.text);

function checkMetadataVersion(
  meta: CoreMetadata,
  kind: DistKind,
  report: Report,
): MetadataVersion | undefined {
  const field = meta.field("Metadata-Version");
  const text = field?.value.trim();
  if (!field || !text) {
    report(metadataChecks.M001, "Metadata-Version is missing.", field);
    return undefined;
  }
  const version = metadataVersion(meta);
  if (!version) {
    report(
      metadataChecks.M004,
      `Metadata-Version '${text}' is not of the form major.minor.`,
      field,
    );
    return undefined;
  }
  if (version.major > newestKnownVersion.major) {
    report(
      metadataChecks.M004,
      `Metadata-Version ${text} is a newer major version than 2.x; readers must refuse it.`,
      field,
    );
  } else if (
    version.major === newestKnownVersion.major &&
    version.minor > newestKnownVersion.minor
  ) {
    report(
      metadataChecks.M005,
      `Metadata-Version ${text} is newer than 2.5, the newest twine and PyPI accept; they refuse the upload.`,
      field,
    );
  } else if (!isKnown(version)) {
    report(
      metadataChecks.M004,
      `Metadata-Version ${text} is not a version of the core metadata spec (1.0, 1.1, 1.2, 2.1–2.5).`,
      field,
    );
  } else if (kind === "sdist" && !declaresAtLeast(meta, 2, 2)) {
    report(
      metadataChecks.M006,
      `PKG-INFO declares Metadata-Version ${text}; the sdist format asks for 2.2 or later, so the wheel's metadata cannot be checked against it.`,
      field,
      "Upgrade the build backend.",
    );
  }
  return version;
}

function checkNameAndVersion(meta: CoreMetadata, report: Report): void {
  const name = meta.field("Name");
  if (!name?.value.trim()) report(metadataChecks.M001, "Name is missing.", name);
  else if (!validName.test(name.value.trim())) {
    report(
      metadataChecks.M002,
      `Name '${name.value.trim()}' is not a valid name: ASCII letters, digits, '.', '_' and '-', starting and ending with a letter or digit.`,
      name,
    );
  }
  const version = meta.field("Version");
  if (!version?.value.trim()) report(metadataChecks.M001, "Version is missing.", version);
  else if (!isValidVersion(version.value.trim())) {
    report(
      metadataChecks.M003,
      `Version '${version.value.trim()}' is not a valid PEP 440 version.`,
      version,
    );
  }
}

/** Fields packaging.metadata cannot parse (M011), or that the declared version lacks (M012). */
function checkFieldShape(
  meta: CoreMetadata,
  version: MetadataVersion | undefined,
  report: Report,
): void {
  const seen = new Set<string>();
  for (const field of meta.fields) {
    const key = field.name.toLowerCase();
    const spec = coreFields.get(key);
    if (!spec) {
      // A newer Metadata-Version may bring fields this check does not know yet.
      if (!version || isKnown(version)) {
        report(metadataChecks.M011, `'${field.name}' is not a core metadata field.`, field);
      }
      continue;
    }
    if (!spec.multiple && seen.has(key)) {
      report(
        metadataChecks.M011,
        `${spec.name} appears more than once; it is a single-use field.`,
        field,
      );
    }
    seen.add(key);
    const [major, minor] = spec.since;
    // setuptools writes License-File into older metadata; twine and PyPI let it pass.
    const tolerated = key === "license-file";
    if (isKnown(version) && !tolerated && !declaresAtLeast(meta, major, minor)) {
      report(
        metadataChecks.M012,
        `${spec.name} was introduced in Metadata-Version ${major}.${minor}, but this file declares ${version.text}; PyPI rejects the upload.`,
        field,
        "Upgrade the build backend so that it declares the version it writes.",
      );
    }
  }
  if (meta.body && meta.has("Description")) {
    report(
      metadataChecks.M011,
      "The description is given both as a Description field and as the message body.",
      meta.field("Description"),
    );
  }
  for (const extra of meta.every("Provides-Extra")) checkExtra(meta, extra, report);
}

function checkExtra(meta: CoreMetadata, field: MetadataField, report: Report): void {
  const extra = field.value.trim();
  if (!validName.test(extra)) {
    report(metadataChecks.M010, `Provides-Extra '${extra}' is not a valid extra name.`, field);
  } else if (declaresAtLeast(meta, 2, 3) && !normalizedExtra.test(extra)) {
    const normal = normalizeName(extra);
    report(
      metadataChecks.M016,
      `Provides-Extra '${extra}' is not normalised, which Metadata-Version 2.3 requires ('${normal}').`,
      field,
    );
  }
}

const licensePathProblem = (path: string): string | undefined => {
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) return "is an absolute path";
  if (path.includes("\\")) return "uses backslashes instead of '/'";
  if (path.split("/").includes("..")) return "contains '..'";
  return undefined;
};

function checkLicense(meta: CoreMetadata, context: MetadataContext, report: Report): void {
  if (meta.has("License") && meta.has("License-Expression")) {
    report(
      metadataChecks.M007,
      "License and License-Expression are both set; they are mutually exclusive and PyPI rejects the upload.",
      meta.field("License-Expression"),
      "Keep only License-Expression (an SPDX expression).",
    );
  }
  // License-File paths only have a meaning from 2.4; setuptools writes them earlier, elsewhere.
  if (!declaresAtLeast(meta, 2, 4)) return;
  const where = context.kind === "wheel" ? ".dist-info/licenses/" : "the sdist's top directory";
  for (const field of meta.every("License-File")) {
    const path = field.value.trim();
    const problem = licensePathProblem(path);
    if (problem) {
      report(metadataChecks.M008, `License-File '${path}' ${problem}.`, field);
    } else if (!context.hasLicenseFile(path)) {
      report(metadataChecks.M008, `License-File '${path}' is not in ${where}.`, field);
    }
  }
}

function checkDynamic(meta: CoreMetadata, report: Report): void {
  for (const field of meta.every("Dynamic")) {
    const value = field.value.trim();
    const key = value.toLowerCase();
    if (notDynamic.has(key)) {
      report(
        metadataChecks.M009,
        `Dynamic may not name ${value}; it must be fixed in the sdist.`,
        field,
      );
    } else if (!coreFields.has(key)) {
      report(
        metadataChecks.M009,
        `Dynamic names '${value}', which is not a core metadata field.`,
        field,
      );
    }
  }
}

function checkDependencies(meta: CoreMetadata, report: Report): void {
  for (const field of meta.every("Requires-Dist")) {
    try {
      parseRequirement(field.value);
    } catch (error) {
      report(metadataChecks.M013, `Requires-Dist: ${(error as Error).message}.`, field);
    }
  }
  const python = meta.field("Requires-Python");
  if (python && !isValidSpecifier(python.value.trim())) {
    report(
      metadataChecks.M014,
      `Requires-Python '${python.value.trim()}' is not a valid version specifier.`,
      python,
    );
  }
}
