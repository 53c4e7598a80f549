/** uv.lock → Lock. */
import { isTable, parseTomlText, type Table, tableAt } from "../project/files.js";
import { normalizeName } from "../project/names.js";
import { registryIndexes } from "./indexes.js";
import type { LockedDependency, LockedFile, PackageSource } from "./model.js";
import { sourceFile } from "./source-file.js";
import { entryHead, packageEntryLines } from "./toml-lines.js";
import { uploadTimeOf } from "./upload-time.js";
import { type UvLock, type UvPackage, uvManifest, uvMetadata } from "./uv-manifest.js";

export type {
  UvLock,
  UvManifest,
  UvMetadata,
  UvPackage,
  UvRequirementEntry,
} from "./uv-manifest.js";

export function readUvLock(text: string, file: string): UvLock {
  const raw = parseTomlText(text, file);
  const lines = packageEntryLines(text);
  const entries = Array.isArray(raw.package) ? raw.package.filter(isTable) : [];
  const textLines = text.split("\n");
  const packages = entries.map((entry, i) => uvPackage(entry, lines[i] ?? 1, textLines));
  return {
    format: "uv",
    ...sourceFile(text, file),
    lockVersion: [raw.version, raw.revision].filter((v) => v !== undefined).join("."),
    formatVersion: String(raw.version ?? 1),
    generator: { tool: "uv" },
    requiresPython: typeof raw["requires-python"] === "string" ? raw["requires-python"] : undefined,
    packages,
    indexes: registryIndexes(packages),
    manifest: uvManifest(tableAt(raw, ["manifest"])),
  };
}

function uvPackage(entry: Table, line: number, textLines: string[]): UvPackage {
  const files: LockedFile[] = [];
  if (isTable(entry.sdist)) files.push(uvFile(entry.sdist));
  if (Array.isArray(entry.wheels)) files.push(...entry.wheels.filter(isTable).map(uvFile));
  const edges = (list: unknown): LockedDependency[] =>
    Array.isArray(list) ? list.filter(isTable).map(uvEdge) : [];
  // An extra's dependencies carry `extra == '…'`, so selecting by marker selects them.
  const optional = isTable(entry["optional-dependencies"]) ? entry["optional-dependencies"] : {};
  const dependencies = [
    ...edges(entry.dependencies),
    ...Object.entries(optional).flatMap(([extra, list]) =>
      edges(list).map((edge) => ({
        ...edge,
        marker: andMarker(edge.marker, `extra == '${extra}'`),
      })),
    ),
  ];
  const groups = isTable(entry["dev-dependencies"]) ? entry["dev-dependencies"] : {};
  const metadata = uvMetadata(entry.metadata, textLines, line);
  return {
    ...entryHead(entry, line),
    groups: [],
    source: uvSource(entry.source),
    files,
    dependencies,
    groupDependencies: Object.fromEntries(
      Object.entries(groups).map(([group, list]) => [group, edges(list)]),
    ),
    recorded: [metadata.requiresDist, ...Object.values(metadata.requiresDev)]
      .flat()
      .map((r) => ({ key: normalizeName(r.name), marker: r.marker })),
    definedExtras: Object.keys(optional),
    metadata,
  };
}

const andMarker = (marker: string | undefined, extra: string) =>
  marker ? `(${marker}) and ${extra}` : extra;

const uvFile = (file: Table): LockedFile => ({
  name: typeof file.filename === "string" ? file.filename : undefined,
  url:
    typeof file.url === "string" ? file.url : typeof file.path === "string" ? file.path : undefined,
  hashes: typeof file.hash === "string" ? [file.hash] : [],
  uploadTime: uploadTimeOf(file["upload-time"]),
});

const uvEdge = (edge: Table): LockedDependency => ({
  key: normalizeName(String(edge.name ?? "")),
  extras: Array.isArray(edge.extra) ? edge.extra.map(String) : undefined,
  marker: typeof edge.marker === "string" ? edge.marker : undefined,
  specifiers: typeof edge.version === "string" ? [`==${edge.version}`] : undefined,
});

export function uvSource(source: unknown): PackageSource {
  if (!isTable(source)) return { kind: "registry" };
  const text = (key: string) =>
    typeof source[key] === "string" ? (source[key] as string) : undefined;
  if (text("registry") !== undefined) return { kind: "registry", url: text("registry") };
  if (text("git") !== undefined) {
    const url = text("git") as string;
    return { kind: "git", url, reference: url.split("#")[1] };
  }
  if (text("url") !== undefined) return { kind: "url", url: text("url") as string };
  for (const kind of ["editable", "virtual", "directory", "path"] as const) {
    const path = text(kind);
    if (path !== undefined) return { kind, path };
  }
  return { kind: "registry" };
}
