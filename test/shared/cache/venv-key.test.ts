import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import {
  unusableVenv,
  type VenvIdentity,
  writeVenvIdentity,
} from "../../../shared/cache/venv-key.js";
import { runCommand } from "../../../shared/runtime/command.js";

// Real venvs of two pyenv interpreters, as setup-venv creates them.
const root = mkdtempSync(path.join(os.tmpdir(), "pyship-venv-key-"));
const pyenv = (version: string) =>
  path.join(os.homedir(), ".pyenv/versions", version, "bin/python3");
const interpreters = { "3.11.7": pyenv("3.11.7"), "3.13.0": pyenv("3.13.0") };
let venv: string;

const identity = (version: keyof typeof interpreters, key = "k1"): VenvIdentity => ({
  key,
  pythonVersion: version,
  pythonRealPath: realpathSync(interpreters[version]),
});

beforeAll(async () => {
  venv = path.join(root, "venv");
  const created = await runCommand(interpreters["3.11.7"], ["-m", "venv", "--without-pip", venv]);
  expect(created.code).toBe(0);
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("unusableVenv", () => {
  test("the venv this run built, with its identity file, is usable", async () => {
    writeVenvIdentity(venv, identity("3.11.7"));
    expect(await unusableVenv(venv, identity("3.11.7"))).toBeUndefined();
  });

  test("another interpreter's venv at the same path says what differs", async () => {
    writeVenvIdentity(venv, identity("3.11.7"));
    const why = await unusableVenv(venv, identity("3.13.0"));
    expect(why).toMatch(/^the cached venv is not the one its key names \(/);
    expect(why).toContain("pyvenv.cfg has Python 3.11.7, this run uses 3.13.0");
    expect(why).toContain(
      `its interpreter is ${identity("3.11.7").pythonRealPath}, this run uses ${identity("3.13.0").pythonRealPath}`,
    );
    expect(why).toContain(
      '.pyship-venv.json has pythonVersion "3.11.7", this run expects "3.13.0"',
    );
  });

  test("an identity file for another key, or none, is a mismatch", async () => {
    writeVenvIdentity(venv, identity("3.11.7", "other-key"));
    expect(await unusableVenv(venv, identity("3.11.7"))).toContain(
      '.pyship-venv.json has key "other-key", this run expects "k1"',
    );
    writeFileSync(path.join(venv, ".pyship-venv.json"), "not json");
    expect(await unusableVenv(venv, identity("3.11.7"))).toContain(
      "it has no readable .pyship-venv.json",
    );
  });

  test("a venv without pyvenv.cfg is broken", async () => {
    expect(await unusableVenv(path.join(root, "nothing"), identity("3.11.7"))).toBe(
      "the cached venv is broken (pyvenv.cfg is missing)",
    );
  });
});
