/** Which locked packages a set of groups and extras selects, per format, for one or all interpreters. */
import type { DeclaredDependency } from "../project/declared.js";
import { isTable, stringList, tableAt } from "../project/files.js";
import { evaluateMarker, type MarkerContext, parseMarker } from "../project/markers.js";
import { normalizeName } from "../project/names.js";
import { satisfies } from "../project/pep440.js";
import {
  dependencyGroups,
  type Manifest,
  pdmDevDependencies,
  pep621Dependencies,
  poetryDependencies,
} from "../project/pyproject.js";
import { ConfigurationError } from "../runtime/errors.js";
import type { Lock, LockedDependency, LockedPackage } from "./model.js";
import type { PdmLock } from "./pdm.js";
import type { Pylock } from "./pylock.js";
import type { UvLock, UvRequirementEntry } from "./uv.js";

export interface SelectionRequest {
  /** `default` (the format's own default set), `all`, or group names. */
  groups: "default" | "all" | string[];
  /** `all`, or extra names. */
  extras: "all" | string[];
  /** The interpreter's marker environment; undefined selects packages whatever their markers. */
  environment?: Record<string, string>;
}

export interface SelectedPackage {
  package: LockedPackage;
  /** The selected groups (and `extra:<name>`) that reach it. */
  groups: string[];
}

export interface Selection {
  packages: SelectedPackage[];
  groups: string[];
  extras: string[];
  /** The lock entry of the project itself, if the lock has one. */
  project?: LockedPackage;
}

/** A dependency to start from, with the group that declares it. */
interface Root extends LockedDependency {
  group: string;
  /** Needs this extra of the project to be active. */
  extra?: string;
}

interface Rules {
  groups: string[];
  defaultGroups: string[];
  /** Groups installed whatever is asked (the main dependencies). */
  required: string[];
  extras: string[];
  /** Extras installed when neither groups nor extras are asked (PDM: the locked groups). */
  defaultExtras?: string[];
  roots?: Root[];
  project?: LockedPackage;
}

export function selectPackages(
  lock: Lock,
  manifest: Manifest | undefined,
  request: SelectionRequest,
): Selection {
  const rules = rulesFor(lock, manifest);
  const groups = pick(
    "group",
    request.groups === "default" ? rules.defaultGroups : request.groups,
    rules.groups,
    lock,
  );
  const unset = request.groups === "default" && request.extras !== "all" && !request.extras.length;
  const extras = pick(
    "extra",
    unset && rules.defaultExtras ? rules.defaultExtras : request.extras,
    rules.extras,
    lock,
  );
  const active = [...new Set([...rules.required, ...groups])];
  const context: MarkerContext = {
    environment: request.environment,
    extras,
    dependencyGroups: active,
  };
  const packages = rules.roots
    ? traverse(
        lock,
        rules.roots.filter(
          (r) => active.includes(r.group) && (!r.extra || extras.includes(r.extra)),
        ),
        context,
        rules.project,
      )
    : selectByEntry(lock, active, context);
  return { packages, groups: active, extras, project: rules.project };
}

function pick(
  kind: "group" | "extra",
  asked: "all" | string[],
  available: string[],
  lock: Lock,
): string[] {
  if (asked === "all") return available;
  const unknown = asked.filter((name) => !available.includes(normalizeName(name)));
  if (unknown.length > 0) {
    const list = available.length > 0 ? available.join(", ") : "none";
    throw new ConfigurationError(
      `input '${kind}s': ${lock.file} has no ${kind} ${unknown.map((u) => `'${u}'`).join(", ")}; available: ${list}`,
    );
  }
  return asked.map(normalizeName);
}

function rulesFor(lock: Lock, manifest: Manifest | undefined): Rules {
  switch (lock.format) {
    case "uv":
      return uvRules(lock as UvLock, manifest);
    case "poetry":
      return poetryRules(manifest);
    case "pdm":
      return pdmRules(lock as PdmLock, manifest);
    case "pipfile": {
      const groups = [...new Set(lock.packages.flatMap((p) => p.groups))].sort();
      return {
        groups,
        defaultGroups: groups.filter((g) => g === "default" || g === "develop"),
        required: [],
        extras: [],
      };
    }
    case "pylock":
      return pylockRules(lock as Pylock);
    default:
      return { groups: [], defaultGroups: [], required: [], extras: [] };
  }
}

