import { expect, test } from "@jest/globals";
import { lastLines } from "../../../shared/runtime/text.js";

test("lastLines keeps the last non-blank lines, indentation kept, trailing space cut", () => {
  const output = "one\n\n  two  \r\n   \nthree\n\n";
  expect(lastLines(output, 2)).toEqual(["  two", "three"]);
  expect(lastLines(output, 5)).toEqual(["one", "  two", "three"]);
  expect(lastLines("", 3)).toEqual([]);
});
