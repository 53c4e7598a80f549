import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, test } from "@jest/globals";
import { runCommand } from "../../../shared/runtime/command.js";
import { describeSystemError, isSystemError } from "../../../shared/runtime/system-errors.js";

const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("did not throw");
};

describe("describeSystemError", () => {
  test("names what was done, to which path, in words", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "pyship-errno-"));
    writeFileSync(path.join(dir, "file"), "");
    const error = thrown(() => readdirSync(path.join(dir, "file")));
    expect(isSystemError(error)).toBe(true);
    const text = describeSystemError(error as NodeJS.ErrnoException, (file) =>
      path.relative(dir, file),
    );
    expect(text).toBe("cannot list file: a part of the path is a file, not a folder");
    expect(text).not.toMatch(/ENOTDIR|scandir/);
  });

  test("a program that cannot start, or a missing folder to run it in", async () => {
    const missing = await runCommand("/nonexistent/python3", ["-V"]);
    expect(missing).toMatchObject({
      code: 127,
      output: "cannot run /nonexistent/python3: it does not exist",
    });
    const nowhere = await runCommand(process.execPath, ["-v"], { cwd: "/nonexistent/app" });
    expect(nowhere.output).toBe(
      `cannot run ${process.execPath} in /nonexistent/app: that folder does not exist`,
    );
  });
});
