/** PEP 508 dependency specifications: `name[extras] (specifier) ; marker` or `name @ url ; marker`. */
import { formatMarker, type Marker, parseMarker } from "./markers.js";
import { normalizeName } from "./names.js";
import { isValidSpecifier } from "./pep440.js";

export interface Requirement {
  /** As written. */
  name: string;
  /** PEP 503 normalized. */
  key: string;
  /** Normalized and sorted. */
  extras: string[];
  /** The version specifier set, e.g. `>=1.0,<2`; "" for any version. */
  specifier: string;
  url?: string;
  marker?: Marker;
}

export class RequirementSyntaxError extends Error {}

const namePattern = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*/;

export function parseRequirement(text: string): Requirement {
  const fail = (why: string): never => {
    throw new RequirementSyntaxError(`invalid requirement '${text.trim()}': ${why}`);
  };
  const nameMatch = namePattern.exec(text) ?? fail("expected a project name");
  const name = nameMatch[1];
  let rest = text.slice(nameMatch[0].length);

  let extras: string[] = [];
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close < 0) fail("missing ']'");
    extras = rest
      .slice(1, close)
      .split(",")
      .map((extra) => extra.trim())
      .filter(Boolean)
      .map(normalizeName)
      .sort();
    rest = rest.slice(close + 1).trimStart();
  }

  const semicolon = markerStart(rest);
  const head = (semicolon < 0 ? rest : rest.slice(0, semicolon)).trim();
  const markerText = semicolon < 0 ? "" : rest.slice(semicolon + 1).trim();

  let specifier = "";
  let url: string | undefined;
  if (head.startsWith("@")) {
    url = head.slice(1).trim();
    if (url === "") fail("missing URL after '@'");
  } else {
    specifier = head.replace(/^\((.*)\)$/, "$1").replace(/\s+/g, "");
    if (!isValidSpecifier(specifier)) fail(`bad version specifier '${head}'`);
  }
  let marker: Marker | undefined;
  if (markerText !== "") {
    try {
      marker = parseMarker(markerText);
    } catch (error) {
      fail((error as Error).message);
    }
  }
  return { name, key: normalizeName(name), extras, specifier, url, marker };
}

/** Where the marker starts: the first `;` (after whitespace when a URL precedes it). */
function markerStart(rest: string): number {
  if (!rest.startsWith("@")) return rest.indexOf(";");
  const match = /\s;/.exec(rest);
  return match ? match.index + 1 : -1;
}

/** A canonical text for a requirement, for display and set comparison. */
export function formatRequirement(requirement: Requirement): string {
  const extras = requirement.extras.length > 0 ? `[${requirement.extras.join(",")}]` : "";
  const target = requirement.url ? ` @ ${requirement.url}` : requirement.specifier;
  const marker = requirement.marker ? ` ; ${formatMarker(requirement.marker)}` : "";
  return `${requirement.key}${extras}${target}${marker}`;
}
