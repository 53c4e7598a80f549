/** Pipfile.lock → Lock. Sections other than `_meta` are package categories (default, develop, custom). */
import { isTable, parseJsonText, stringList, type Table } from "../project/files.js";
import { normalizeName } from "../project/names.js";
import { distinctIndexes } from "./indexes.js";
import type { Lock, LockedPackage, PackageSource } from "./model.js";
import { contentHashLine, sourceFile } from "./source-file.js";

export interface PipfileLock extends Lock {
  format: "pipfile";
  /** `_meta.requires` as recorded (`python_version`, `python_full_version`). */
  requires?: Table;
  /** `_meta.sources` as recorded: the Pipfile's `[[source]]` tables, which its hash covers. */
  sources?: Table[];
}

export function readPipfileLock(text: string, file: string): PipfileLock {
  const raw = parseJsonText(text, file);
  const meta = isTable(raw._meta) ? raw._meta : {};
  const hash = isTable(meta.hash) ? meta.hash.sha256 : undefined;
  const requires = isTable(meta.requires) ? meta.requires : undefined;
  const sources = Array.isArray(meta.sources) ? meta.sources.filter(isTable) : undefined;
  const lines = entryLines(text);
  const byKey = new Map<string, LockedPackage>();
  for (const [category, packages] of Object.entries(raw)) {
    if (category === "_meta" || !isTable(packages)) continue;
    for (const [name, entry] of Object.entries(packages)) {
      if (!isTable(entry)) continue;
      const key = normalizeName(name);
      const existing = byKey.get(key);
      if (existing) existing.groups.push(category);
      else
        byKey.set(
          key,
          pipfilePackage(name, entry, category, lines.get(`${category}/${name}`) ?? 1),
        );
    }
  }
  const python = requires?.python_full_version ?? requires?.python_version;
  return {
    format: "pipfile",
    ...sourceFile(text, file),
    lockVersion: meta["pipfile-spec"] !== undefined ? String(meta["pipfile-spec"]) : undefined,
    generator: { tool: "pipenv" },
    contentHash: typeof hash === "string" ? hash : undefined,
    contentHashLine: contentHashLine(text),
    requiresPython: typeof python === "string" ? `==${python}.*` : undefined,
    packages: [...byKey.values()],
    indexes: distinctIndexes((sources ?? []).map((s) => String(s.url ?? ""))),
    requires,
    sources,
  };
}

function pipfilePackage(name: string, entry: Table, category: string, line: number): LockedPackage {
  // pipenv writes `"version": "*"` for an entry it did not pin (the project itself, say).
  const pinned =
    typeof entry.version === "string" && entry.version !== "*"
      ? entry.version.replace(/^===?/, "")
      : undefined;
  return {
    name,
    key: normalizeName(name),
    version: pinned,
    line,
    groups: [category],
    marker: typeof entry.markers === "string" ? entry.markers : undefined,
    extras: stringList(entry.extras).map(normalizeName),
    source: pipfileSource(name, entry),
    files: [{ hashes: stringList(entry.hashes) }],
    dependencies: [],
  };
}

function pipfileSource(name: string, entry: Table): PackageSource {
  if (typeof entry.git === "string")
    return { kind: "git", url: gitUrl(name, entry.git), reference: String(entry.ref ?? "") };
  if (typeof entry.path === "string")
    return { kind: entry.editable ? "editable" : "path", path: entry.path };
  if (typeof entry.file === "string") return { kind: "url", url: entry.file };
  return { kind: "registry", url: typeof entry.index === "string" ? entry.index : undefined };
}

/** pipenv 2023 wrote some git URLs as `" name@ git+https://…"`: the URL is what follows the name. */
function gitUrl(name: string, text: string): string {
  const match = /^\s*([A-Za-z0-9._-]+)\s*@\s*(git\+\S+)\s*$/.exec(text);
  return match && normalizeName(match[1]) === normalizeName(name) ? match[2] : text;
}

/** `category/name` → line, for pipenv's 4-space-indented JSON. */
function entryLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let category = "";
  text.split("\n").forEach((line, i) => {
    const section = /^ {4}"([^"]+)": \{/.exec(line);
    if (section) category = section[1];
    const entry = /^ {8}"([^"]+)": \{/.exec(line);
    if (entry && category !== "_meta") lines.set(`${category}/${entry[1]}`, i + 1);
  });
  return lines;
}
