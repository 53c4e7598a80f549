/** A selection of locked packages as pip requirement lines: pinned, hashed where the lock has hashes. */
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Lock, LockedPackage } from "../lockfiles/model.js";
import type { SelectedPackage } from "../lockfiles/select.js";
import { pipHashes, requireValidEntry } from "../lockfiles/validate.js";
import { ConfigurationError } from "../runtime/errors.js";
import { fittingFile } from "./wheel-tags.js";

export interface InstallPlan {
  /** Lines installed with `--require-hashes`. */
  hashed: string[];
  /** Lines pip cannot hash-check (editable, git, local paths) or that the lock has no hash for. */
  unhashed: string[];
  /** Names of registry packages the lock has no hash for. */
  withoutHashes: string[];
  /** How many distributions the plan installs. */
  count: number;
  indexes: string[];
}

export interface PlanOptions {
  lockDirectory: string;
  indexes: string[];
  /** The interpreter's markers, to pick a file where the lock names files but no index. */
  markers: Record<string, string>;
}

export function planInstall(
  lock: Lock,
  selected: SelectedPackage[],
  options: PlanOptions,
): InstallPlan {
  const plan: InstallPlan = {
    hashed: [],
    unhashed: [],
    withoutHashes: [],
    count: 0,
    indexes: options.indexes,
  };
  for (const { package: p } of selected) {
    if (p.source.kind === "virtual") continue;
    requireValidEntry(lock, p);
    const direct = lock.format === "pylock" && p.source.kind === "registry" && !p.source.url;
    const file = direct ? fittingFile(p.files, options.markers) : undefined;
    const line = file ? `${p.name} @ ${file.url}` : requirementLine(p, lock, options.lockDirectory);
    if (/[\r\n]/.test(line)) throw entryError(lock, p, "its requirement line would span lines");
    const hashes = pipHashes(file ? [file] : p.files);
    const hashable = p.source.kind === "registry" || p.source.kind === "url";
    if (hashable && hashes.length > 0) {
      plan.hashed.push([line, ...hashes.map((h) => `--hash=${h}`)].join(" \\\n    "));
    } else {
      if (hashable) plan.withoutHashes.push(p.name);
      plan.unhashed.push(line);
    }
    plan.count += 1;
  }
  return plan;
}

function requirementLine(p: LockedPackage, lock: Lock, lockDirectory: string): string {
  const source = p.source;
  switch (source.kind) {
    case "registry":
      if (p.version === undefined) throw entryError(lock, p, "no pinned version to install");
      return `${p.name}==${p.version}`;
    case "url":
      return `${p.name} @ ${source.url}`;
    case "git": {
      const [base] = source.url.replace(/^git\+/, "").split(/[?#]/);
      const reference = source.url.split("#")[1] || source.reference;
      return `${p.name} @ git+${base}${reference ? `@${reference}` : ""}`;
    }
    case "editable":
      return `-e ${path.resolve(lockDirectory, source.path)}`;
    default:
      return `${p.name} @ ${pathToFileURL(path.resolve(lockDirectory, source.path)).href}`;
  }
}

const entryError = (lock: Lock, p: LockedPackage, why: string) =>
  new ConfigurationError(`${lock.file}:${p.line}: ${JSON.stringify(p.name)}: ${why}`, {
    file: lock.file,
    line: p.line,
  });

/** The requirements file text for one pip invocation. */
export function requirementsText(lines: string[]): string {
  return `${lines.join("\n")}\n`;
}
