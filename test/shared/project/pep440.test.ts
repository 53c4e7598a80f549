import { describe, expect, test } from "@jest/globals";
import {
  compareVersions,
  isValidSpecifier,
  sameSpecifierSet,
  satisfies,
  specifierRange,
} from "../../../shared/project/pep440.js";
import {
  isValidPoetryConstraint,
  poetryToPep440,
  satisfiesPoetry,
} from "../../../shared/project/poetry-constraint.js";

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

describe("defects found in the renovate-based version (issue 12)", () => {
  test.each([
    ["not-a-version", ">=1.0"],
    [" 1.0 ", ">=1.0"],
    ["1.0", ">=3.8,"],
    ["3.9", " >=3.8 "],
    ["1.0", "~=3"],
    ["1.0", ">=3.8.*"],
    ["1.0", "garbage"],
  ])("satisfies(%j, %j) answers without throwing", (version, specifier) => {
    expect(() => satisfies(version, specifier)).not.toThrow();
    expect(() => specifierRange(specifier)).not.toThrow();
    expect(() => sameSpecifierSet(specifier, ">=1")).not.toThrow();
  });

  test("packaging reads surrounding spaces and a trailing comma; invalid versions match nothing", () => {
    expect(satisfies(" 1.0 ", ">=1.0")).toBe(true);
    expect(satisfies("3.9", ">=3.8,")).toBe(true);
    expect(satisfies("not-a-version", ">=1.0")).toBe(false);
    expect(satisfies("not-a-version", "")).toBe(true);
    expect(satisfies("1.0", "garbage")).toBe(false);
  });

  test("isValidSpecifier refuses wildcards on ordered operators and one-part ~=", () => {
    expect(isValidSpecifier(">=3.8.*")).toBe(false);
    expect(isValidSpecifier("~=3")).toBe(false);
    expect(isValidSpecifier("~=3.0")).toBe(true);
    expect(isValidSpecifier(">=3.8,")).toBe(true);
  });

  test("exclusive < and > with pre-, post- and dev releases (PEP 440)", () => {
    expect(satisfies("3.0.0a8", ">3.0.0a7")).toBe(true);
    expect(satisfies("1.7.post1", ">1.7")).toBe(false);
    expect(satisfies("1.7.1", ">1.7")).toBe(true);
    expect(satisfies("1.7+local", ">1.7")).toBe(false);
    expect(satisfies("1.7a1", "<1.7")).toBe(false);
    expect(satisfies("1.7.dev0", "<1.7")).toBe(false);
    expect(satisfies("1.7a1", "<1.7a2")).toBe(true);
    expect(satisfies("1.6.9", "<1.7")).toBe(true);
  });

  test("epochs", () => {
    expect(satisfies("1!1.0", ">=2.0")).toBe(true);
    expect(satisfies("2.0", ">=1!1.0")).toBe(false);
    expect(satisfies("1!2.5", "~=1!2.2")).toBe(true);
    expect(satisfies("2.5", "~=1!2.2")).toBe(false);
    expect(compareVersions("1!1.0", "2.0")).toBeGreaterThan(0);
  });

  test("local labels", () => {
    expect(satisfies("2.1.0+cpu", "==2.1.0+cu121")).toBe(false);
    expect(satisfies("2.1.0+cpu", "==2.1.0")).toBe(true);
    expect(satisfies("2.1.0+CU121", "==2.1.0+cu121")).toBe(true);
    expect(satisfies("2.1.0+cpu", "<=2.1.0")).toBe(true);
  });

  test("=== is case-insensitive string equality", () => {
    expect(satisfies("1.0", "===1.0")).toBe(true);
    expect(satisfies("1.0.0", "===1.0")).toBe(false);
    expect(satisfies("FooBar", "===foobar")).toBe(true);
  });

  test("prefix matches zero-pad the candidate", () => {
    expect(satisfies("3a1", "!=3.0.*")).toBe(false);
    expect(satisfies("3a1", "==3.0.*")).toBe(true);
    expect(satisfies("3.1", "!=3.0.*")).toBe(true);
  });
});

describe("Poetry constraints seen on real locks", () => {
  test("`3.*` and a union parse; parentheses are refused, as poetry-core 2.3 refuses them", () => {
    expect(poetryToPep440("3.*")).toEqual(["==3.*"]);
    expect(satisfiesPoetry("20.4.4", ">=20.4.3,<20.4.5 || >=20.4.7")).toBe(true);
    expect(satisfiesPoetry("20.4.6", ">=20.4.3,<20.4.5 || >=20.4.7")).toBe(false);
    expect(isValidPoetryConstraint("(>=20.4.3,<20.4.5 || >=20.4.7)")).toBe(false);
    expect(satisfiesPoetry("20.4.4", "(>=20.4.3,<20.4.5 || >=20.4.7)")).toBe(false);
  });

  test("poetry-core's `!=V` also leaves out V's pre- and post-releases", () => {
    expect(satisfiesPoetry("1.2.3a1", "!=1.2.3")).toBe(false);
    expect(satisfiesPoetry("1.2.3.post1", "!=1.2.3")).toBe(false);
    expect(satisfiesPoetry("1.2.4", "!=1.2.3")).toBe(true);
  });

  test("a constraint poetry-core refuses is no TypeError and matches nothing", () => {
    expect(() => poetryToPep440("nonsense")).not.toThrow();
    expect(isValidPoetryConstraint("nonsense")).toBe(false);
    expect(isValidPoetryConstraint("^1.2 || >=3")).toBe(true);
    expect(satisfiesPoetry("1.0", "nonsense")).toBe(false);
  });
});
