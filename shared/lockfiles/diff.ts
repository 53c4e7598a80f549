/** What a change to a lock does, base → head, read from the one Lock model (every format alike). */
import { normalizeName } from "../project/names.js";
import { compareVersions } from "../project/pep440.js";
import type { Lock, LockedPackage, PackageSource } from "./model.js";
import type { RequirementsLock } from "./requirements.js";

export type ChangeKind = "added" | "removed" | "upgraded" | "downgraded" | "changed";

export interface PackageChange {
  kind: ChangeKind;
  /** PEP 503 normalized. */
  key: string;
  /** As the head lock writes it (the base's for a removal). */
  name: string;
  from?: string;
  to?: string;
  /** The head lock's line of the entry (the base's for a removal). */
  line: number;
  /** Where it comes from, when that changed (registry ↔ git/URL/path, another index). */
  source?: { from: PackageSource; to: PackageSource };
  /** Same version, other file hashes: how a rebuilt or tampered artifact shows up. */
  hashesChanged?: boolean;
  marker?: { from?: string; to?: string };
  /** Declared in the manifest (a root's own dependency), rather than pulled in. */
  direct: boolean;
  /** For a transitive package: the direct dependencies whose edges reach it (the base's for a removal). */
  pulledInBy: string[];
  groups: string[];
}

export interface LockDiff {
  file: string;
  format: Lock["format"];
  /** No base lock: every package is "added". */
  newLock: boolean;
  requiresPython?: { from?: string; to?: string };
  changes: PackageChange[];
  counts: { added: number; removed: number; changed: number };
}

/**
 * The semantic diff of two revisions of one lockfile; `base` undefined means a new lockfile.
 * `direct` names the head's declared dependencies, `baseDirect` the base's (for removals).
 */
export function diffLocks(
  base: Lock | undefined,
  head: Lock,
  direct: ReadonlySet<string>,
  baseDirect: ReadonlySet<string> = direct,
): LockDiff {
  const [before, after] = [byKey(base?.packages ?? []), byKey(head.packages)];
  const reach = {
    base: base ? reachedFrom(base, baseDirect) : new Map(),
    head: reachedFrom(head, direct),
  };
  const groups = { base: base ? groupsOf(base) : new Map(), head: groupsOf(head) };
  const changes: PackageChange[] = [];
  for (const key of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    for (const [from, to] of pairEntries(before.get(key) ?? [], after.get(key) ?? [])) {
      const change = changeOf(from, to, (to ? groups.head : groups.base).get(key));
      if (!change) continue;
      const side = to ? reach.head : reach.base;
      const isDirect = (to ? direct : baseDirect).has(key);
      changes.push({
        ...change,
        direct: isDirect,
        pulledInBy: isDirect ? [] : [...(side.get(key) ?? [])].sort(),
      });
    }
  }
  const requiresPython =
    (base?.requiresPython ?? "") === (head.requiresPython ?? "")
      ? undefined
      : { from: base?.requiresPython, to: head.requiresPython };
  return {
    file: head.file,
    format: head.format,
    newLock: base === undefined,
    ...(requiresPython && { requiresPython }),
    changes,
    counts: countsOf(changes),
  };
}

/** The packages an upgrade or addition brings in: what min-release-age and cooldowns look at. */
export const introduced = (diff: LockDiff): PackageChange[] =>
  diff.changes.filter((c) => c.kind === "added" || c.kind === "upgraded");

/** How many changes are additions, removals and the rest. */
export function countsOf(changes: PackageChange[]): LockDiff["counts"] {
  const added = changes.filter((c) => c.kind === "added").length;
  const removed = changes.filter((c) => c.kind === "removed").length;
  return { added, removed, changed: changes.length - added - removed };
}

function byKey(packages: LockedPackage[]): Map<string, LockedPackage[]> {
  const map = new Map<string, LockedPackage[]>();
  for (const entry of packages) map.set(entry.key, [...(map.get(entry.key) ?? []), entry]);
  return map;
}

type Pair = [LockedPackage | undefined, LockedPackage | undefined];

/**
 * Pairs one package's entries (more than one where uv or PDM fork by marker, or PDM locks an
 * extra): same version first, then same marker, then in version order; the rest are added or removed.
 */
function pairEntries(base: LockedPackage[], head: LockedPackage[]): Pair[] {
  const pairs: Pair[] = [];
  const [left, right] = [[...base], [...head]];
  const take = (match: (a: LockedPackage, b: LockedPackage) => boolean) => {
    for (const a of [...left]) {
      const index = right.findIndex((b) => match(a, b));
      if (index < 0) continue;
      pairs.push([a, right[index]]);
      left.splice(left.indexOf(a), 1);
      right.splice(index, 1);
    }
  };
  take((a, b) => sameVersion(a, b) && sameExtras(a, b) && (a.marker ?? "") === (b.marker ?? ""));
  take((a, b) => sameVersion(a, b) && sameExtras(a, b));
  take((a, b) => (a.marker ?? "") === (b.marker ?? "") && sameExtras(a, b));
  const ordered = (list: LockedPackage[]) =>
    list.sort((a, b) => compareVersions(a.version ?? "", b.version ?? ""));
  const [restBase, restHead] = [ordered(left), ordered(right)];
  const paired = Math.min(restBase.length, restHead.length);
  for (let i = 0; i < paired; i++) pairs.push([restBase[i], restHead[i]]);
  for (const entry of restBase.slice(paired)) pairs.push([entry, undefined]);
  for (const entry of restHead.slice(paired)) pairs.push([undefined, entry]);
  return pairs;
}

const sameVersion = (a: LockedPackage, b: LockedPackage) =>
  a.version !== undefined && b.version !== undefined
    ? compareVersions(a.version, b.version) === 0
    : a.version === b.version;

