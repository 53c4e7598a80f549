import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { findInterpreters } from "../../../shared/python/discover.js";
import { describeWithPythons, expectedFound, type Fixture, makeFixture } from "./fixture.js";

describeWithPythons("findInterpreters", () => {
  let fixture: Fixture;
  beforeAll(() => {
    fixture = makeFixture();
  });
  afterAll(() => rmSync(fixture.root, { recursive: true, force: true }));

  test("tool cache, then PATH, then pyenv; each real file once", async () => {
    expect(await findInterpreters(fixture.env)).toEqual(expectedFound(fixture));
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
