/** uv.lock: each workspace member's declared metadata against what the lock recorded (uv's `satisfies`). */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import type { UvLock, UvPackage, UvRequirementEntry } from "../lockfiles/uv.js";
import { describeConstraint } from "../project/declared.js";
import { readTomlFile, stringList, tableAt } from "../project/files.js";
import { normalizeName } from "../project/names.js";
import { sameSpecifierSet } from "../project/pep440.js";
import {
  dependencyGroups,
  type Manifest,
  manifestOf,
  pep621Dependencies,
} from "../project/pyproject.js";
import { type DriftFinding, findingsFor, newerLockVersion } from "./drift.js";
import {
  canonicalMarker,
  describeSource,
  fromLockWire,
  lowerDeclared,
  sameSource,
  type UvRequirement,
} from "./uv-requirements.js";

const knownVersion = 1;

export interface ProjectFiles {
  /** Absolute directory of the root pyproject.toml. */
  directory: string;
  /** Turns an absolute path into what users see (relative to the workspace). */
  display: (absolute: string) => string;
}

export function checkUvLock(lock: UvLock, root: Manifest, files: ProjectFiles): DriftFinding[] {
  const finding = findingsFor(lock);
  const findings: DriftFinding[] = [];
  const newer = newerLockVersion(lock, lock.formatVersion, String(knownVersion));
  if (newer) findings.push(newer);
  const members = workspaceMembers(root, files);
  findings.push(...checkRequiresPython(lock, members, finding));
  findings.push(...checkMembers(lock, members, finding));
  for (const member of members) {
    const name = tableAt(member.data, ["project"]).name;
    if (typeof name !== "string") continue;
    const locked = lock.packages.find(
      (p) => p.key === normalizeName(name) && p.source.kind !== "registry",
    );
    if (!locked) {
      findings.push(
        finding({
          severity: "error",
          code: "member-not-locked",
          package: name,
          file: member.file,
          line: member.lines.key("project", "name"),
          message: `${name}: ${member.file} is a workspace member, but ${lock.file} has no entry for it.`,
        }),
      );
      continue;
    }
    findings.push(...checkMember(lock, member, locked, finding));
  }
  findings.push(...checkManifestSets(lock, root, finding));
  return findings;
}

type Make = ReturnType<typeof findingsFor>;

function checkRequiresPython(lock: UvLock, members: Manifest[], finding: Make): DriftFinding[] {
  const root = members[0];
  const declared = tableAt(root.data, ["project"])["requires-python"];
  if (typeof declared !== "string" || lock.requiresPython === undefined) return [];
  if (sameSpecifierSet(declared, lock.requiresPython)) return [];
  return [
    finding({
      severity: "error",
      code: "requires-python",
      package: "python",
      declared,
      locked: lock.requiresPython,
      file: root.file,
      line: root.lines.key("project", "requires-python"),
      message: `requires-python: ${root.file} says ${declared}, ${lock.file} was locked for ${lock.requiresPython}.`,
    }),
  ];
}

function checkMembers(lock: UvLock, members: Manifest[], finding: Make): DriftFinding[] {
  const expected = members
    .map((m) => tableAt(m.data, ["project"]).name)
    .filter((n): n is string => typeof n === "string")
    .map(normalizeName)
    .sort();
  const recorded = lock.manifest.members.map(normalizeName).sort();
  if (recorded.length === 0 && expected.length <= 1) return [];
  if (recorded.join() === expected.join()) return [];
  return [
    finding({
      severity: "error",
      code: "workspace-members",
      declared: expected.join(", "),
      locked: recorded.join(", "),
      file: members[0].file,
      line: members[0].lines.table("tool.uv.workspace") ?? 1,
      message: `workspace members: the workspace has ${expected.join(", ") || "none"}, ${lock.file} was locked for ${recorded.join(", ") || "a single project"}.`,
    }),
  ];
}

