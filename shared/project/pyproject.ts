/** pyproject.toml: PEP 621 dependencies, extras and PEP 735 groups, plus Poetry's and PDM's own tables. */
import { ConfigurationError } from "../runtime/errors.js";
import { ManifestLines } from "./declarations.js";
import type { DeclaredDependency } from "./declared.js";
import { isTable, stringList, type Table, tableAt } from "./files.js";
import { formatMarker } from "./markers.js";
import { normalizeName } from "./names.js";
import { parseRequirement, RequirementSyntaxError } from "./pep508.js";
import { poetryToPep440 } from "./poetry-constraint.js";

export interface Manifest {
  data: Table;
  text: string;
  /** As shown to users. */
  file: string;
  /** The absolute path, where it is on disk. */
  path?: string;
  lines: ManifestLines;
}

export const manifestOf = (data: Table, text: string, file: string, path?: string): Manifest => ({
  data,
  text,
  file,
  path,
  lines: new ManifestLines(text),
});

/** A PEP 508 string declared at a manifest line, as a DeclaredDependency. */
export function fromPep508(
  text: string,
  group: string,
  manifest: Manifest,
  line: number | undefined,
): DeclaredDependency {
  try {
    const requirement = parseRequirement(text);
    return {
      name: requirement.name,
      key: requirement.key,
      group,
      constraint: requirement.url ? `@ ${requirement.url}` : requirement.specifier,
      specifiers: [requirement.specifier],
      extras: requirement.extras,
      marker: requirement.marker ? formatMarker(requirement.marker) : undefined,
      direct: requirement.url ? { kind: "url", location: requirement.url } : undefined,
      file: manifest.file,
      line,
    };
  } catch (error) {
    if (!(error instanceof RequirementSyntaxError)) throw error;
    throw new ConfigurationError(`${manifest.file}: ${error.message}`, {
      file: manifest.file,
      line,
    });
  }
}

const requirementName = (text: string) => text.trim().split(/[\s[<>=!~;@(]/)[0];

/** `project.dependencies` (group `main`) and `project.optional-dependencies` (groups `extra:<name>`). */
export function pep621Dependencies(manifest: Manifest): DeclaredDependency[] {
  const project = tableAt(manifest.data, ["project"]);
  const declared = stringList(project.dependencies).map((text) =>
    fromPep508(
      text,
      "main",
      manifest,
      manifest.lines.dependency("project", requirementName(text), "dependencies"),
    ),
  );
  for (const [extra, list] of Object.entries(tableAt(project, ["optional-dependencies"]))) {
    for (const text of stringList(list)) {
      const line =
        manifest.lines.dependency("project.optional-dependencies", requirementName(text), extra) ??
        manifest.lines.dependency("project", requirementName(text), "optional-dependencies");
      declared.push(fromPep508(text, `extra:${normalizeName(extra)}`, manifest, line));
    }
  }
  return declared;
}

/** PEP 735 `[dependency-groups]`, with `{include-group = …}` flattened; keys normalized. */
export function dependencyGroups(manifest: Manifest): Map<string, DeclaredDependency[]> {
  const table = tableAt(manifest.data, ["dependency-groups"]);
  const groups = new Map<string, DeclaredDependency[]>();
  const resolve = (name: string, seen: string[]): DeclaredDependency[] => {
    const entry = Object.entries(table).find(([key]) => normalizeName(key) === normalizeName(name));
    if (!entry) {
      throw new ConfigurationError(
        `${manifest.file}: dependency group '${name}' is included but not defined`,
        {
          file: manifest.file,
          line: manifest.lines.table("dependency-groups"),
        },
      );
    }
    if (seen.includes(normalizeName(name))) {
      throw new ConfigurationError(`${manifest.file}: dependency group '${name}' includes itself`, {
        file: manifest.file,
        line: manifest.lines.key("dependency-groups", entry[0]),
      });
    }
    const [key, items] = entry;
    return (Array.isArray(items) ? items : []).flatMap((item) => {
      if (typeof item === "string") {
        const line = manifest.lines.dependency("dependency-groups", requirementName(item), key);
        return [fromPep508(item, normalizeName(name), manifest, line)];
      }
      if (isTable(item) && typeof item["include-group"] === "string") {
        return resolve(item["include-group"], [...seen, normalizeName(name)]);
      }
      return [];
    });
  };
  for (const name of Object.keys(table)) groups.set(normalizeName(name), resolve(name, []));
  return groups;
}

/** Poetry's `[tool.poetry.dependencies]`, `dev-dependencies` and `group.<g>.dependencies`. */
export function poetryDependencies(manifest: Manifest): DeclaredDependency[] {
  const poetry = tableAt(manifest.data, ["tool", "poetry"]);
  const tables: [string, string, Table][] = [
    ["main", "tool.poetry.dependencies", tableAt(poetry, ["dependencies"])],
    ["dev", "tool.poetry.dev-dependencies", tableAt(poetry, ["dev-dependencies"])],
    ...Object.entries(tableAt(poetry, ["group"])).map(([group, spec]): [string, string, Table] => [
      normalizeName(group),
      `tool.poetry.group.${group}.dependencies`,
      tableAt(isTable(spec) ? spec : {}, ["dependencies"]),
    ]),
  ];
  return tables.flatMap(([group, path, table]) =>
    Object.entries(table)
      .filter(([name]) => name.toLowerCase() !== "python")
      .flatMap(([name, spec]) =>
        poetryDependency(name, spec, group, manifest, manifest.lines.dependency(path, name)),
      ),
  );
}

/** One DeclaredDependency per variant: `[{version = "<2", python = "<3.8"}, {version = ">=2", …}]`. */
function poetryDependency(
  name: string,
  spec: unknown,
  group: string,
  manifest: Manifest,
  line: number | undefined,
): DeclaredDependency[] {
  const variants: Table[] = (Array.isArray(spec) ? spec : [spec]).map((v) =>
    isTable(v) ? v : { version: v },
  );
  return variants.map((variant) => {
    const constraint = typeof variant.version === "string" ? variant.version : "*";
    const directKind = (["git", "url", "path"] as const).find(
      (kind) => typeof variant[kind] === "string",
    );
    return {
      name,
      key: normalizeName(name),
      group,
      constraint,
      specifiers: directKind ? [""] : poetryToPep440(constraint),
      extras: stringList(variant.extras).map(normalizeName),
      marker: typeof variant.markers === "string" ? variant.markers : undefined,
      python: typeof variant.python === "string" ? poetryToPep440(variant.python) : undefined,
      optional: variant.optional === true,
      direct: directKind ? { kind: directKind, location: String(variant[directKind]) } : undefined,
      file: manifest.file,
      line,
    };
  });
}

/** PDM's legacy `[tool.pdm.dev-dependencies]`: group → PEP 508 strings. */
export function pdmDevDependencies(manifest: Manifest): DeclaredDependency[] {
  const table = tableAt(manifest.data, ["tool", "pdm", "dev-dependencies"]);
  return Object.entries(table).flatMap(([group, list]) =>
    stringList(list)
      .filter((text) => !text.startsWith("-e "))
      .map((text) =>
        fromPep508(
          text,
          normalizeName(group),
          manifest,
          manifest.lines.dependency("tool.pdm.dev-dependencies", requirementName(text), group),
        ),
      ),
  );
}
