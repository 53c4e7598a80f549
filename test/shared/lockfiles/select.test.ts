import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, test } from "@jest/globals";
import { readLock } from "../../../shared/lockfiles/index.js";
import { type SelectionRequest, selectPackages } from "../../../shared/lockfiles/select.js";
import { readManifest } from "../../../shared/project/manifest.js";
import { repoRoot } from "../../harness/runner.js";

// Locks written by the real Debian poetry 1.3, pdm 2.2 and pipenv 2022.12 for one small project:
// beta → alpha; alpha[fast] → delta; alpha → winonly on win32 only; devtool in the dev group.
const fixtures = path.join(repoRoot, "test/fixtures/select");
const linux = {
  python_version: "3.11",
  python_full_version: "3.11.7",
  sys_platform: "linux",
  platform_system: "Linux",
};
const windows = { ...linux, sys_platform: "win32", platform_system: "Windows" };

function select(dir: string, lockName: string, request: Partial<SelectionRequest> = {}) {
  const lock = readLock(path.join(fixtures, dir, lockName), lockName);
  const manifest = readManifest(path.join(fixtures, dir), (p) => path.basename(p));
  const selection = selectPackages(lock, manifest, {
    groups: "default",
    extras: [],
    environment: linux,
    ...request,
  });
  return {
    ...selection,
    names: selection.packages.map((p) => `${p.package.name}==${p.package.version}`).sort(),
    groupsOf: (name: string) =>
      selection.packages.find((p) => p.package.name === name)?.groups.sort(),
  };
}

describe.each([
  ["poetry", "poetry.lock"],
  ["pdm", "pdm.lock"],
])("%s: edges from the declared groups, markers for this interpreter", (dir, lockName) => {
  test("the default groups, on Linux", () => {
    expect(select(dir, lockName).names).toEqual([
      "alpha==1.0",
      "beta==2.0",
      "delta==1.0",
      "devtool==0.5",
    ]);
  });

  test("on Windows the win32-only dependency comes in", () => {
    expect(select(dir, lockName, { environment: windows }).names).toContain("winonly==1.0");
  });

  test("without markers (audit), everything reachable", () => {
    expect(select(dir, lockName, { environment: undefined }).names).toContain("winonly==1.0");
  });

  test("groups are named on each package", () => {
    const selection = select(dir, lockName);
    expect(selection.groupsOf("devtool")).toEqual(["dev"]);
    expect(selection.groupsOf("alpha")).toEqual([dir === "pdm" ? "default" : "main"]);
  });

  test("an unknown group lists the available ones", () => {
    expect(() => select(dir, lockName, { groups: ["docs"] })).toThrow(
      `input 'groups': ${lockName} has no group 'docs'; available: dev`,
    );
  });
});

test("pdm 2.2 keeps hashes in [metadata.files]", () => {
  const selection = select("pdm", "pdm.lock");
  for (const { package: p } of selection.packages) expect(p.files[0].hashes[0]).toMatch(/^sha256:/);
});

describe("Pipfile.lock: categories and markers", () => {
  test("default and develop by default", () => {
    expect(select("pipenv", "Pipfile.lock").names).toEqual([
      "alpha==1.0",
      "beta==2.0",
      "delta==1.0",
      "devtool==0.5",
    ]);
  });

  test("only the default category", () => {
    expect(select("pipenv", "Pipfile.lock", { groups: ["default"] }).names).toEqual([
      "alpha==1.0",
      "beta==2.0",
      "delta==1.0",
    ]);
  });
});

describe("uv.lock: the project's own entry is the root", () => {
  test("main and the default group dev, which includes lint", () => {
    const selection = select("uv", "uv.lock");
    expect(selection.names).toEqual([
      "click==8.1.7",
      "pytest==8.3.2",
      "requests==2.32.3",
      "ruff==0.6.0",
    ]);
    expect(selection.project?.name).toBe("demo-app");
  });

  test("an extra, and a marker that excludes on Windows", () => {
    const selection = select("uv", "uv.lock", {
      extras: ["cli"],
      groups: [],
      environment: windows,
    });
    expect(selection.names).toEqual(["requests==2.32.3", "rich==13.7.1"]);
  });

  test("all groups and extras", () => {
    expect(select("uv", "uv.lock", { groups: "all", extras: "all" }).names).toHaveLength(5);
  });

  test("an unknown extra", () => {
    expect(() => select("uv", "uv.lock", { extras: ["yaml"] })).toThrow(
      "input 'extras': uv.lock has no extra 'yaml'; available: cli",
    );
  });
});

describe("pdm.lock's [metadata] groups, as PDM 2.29 installs by default", () => {
  const withLockedGroups = (groups: string[]) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "pyship-pdm-groups-"));
    cpSync(path.join(fixtures, "pdm"), dir, { recursive: true });
    const lockPath = path.join(dir, "pdm.lock");
    const text = readFileSync(lockPath, "utf8").replace(
      "[metadata]\n",
      `[metadata]\ngroups = ${JSON.stringify(groups)}\n`,
    );
    writeFileSync(lockPath, text);
    const lock = readLock(lockPath, "pdm.lock");
    const manifest = readManifest(dir, (p) => path.basename(p));
    return (request: Partial<SelectionRequest> = {}) =>
      selectPackages(lock, manifest, {
        groups: "default",
        extras: [],
        environment: linux,
        ...request,
      }).groups;
  };

  test("only the locked groups are the default set", () => {
    expect(withLockedGroups(["default"])()).toEqual(["default"]);
    expect(withLockedGroups(["default", "dev"])()).toEqual(["default", "dev"]);
  });

  test("groups asked by name are installed whatever the lock names", () => {
    expect(withLockedGroups(["default"])({ groups: ["dev"] })).toEqual(["default", "dev"]);
  });
});
