import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, test } from "@jest/globals";
import { checkVenvPath, claimVenv, lockVenv, removeVenv } from "../../../shared/venv/location.js";

function project() {
  const workspace = mkdtempSync(path.join(os.tmpdir(), "pyship-location-"));
  const app = path.join(workspace, "app");
  mkdirSync(path.join(app, "src"), { recursive: true });
  writeFileSync(path.join(app, "src", "code.py"), "x = 1\n");
  writeFileSync(path.join(app, "uv.lock"), "version = 1\n");
  writeFileSync(path.join(app, "README.md"), "hi\n");
  const place = {
    workingDirectory: app,
    workspace,
    lockfile: path.join(app, "uv.lock"),
    shown: (file: string) => path.relative(workspace, file) || ".",
  };
  return { workspace, app, place };
}

describe("checkVenvPath", () => {
  test("refuses the project, what holds it, files and folders that are not venvs", () => {
    const { workspace, app, place } = project();
    const cases: [string, RegExp][] = [
      [app, /'venv-path': app is the working directory, or holds it/],
      [workspace, /is the working directory, or holds it/],
      [path.join(app, "src"), /app\/src exists and is not a venv \(it has no pyvenv.cfg\)/],
      [path.join(app, "README.md"), /app\/README.md is a file, not a venv/],
    ];
    for (const [venv, message] of cases) expect(() => checkVenvPath(venv, place)).toThrow(message);
    expect(() =>
      checkVenvPath(path.join(app, "locks"), {
        ...place,
        lockfile: path.join(app, "locks", "x.txt"),
      }),
    ).toThrow(/holds the lockfile/);
  });

  test("takes a missing path, an empty folder and a venv", () => {
    const { app, place } = project();
    expect(() => checkVenvPath(path.join(app, ".venv"), place)).not.toThrow();
    mkdirSync(path.join(app, "empty"));
    expect(() => checkVenvPath(path.join(app, "empty"), place)).not.toThrow();
    mkdirSync(path.join(app, "old"));
    writeFileSync(path.join(app, "old", "pyvenv.cfg"), "home = /usr/bin\n");
    expect(() => checkVenvPath(path.join(app, "old"), place)).not.toThrow();
  });
});

describe("removeVenv", () => {
  test("deletes venvs and what this run made, and refuses anything else", () => {
    const { app } = project();
    expect(() => removeVenv(path.join(app, "src"))).toThrow(/not a venv .* so it is not deleted/);
    expect(existsSync(path.join(app, "src", "code.py"))).toBe(true);
    const made = path.join(app, "made");
    mkdirSync(made);
    writeFileSync(path.join(made, "half"), "");
    claimVenv(made);
    removeVenv(made);
    expect(existsSync(made)).toBe(false);
  });
});

describe("lockVenv", () => {
  test("a second run is refused while the first holds the venv, and a dead holder's lock is taken over", () => {
    const { app } = project();
    const venv = path.join(app, ".venv");
    const release = lockVenv(venv, "app/.venv");
    expect(() => lockVenv(venv, "app/.venv")).toThrow(
      /another setup-venv run \(process \d+ on .*\) is creating app\/.venv right now/,
    );
    release();
    const again = lockVenv(venv, "app/.venv");
    again();
    const lock = path.join(app, "..venv.pyship-lock");
    mkdirSync(lock);
    writeFileSync(
      path.join(lock, "owner.json"),
      JSON.stringify({ pid: 2 ** 22 + 7, host: os.hostname() }),
    );
    lockVenv(venv, "app/.venv")();
    expect(existsSync(lock)).toBe(false);
  });
});
