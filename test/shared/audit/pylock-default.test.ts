import path from "node:path";
import { expect, test } from "@jest/globals";
import { auditedPackages } from "../../../shared/audit/packages.js";
import { readLock } from "../../../shared/lockfiles/index.js";
import { repoRoot } from "../../harness/runner.js";

test("a pylock.toml whose main packages sit in a synthetic default group: all are audited", () => {
  const file = path.join(repoRoot, "test/fixtures/audit/pylock.default-groups.toml");
  const lock = readLock(file, "pylock.default-groups.toml");
  const names = (groups: "all" | string[]) =>
    auditedPackages(lock, undefined, groups)
      .packages.map((p) => p.key)
      .sort();
  expect(names("all")).toEqual(["jinja2", "requests"]);
  expect(names(["default"])).toEqual(["requests"]);
});