const sameExtras = (a: LockedPackage, b: LockedPackage) =>
  [...(a.extras ?? [])].sort().join(",") === [...(b.extras ?? [])].sort().join(",");

type Change = Omit<PackageChange, "direct" | "pulledInBy">;

function changeOf(
  from: LockedPackage | undefined,
  to: LockedPackage | undefined,
  reachedBy: string[] = [],
): Change | undefined {
  const entry = (to ?? from) as LockedPackage;
  const groups = entry.groups.length > 0 ? entry.groups : reachedBy;
  const common = { key: entry.key, name: entry.name, line: entry.line, groups };
  if (!from) return { kind: "added", ...common, to: to?.version };
  if (!to) return { kind: "removed", ...common, from: from.version };
  const order = compareVersions(to.version ?? "", from.version ?? "");
  const source = sameSource(from.source, to.source)
    ? undefined
    : { from: from.source, to: to.source };
  const marker =
    (from.marker ?? "") === (to.marker ?? "") ? undefined : { from: from.marker, to: to.marker };
  const hashesChanged = order === 0 && hashesDiffer(from, to);
  if (order === 0 && !source && !marker && !hashesChanged) return undefined;
  const kind: ChangeKind = order > 0 ? "upgraded" : order < 0 ? "downgraded" : "changed";
  return {
    kind,
    ...common,
    from: from.version,
    to: to.version,
    ...(source && { source }),
    ...(hashesChanged && { hashesChanged }),
    ...(marker && { marker }),
  };
}

const PYPI = "https://pypi.org/simple";

/** A source as one comparable string: an unnamed registry is PyPI, trailing slashes do not count. */
export function sourceKey(source: PackageSource): string {
  const trim = (url: string) => url.replace(/\/+$/, "");
  switch (source.kind) {
    case "registry":
      return `registry ${trim(source.url ?? PYPI)}`;
    case "git":
      return `git ${trim(source.reference ? source.url.replace(/[?#].*$/, "") : source.url)}${source.reference ? `@${source.reference}` : ""}`;
    case "url":
      return `url ${source.url}`;
    default:
      return `${source.kind} ${source.path}`;
  }
}

const sameSource = (a: PackageSource, b: PackageSource) => sourceKey(a) === sourceKey(b);

/** Both revisions record hashes, and they are not the same set. */
function hashesDiffer(from: LockedPackage, to: LockedPackage): boolean {
  const [a, b] = [hashSet(from), hashSet(to)];
  if (a.size === 0 || b.size === 0) return false;
  return a.size !== b.size || [...a].some((hash) => !b.has(hash));
}

const hashSet = (entry: LockedPackage) =>
  new Set(entry.files.flatMap((file) => file.hashes.map((hash) => hash.toLowerCase())));

/** For each package, the direct dependencies whose edges reach it (requirements: from `# via`). */
function reachedFrom(lock: Lock, direct: ReadonlySet<string>): Map<string, Set<string>> {
  const edges = edgesOf(lock);
  const reached = new Map<string, Set<string>>();
  for (const root of direct) {
    const queue = [...(edges.get(root) ?? [])];
    const seen = new Set<string>([root]);
    while (queue.length > 0) {
      const key = queue.pop() as string;
      if (seen.has(key)) continue;
      seen.add(key);
      reached.set(key, (reached.get(key) ?? new Set()).add(root));
      queue.push(...(edges.get(key) ?? []));
    }
  }
  return reached;
}

function edgesOf(lock: Lock): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  const add = (from: string, to: string) => edges.set(from, (edges.get(from) ?? new Set()).add(to));
  for (const entry of lock.packages) {
    for (const dependency of entry.dependencies) add(entry.key, dependency.key);
  }
  if (lock.format === "requirements") {
    for (const pin of (lock as RequirementsLock).packages) {
      const parents = pin.via.flatMap((via) => via.split(",").map((name) => name.trim()));
      for (const parent of parents.filter(isPackageName)) add(normalizeName(parent), pin.key);
    }
  }
  return edges;
}

/** A `# via` entry that names a package (not `-r requirements.in` or `pkg (pyproject.toml)`). */
const isPackageName = (via: string) => /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(via);

/**
 * uv.lock records groups only on its members' edges: `main`, `extra:<name>` or the dependency
 * group's name, inherited by everything those edges reach. Other formats record them per entry.
 */
function groupsOf(lock: Lock): Map<string, string[]> {
  const groups = new Map<string, Set<string>>();
  if (lock.format !== "uv") return new Map();
  const members = lock.packages.filter((p) => isLocal(p.source));
  const roots = members.flatMap((member) => [
    ...member.dependencies.map((edge) => ({ edge, group: extraOf(edge.marker) ?? "main" })),
    ...Object.entries(member.groupDependencies ?? {}).flatMap(([group, edges]) =>
      edges.map((edge) => ({ edge, group })),
    ),
  ]);
  const edges = edgesOf(lock);
  const own = new Set(members.map((m) => m.key));
  for (const { edge, group } of roots) {
    const queue = [edge.key];
    while (queue.length > 0) {
      const key = queue.pop() as string;
      const seen = groups.get(key) ?? new Set();
      if (own.has(key) || seen.has(group)) continue;
      groups.set(key, seen.add(group));
      queue.push(...(edges.get(key) ?? []));
    }
  }
  return new Map([...groups].map(([key, names]) => [key, [...names].sort()]));
}

const isLocal = (source: PackageSource) => source.kind === "editable" || source.kind === "virtual";

const extraOf = (marker: string | undefined) => {
  const match = /extra == '([^']+)'/.exec(marker ?? "");
  return match ? `extra:${match[1]}` : undefined;
};
