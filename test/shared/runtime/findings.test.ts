import { describe, expect, test } from "@jest/globals";
import {
  type Finding,
  findingsTable,
  formatLocation,
  markdownCell,
  toAnnotation,
} from "../../../shared/runtime/findings.js";

const drift: Finding = {
  severity: "error",
  code: "lock-drift",
  message: "requests: pyproject.toml asks for >=2.32, uv.lock has 2.31.0",
  file: "pyproject.toml",
  line: 7,
  column: 3,
  fix: "Run: uv lock",
};

describe("findings", () => {
  test("an annotation carries the code as title, the location, and the fix", () => {
    expect(toAnnotation(drift)).toEqual({
      level: "error",
      title: "lock-drift",
      message: "requests: pyproject.toml asks for >=2.32, uv.lock has 2.31.0 Run: uv lock",
      location: { file: "pyproject.toml", line: 7, column: 3 },
    });
  });

  test("locations print as file:line:column, as far as known", () => {
    expect(formatLocation(drift)).toBe("pyproject.toml:7:3");
    expect(formatLocation({ ...drift, column: undefined })).toBe("pyproject.toml:7");
    expect(formatLocation({ ...drift, line: undefined })).toBe("pyproject.toml");
    expect(formatLocation({ ...drift, file: undefined })).toBe("");
  });

  test("the summary table has one row per finding, with cells escaped", () => {
    const table = findingsTable([drift, { severity: "warning", code: "w", message: "a|b\nc" }]);
    expect(table.split("\n")).toEqual([
      "| Severity | Code | Where | Message | Fix |",
      "| --- | --- | --- | --- | --- |",
      "| ❌ error | `lock-drift` | `pyproject.toml:7:3` | requests: pyproject.toml asks for >=2.32, uv.lock has 2.31.0 | Run: uv lock |",
      "| ⚠️ warning | `w` |  | a\\|b<br>c |  |",
    ]);
  });

  test("markdownCell keeps backslashes literal", () => {
    expect(markdownCell("C:\\path|x")).toBe("C:\\\\path\\|x");
  });
});
