import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, test } from "@jest/globals";
import { activePython } from "../../../shared/python/active.js";
import { venvBin, venvPython } from "../../../shared/python/venv-layout.js";
import { which } from "../../../shared/runtime/command.js";
import type { Host } from "../../../shared/runtime/host.js";

/** A Windows machine whose files are the given set: no real disk is touched. */
function windowsHost(files: string[]): Host {
  const present = new Set(files.map((file) => file.toLowerCase()));
  return {
    path: path.win32,
    windows: true,
    isExecutable: (file) => present.has(file.toLowerCase()),
  };
}

describe("which", () => {
  test("on Windows it tries PATHEXT's extensions, so uv.exe is found as uv", () => {
    const host = windowsHost(["C:\\Users\\runner\\.local\\bin\\uv.exe"]);
    const env = { Path: "C:\\Windows;C:\\Users\\runner\\.local\\bin", PATHEXT: ".COM;.EXE;.BAT" };
    expect(which("uv", env, host)).toBe("C:\\Users\\runner\\.local\\bin\\uv.exe");
  });

  test("on Windows a file without an extension is not a command", () => {
    const host = windowsHost(["C:\\tools\\uv", "C:\\later\\uv.EXE"]);
    expect(which("uv", { PATH: "C:\\tools;C:\\later", PATHEXT: ".EXE" }, host)).toBe(
      "C:\\later\\uv.exe",
    );
  });

  test("a name with its extension is looked up as given, and PATHEXT defaults as cmd's does", () => {
    const host = windowsHost(["D:\\py\\python.exe", "D:\\py\\pdm.cmd"]);
    expect(which("python.exe", { PATH: "D:\\py" }, host)).toBe("D:\\py\\python.exe");
    expect(which("pdm", { PATH: "D:\\py" }, host)).toBe("D:\\py\\pdm.cmd");
    expect(which("poetry", { PATH: "D:\\py" }, host)).toBeUndefined();
  });

  test("on this machine it finds an executable file and skips a directory or a plain file", () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "pyship-which-"));
    for (const dir of ["a", "b", "c"]) mkdirSync(path.join(root, dir));
    mkdirSync(path.join(root, "a", "tool"));
    writeFileSync(path.join(root, "b", "tool"), "not executable");
    writeFileSync(path.join(root, "c", "tool"), "#!/bin/sh\n");
    chmodSync(path.join(root, "c", "tool"), 0o755);
    const searched = ["a", "b", "c"].map((dir) => path.join(root, dir)).join(path.delimiter);
    expect(which("tool", { PATH: searched })).toBe(path.join(root, "c", "tool"));
  });
});

describe("venv layout", () => {
  const windows = windowsHost([]);

  test("a Windows venv keeps python.exe in Scripts", () => {
    expect(venvBin("D:\\a\\proj\\.venv", windows)).toBe("D:\\a\\proj\\.venv\\Scripts");
    expect(venvPython("D:\\a\\proj\\.venv", windows)).toBe(
      "D:\\a\\proj\\.venv\\Scripts\\python.exe",
    );
  });

  test("activePython is the active venv's python, in that platform's layout", () => {
    expect(activePython({ VIRTUAL_ENV: "D:\\a\\proj\\.venv" }, windows)).toBe(
      "D:\\a\\proj\\.venv\\Scripts\\python.exe",
    );
    expect(activePython({}, windows)).toBe("python");
    const posix: Host = { path: path.posix, windows: false, isExecutable: () => false };
    expect(activePython({ VIRTUAL_ENV: "/w/.venv" }, posix)).toBe("/w/.venv/bin/python");
    expect(activePython({}, posix)).toBe("python3");
  });
});
