/** C001: the wheel's METADATA must match the sdist's PKG-INFO, except fields declared Dynamic. */
import { normalizeName } from "../project/names.js";
import { normalizeVersion } from "../project/pep440.js";
import { formatRequirement, parseRequirement } from "../project/pep508.js";
import type { Finding } from "../runtime/findings.js";
import { type CoreMetadata, coreFields, declaresAtLeast } from "./metadata.js";
import { defineChecks, finding } from "./model.js";

export const compareChecks = defineChecks({
  C001: {
    severity: "warning",
    title:
      "A field differs between the sdist's PKG-INFO and the wheel's METADATA, and is not Dynamic",
  },
});

export interface CompareContext {
  sdistFile: string;
  wheelFile: string;
}

// Metadata-Version may rise between the two; Dynamic is the sdist's own business.
const notCompared = new Set(["metadata-version", "dynamic", "description"]);

/** One folded value, with its line breaks and indentation made uniform. */
const unfold = (value: string): string =>
  value
    .split("\n")
    .map((line) => line.trim())
    .join("\n")
    .trim();

function requirement(value: string): string {
  try {
    return formatRequirement(parseRequirement(value));
  } catch {
    return unfold(value);
  }
}

const normalizers: Record<string, (value: string) => string> = {
  name: (value) => normalizeName(value.trim()),
  version: (value) => normalizeVersion(value) ?? value.trim(),
  "provides-extra": (value) => normalizeName(value.trim()),
  "requires-dist": requirement,
};

/** The field's values in normal form; multiple-use fields are sorted, order carries no meaning. */
function values(meta: CoreMetadata, key: string): string[] {
  const normalize = normalizers[key] ?? unfold;
  const found = meta.all(key).map(normalize);
  return coreFields.get(key)?.multiple === false ? found : found.sort();
}

const sameList = (a: string[], b: string[]): boolean =>
  a.length === b.length && a.every((value, i) => value === b[i]);

const shown = (list: string[]): string => {
  if (list.length === 0) return "nothing";
  const text = list.map((value) => `'${value}'`).join(", ");
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
};

/** The C001 findings for one sdist and one wheel built from it. */
export function compareMetadata(
  sdist: CoreMetadata,
  wheel: CoreMetadata,
  context: CompareContext,
): Finding[] {
  // Below 2.2 the sdist promises nothing: every field counts as Dynamic.
  if (!declaresAtLeast(sdist, 2, 2)) return [];
  const dynamic = new Set(sdist.all("Dynamic").map((field) => field.trim().toLowerCase()));
  const keys = new Set([...sdist.fields, ...wheel.fields].map((field) => field.name.toLowerCase()));
  const findings: Finding[] = [];
  for (const key of keys) {
    if (notCompared.has(key) || dynamic.has(key)) continue;
    const [inSdist, inWheel] = [values(sdist, key), values(wheel, key)];
    if (sameList(inSdist, inWheel)) continue;
    const name = coreFields.get(key)?.name ?? (wheel.field(key) ?? sdist.field(key))?.name ?? key;
    const message =
      inSdist.length === 0
        ? `${name} is in the wheel (${shown(inWheel)}) but not in the sdist ${context.sdistFile}, which does not declare it Dynamic.`
        : `${name} differs from the sdist ${context.sdistFile}: the sdist has ${shown(inSdist)}, the wheel has ${shown(inWheel)}.`;
    findings.push(mismatch(message, wheel.line(key), context));
  }
  if (!dynamic.has("description")) {
    const [a, b] = [comparableDescription(sdist), comparableDescription(wheel)];
    if (a !== b) {
      const message = `The description differs from the sdist ${context.sdistFile}${firstDifference(a, b)}.`;
      findings.push(mismatch(message, wheel.bodyLine ?? wheel.line("Description"), context));
    }
  }
  return findings;
}

/** The description's text, a header's continuation indent aside, so header and body compare alike. */
function comparableDescription(meta: CoreMetadata): string | undefined {
  const text = meta.description;
  if (meta.descriptionSource !== "header" || text === undefined) return text?.trimEnd();
  return text.replace(/\n( {7}\||\t\||\t| {8})/g, "\n").trimEnd();
}

function mismatch(message: string, line: number | undefined, context: CompareContext): Finding {
  return finding(compareChecks.C001, context.wheelFile, message, {
    line,
    fix: "Build the wheel from the sdist with the same backend, or declare the field Dynamic in the sdist.",
  });
}

function firstDifference(a: string | undefined, b: string | undefined): string {
  if (a === undefined) return ": only the wheel has one";
  if (b === undefined) return ": only the sdist has one";
  const [x, y] = [a.split("\n"), b.split("\n")];
  let line = 0;
  while (line < x.length && line < y.length && x[line] === y[line]) line++;
  return ` (from description line ${line + 1})`;
}
