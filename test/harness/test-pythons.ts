/** The CPython builds the interpreter tests run besides Debian's 3.11, each playing a part. */
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export const SYSTEM_PYTHON = "/usr/bin/python3.11";

export interface TestPython {
  version: string;
  /** "3.13" for "3.13.5". */
  minor: string;
  /** bin/python3, a symlink to `versioned`. */
  python3: string;
  /** bin/python3.X, the real file. */
  versioned: string;
}

/**
 * low: the oldest. twin: in the tool cache and on PATH. newer: in the tool cache and pyenv, a
 * higher patch of a minor found lower elsewhere. upper: the newest below the next minor. top: the
 * newest. Where a machine lacks a build, one plays several roles (upper and top may be newer).
 */
export interface TestPythons {
  /** A pyenv root holding them all. */
  root: string;
  /** pyenv's, on machines of this kind; else scripts/test-pythons.py's builds from Debian's sources. */
  origin: "pyenv" | "debian";
  low: TestPython;
  twin: TestPython;
  newer: TestPython;
  upper: TestPython;
  top: TestPython;
}

type Role = "low" | "twin" | "newer" | "upper" | "top";
const PYENV_ROLES: Record<Role, string> = {
  low: "3.9.18",
  twin: "3.10.13",
  newer: "3.11.7",
  upper: "3.12.1",
  top: "3.13.0",
};
const pyenvRoot = process.env.PYENV_ROOT || path.join(os.homedir(), ".pyenv");
export const BUILT_ROOT = process.env.PYSHIP_TEST_PYTHONS || "/var/cache/pyship-pythons";

function testPython(root: string, version: string): TestPython {
  const minor = version.split(".").slice(0, 2).join(".");
  const bin = path.join(root, "versions", version, "bin");
  return {
    version,
    minor,
    python3: path.join(bin, "python3"),
    versioned: path.join(bin, `python${minor}`),
  };
}

function fromRoles(root: string, origin: TestPythons["origin"], roles: Record<Role, string>) {
  // One object per version: where a build plays two roles, the roles are the same object.
  const byVersion = new Map(Object.values(roles).map((v) => [v, testPython(root, v)]));
  const [low, twin, newer, upper, top] = (["low", "twin", "newer", "upper", "top"] as const).map(
    (role) => byVersion.get(roles[role]) as TestPython,
  );
  const all = [low, twin, newer, upper, top];
  return all.every((p) => existsSync(p.python3))
    ? { root, origin, low, twin, newer, upper, top }
    : undefined;
}

/** The builds' roles file: "<role> <version>" lines; upper is newer there, and top may be too. */
function builtRoles(): Record<Role, string> | undefined {
  const file = path.join(BUILT_ROOT, "roles");
  if (!existsSync(file)) return undefined;
  const roles = Object.fromEntries(
    readFileSync(file, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split(" ")),
  );
  return { ...roles, upper: roles.newer } as Record<Role, string>;
}

function findTestPythons(): TestPythons | undefined {
  if (!existsSync(SYSTEM_PYTHON)) return undefined;
  const built = builtRoles();
  return (
    fromRoles(pyenvRoot, "pyenv", PYENV_ROLES) ?? (built && fromRoles(BUILT_ROOT, "debian", built))
  );
}

/** Undefined when this machine has neither set: scripts/provision.sh builds one. */
export const testPythons = findTestPythons();

/** The test pythons, or a clear stop naming the provisioning command. */
export function requireTestPythons(): TestPythons {
  if (!testPythons) {
    throw new Error(
      `no test Pythons: pyenv's ${Object.values(PYENV_ROLES).join(", ")} or the builds in ${BUILT_ROOT}; run: sudo scripts/provision.sh tests`,
    );
  }
  return testPythons;
}

/** "3.14" after top's "3.13": a minor none of them has. */
export const minorAfter = (python: TestPython) => {
  const [major, minor] = python.minor.split(".").map(Number);
  return `${major}.${minor + 1}`;
};

export const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
