/** pylock.toml (PEP 751) → Lock. Selection uses each package's marker, with `extras` and `dependency_groups`. */
import { isTable, parseTomlText, stringList, type Table } from "../project/files.js";
import { distinctIndexes } from "./indexes.js";
import type { Lock, LockedFile, LockedPackage, PackageSource } from "./model.js";
import { sourceFile } from "./source-file.js";
import { entryHead, packageEntryLines } from "./toml-lines.js";
import { uploadTimeOf } from "./upload-time.js";

export interface Pylock extends Lock {
  format: "pylock";
  /** As written (PEP 751 `extras`, `dependency-groups`, `default-groups`). */
  extras: string[];
  dependencyGroups: string[];
  defaultGroups: string[];
}

export function readPylock(text: string, file: string): Pylock {
  const raw = parseTomlText(text, file);
  const lines = packageEntryLines(text, "[[packages]]");
  const entries = Array.isArray(raw.packages) ? raw.packages.filter(isTable) : [];
  const packages = entries.map((entry, i) => pylockPackage(entry, lines[i] ?? 1));
  return {
    format: "pylock",
    ...sourceFile(text, file),
    lockVersion: typeof raw["lock-version"] === "string" ? raw["lock-version"] : undefined,
    generator: typeof raw["created-by"] === "string" ? { tool: raw["created-by"] } : undefined,
    requiresPython: typeof raw["requires-python"] === "string" ? raw["requires-python"] : undefined,
    packages,
    indexes: distinctIndexes(
      entries.map((e) => (typeof e.index === "string" ? e.index : undefined)),
    ),
    extras: stringList(raw.extras),
    dependencyGroups: stringList(raw["dependency-groups"]),
    defaultGroups: stringList(raw["default-groups"]),
  };
}

function pylockPackage(entry: Table, line: number): LockedPackage {
  const files: LockedFile[] = [];
  if (isTable(entry.sdist)) files.push(pylockFile(entry.sdist));
  if (Array.isArray(entry.wheels)) files.push(...entry.wheels.filter(isTable).map(pylockFile));
  if (isTable(entry.archive)) files.push(pylockFile(entry.archive));
  return {
    ...entryHead(entry, line),
    groups: [],
    marker: typeof entry.marker === "string" ? entry.marker : undefined,
    source: pylockSource(entry),
    files,
    dependencies: [],
  };
}

const pylockFile = (file: Table): LockedFile => ({
  name: typeof file.name === "string" ? file.name : undefined,
  url:
    typeof file.url === "string" ? file.url : typeof file.path === "string" ? file.path : undefined,
  hashes: Object.entries(isTable(file.hashes) ? file.hashes : {}).map(
    ([algorithm, hex]) => `${algorithm}:${hex}`,
  ),
  uploadTime: uploadTimeOf(file["upload-time"]),
});

function pylockSource(entry: Table): PackageSource {
  if (isTable(entry.vcs)) {
    return {
      kind: "git",
      url: String(entry.vcs.url ?? entry.vcs.path ?? ""),
      reference: String(entry.vcs["commit-id"] ?? ""),
    };
  }
  if (isTable(entry.directory)) {
    return {
      kind: entry.directory.editable ? "editable" : "directory",
      path: String(entry.directory.path ?? ""),
    };
  }
  if (isTable(entry.archive) && typeof entry.archive.url === "string")
    return { kind: "url", url: entry.archive.url };
  return { kind: "registry", url: typeof entry.index === "string" ? entry.index : undefined };
}