/** PEP 751's default groups may be synthetic, named only in `default-groups`. */
function pylockRules(lock: Pylock): Rules {
  const defaults = lock.defaultGroups.map(normalizeName);
  const groups = [...new Set([...lock.dependencyGroups.map(normalizeName), ...defaults])];
  return { groups, defaultGroups: defaults, required: [], extras: lock.extras.map(normalizeName) };
}

function uvRules(lock: UvLock, manifest: Manifest | undefined): Rules {
  const name = manifest ? tableAt(manifest.data, ["project"]).name : undefined;
  const project =
    lock.packages.find(
      (p) =>
        typeof name === "string" && p.key === normalizeName(name) && p.source.kind !== "registry",
    ) ??
    lock.packages.find(
      (p) => (p.source.kind === "editable" || p.source.kind === "virtual") && p.source.path === ".",
    );
  if (!project) {
    const members = lock.manifest.members.map(normalizeName);
    if (members.length > 0 && !name) return virtualRootRules(lock, manifest, members);
    throw new ConfigurationError(
      `${lock.file} has no entry for the project itself (an editable or virtual source)`,
    );
  }
  const entry = lock.packages.find((p) => p.name === project.name);
  const extras = (entry?.definedExtras ?? []).map(normalizeName);
  const groups = Object.keys(project.groupDependencies ?? {}).map(normalizeName);
  const defaultGroups = uvDefaultGroups(manifest, groups);
  const roots: Root[] = [
    ...project.dependencies.map((edge) => ({ ...edge, group: "main" })),
    ...Object.entries(project.groupDependencies ?? {}).flatMap(([group, edges]) =>
      edges.map((edge) => ({ ...edge, group: normalizeName(group) })),
    ),
  ];
  return { groups, defaultGroups, required: ["main"], extras, roots, project };
}

/** `tool.uv.default-groups`: `all`, a list, or `dev` when unset. */
function uvDefaultGroups(manifest: Manifest | undefined, groups: string[]): string[] {
  const configured = manifest
    ? tableAt(manifest.data, ["tool", "uv"])["default-groups"]
    : undefined;
  if (configured === "all") return groups;
  if (configured !== undefined) return stringList(configured).map(normalizeName);
  return groups.filter((g) => g === "dev");
}

/**
 * A virtual workspace root (no `[project]`): `uv sync` there installs every member, with the
 * root's own dependency groups (`[manifest.dependency-groups]`) and the members' groups.
 */
function virtualRootRules(lock: UvLock, manifest: Manifest | undefined, members: string[]): Rules {
  const memberEntries = lock.packages.filter(
    (p) => members.includes(p.key) && p.source.kind !== "registry",
  );
  const missing = members.filter((m) => !memberEntries.some((p) => p.key === m));
  if (missing.length > 0)
    throw new ConfigurationError(
      `${lock.file} lists workspace member(s) ${missing.join(", ")} in [manifest] but has no entry for them`,
    );
  const rootGroups = Object.entries(lock.manifest.dependencyGroups).map(
    ([group, list]) => [normalizeName(group), manifestEdges(list)] as const,
  );
  const memberGroups = memberEntries.flatMap((p) =>
    Object.entries(p.groupDependencies ?? {}).map(
      ([group, edges]) => [normalizeName(group), edges] as const,
    ),
  );
  const groups = [...new Set([...rootGroups, ...memberGroups].map(([group]) => group))];
  const roots: Root[] = [
    ...memberEntries.flatMap((p) => [
      { key: p.key, group: "main" },
      ...p.dependencies.map((edge) => ({ ...edge, group: "main" })),
    ]),
    ...[...rootGroups, ...memberGroups].flatMap(([group, edges]) =>
      edges.map((edge) => ({ ...edge, group })),
    ),
  ];
  const extras = lock.packages
    .filter((entry) => members.includes(entry.key))
    .flatMap((entry) => entry.definedExtras)
    .map(normalizeName);
  return {
    groups,
    defaultGroups: uvDefaultGroups(manifest, groups),
    required: ["main"],
    extras: [...new Set(extras)],
    roots,
  };
}

/** `[manifest.dependency-groups]` requirements as edges. */
function manifestEdges(list: UvRequirementEntry[]): LockedDependency[] {
  return list.map((requirement) => ({
    key: normalizeName(requirement.name),
    extras: requirement.extras,
    marker: requirement.marker,
    specifiers: requirement.specifier === undefined ? undefined : [requirement.specifier],
  }));
}

