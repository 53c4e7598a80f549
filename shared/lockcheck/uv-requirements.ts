/** uv's view of declared requirements: PEP 621 lowered with `tool.uv.sources`, and the lock's wire form. */
import path from "node:path";
import type { UvRequirementEntry } from "../lockfiles/uv.js";
import type { DeclaredDependency } from "../project/declared.js";
import { isTable, type Table, tableAt } from "../project/files.js";
import { normalizeMarker } from "../project/markers.js";
import { normalizeName } from "../project/names.js";

/** Where a requirement comes from, reduced to what a comparison needs. */
export interface SourceRef {
  kind: "git" | "url" | "path" | "editable" | "index";
  location: string;
}

/** One requirement in a comparable form, declared or locked. */
export interface UvRequirement {
  name: string;
  key: string;
  extras: string[];
  specifier: string;
  marker?: string;
  source?: SourceRef;
  line?: number;
  file: string;
}

/** Declared dependencies in uv's form: extras become `extra == '…'` markers, sources apply. */
export function lowerDeclared(declared: DeclaredDependency[], project: Table): UvRequirement[] {
  const sources = tableAt(project, ["tool", "uv", "sources"]);
  const indexes = Array.isArray(tableAt(project, ["tool", "uv"]).index)
    ? (tableAt(project, ["tool", "uv"]).index as unknown[]).filter(isTable)
    : [];
  return declared.map((dependency) => {
    const extra = dependency.group.startsWith("extra:") ? dependency.group.slice(6) : undefined;
    const markers = [dependency.marker, extra ? `extra == '${extra}'` : undefined].filter(Boolean);
    const sourceEntry = Object.entries(sources).find(
      ([name]) => normalizeName(name) === dependency.key,
    )?.[1];
    return {
      name: dependency.name,
      key: dependency.key,
      extras: dependency.extras,
      specifier: dependency.direct ? "" : (dependency.specifiers[0] ?? ""),
      marker:
        markers.length > 0
          ? markers.map((m) => (markers.length > 1 ? `(${m})` : m)).join(" and ")
          : undefined,
      source:
        declaredSource(sourceEntry, indexes) ??
        (dependency.direct?.kind === "url"
          ? { kind: "url", location: dependency.direct.location }
          : undefined),
      line: dependency.line,
      file: dependency.file,
    };
  });
}

function declaredSource(entry: unknown, indexes: Table[]): SourceRef | undefined {
  const spec = Array.isArray(entry) ? entry.find(isTable) : entry;
  if (!isTable(spec)) return undefined;
  if (typeof spec.git === "string") {
    const reference = spec.tag ?? spec.branch ?? spec.rev;
    return {
      kind: "git",
      location: gitLocation(spec.git, typeof reference === "string" ? reference : undefined),
    };
  }
  if (typeof spec.url === "string") return { kind: "url", location: spec.url };
  if (spec.workspace === true) return { kind: "editable", location: "" };
  if (typeof spec.path === "string") {
    return {
      kind: spec.editable === true ? "editable" : "path",
      location: path.posix.normalize(spec.path),
    };
  }
  if (typeof spec.index === "string") {
    const index = indexes.find((i) => i.name === spec.index);
    return { kind: "index", location: normalizeUrl(String(index?.url ?? spec.index)) };
  }
  return undefined;
}

/** A requirement from uv.lock's `requires-dist` / `requires-dev` wire form. */
export function fromLockWire(entry: UvRequirementEntry, file: string, line: number): UvRequirement {
  return {
    name: entry.name,
    key: normalizeName(entry.name),
    extras: entry.extras.map(normalizeName).sort(),
    specifier: entry.specifier ?? "",
    marker: entry.marker,
    source: lockedSource(entry.source),
    line,
    file,
  };
}

function lockedSource(source: UvRequirementEntry["source"]): SourceRef | undefined {
  const { git, url, editable, index } = source;
  if (git) {
    const [base, reference] = [
      git.split(/[?#]/)[0],
      /[?&](?:tag|branch|rev)=([^&#]+)/.exec(git)?.[1],
    ];
    return { kind: "git", location: gitLocation(base, reference) };
  }
  if (url) return { kind: "url", location: url };
  if (editable !== undefined) return { kind: "editable", location: path.posix.normalize(editable) };
  const location = source.path ?? source.directory;
  if (location !== undefined) return { kind: "path", location: path.posix.normalize(location) };
  if (index) return { kind: "index", location: normalizeUrl(index) };
  return undefined;
}

const gitLocation = (url: string, reference?: string) =>
  `${
    url
      .replace(/^git\+/, "")
      .replace(/\.git$/, "")
      .split(/[?#]/)[0]
  }${reference ? `@${reference}` : ""}`;

const normalizeUrl = (url: string) => url.replace(/\/+$/, "");

const canonicalMarkers = new Map<string, string | undefined>();

/** Markers compared in one canonical form; undefined when they cannot be parsed. */
export function canonicalMarker(marker: string | undefined): string | undefined {
  if (marker === undefined) return "";
  if (!canonicalMarkers.has(marker)) {
    let canonical: string | undefined;
    try {
      canonical = normalizeMarker(marker);
    } catch {
      canonical = undefined;
    }
    canonicalMarkers.set(marker, canonical);
  }
  return canonicalMarkers.get(marker);
}

export function sameSource(a?: SourceRef, b?: SourceRef): boolean {
  if (!a || !b) return !a && !b;
  if (a.kind !== b.kind) return false;
  // A workspace member's editable path is written relative to the workspace root: the kind is enough.
  if (a.kind === "editable" && (a.location === "" || b.location === "")) return true;
  return a.location === b.location;
}

export const describeSource = (source?: SourceRef) =>
  source ? `${source.kind} ${source.location}`.trim() : "the index";
