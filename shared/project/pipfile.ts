/** Pipfile: `[packages]` (group `default`), `[dev-packages]` (`develop`) and custom categories. */
import type { DeclaredDependency } from "./declared.js";
import { isTable, stringList } from "./files.js";
import { normalizeName } from "./names.js";
import type { Manifest } from "./pyproject.js";

/** Pipfile tables that are not package categories. */
const notCategories = new Set(["source", "requires", "scripts", "pipenv", "pipfile"]);

export const pipfileCategory = (table: string): string =>
  table === "packages" ? "default" : table === "dev-packages" ? "develop" : table;

export function pipfileDependencies(manifest: Manifest): DeclaredDependency[] {
  return Object.entries(manifest.data)
    .filter(([table, value]) => !notCategories.has(table) && isTable(value))
    .flatMap(([table, packages]) =>
      Object.entries(packages as Record<string, unknown>).map(([name, spec]) => {
        const entry = isTable(spec) ? spec : { version: spec };
        const version = pipenvSpecifier(entry.version);
        const directKind = (["git", "path", "file"] as const).find(
          (kind) => typeof entry[kind] === "string",
        );
        return {
          name,
          key: normalizeName(name),
          group: pipfileCategory(table),
          constraint: version,
          specifiers: [directKind || version === "*" ? "" : version],
          extras: stringList(entry.extras).map(normalizeName),
          marker: typeof entry.markers === "string" ? entry.markers : undefined,
          direct: directKind
            ? {
                kind: directKind === "file" ? "url" : directKind,
                location: String(entry[directKind]),
              }
            : undefined,
          file: manifest.file,
          line: manifest.lines.dependency(table, name),
        } satisfies DeclaredDependency;
      }),
    );
}

/** pipenv reads a bare version (`six = "1.16.0"`, `"3.*"`) as `==`. */
function pipenvSpecifier(version: unknown): string {
  if (typeof version !== "string") return "*";
  return /^\s*\d/.test(version) ? `==${version.trim()}` : version;
}