function checkMember(
  lock: UvLock,
  member: Manifest,
  locked: UvPackage,
  finding: Make,
): DriftFinding[] {
  const findings: DriftFinding[] = [];
  const project = tableAt(member.data, ["project"]);
  // The first entry of that name, as uv's own lookup finds it.
  const metadata = (lock.packages.find((p) => p.name === locked.name) ?? locked).metadata;
  const dynamic = stringList(project.dynamic);
  if (
    typeof project.version === "string" &&
    !dynamic.includes("version") &&
    locked.version !== undefined &&
    locked.version !== project.version
  ) {
    findings.push(
      finding({
        severity: "error",
        code: "version",
        package: locked.name,
        declared: project.version,
        locked: locked.version,
        file: member.file,
        line: member.lines.key("project", "version"),
        message: `${locked.name}: ${member.file} has version ${project.version}, ${lock.file} has ${locked.version}.`,
      }),
    );
  }
  const wire = (list: UvRequirementEntry[]) =>
    list.map((item) => fromLockWire(item, lock.file, item.line ?? locked.line));
  const declared = lowerDeclared(pep621Dependencies(member), member.data);
  findings.push(...compareRequirements(declared, wire(metadata.requiresDist), lock, finding, ""));

  const extras = Object.keys(tableAt(project, ["optional-dependencies"]))
    .map(normalizeName)
    .sort();
  if (metadata.providesExtras !== undefined) {
    const recorded = metadata.providesExtras.map(normalizeName).sort();
    if (recorded.join() !== extras.join()) {
      findings.push(
        finding({
          severity: "error",
          code: "extras",
          package: locked.name,
          declared: extras.join(", "),
          locked: recorded.join(", "),
          file: member.file,
          line:
            member.lines.table("project.optional-dependencies") ??
            member.lines.key("project", "optional-dependencies"),
          message: `${locked.name}: ${member.file} provides extras [${extras.join(", ")}], ${lock.file} has [${recorded.join(", ")}].`,
        }),
      );
    }
  }

  const groups = dependencyGroups(member);
  const legacyDev = stringList(tableAt(member.data, ["tool", "uv"])["dev-dependencies"]);
  if (legacyDev.length > 0) {
    const dev = pep621Like(legacyDev, member);
    groups.set("dev", [...(groups.get("dev") ?? []), ...dev]);
  }
  const recordedGroups = metadata.requiresDev;
  const names = new Set([...groups.keys(), ...Object.keys(recordedGroups).map(normalizeName)]);
  for (const group of names) {
    const recordedKey = Object.keys(recordedGroups).find((g) => normalizeName(g) === group);
    const lockedGroup = recordedKey ? wire(recordedGroups[recordedKey]) : [];
    const declaredGroup = lowerDeclared(groups.get(group) ?? [], member.data);
    findings.push(
      ...compareRequirements(declaredGroup, lockedGroup, lock, finding, ` (group ${group})`),
    );
  }
  return findings;
}

function pep621Like(list: string[], member: Manifest) {
  const copy = manifestOf({ project: { dependencies: list } }, member.text, member.file);
  return pep621Dependencies(copy).map((d) => ({
    ...d,
    group: "dev",
    line: member.lines.dependency("tool.uv", d.name, "dev-dependencies"),
  }));
}

/** The per-dependency diff between declared and recorded requirement sets, like uv's Requested/Existing. */
function compareRequirements(
  declared: UvRequirement[],
  recorded: UvRequirement[],
  lock: UvLock,
  finding: Make,
  where: string,
): DriftFinding[] {
  const findings: DriftFinding[] = [];
  const [wantedByKey, haveByKey] = [groupByKey(declared), groupByKey(recorded)];
  const versions = new Map(lock.packages.map((p) => [p.key, p.version]));
  const version = (key: string) => versions.get(key);
  for (const key of new Set([...wantedByKey.keys(), ...haveByKey.keys()])) {
    const wanted = wantedByKey.get(key) ?? [];
    const have = haveByKey.get(key) ?? [];
    if (have.length === 0) {
      const r = wanted[0];
      findings.push(
        finding({
          severity: "error",
          code: "not-locked",
          package: r.name,
          declared: r.specifier,
          file: r.file,
          line: r.line,
          message: `${r.name}: ${r.file} declares ${describeConstraint(r.specifier)}${where}, but ${lock.file} does not lock it.`,
        }),
      );
      continue;
    }
    if (wanted.length === 0) {
      const r = have[0];
      findings.push(
        finding({
          severity: "error",
          code: "not-declared",
          package: r.name,
          locked: version(key),
          file: lock.file,
          line: r.line,
          message: `${r.name}: ${lock.file} still records it${where}, but the manifest no longer declares it.`,
        }),
      );
      continue;
    }
    findings.push(...comparePairs(wanted, have, lock, finding, where, version(key)));
  }
  return findings;
}

function groupByKey(requirements: UvRequirement[]): Map<string, UvRequirement[]> {
  const groups = new Map<string, UvRequirement[]>();
  for (const r of requirements) {
    const group = groups.get(r.key);
    if (group) group.push(r);
    else groups.set(r.key, [r]);
  }
  return groups;
}

