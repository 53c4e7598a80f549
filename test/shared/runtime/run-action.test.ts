import { describe, expect, jest, test } from "@jest/globals";
import { CheckFailed, ConfigurationError } from "../../../shared/runtime/errors.js";
import { runnerIo } from "../../../shared/runtime/io.js";
import { runInProcess } from "../../harness/recording-io.js";

describe("runAction with a recording io", () => {
  test("a run that succeeds records no error and leaves the exit code 0", async () => {
    const { io, exitCode } = await runInProcess("demo", async (io) => {
      io.info("hello");
      io.setOutput("greeting", "hi");
    });
    expect(exitCode).toBe(0);
    expect(io.errors).toEqual([]);
    expect(io.infos).toEqual(["hello"]);
    expect(io.outputs).toEqual({ greeting: "hi" });
  });

  test("a ConfigurationError becomes one error with the action's name and its location", async () => {
    const { io, exitCode } = await runInProcess("demo", async () => {
      throw new ConfigurationError("bad value", { file: "pyproject.toml", line: 3, column: 2 });
    });
    expect(exitCode).toBe(1);
    expect(io.errors).toEqual([
      { message: "demo: bad value", location: { file: "pyproject.toml", line: 3, column: 2 } },
    ]);
    expect(io.debugs).toEqual([]);
  });

  test("a CheckFailed is one error line without a stack", async () => {
    const { io, exitCode } = await runInProcess("demo", async () => {
      throw new CheckFailed("2 checks failed");
    });
    expect(exitCode).toBe(1);
    expect(io.errors).toEqual([{ message: "demo: 2 checks failed", location: {} }]);
    expect(io.debugs).toEqual([]);
  });

  test("an unexpected Error gives its short message; the stack goes only to debug", async () => {
    const { io, exitCode } = await runInProcess("demo", async () => {
      throw new Error("boom");
    });
    expect(exitCode).toBe(1);
    expect(io.errors).toEqual([{ message: "demo: boom", location: undefined }]);
    expect(io.errors[0].message).not.toContain("\n");
    expect(io.debugs).toHaveLength(1);
    expect(io.debugs[0]).toMatch(/^Error: boom\n\s+at /);
  });

  test("a thrown non-Error value is shown as text", async () => {
    const { io, exitCode } = await runInProcess("demo", async () => {
      throw "plain text";
    });
    expect(exitCode).toBe(1);
    expect(io.errors.map((error) => error.message)).toEqual(["demo: plain text"]);
    expect(io.debugs).toEqual([]);
  });

  test("a system error is described, not echoed as errno text", async () => {
    const { io } = await runInProcess("demo", async () => {
      const { readFileSync } = await import("node:fs");
      readFileSync("/nonexistent/pyship-file");
    });
    expect(io.errors).toHaveLength(1);
    expect(io.errors[0].message).toMatch(/^demo: /);
    expect(io.errors[0].message).toContain("/nonexistent/pyship-file");
  });
});

describe("runAction with the runner io", () => {
  /** What runnerIo writes to stdout while `fn` fails through runAction. */
  async function stdoutOf(fn: () => Promise<void>): Promise<{ lines: string[]; exitCode: number }> {
    const written: string[] = [];
    const write = jest.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const { exitCode } = await runInProcess("demo", fn, runnerIo);
      return { lines: written.join("").split(/\r?\n/).filter(Boolean), exitCode };
    } finally {
      write.mockRestore();
    }
  }

  test("a ConfigurationError is one ::error file=…,line=…:: line and exit code 1", async () => {
    const { lines, exitCode } = await stdoutOf(async () => {
      throw new ConfigurationError("bad value", { file: "pyproject.toml", line: 3 });
    });
    expect(exitCode).toBe(1);
    expect(lines).toEqual(["::error file=pyproject.toml,line=3::demo: bad value"]);
  });

  test("an unexpected Error is one ::error:: line; its stack only in ::debug::", async () => {
    const { lines, exitCode } = await stdoutOf(async () => {
      throw new Error("boom");
    });
    expect(exitCode).toBe(1);
    expect(lines[0]).toBe("::error::demo: boom");
    expect(lines.slice(1).every((line) => line.startsWith("::debug::"))).toBe(true);
  });
});
