/** The metadata rules PyPI adds on top of packaging's (Warehouse's forklift `_validate_metadata`). */
import { explainVersion } from "../project/pep440.js";
import { parseRequirement } from "../project/pep508.js";
import type { Finding } from "../runtime/findings.js";
import { emailProblem } from "./email-address.js";
import type { CoreMetadata, MetadataField } from "./metadata.js";
import { type Check, defineChecks, finding } from "./model.js";
import { spdxProblem } from "./spdx.js";
import { deprecatedClassifiers, troveClassifiers } from "./trove-classifiers.js";

export const pypiMetadataChecks = defineChecks({
  M015: { severity: "error", title: "Version is a local version (`+…`)", rule: "local-versions" },
  M017: {
    severity: "error",
    title: "A dependency is a direct URL reference, or Provides-Dist/Obsoletes-Dist is invalid",
    rule: "dependencies",
  },
  M018: {
    severity: "error",
    title: "Summary is longer than 512 characters or not one line",
    rule: "summary",
  },
  M019: { severity: "error", title: "A classifier is unknown or deprecated", rule: "classifiers" },
  M020: {
    severity: "error",
    title: "Author-email or Maintainer-email is not a valid address",
    rule: "emails",
  },
  M021: {
    severity: "error",
    title: "Home-page, Download-URL or a Project-URL is not a valid http(s) URL or label",
    rule: "urls",
  },
  M022: {
    severity: "error",
    title: "License-Expression is not a valid SPDX expression",
    rule: "license",
  },
});

type Report = (check: Check, message: string, field: MetadataField) => void;

/** A value PyPI reads; twine and PyPI treat `UNKNOWN` as absent. */
const readValue = (field: MetadataField) => {
  const value = field.value.trim();
  return value === "UNKNOWN" ? "" : value;
};

export function checkPypiMetadata(meta: CoreMetadata, file: string): Finding[] {
  const findings: Finding[] = [];
  const report: Report = (check, message, field) =>
    findings.push(finding(check, file, message, { line: field.line }));
  checkVersionAndSummary(meta, report);
  checkDistFields(meta, report);
  checkClassifiers(meta, report);
  checkContacts(meta, report);
  for (const field of meta.every("License-Expression")) {
    const problem = spdxProblem(field.value.trim());
    if (problem) {
      report(
        pypiMetadataChecks.M022,
        `License-Expression '${field.value.trim()}' is invalid: ${problem}.`,
        field,
      );
    }
  }
  return findings;
}

function checkVersionAndSummary(meta: CoreMetadata, report: Report): void {
  const version = meta.field("Version");
  const local = version ? explainVersion(version.value.trim())?.local : undefined;
  if (version && local) {
    report(
      pypiMetadataChecks.M015,
      `Version ${version.value.trim()} is a local version; PyPI refuses local versions.`,
      version,
    );
  }
  const summary = meta.field("Summary");
  if (!summary) return;
  if (summary.value.includes("\n")) {
    report(pypiMetadataChecks.M018, "Summary runs over more than one line.", summary);
  } else if ([...summary.value].length > 512) {
    report(
      pypiMetadataChecks.M018,
      `Summary is ${[...summary.value].length} characters long; PyPI allows 512.`,
      summary,
    );
  }
}

function checkDistFields(meta: CoreMetadata, report: Report): void {
  for (const name of ["Requires-Dist", "Provides-Dist", "Obsoletes-Dist"]) {
    for (const field of meta.every(name)) {
      let url: string | undefined;
      try {
        url = parseRequirement(field.value).url;
      } catch (error) {
        // Requires-Dist parse errors are M013's.
        if (name !== "Requires-Dist") {
          report(pypiMetadataChecks.M017, `${name}: ${(error as Error).message}.`, field);
        }
        continue;
      }
      if (url) {
        report(
          pypiMetadataChecks.M017,
          `${name} '${field.value.trim()}' is a direct URL reference; PyPI refuses them.`,
          field,
        );
      }
    }
  }
}

function checkClassifiers(meta: CoreMetadata, report: Report): void {
  for (const field of meta.every("Classifier")) {
    const classifier = field.value.trim();
    const replacements = deprecatedClassifiers.get(classifier);
    if (replacements) {
      const instead = replacements.length > 0 ? `; use ${replacements.join(" or ")}` : "";
      report(
        pypiMetadataChecks.M019,
        `The classifier '${classifier}' is deprecated${instead}.`,
        field,
      );
    } else if (!troveClassifiers.has(classifier)) {
      report(pypiMetadataChecks.M019, `'${classifier}' is not a valid classifier.`, field);
    }
  }
}

/** Warehouse's `is_valid_uri`: an http(s) URL with a valid host. */
function isHttpUrl(text: string): boolean {
  if (/\s/.test(text)) return false;
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

function checkContacts(meta: CoreMetadata, report: Report): void {
  for (const name of ["Author-email", "Maintainer-email"]) {
    const field = meta.field(name);
    const problem = field && emailProblem(readValue(field));
    if (field && problem) report(pypiMetadataChecks.M020, `${name}: ${problem}`, field);
  }
  for (const name of ["Home-page", "Download-URL"]) {
    const field = meta.field(name);
    if (field && readValue(field) && !isHttpUrl(readValue(field))) {
      report(pypiMetadataChecks.M021, `${name} '${readValue(field)}' is not a valid URL.`, field);
    }
  }
  for (const field of meta.every("Project-URL")) {
    const [label, ...rest] = field.value.split(",");
    const url = rest.join(",").trim();
    const problem = !label.trim()
      ? "has no label"
      : [...label.trim()].length > 32
        ? `has the label '${label.trim()}', longer than 32 characters`
        : !url
          ? "has no URL"
          : !isHttpUrl(url)
            ? `has '${url}', which is not a valid URL`
            : undefined;
    if (problem) report(pypiMetadataChecks.M021, `Project-URL ${problem}.`, field);
  }
}
