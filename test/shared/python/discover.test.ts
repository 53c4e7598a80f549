import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { findInterpreters } from "../../../shared/python/discover.js";
import {
  describeWithPythons,
  type Fixture,
  makeFixture,
  pyenvPython,
  systemPython,
} from "./fixture.js";

describeWithPythons("findInterpreters", () => {
  let fixture: Fixture;
  beforeAll(() => {
    fixture = makeFixture();
  });
  afterAll(() => rmSync(fixture.root, { recursive: true, force: true }));

  test("tool cache, then PATH, then pyenv; each real file once", async () => {
    const { cache, bin, pyenvRoot } = fixture;
    const inCache = (version: string) => path.join(cache, "Python", version, "x64/bin/python3");
    expect(await findInterpreters(fixture.env)).toEqual([
      {
        path: inCache("3.12.1"),
        realPath: pyenvPython("3.12.1", "python3.12"),
        version: "3.12.1",
        source: "tool-cache",
      },
      {
        path: inCache("3.11.7"),
        realPath: pyenvPython("3.11.7", "python3.11"),
        version: "3.11.7",
        source: "tool-cache",
      },
      {
        path: inCache("3.10.13"),
        realPath: inCache("3.10.13"),
        version: "3.10.13",
        source: "tool-cache",
      },
      // python3 is the same file as python3.11; the versioned name is listed.
      { path: `${bin}/python3.11`, realPath: systemPython, version: "3.11.2", source: "path" },
      {
        path: `${bin}/python3.10`,
        realPath: pyenvPython("3.10.13", "python3.10"),
        version: "3.10.13",
        source: "path",
      },
      { path: `${bin}/python3.9`, realPath: `${bin}/python3.9`, version: "3.9.18", source: "path" },
      // pyenv's 3.11.7 is the tool cache's; shims, the venv and the arm64 build are left out.
      {
        path: `${pyenvRoot}/versions/3.13.0/bin/python3`,
        realPath: pyenvPython("3.13.0", "python3.13"),
        version: "3.13.0",
        source: "pyenv",
      },
    ]);
  });

  test("the tool cache's directory names give versions; PATH probes run once", async () => {
    await findInterpreters(fixture.env);
    await findInterpreters(fixture.env);
    expect(fixture.toolCacheRuns()).toBe(0);
    expect(fixture.pathRuns()).toBe(1);
  });

  test("an empty environment finds nothing", async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), "pyship-python-home-"));
    expect(await findInterpreters({ PATH: "", HOME: home })).toEqual([]);
    rmSync(home, { recursive: true });
  });
});
