import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "@jest/globals";
import { loadInputs } from "../../../actions/setup-venv/inputs.js";
import { run } from "../../../actions/setup-venv/run.js";
import { InputReader, inputVariable } from "../../../shared/runtime/index.js";
import { runInProcess } from "../../harness/recording-io.js";
import { inheritedEnv } from "../../harness/runner.js";

// Only paths that stop before a venv is built: run.ts is being restructured, so only run() is used.
const root = mkdtempSync(path.join(os.tmpdir(), "pyship-setup-venv-run-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function workspaceWith(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(root, "ws-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

const uvProject = {
  "pyproject.toml": '[project]\nname = "app"\nversion = "0.1.0"\n',
  "uv.lock":
    'version = 1\nrequires-python = ">=3.9"\n\n[[package]]\nname = "app"\nversion = "0.1.0"\nsource = { virtual = "." }\n\n[package.dev-dependencies]\ndev = []\nlint = []\n',
};

/** Loads the inputs from a runner-like environment and runs setup-venv in-process. */
function setupVenv(workspace: string, inputs: Record<string, string> = {}) {
  const env: Record<string, string> = {
    ...inheritedEnv(),
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: path.join(root, "temp"),
  };
  for (const [name, value] of Object.entries({
    "install-project": "false",
    cache: "false",
    ...inputs,
  }))
    env[inputVariable(name)] = value;
  return runInProcess("setup-venv", (io) =>
    run(loadInputs(new InputReader(env), env), io, { env }),
  );
}

describe("setup-venv's run(), in-process, on the paths that build no venv", () => {
  test("no lockfile says where it looked", async () => {
    const workspace = workspaceWith();
    const { io, exitCode } = await setupVenv(workspace);
    expect(exitCode).toBe(1);
    expect(io.errors).toHaveLength(1);
    expect(io.errors[0].message).toMatch(
      /^setup-venv: no lockfile in \.: looked for uv\.lock, poetry\.lock/,
    );
    expect(io.outputs).toEqual({});
    expect(existsSync(path.join(workspace, ".venv"))).toBe(false);
  });

  test("an unparseable lock is an error at its file and line, with no stack", async () => {
    const { io, exitCode } = await setupVenv(
      workspaceWith({ "uv.lock": 'version = 1\n[[package]\nname = "x"\n' }),
    );
    expect(exitCode).toBe(1);
    expect(io.errors).toHaveLength(1);
    expect(io.errors[0].location).toMatchObject({ file: "uv.lock", line: 2 });
    expect(io.debugs).toEqual([]);
  });

  test("an unknown group lists the available ones, after the Python is chosen", async () => {
    const workspace = workspaceWith(uvProject);
    const { io, exitCode } = await setupVenv(workspace, { groups: "dev, docs" });
    expect(exitCode).toBe(1);
    expect(io.groups).toEqual(["Python"]);
    expect(io.infos.some((line) => /^Python \d+\.\d+\.\d+ at /.test(line))).toBe(true);
    expect(io.errors.map((error) => error.message)).toEqual([
      "setup-venv: input 'groups': uv.lock has no group 'docs'; available: dev, lint",
    ]);
    expect(existsSync(path.join(workspace, ".venv"))).toBe(false);
  });

  test("a Python that is not there lists the ones that are", async () => {
    const { io, exitCode } = await setupVenv(workspaceWith(uvProject), {
      "python-version": "3.99",
    });
    expect(exitCode).toBe(1);
    expect(io.errors).toHaveLength(1);
    expect(io.errors[0].message).toMatch(
      /^setup-venv: no Python matches '3\.99'.*Found: .*actions\/setup-python/s,
    );
  });

  test.each([
    [{ installer: "conda" }, "input 'installer' must be one of auto, pip, uv; got 'conda'"],
    [{ cache: "maybe" }, "input 'cache' must be one of auto, true, false; got 'maybe'"],
    [
      { "install-project": "sometimes" },
      "input 'install-project' must be true or false, got 'sometimes'",
    ],
    [
      { "venv-path": "/etc/pyship-venv" },
      "input 'venv-path': '/etc/pyship-venv' is outside the workspace and RUNNER_TEMP",
    ],
    [
      { lockfile: "missing.lock" },
      "input 'lockfile': 'missing.lock' cannot be used: it does not exist",
    ],
  ])(
    "a bad input %j is one error through runAction, before anything runs",
    async (inputs, message) => {
      const workspace = workspaceWith(uvProject);
      const { io, exitCode } = await setupVenv(workspace, inputs);
      expect(exitCode).toBe(1);
      expect(io.errors).toHaveLength(1);
      expect(io.errors[0].message).toContain(`setup-venv: ${message}`);
      expect(io.groups).toEqual([]);
      expect(existsSync(path.join(workspace, ".venv"))).toBe(false);
    },
  );
});
