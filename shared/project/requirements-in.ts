/** `requirements.in` files: requirements, `-r` includes (followed) and `-c` constraints (not direct). */
import path from "node:path";
import { ConfigurationError } from "../runtime/errors.js";
import { ManifestLines } from "./declarations.js";
import type { DeclaredDependency } from "./declared.js";
import { normalizeName } from "./names.js";
import type { Manifest } from "./pyproject.js";
import { fromPep508 } from "./pyproject.js";
import { readText } from "./text.js";

/**
 * The direct requirements of an input file and everything it includes with `-r`.
 * `display` maps an absolute path to the path shown to users.
 */
export function readRequirementsIn(
  file: string,
  display: (absolute: string) => string,
  seen = new Set<string>(),
): DeclaredDependency[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const shown = display(file);
  const text = readText(file, shown);
  const manifest: Manifest = { data: {}, text, file: shown, lines: new ManifestLines(text) };
  const declared: DeclaredDependency[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/(^|\s)#.*$/, "").trim();
    if (line === "") continue;
    const include = /^(-r|--requirement)[=\s]+(\S+)/.exec(line);
    if (include) {
      declared.push(
        ...readRequirementsIn(path.resolve(path.dirname(file), include[2]), display, seen),
      );
      continue;
    }
    const editable = /^(-e|--editable)[=\s]+(\S+)/.exec(line);
    if (editable) {
      const name = /[#&]egg=([^&]+)/.exec(editable[2])?.[1];
      if (name) declared.push(directRequirement(name, editable[2], shown, i + 1));
      continue;
    }
    if (line.startsWith("-")) continue;
    try {
      declared.push(fromPep508(line, "main", manifest, i + 1));
    } catch (error) {
      if (error instanceof ConfigurationError)
        throw new ConfigurationError(error.message, { file: shown, line: i + 1 });
      throw error;
    }
  }
  return declared;
}

function directRequirement(
  name: string,
  location: string,
  file: string,
  line: number,
): DeclaredDependency {
  return {
    name,
    key: normalizeName(name),
    group: "main",
    constraint: `-e ${location}`,
    specifiers: [""],
    extras: [],
    direct: { kind: "editable", location },
    file,
    line,
  };
}
