/** uv.lock's own records: `[manifest]` and each entry's `[package.metadata]`, as uv's `satisfies` reads them. */
import { isTable, stringList, type Table } from "../project/files.js";
import type { Lock, LockedPackage } from "./model.js";

/** A requirement in uv.lock's wire form (`{ name, specifier?, extras?, marker?, <source> }`). */
export interface UvRequirementEntry {
  name: string;
  extras: string[];
  specifier?: string;
  marker?: string;
  /** Where it comes from: `git`, `url`, `editable`, `path`, `directory` or `index`, as written. */
  source: Partial<Record<UvSourceKey, string>>;
  /** 1-based line, for `[package.metadata]` entries. */
  line?: number;
}

const sourceKeys = ["git", "url", "editable", "path", "directory", "index"] as const;
type UvSourceKey = (typeof sourceKeys)[number];

/** `[package.metadata]`: the member's requirements when it was locked. */
export interface UvMetadata {
  requiresDist: UvRequirementEntry[];
  /** undefined when the lock does not record them. */
  providesExtras?: string[];
  /** By group name, as written. */
  requiresDev: Record<string, UvRequirementEntry[]>;
}

/** `[manifest]`: the workspace as it was locked. */
export interface UvManifest {
  members: string[];
  constraints: UvRequirementEntry[];
  overrides: UvRequirementEntry[];
  /** A virtual root's own dependency groups, by group name. */
  dependencyGroups: Record<string, UvRequirementEntry[]>;
}

export interface UvPackage extends LockedPackage {
  /** The extras `[package.optional-dependencies]` names. */
  definedExtras: string[];
  metadata: UvMetadata;
}

export interface UvLock extends Lock {
  format: "uv";
  /** The top-level `version` ("1" when absent), without `revision`. */
  formatVersion: string;
  packages: UvPackage[];
  manifest: UvManifest;
}

function requirementEntry(entry: Table, lines?: Map<string, number>): UvRequirementEntry {
  const name = String(entry.name ?? "");
  const text = (key: string) =>
    typeof entry[key] === "string" ? (entry[key] as string) : undefined;
  const source = Object.fromEntries(
    sourceKeys.flatMap((key) => (text(key) === undefined ? [] : [[key, text(key)]])),
  );
  return {
    name,
    extras: stringList(entry.extras),
    specifier: text("specifier"),
    marker: text("marker"),
    source,
    line: lines?.get(name),
  };
}

const entries = (list: unknown, lines?: Map<string, number>) =>
  (Array.isArray(list) ? list : []).filter(isTable).map((e) => requirementEntry(e, lines));

const entryGroups = (table: unknown, lines?: Map<string, number>) =>
  Object.fromEntries(
    Object.entries(isTable(table) ? table : {}).map(([group, list]) => [
      group,
      entries(list, lines),
    ]),
  );

export const uvManifest = (manifest: Table): UvManifest => ({
  members: stringList(manifest.members),
  constraints: entries(manifest.constraints),
  overrides: entries(manifest.overrides),
  dependencyGroups: entryGroups(manifest["dependency-groups"]),
});

/** An entry's `[package.metadata]`; `entryLine` is where the entry starts in `textLines`. */
export function uvMetadata(metadata: unknown, textLines: string[], entryLine: number): UvMetadata {
  const table = isTable(metadata) ? metadata : {};
  const lines = isTable(metadata) ? metadataLines(textLines, entryLine) : undefined;
  return {
    requiresDist: entries(table["requires-dist"], lines),
    providesExtras:
      table["provides-extras"] === undefined ? undefined : stringList(table["provides-extras"]),
    requiresDev: entryGroups(table["requires-dev"], lines),
  };
}

/** name → line of each `{ name = "<name>" …` in an entry's `[package.metadata]`, in one pass. */
function metadataLines(lines: string[], entryLine: number): Map<string, number> {
  const result = new Map<string, number>();
  let inMetadata = false;
  for (let i = entryLine; i < lines.length && lines[i].trim() !== "[[package]]"; i++) {
    if (lines[i].startsWith("[package.metadata")) inMetadata = true;
    const name = inMetadata ? /\{\s*name\s*=\s*"([^"]+)"/.exec(lines[i]) : null;
    if (name && !result.has(name[1])) result.set(name[1], i + 1);
  }
  return result;
}
