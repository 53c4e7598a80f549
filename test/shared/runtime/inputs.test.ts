import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, test } from "@jest/globals";
import { ConfigurationError } from "../../../shared/runtime/errors.js";
import { InputReader, inputVariable } from "../../../shared/runtime/inputs.js";

const reader = (env: Record<string, string>) => new InputReader(env);

describe("inputVariable", () => {
  test("upper-cases, turns spaces into underscores and keeps hyphens", () => {
    expect(inputVariable("packages-dir")).toBe("INPUT_PACKAGES-DIR");
    expect(inputVariable("my input")).toBe("INPUT_MY_INPUT");
  });
});

describe("InputReader", () => {
  test("reads the hyphenated form, trimmed", () => {
    expect(reader({ "INPUT_PACKAGES-DIR": " out \n" }).raw("packages-dir")).toBe("out");
  });

  test("falls back to the underscore form a composite run step can pass", () => {
    expect(reader({ INPUT_PACKAGES_DIR: "wheels" }).raw("packages-dir")).toBe("wheels");
    expect(reader({ "INPUT_PACKAGES-DIR": "", INPUT_PACKAGES_DIR: "w" }).raw("packages-dir")).toBe(
      "w",
    );
    expect(reader({ "INPUT_PACKAGES-DIR": "a", INPUT_PACKAGES_DIR: "b" }).raw("packages-dir")).toBe(
      "a",
    );
  });

  test("required names the missing input", () => {
    expect(() => reader({}).required("python-version")).toThrow(
      new ConfigurationError("input 'python-version' is required and was not set"),
    );
    expect(reader({ "INPUT_PYTHON-VERSION": "3.12" }).required("python-version")).toBe("3.12");
  });

  test("optional gives undefined when unset or blank", () => {
    expect(reader({ INPUT_X: "  " }).optional("x")).toBeUndefined();
    expect(reader({ INPUT_X: "v" }).optional("x")).toBe("v");
  });

  test("booleans are strict and case-insensitive", () => {
    expect(reader({ INPUT_FLAG: "TRUE" }).boolean("flag", false)).toBe(true);
    expect(reader({ INPUT_FLAG: "False" }).boolean("flag", true)).toBe(false);
    expect(reader({}).boolean("flag", true)).toBe(true);
    for (const bad of ["yes", "1", "on", "truee"]) {
      expect(() => reader({ INPUT_FLAG: bad }).boolean("flag", false)).toThrow(
        `input 'flag' must be true or false, got '${bad}'`,
      );
    }
  });

  test("lists split on newlines and commas", () => {
    expect(reader({ INPUT_GROUPS: "dev, test\n\ndocs,\n" }).list("groups")).toEqual([
      "dev",
      "test",
      "docs",
    ]);
    expect(reader({}).list("groups")).toEqual([]);
  });

  test("choices list the allowed values", () => {
    const allowed = ["static", "tool"] as const;
    expect(reader({ INPUT_MODE: "Tool" }).choice("mode", allowed, "static")).toBe("tool");
    expect(reader({}).choice("mode", allowed, "static")).toBe("static");
    expect(() => reader({ INPUT_MODE: "both" }).choice("mode", allowed, "static")).toThrow(
      "input 'mode' must be one of static, tool; got 'both'",
    );
  });

  test("integers are bounded", () => {
    expect(reader({ INPUT_RETRIES: "5" }).integer("retries", 3)).toBe(5);
    expect(reader({}).integer("retries", 3)).toBe(3);
    expect(() => reader({ INPUT_RETRIES: "2.5" }).integer("retries", 3, 0, 10)).toThrow(
      "input 'retries' must be a whole number from 0 to 10, got '2.5'",
    );
  });

  test("durations read like timeout-minutes: minutes, or with a unit", () => {
    const duration = (value: string) =>
      reader({ "INPUT_REQUEST-TIMEOUT": value }).duration("request-timeout", 600_000);
    expect(duration("")).toBe(600_000);
    expect(duration("10")).toBe(600_000);
    expect(duration("0.5")).toBe(30_000);
    expect(duration("90s")).toBe(90_000);
    expect(duration("5m")).toBe(300_000);
    expect(duration("1H")).toBe(3_600_000);
    expect(duration("2.5 s")).toBe(2_500);
    for (const bad of ["0", "0s", "-1", "ten", "5 minutes", "1d", "25h", "1e3", "Infinity"]) {
      expect(() => duration(bad)).toThrow(
        `input 'request-timeout' must be a duration above 0 and at most 24h: minutes (10, 0.5) or with a unit (90s, 5m, 1h); got '${bad}'`,
      );
    }
  });

  test("paths resolve against the working directory, which resolves against the workspace", () => {
    const ws = mkdtempSync(path.join(os.tmpdir(), "pyship-reader-"));
    mkdirSync(path.join(ws, "pkg"));
    const env = { GITHUB_WORKSPACE: ws, "INPUT_WORKING-DIRECTORY": "pkg", INPUT_OUT: "dist" };
    const inputs = reader(env);
    const workingDirectory = inputs.workingDirectory();
    expect(workingDirectory).toBe(path.join(ws, "pkg"));
    expect(inputs.path("out", workingDirectory)).toBe(path.join(ws, "pkg/dist"));
    expect(inputs.path("missing", workingDirectory, ".venv")).toBe(path.join(ws, "pkg/.venv"));
    expect(reader({ GITHUB_WORKSPACE: ws, INPUT_OUT: "/abs" }).path("out", ws)).toBe("/abs");
  });

  describe("paths on disk", () => {
    const ws = mkdtempSync(path.join(os.tmpdir(), "pyship-reader-"));
    const temp = mkdtempSync(path.join(os.tmpdir(), "pyship-runner-temp-"));
    const outside = mkdtempSync(path.join(os.tmpdir(), "pyship-outside-"));
    writeFileSync(path.join(ws, "README.md"), "");
    mkdirSync(path.join(ws, "src"));
    symlinkSync(outside, path.join(ws, "escape"));
    symlinkSync(path.join(outside, "new"), path.join(ws, "dangling"));
    const on = (inputs: Record<string, string>) =>
      reader({
        GITHUB_WORKSPACE: ws,
        RUNNER_TEMP: temp,
        ...Object.fromEntries(
          Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]),
        ),
      });

    test("the working directory must be an existing folder", () => {
      expect(() => on({ "working-directory": "nope" }).workingDirectory()).toThrow(
        "input 'working-directory': 'nope' cannot be used: it does not exist",
      );
      expect(() => on({ "working-directory": "README.md" }).workingDirectory()).toThrow(
        "input 'working-directory': 'README.md' is a file, not a folder",
      );
      expect(() => on({ "working-directory": "README.md/x" }).workingDirectory()).toThrow(
        "input 'working-directory': 'README.md/x' cannot be used: README.md in its path is a file, not a folder",
      );
    });

    test("an existing file input must be a file", () => {
      expect(() => on({ lockfile: "src" }).existing("lockfile", ws, "file")).toThrow(
        "input 'lockfile': 'src' is a folder, not a file",
      );
      expect(on({ lockfile: "README.md" }).existing("lockfile", ws, "file")).toBe(
        path.join(ws, "README.md"),
      );
    });

    test("a written path stays inside the workspace or RUNNER_TEMP, symlinks followed", () => {
      const writable = (value: string, kind: "file" | "directory" = "directory") =>
        on({ out: value }).writable("out", ws, kind);
      expect(writable(".venv")).toBe(path.join(ws, ".venv"));
      expect(writable(path.join(temp, "venv"))).toBe(path.join(temp, "venv"));
      for (const away of ["..", "../../etc", outside, "escape/venv", "dangling"]) {
        expect(() => writable(away)).toThrow(
          /input 'out': .* is outside the workspace and RUNNER_TEMP/,
        );
      }
      expect(() => writable("README.md")).toThrow(
        "input 'out': 'README.md' is a file, where a folder is written",
      );
      expect(() => writable("src", "file")).toThrow(
        "input 'out': 'src' is a folder, where a file is written",
      );
      expect(() => writable("README.md/report.json", "file")).toThrow(
        "input 'out': 'README.md/report.json' cannot be created: README.md in its path is a file, not a folder",
      );
    });

    test("a path too long for the OS is refused, and echoed values are cut", () => {
      const long = "x".repeat(100_000);
      let message = "";
      try {
        on({ out: long }).writable("out", ws, "file");
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^input 'out': 'x{200}… \(100000 characters\)' cannot be used: /);
      expect(message.length).toBeLessThan(300);
    });
  });
});
