/** pdm.lock → Lock. */
import { isTable, parseTomlText, stringList, type Table } from "../project/files.js";
import { formatMarker } from "../project/markers.js";
import { normalizeName } from "../project/names.js";
import { parseRequirement } from "../project/pep508.js";
import type { Lock, LockedPackage, PackageSource } from "./model.js";
import { contentHashLine, sourceFile } from "./source-file.js";
import { entryHead, packageEntryLines } from "./toml-lines.js";

export interface PdmLock extends Lock {
  format: "pdm";
  /** `[metadata] groups`: the groups (extras among them) `pdm lock` locked; undefined when unsaid. */
  lockedGroups?: string[];
}

export function readPdmLock(text: string, file: string): PdmLock {
  const raw = parseTomlText(text, file);
  const metadata = isTable(raw.metadata) ? raw.metadata : {};
  const lines = packageEntryLines(text);
  const entries = Array.isArray(raw.package) ? raw.package.filter(isTable) : [];
  // Lock versions before 4.1 keep files apart, in [metadata.files] under "name version".
  const legacyFiles = isTable(metadata.files) ? metadata.files : {};
  const packages = entries.map((entry, i) => pdmPackage(entry, lines[i] ?? 1, legacyFiles));
  return {
    format: "pdm",
    ...sourceFile(text, file),
    lockVersion: typeof metadata.lock_version === "string" ? metadata.lock_version : undefined,
    generator: { tool: "pdm" },
    contentHash: typeof metadata.content_hash === "string" ? metadata.content_hash : undefined,
    contentHashLine: contentHashLine(text),
    requiresPython:
      typeof metadata.requires_python === "string" ? metadata.requires_python : undefined,
    packages,
    indexes: [],
    lockedGroups: Array.isArray(metadata.groups) ? stringList(metadata.groups) : undefined,
  };
}

function pdmPackage(entry: Table, line: number, legacyFiles: Table): LockedPackage {
  const listed = entry.files ?? legacyFiles[`${String(entry.name ?? "")} ${entry.version}`];
  const files = Array.isArray(listed) ? listed.filter(isTable) : [];
  return {
    ...entryHead(entry, line),
    groups: stringList(entry.groups),
    marker: typeof entry.marker === "string" ? entry.marker : undefined,
    extras: stringList(entry.extras).map(normalizeName),
    source: pdmSource(entry),
    files: files.map((f) => ({
      name: typeof f.file === "string" ? f.file : undefined,
      url: typeof f.url === "string" ? f.url : undefined,
      hashes: f.hash ? [String(f.hash)] : [],
    })),
    dependencies: stringList(entry.dependencies).map((text) => {
      try {
        const requirement = parseRequirement(text);
        return {
          key: requirement.key,
          extras: requirement.extras,
          marker: requirement.marker ? formatMarker(requirement.marker) : undefined,
          specifiers: requirement.url ? undefined : [requirement.specifier],
        };
      } catch {
        // Kept for validation, which names what does not parse.
        const marker = text.includes(";") ? text.slice(text.indexOf(";") + 1).trim() : undefined;
        return { key: normalizeName(text.split(/[\s[<>=!~;@(]/)[0]), marker };
      }
    }),
  };
}

function pdmSource(entry: Table): PackageSource {
  if (typeof entry.git === "string") {
    return { kind: "git", url: entry.git, reference: String(entry.revision ?? entry.ref ?? "") };
  }
  if (typeof entry.path === "string") {
    return { kind: entry.editable ? "editable" : "directory", path: entry.path };
  }
  if (typeof entry.url === "string") return { kind: "url", url: entry.url };
  return { kind: "registry" };
}
