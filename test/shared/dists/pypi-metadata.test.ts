import { describe, expect, test } from "@jest/globals";
import { emailProblem } from "../../../shared/dists/email-address.js";
import { parseCoreMetadata } from "../../../shared/dists/metadata.js";
import { isPypiPlatform } from "../../../shared/dists/platform-tags.js";
import { checkPypiMetadata } from "../../../shared/dists/pypi-metadata.js";
import { spdxProblem } from "../../../shared/dists/spdx.js";

const codes = (headers: string) =>
  checkPypiMetadata(
    parseCoreMetadata(`Metadata-Version: 2.4\nName: demo\nVersion: 1.0\n${headers}`),
    "demo.whl",
  ).map((finding) => finding.code);

describe("PyPI's metadata rules", () => {
  test("a plain dist passes", () => {
    expect(codes("Summary: fine\nLicense-Expression: MIT\nClassifier: Typing :: Typed\n")).toEqual(
      [],
    );
  });
  test("M015: a local version", () => {
    const meta = parseCoreMetadata("Metadata-Version: 2.4\nName: demo\nVersion: 1.0+cpu\n");
    expect(checkPypiMetadata(meta, "demo.whl").map((finding) => finding.code)).toEqual(["M015"]);
  });
  test.each([
    ["M017", "Requires-Dist: foo @ https://example.com/foo.whl\n"],
    ["M017", "Provides-Dist: not valid!!\n"],
    ["M018", `Summary: ${"x".repeat(513)}\n`],
    ["M018", "Summary: one\n  two\n"],
    ["M019", "Classifier: Private :: Do Not Upload\n"],
    ["M019", "Classifier: Natural Language :: Ukranian\n"],
    ["M020", "Author-email: not-an-address\n"],
    ["M020", "Maintainer-email: Jo <jo@host.local>\n"],
    ["M021", "Home-page: ftp://example.com\n"],
    ["M021", `Project-URL: ${"l".repeat(33)}, https://example.com\n`],
    ["M021", "Project-URL: Docs, \n"],
    ["M022", "License-Expression: MIT ANDD Apache-2.0\n"],
  ])("%s: %j", (code, headers) => {
    expect(codes(headers)).toEqual([code]);
  });
});

test("License-Expression: packaging's case-insensitive ids and operators", () => {
  expect(spdxProblem("mit and (apache-2.0 or bsd-2-clause)")).toBeUndefined();
  expect(spdxProblem("GPL-2.0-or-later WITH Classpath-exception-2.0")).toBeUndefined();
  expect(spdxProblem("LicenseRef-Proprietary")).toBeUndefined();
  expect(spdxProblem("GPL-2.0+")).toBeUndefined();
  expect(spdxProblem("(MIT")).toBeDefined();
  expect(spdxProblem("Use-it-after-midnight")).toMatch(/not an SPDX license identifier/);
  expect(spdxProblem("")).toBeDefined();
});

test("emails as email-validator reads them", () => {
  for (const ok of ["a@b.c", "Jo <jo@example.com>", "é@x.com", "a@x.example", "a@x.com, b@y.com"]) {
    expect(emailProblem(ok)).toBeUndefined();
  }
  for (const bad of [
    "foo",
    "a@b",
    "a..b@x.com",
    "a@x.test",
    "a@-x.com",
    "a@x.123",
    "a b@x.com",
    "a@x_y.com",
  ]) {
    expect(emailProblem(bad)).toBeDefined();
  }
});

test("platform tags PyPI accepts", () => {
  for (const ok of [
    "any",
    "manylinux_2_28_x86_64",
    "musllinux_1_2_aarch64",
    "macosx_10_9_x86_64",
    "macosx_11_0_arm64",
    "win_amd64",
    "ios_13_0_arm64_iphoneos",
    "android_21_arm64_v8a",
  ]) {
    expect(isPypiPlatform(ok)).toBe(true);
  }
  for (const bad of [
    "linux_x86_64",
    "macosx_11_1_arm64",
    "musllinux_1_2_ppc64",
    "emscripten_3_1_58_wasm32",
  ]) {
    expect(isPypiPlatform(bad)).toBe(false);
  }
});
