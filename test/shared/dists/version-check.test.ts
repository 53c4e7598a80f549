import { describe, expect, test } from "@jest/globals";
import {
  checkExpectedVersion,
  checkTag,
  tagOf,
  tagVersion,
} from "../../../shared/dists/version-check.js";

describe("the version against the tag", () => {
  test.each([
    ["v1.2.3", "1.2.3"],
    ["1.2.3", "1.2.3"],
    ["v1.0.0-rc.1", "1.0.0rc1"],
    ["V2.0.0RC1", "2.0.0rc1"],
    ["v1.2-alpha.3", "1.2a3"],
    ["v1.0-1", "1.0.post1"],
    ["v01.02.0", "1.2.0"],
    ["vv1.0", "1.0"], // one v stripped, and PEP 440 itself ignores the next
    ["release-1", undefined],
  ])("tag %s is version %s", (tag, version) => {
    expect(tagVersion(tag)).toBe(version);
  });

  test("only refs/tags/ refs are tags", () => {
    expect(tagOf("refs/tags/v1.2.3")).toBe("v1.2.3");
    expect(tagOf("refs/heads/main")).toBeUndefined();
    expect(tagOf(undefined)).toBeUndefined();
  });

  test.each([
    ["1.2.3", "v1.2.3", 0],
    ["1.2.4", "v1.2.3", 1],
    ["2.0.0rc1", "v2.0.0rc1", 0],
    ["1.0.0rc1", "v1.0.0-rc.1", 0],
    ["1.0", "v1.0.0", 1],
  ])("version %s on tag %s gives %i findings", (version, tag, count) => {
    expect(checkTag(version, tag, "dist/x.whl")).toHaveLength(count);
  });

  test("a mismatch names both versions; a dev version hints at the checkout", () => {
    const [mismatch] = checkTag("1.2.4", "v1.2.3", "dist/x.whl");
    expect(mismatch).toMatchObject({
      code: "T001",
      severity: "error",
      file: "dist/x.whl",
      message: "The tag v1.2.3 is version 1.2.3, but the build made version 1.2.4.",
    });
    const [scm] = checkTag("1.2.4.dev3+g1234abc", "v1.2.3", "dist/x.whl");
    expect(scm.fix).toContain("fetch-depth: 0");
    const [notVersion] = checkTag("1.0", "release-one", "dist/x.whl");
    expect(notVersion.message).toBe(
      "The tag release-one is not a PEP 440 version, so it cannot match the built version 1.0.",
    );
  });

  test("expected-version compares normalised", () => {
    expect(checkExpectedVersion("1.0.0rc1", "1.0.0-RC1", "x")).toEqual([]);
    expect(checkExpectedVersion("1.0.0", "1.0.1", "x")).toEqual([
      expect.objectContaining({
        code: "T002",
        message: "expected-version is 1.0.1, but the build made version 1.0.0.",
      }),
    ]);
  });
});
