import { describe, expect, test } from "@jest/globals";
import { sameSpecifierSet, satisfies } from "../../../shared/project/pep440.js";
import { poetryToPep440, satisfiesPoetry } from "../../../shared/project/poetry-constraint.js";

describe("specifier sets compare as sets of versions", () => {
  test.each([
    ["~=3.11.0", "==3.11.*"],
    [">=3.11", ">=3.11.0"],
    ["<2,>=1", ">=1,<2"],
    [">=1, <2", ">=1.0,<2.0.0"],
    ["~=1.4", ">=1.4,<2"],
    [">=1,!=1.5,<2", "<2,!=1.5.0,>=1"],
    ["", ""],
  ])("%s ≡ %s", (a, b) => {
    expect(sameSpecifierSet(a, b)).toBe(true);
  });

  test.each([
    [">=2.32", ">=2.31"],
    ["==3.11.*", "==3.12.*"],
    [">=1", ""],
    [">=1,<2", ">=1,<=2"],
    ["!=1.5", ""],
  ])("%s ≢ %s", (a, b) => {
    expect(sameSpecifierSet(a, b)).toBe(false);
  });

  test("satisfies counts pre-releases that a lock pinned", () => {
    expect(satisfies("2.0rc1", ">=1")).toBe(true);
    expect(satisfies("2.31.0", ">=2.32")).toBe(false);
    expect(satisfies("1.0", "")).toBe(true);
  });
});

describe("Poetry constraints", () => {
  test.each([
    ["^1.2.3", [">=1.2.3,<2"]],
    ["^0.2.3", [">=0.2.3,<0.3"]],
    ["^0.0.3", [">=0.0.3,<0.0.4"]],
    ["^0", [">=0,<1"]],
    ["~1.2.3", [">=1.2.3,<1.3"]],
    ["~1", [">=1,<2"]],
    ["*", [""]],
    [">= 1.2, < 2.0", [">=1.2,<2.0"]],
    [">=1.2 <2.0", [">=1.2,<2.0"]],
    ["1.2.3", ["==1.2.3"]],
    ["1.2.*", ["==1.2.*"]],
    // poetry-core unites touching ranges, so 2.0a1 is in `^1.0 || ^2.0`.
    ["^1.0 || ^2.0", [">=1.0,<3"]],
    ["^1.0 || ^3.0", [">=1.0,<2", ">=3.0,<4"]],
  ])("%s", (constraint, expected) => {
    expect(poetryToPep440(constraint)).toEqual(expected);
  });

  test("satisfiesPoetry", () => {
    expect(satisfiesPoetry("1.9.0", "^1.2")).toBe(true);
    expect(satisfiesPoetry("2.0.0", "^1.2")).toBe(false);
    expect(satisfiesPoetry("2.5", "^1.0 || ^2.0")).toBe(true);
    expect(satisfiesPoetry("3.0.1", "*")).toBe(true);
  });
});