/** Declared dependencies as roots; Poetry's optional ones hang on the extras that name them. */
function declaredRoots(
  declared: DeclaredDependency[],
  extrasOf = new Map<string, string[]>(),
): Root[] {
  return declared.flatMap((d): Root[] => {
    const base: LockedDependency = {
      key: d.key,
      extras: d.extras,
      marker: d.marker,
      python: d.python,
    };
    if (d.group.startsWith("extra:")) return [{ ...base, group: "main", extra: d.group.slice(6) }];
    if (d.optional)
      return (extrasOf.get(d.key) ?? []).map((extra) => ({ ...base, group: d.group, extra }));
    return [{ ...base, group: d.group, specifiers: d.direct ? undefined : d.specifiers }];
  });
}

function poetryRules(manifest: Manifest | undefined): Rules {
  if (!manifest)
    throw new ConfigurationError("poetry.lock needs its pyproject.toml beside it to select groups");
  const poetry = tableAt(manifest.data, ["tool", "poetry"]);
  const groupTables = tableAt(poetry, ["group"]);
  const groups = Object.keys(groupTables).map(normalizeName);
  if (Object.keys(tableAt(poetry, ["dev-dependencies"])).length > 0 && !groups.includes("dev"))
    groups.push("dev");
  const optional = Object.entries(groupTables)
    .filter(([, spec]) => isTable(spec) && spec.optional === true)
    .map(([name]) => normalizeName(name));
  const poetryExtras = tableAt(poetry, ["extras"]);
  const extrasOf = new Map<string, string[]>();
  for (const [extra, names] of Object.entries(poetryExtras)) {
    for (const name of stringList(names))
      extrasOf.set(normalizeName(name), [
        ...(extrasOf.get(normalizeName(name)) ?? []),
        normalizeName(extra),
      ]);
  }
  const declared = [
    ...poetryDependencies(manifest),
    ...pep621Dependencies(manifest),
    ...[...dependencyGroups(manifest).values()].flat(),
  ];
  const extras = [
    ...Object.keys(poetryExtras),
    ...Object.keys(tableAt(manifest.data, ["project", "optional-dependencies"])),
  ].map(normalizeName);
  return {
    groups,
    defaultGroups: groups.filter((g) => !optional.includes(g)),
    required: ["main"],
    extras: [...new Set(extras)],
    roots: declaredRoots(declared, extrasOf),
  };
}

/**
 * PDM: the default set is the dev groups, or, as PDM 2.29 installs it, the groups the lock's
 * `[metadata] groups` names (extras among them) when it names any.
 */
function pdmRules(lock: PdmLock, manifest: Manifest | undefined): Rules {
  if (!manifest)
    throw new ConfigurationError("pdm.lock needs its pyproject.toml beside it to select groups");
  const declared = [
    ...pep621Dependencies(manifest),
    ...pdmDevDependencies(manifest),
    ...[...dependencyGroups(manifest).values()].flat(),
  ];
  const roots = declaredRoots(declared).map((r) =>
    r.group === "main" ? { ...r, group: "default" } : r,
  );
  const groups = [...new Set(roots.map((r) => r.group).filter((g) => g !== "default"))];
  const extras = Object.keys(tableAt(manifest.data, ["project", "optional-dependencies"])).map(
    normalizeName,
  );
  const locked = (lock.lockedGroups ?? []).map(normalizeName);
  if (locked.length === 0)
    return { groups, defaultGroups: groups, required: ["default"], extras, roots };
  return {
    groups,
    defaultGroups: groups.filter((g) => locked.includes(g)),
    defaultExtras: extras.filter((e) => locked.includes(e)),
    required: ["default"],
    extras,
    roots,
  };
}

/** Formats whose entries say where they belong: Pipfile categories, pylock markers, requirements. */
function selectByEntry(lock: Lock, groups: string[], context: MarkerContext): SelectedPackage[] {
  if (lock.format === "pipfile") return selectPipfileEntries(lock, groups, context);
  return lock.packages
    .filter((p) => markerHolds(p.marker, context))
    .map((p) => ({ package: p, groups }));
}

/** The group name pipenv (with `use_pylock`) writes into develop entries' markers. */
const pipenvDevGroup = "dev";

