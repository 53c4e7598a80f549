import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { runCommand } from "../../../shared/runtime/command.js";
import {
  unusableVenv,
  type VenvIdentity,
  writeVenvIdentity,
} from "../../../shared/venv/identity.js";
import type { TestPython } from "../../harness/test-pythons.js";
import { describeWithPythons, pythons } from "../python/fixture.js";

// Real venvs of two interpreters, as setup-venv creates them: `built` made the venv, `other` did not.
const root = mkdtempSync(path.join(os.tmpdir(), "pyship-venv-key-"));
let venv: string;

const identity = (python: TestPython, key = "k1"): VenvIdentity => ({
  key,
  pythonVersion: python.version,
  pythonRealPath: realpathSync(python.python3),
});

describeWithPythons("unusableVenv", () => {
  const { newer: built, twin: other } = pythons;
  beforeAll(async () => {
    venv = path.join(root, "venv");
    const created = await runCommand(built.python3, ["-m", "venv", "--without-pip", venv]);
    expect(created.code).toBe(0);
  }, 120_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test("the venv this run built, with its identity file, is usable", async () => {
    writeVenvIdentity(venv, identity(built));
    expect(await unusableVenv(venv, identity(built))).toBeUndefined();
  });

  test("another interpreter's venv at the same path says what differs", async () => {
    writeVenvIdentity(venv, identity(built));
    const why = await unusableVenv(venv, identity(other));
    expect(why).toMatch(/^the cached venv is not the one its key names \(/);
    expect(why).toContain(`pyvenv.cfg has Python ${built.version}, this run uses ${other.version}`);
    expect(why).toContain(
      `its interpreter is ${identity(built).pythonRealPath}, this run uses ${identity(other).pythonRealPath}`,
    );
    expect(why).toContain(
      `.pyship-venv.json has pythonVersion "${built.version}", this run expects "${other.version}"`,
    );
  });

  test("an identity file for another key, or none, is a mismatch", async () => {
    writeVenvIdentity(venv, identity(built, "other-key"));
    expect(await unusableVenv(venv, identity(built))).toContain(
      '.pyship-venv.json has key "other-key", this run expects "k1"',
    );
    writeFileSync(path.join(venv, ".pyship-venv.json"), "not json");
    expect(await unusableVenv(venv, identity(built))).toContain(
      "it has no readable .pyship-venv.json",
    );
  });

  test("a venv without pyvenv.cfg is broken", async () => {
    expect(await unusableVenv(path.join(root, "nothing"), identity(built))).toBe(
      "the cached venv is broken (pyvenv.cfg is missing)",
    );
  });
});