function comparePairs(
  wanted: UvRequirement[],
  have: UvRequirement[],
  lock: UvLock,
  finding: Make,
  where: string,
  lockedVersion: string | undefined,
): DriftFinding[] {
  const findings: DriftFinding[] = [];
  const unmatched = [...have];
  for (const declared of wanted) {
    // Pair with the recorded entry of the same marker, else the first left.
    const index = Math.max(
      0,
      unmatched.findIndex((r) => canonicalMarker(r.marker) === canonicalMarker(declared.marker)),
    );
    const recorded = unmatched.splice(index, 1)[0] ?? have[0];
    const base = { package: declared.name, file: declared.file, line: declared.line };
    if (!sameSpecifierSet(declared.specifier, recorded.specifier)) {
      const has = lockedVersion
        ? `${lock.file} has ${lockedVersion} (locked for ${describeConstraint(recorded.specifier)})`
        : `${lock.file} was locked for ${describeConstraint(recorded.specifier)}`;
      findings.push(
        finding({
          ...base,
          severity: "error",
          code: "specifier-changed",
          declared: declared.specifier,
          locked: lockedVersion,
          message: `${declared.name}: ${declared.file} asks for ${describeConstraint(declared.specifier)}${where}, ${has}.`,
        }),
      );
    }
    if (declared.extras.join() !== recorded.extras.join()) {
      findings.push(
        finding({
          ...base,
          severity: "error",
          code: "extras-changed",
          declared: `[${declared.extras.join(",")}]`,
          locked: `[${recorded.extras.join(",")}]`,
          message: `${declared.name}: ${declared.file} asks for extras [${declared.extras.join(", ")}]${where}, ${lock.file} has [${recorded.extras.join(", ")}].`,
        }),
      );
    }
    if (!sameSource(declared.source, recorded.source)) {
      findings.push(
        finding({
          ...base,
          severity: "error",
          code: "source-changed",
          declared: describeSource(declared.source),
          locked: describeSource(recorded.source),
          message: `${declared.name}: ${declared.file} takes it from ${describeSource(declared.source)}${where}, ${lock.file} from ${describeSource(recorded.source)}.`,
        }),
      );
    }
    const [a, b] = [canonicalMarker(declared.marker), canonicalMarker(recorded.marker)];
    if (a === undefined || b === undefined || a !== b) {
      findings.push(
        finding({
          ...base,
          severity: "warning",
          code: "marker-changed",
          declared: declared.marker ?? "",
          locked: recorded.marker ?? "",
          message: `${declared.name}: the marker differs${where}: ${declared.file} has '${declared.marker ?? ""}', ${lock.file} has '${recorded.marker ?? ""}'. uv simplifies markers, so this may be the same; run uv lock to be sure.`,
        }),
      );
    }
  }
  return findings;
}

/** `[manifest]` constraints and overrides against `tool.uv.constraint-dependencies` / `override-dependencies`. */
function checkManifestSets(lock: UvLock, root: Manifest, finding: Make): DriftFinding[] {
  const uv = tableAt(root.data, ["tool", "uv"]);
  const findings: DriftFinding[] = [];
  for (const [setting, recordedKey] of [
    ["constraint-dependencies", "constraints"],
    ["override-dependencies", "overrides"],
  ] as const) {
    const declared = pep621Like(stringList(uv[setting]), root)
      .map((d) => `${d.key}${d.specifiers[0]}`)
      .sort();
    const recorded = lock.manifest[recordedKey]
      .map((r) => `${normalizeName(r.name)}${r.specifier ?? ""}`)
      .sort();
    if (declared.join() === recorded.join()) continue;
    findings.push(
      finding({
        severity: "error",
        code: `manifest-${recordedKey}`,
        declared: declared.join(", "),
        locked: recorded.join(", "),
        file: root.file,
        line: root.lines.key("tool.uv", setting) ?? root.lines.table("tool.uv"),
        message: `tool.uv.${setting}: ${root.file} has [${declared.join(", ")}], ${lock.file} was locked with [${recorded.join(", ")}].`,
      }),
    );
  }
  return findings;
}

/** The root project and the members of its `[tool.uv.workspace]`, root first. */
export function workspaceMembers(root: Manifest, files: ProjectFiles): Manifest[] {
  const members = [root];
  const workspace = tableAt(root.data, ["tool", "uv", "workspace"]);
  const exclude = new Set(
    stringList(workspace.exclude).map((p) => path.resolve(files.directory, p)),
  );
  for (const pattern of stringList(workspace.members)) {
    for (const directory of expandGlob(files.directory, pattern)) {
      const file = path.join(directory, "pyproject.toml");
      if (exclude.has(directory) || directory === files.directory || !existsSync(file)) continue;
      const { data, text } = readTomlFile(file, files.display(file));
      members.push(manifestOf(data, text, files.display(file)));
    }
  }
  return members;
}

/** Expands `packages/*`-style member globs (one `*` per path segment). */
function expandGlob(base: string, pattern: string): string[] {
  let matches = [base];
  for (const segment of pattern.split("/").filter((s) => s !== "" && s !== ".")) {
    if (!segment.includes("*")) {
      matches = matches.map((m) => path.join(m, segment));
      continue;
    }
    const regex = new RegExp(
      `^${segment.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`,
    );
    matches = matches.flatMap((m) =>
      existsSync(m)
        ? readdirSync(m, { withFileTypes: true })
            .filter((e) => e.isDirectory() && regex.test(e.name))
            .map((e) => path.join(m, e.name))
        : [],
    );
  }
  return matches.sort();
}