/**
 * A Pipfile.lock's category chooses its entries; pipenv strips `'dev' in dependency_groups` from
 * their markers before installing, so that condition holds for every entry of a chosen category.
 */
function selectPipfileEntries(
  lock: Lock,
  groups: string[],
  context: MarkerContext,
): SelectedPackage[] {
  return lock.packages
    .filter((p) => p.groups.some((g) => groups.includes(g)))
    .filter((p) =>
      markerHolds(p.marker, { ...context, dependencyGroups: [pipenvDevGroup, ...p.groups] }),
    )
    .map((p) => ({ package: p, groups: p.groups.filter((g) => groups.includes(g)) }));
}

function markerHolds(marker: string | undefined, context: MarkerContext): boolean {
  return (
    marker === undefined || marker.trim() === "" || evaluateMarker(parseMarker(marker), context)
  );
}

function edgeHolds(edge: LockedDependency, context: MarkerContext): boolean {
  const python = context.environment?.python_full_version;
  if (edge.python && python && !edge.python.some((s) => satisfies(python, s))) return false;
  return markerHolds(edge.marker, context);
}

/** Walks the lock's dependency edges from the roots; extras travel along the edges that ask for them. */
function traverse(
  lock: Lock,
  roots: Root[],
  context: MarkerContext,
  project?: LockedPackage,
): SelectedPackage[] {
  const byKey = new Map<string, LockedPackage[]>();
  for (const p of lock.packages) byKey.set(p.key, [...(byKey.get(p.key) ?? []), p]);
  const reached = new Map<LockedPackage, { groups: Set<string>; extras: Set<string> }>();
  const queue: { edge: LockedDependency; group: string; parentExtras: readonly string[] }[] =
    roots.map((root) => ({
      edge: root,
      group: root.extra ? `extra:${root.extra}` : root.group,
      parentExtras: context.extras ?? [],
    }));
  while (queue.length > 0) {
    const { edge, group, parentExtras } = queue.shift() as (typeof queue)[number];
    if (!edgeHolds(edge, { ...context, extras: parentExtras })) continue;
    const target = resolveEdge(edge, byKey.get(edge.key) ?? [], context);
    if (!target) continue;
    const wanted = (edge.extras ?? []).map(normalizeName);
    const entries = target.length > 0 ? target : [];
    for (const entry of entries) {
      const state = reached.get(entry) ?? { groups: new Set<string>(), extras: new Set<string>() };
      const fresh =
        !reached.has(entry) || !state.groups.has(group) || wanted.some((e) => !state.extras.has(e));
      reached.set(entry, state);
      state.groups.add(group);
      for (const e of wanted) state.extras.add(e);
      if (!fresh) continue;
      for (const dependency of entry.dependencies)
        queue.push({ edge: dependency, group, parentExtras: [...state.extras] });
    }
  }
  const seen = new Set<string>();
  const selected: SelectedPackage[] = [];
  for (const [p, state] of reached) {
    const id = `${p.key}@${p.version}`;
    if (p === project || seen.has(id)) {
      const existing = selected.find((s) => `${s.package.key}@${s.package.version}` === id);
      if (existing) existing.groups = [...new Set([...existing.groups, ...state.groups])];
      continue;
    }
    seen.add(id);
    selected.push({ package: p, groups: [...state.groups] });
  }
  return selected;
}

/**
 * The lock entries an edge lands on: one version (by the edge's specifier, then by the entry's own
 * marker), plus PDM's per-extra entries of that same version.
 */
function resolveEdge(
  edge: LockedDependency,
  candidates: LockedPackage[],
  context: MarkerContext,
): LockedPackage[] | undefined {
  if (candidates.length === 0) return undefined;
  const versions = [...new Set(candidates.map((c) => c.version))];
  let version = versions[0];
  if (versions.length > 1) {
    const fitting = candidates.filter(
      (c) =>
        (!edge.specifiers ||
          !c.version ||
          edge.specifiers.some((s) => satisfies(c.version as string, s))) &&
        markerHolds(c.marker, context),
    );
    version = (fitting[0] ?? candidates[0]).version;
  }
  const wanted = new Set((edge.extras ?? []).map(normalizeName));
  return candidates.filter(
    (c) => c.version === version && (c.extras ?? []).every((e) => wanted.has(e)),
  );
}
