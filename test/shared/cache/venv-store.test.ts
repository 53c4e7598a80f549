import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, expect, jest, test } from "@jest/globals";
import { restoreVenv, saveVenv } from "../../../shared/cache/venv-store.js";
import {
  cacheEnvironment,
  type RunningCacheService,
  startCacheService,
} from "../../harness/cache-service.js";

// The real @actions/cache against the harness cache service, as setup-venv uses it.

const root = mkdtempSync(path.join(os.tmpdir(), "pyship-venv-store-"));
const workspace = path.join(root, "workspace");
const runnerTemp = path.join(root, "temp");
const environment = cacheEnvironment({ workspace, runnerTemp });
let service: RunningCacheService;
let warnings: string[] = [];
const warn = (message: string) => void warnings.push(message);

beforeAll(async () => {
  mkdirSync(path.join(workspace, ".venv"), { recursive: true });
  writeFileSync(path.join(workspace, ".venv", "pyvenv.cfg"), "home = /usr/bin\n");
  mkdirSync(runnerTemp);
  service = await startCacheService();
  environment.use(service);
});
afterAll(async () => {
  await service?.close();
  environment.restore();
  rmSync(root, { recursive: true, force: true });
});
beforeEach(() => {
  warnings = [];
  // @actions/core logs to stdout.
  jest.spyOn(process.stdout, "write").mockImplementation(() => true);
});
afterEach(() => {
  jest.restoreAllMocks();
});

const venv = () => path.join(workspace, ".venv");

test("a save and a restore of the same key", async () => {
  expect(await saveVenv(venv(), "venv-cycle", warn)).toBeGreaterThan(0);
  expect(await restoreVenv(venv(), "venv-cycle", warn)).toBe(true);
  expect(await restoreVenv(venv(), "venv-other", warn)).toBe(false);
  expect(warnings).toEqual([]);
});

test("a cache service that never answers a restore: a warning, a miss, and it ends", async () => {
  service.stallNext("GetCacheEntryDownloadURL");
  expect(await restoreVenv(venv(), "venv-cycle", warn, 1000)).toBe(false);
  expect(warnings).toEqual([
    "setup-venv: the cached venv could not be restored (restoring the venv cache did not finish within 1 s); installing it instead.",
  ]);
});

test("a cache service that never answers a save: a warning, not saved, and it ends", async () => {
  service.stallNext("CreateCacheEntry");
  expect(await saveVenv(venv(), "venv-stalled", warn, 1000)).toBeUndefined();
  expect(warnings).toEqual([
    "setup-venv: the venv was not saved to the cache (saving the venv cache did not finish within 1 s).",
  ]);
});

test("a save that cannot even start warns instead of failing", async () => {
  expect(await saveVenv(path.join(workspace, "missing"), "venv-missing", warn)).toBeUndefined();
  expect(warnings[0]).toMatch(
    /^setup-venv: the venv was not saved to the cache \(Path Validation Error/,
  );
});
