/** audit's uv fixture (requests, urllib3 and jinja2 at vulnerable versions), and edits of it for a PR's base or head. */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Files } from "./pull-request-repo.js";
import { repoRoot } from "./runner.js";

const fixture = path.join(repoRoot, "test/fixtures/audit/uv");
export const auditLock = readFileSync(path.join(fixture, "uv.lock"), "utf8");
export const auditPyproject = readFileSync(path.join(fixture, "pyproject.toml"), "utf8");

/** The uv.lock `text` with `name` locked at `version`. */
export const withVersion = (text: string, name: string, version: string) =>
  text.replace(new RegExp(`(name = "${name}"\\nversion = )"[^"]*"`), `$1"${version}"`);

/** Adds `py` 1.11.0: PYSEC-2022-42969 affects it, and no version fixes it. */
export const withPy = (text: string) =>
  `${text}\n[[package]]\nname = "py"\nversion = "1.11.0"\nsource = { registry = "https://pypi.org/simple" }\n`;

/** The project's files with this uv.lock. */
export const auditProject = (lock: string): Files => ({
  "uv.lock": lock,
  "pyproject.toml": auditPyproject,
});
