import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@jest/globals";
import { infoScript, interpreterInfo } from "../../../shared/python/info.js";
import { describeWithPythons, pythons, systemPython } from "./fixture.js";

/** What the interpreter says for itself, run separately. */
function reported(python: string, code: string): unknown {
  return JSON.parse(execFileSync(python, ["-c", code], { encoding: "utf8" }));
}

const hasPackaging = (python: string) => {
  try {
    execFileSync(python, ["-c", "import packaging.markers"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};

describeWithPythons("interpreterInfo", () => {
  const interpreters = [...new Set([systemPython, pythons.newer.python3, pythons.top.python3])];

  test.each(interpreters)(
    "%s: markers as python's platform module reports them",
    async (python) => {
      const info = await interpreterInfo(python);
      const own = reported(
        python,
        "import json, os, platform, sys; print(json.dumps([platform.python_version(), " +
          "platform.python_version_tuple(), platform.machine(), platform.system(), " +
          "platform.release(), platform.version(), sys.platform, os.name, sys.implementation.name]))",
      ) as string[];
      expect(info.markers).toEqual({
        python_full_version: own[0],
        python_version: `${own[1][0]}.${own[1][1]}`,
        platform_machine: own[2],
        platform_system: own[3],
        platform_release: own[4],
        platform_version: own[5],
        sys_platform: own[6],
        os_name: own[7],
        implementation_name: own[8],
        implementation_version: own[0],
        platform_python_implementation: "CPython",
      });
      expect(info.version).toBe(own[0]);
    },
  );

  test("markers equal packaging's default_environment()", async () => {
    const python = interpreters.find(hasPackaging);
    if (!python) return;
    const environment = reported(
      python,
      "import json; from packaging.markers import default_environment as d; print(json.dumps(d()))",
    );
    expect((await interpreterInfo(python)).markers).toEqual(environment);
  });

  test("a build in its own prefix (pyenv's, or one from source): its prefix, venv and ensurepip", async () => {
    const { python3, versioned } = pythons.newer;
    const info = await interpreterInfo(python3);
    const prefix = path.dirname(path.dirname(python3));
    expect(info).toMatchObject({
      path: python3,
      realPath: versioned,
      executable: python3,
      source: "path",
      prefix,
      basePrefix: prefix,
      hasVenv: true,
      hasEnsurepip: true,
    });
  });

  test("Debian's python has ensurepip only with python3-venv", async () => {
    const info = await interpreterInfo(systemPython);
    expect(info.realPath).toBe(realpathSync(systemPython));
    expect(info.prefix).toBe("/usr");
    expect(info.hasEnsurepip).toBe(existsSync("/usr/lib/python3.11/ensurepip/__init__.py"));
  });

  test("a virtual environment's python reports its own prefix and its base", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "pyship-python-venv-"));
    execFileSync(pythons.upper.python3, ["-m", "venv", "--without-pip", dir]);
    const info = await interpreterInfo(path.join(dir, "bin/python"));
    expect(info.prefix).toBe(dir);
    expect(info.basePrefix).toBe(path.dirname(path.dirname(pythons.upper.python3)));
    rmSync(dir, { recursive: true });
  });

  test.each([
    ["candidate", 1, "3.14.0c1"],
    ["beta", 2, "3.14.0b2"],
    ["alpha", 3, "3.14.0a3"],
    ["final", 0, "3.14.0"],
  ])("implementation_version of a %s release is PEP 508's", (level, serial, expected) => {
    const fake =
      "import sys, types\n" +
      "version = types.SimpleNamespace(major=3, minor=14, micro=0, " +
      `releaselevel='${level}', serial=${serial})\n` +
      "own = dict(vars(sys.implementation), version=version)\n" +
      "sys.implementation = types.SimpleNamespace(**own)\n";
    const info = reported(pythons.newer.python3, fake + infoScript) as {
      markers: Record<string, string>;
    };
    expect(info.markers.implementation_version).toBe(expected);
  });

  test("something that is not Python", async () => {
    await expect(interpreterInfo("/bin/false")).rejects.toThrow(
      /^cannot read the Python at \/bin\/false: /,
    );
  });
});
