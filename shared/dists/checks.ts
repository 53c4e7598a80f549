/** Every check build-dist runs, by code: for ignore-checks and the docs. */
import { ConfigurationError } from "../runtime/errors.js";
import type { InputReader } from "../runtime/inputs.js";
import { compareChecks } from "./compare.js";
import { descriptionChecks } from "./description.js";
import { filenameChecks } from "./filenames.js";
import { metadataChecks } from "./metadata-checks.js";
import type { Check } from "./model.js";
import { pypiMetadataChecks } from "./pypi-metadata.js";
import { sdistChecks } from "./sdist.js";
import { sourceChecks } from "./source.js";
import { versionChecks } from "./version-check.js";
import { wheelChecks } from "./wheel.js";
import { wheelContentsChecks } from "./wheel-contents.js";

export const allChecks: readonly Check[] = [
  filenameChecks,
  wheelChecks,
  wheelContentsChecks,
  sdistChecks,
  metadataChecks,
  pypiMetadataChecks,
  descriptionChecks,
  compareChecks,
  versionChecks,
  sourceChecks,
].flatMap((group) => Object.values(group));

/** A code, or a prefix of codes such as `W0`. */
export function isKnownCheck(codeOrPrefix: string): boolean {
  return allChecks.some((check) => check.code.startsWith(codeOrPrefix));
}

export function isIgnored(code: string, ignored: readonly string[]): boolean {
  return ignored.some((prefix) => code.startsWith(prefix));
}

/** The `ignore-checks` input: codes or prefixes, upper-cased; an unknown one is refused. */
export function readIgnoredChecks(reader: InputReader): string[] {
  const codes = reader
    .list("ignore-checks")
    .flatMap((item) => item.split(/\s+/))
    .map((code) => code.toUpperCase());
  const unknown = codes.filter((code) => !isKnownCheck(code));
  if (unknown.length > 0) {
    throw new ConfigurationError(
      `input 'ignore-checks' has unknown check code ${unknown.join(", ")}; the codes are listed in the build-dist README`,
    );
  }
  return codes;
}
