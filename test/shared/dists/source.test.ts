import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "@jest/globals";
import { checkShallowCheckout, sourceDateEpoch } from "../../../shared/dists/source.js";
import { inheritedEnv, repoRoot } from "../../harness/runner.js";

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const env = {
  ...inheritedEnv(),
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@example.org",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@example.org",
  GIT_COMMITTER_DATE: "2026-01-02T03:04:05Z",
};
const git = (dir: string, ...args: string[]) => execFileSync("git", ["-C", dir, ...args], { env });

function repository(project: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pyship-source-"));
  made.push(dir);
  cpSync(path.join(repoRoot, "test/fixtures/build-dist", project), dir, { recursive: true });
  git(dir, "init", "-q", "-b", "main");
  git(dir, "add", "-A");
  git(dir, "commit", "-q", "-m", "one");
  git(dir, "commit", "-q", "--allow-empty", "-m", "two");
  return dir;
}

function shallowClone(origin: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pyship-shallow-"));
  made.push(dir);
  execFileSync("git", ["clone", "-q", "--depth", "1", `file://${origin}`, dir], { env });
  return dir;
}

describe("the source checkout", () => {
  test("SOURCE_DATE_EPOCH is the last commit's time unless set", async () => {
    const dir = repository("flit");
    expect(await sourceDateEpoch(dir, {})).toBe(String(Date.parse("2026-01-02T03:04:05Z") / 1000));
    expect(await sourceDateEpoch(dir, { SOURCE_DATE_EPOCH: "42" })).toBe("42");
    expect(await sourceDateEpoch(os.tmpdir(), {})).toBeUndefined();
  });

  test.each([
    ["setuptools-scm", "setuptools-scm", 2],
    ["hatch-vcs", "hatch-vcs", 2],
  ])(
    "a shallow clone of a %s project warns at the line naming it",
    async (project, plugin, line) => {
      const origin = repository(project);
      expect(await checkShallowCheckout(origin, "pyproject.toml")).toEqual([]);
      const [warning, ...rest] = await checkShallowCheckout(shallowClone(origin), "pyproject.toml");
      expect(rest).toEqual([]);
      expect(warning).toMatchObject({
        code: "G001",
        severity: "warning",
        file: "pyproject.toml",
        line,
      });
      expect(warning.message).toContain(plugin);
      expect(warning.fix).toContain("fetch-depth: 0");
    },
  );

  test("a shallow clone of a project with a static version is fine", async () => {
    expect(await checkShallowCheckout(shallowClone(repository("flit")), "pyproject.toml")).toEqual(
      [],
    );
  });
});
