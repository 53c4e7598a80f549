/**
 * Today's releases of the Python tools, as oracles: the Debian sid chroot that `scripts/oracles.sh`
 * builds (cached under /var/cache/pyship-oracles). Tests run a command inside it and read the
 * tool versions it holds, so every agreement test can name the version it compared with.
 * Without the chroot, `describeWithOracles` skips and prints why; with PYSHIP_REQUIRE_ORACLES=1
 * (set by .ci/run) a missing chroot fails instead.
 */

import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, test } from "@jest/globals";
import { ORACLES_SCRIPT } from "./oracle-script.js";

export { ORACLES_SCRIPT };

/** Generous: these machines are shared and a tool's first run can be slow. */
export const ORACLE_TIMEOUT_MS = 600_000;

let cachedRoot: string | null | undefined;

/** The chroot's folder, or null when it is not built. */
export function oracleRoot(): string | null {
  if (cachedRoot !== undefined) return cachedRoot;
  try {
    cachedRoot =
      execFileSync("bash", [ORACLES_SCRIPT, "path"], { encoding: "utf8" }).trim() || null;
  } catch {
    cachedRoot = null;
  }
  return cachedRoot;
}

export const oraclesRequired = (): boolean => process.env.PYSHIP_REQUIRE_ORACLES === "1";

let cachedVersions: Record<string, string> | undefined;

/** `{suite, python, poetry, pdm, pipenv, twine, build, pip, packaging, "poetry-core"}` of the chroot. */
export function oracleVersions(): Record<string, string> {
  if (cachedVersions) return cachedVersions;
  const text = execFileSync("bash", [ORACLES_SCRIPT, "versions"], { encoding: "utf8" });
  const versions: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^([\w-]+): (.*)$/.exec(line.trim());
    if (match) versions[match[1]] = match[2];
  }
  cachedVersions = versions;
  return versions;
}

/** "Poetry 2.3.4 (sid)"-style name of the oracle for a tool, for test titles and messages. */
export function oracleName(tool: string): string {
  const versions = oracleVersions();
  return `${tool} ${versions[tool] ?? "?"} (${versions.suite ?? "?"})`;
}

/**
 * `describe` when the chroot is built; otherwise a skipped block that prints why, or (with
 * PYSHIP_REQUIRE_ORACLES=1) one failing test saying the chroot is missing.
 */
export function describeWithOracles(title: string, body: () => void): void {
  if (oracleRoot()) {
    describe(title, body);
    return;
  }
  const reason = `the oracle chroot is not built (run: sudo ${ORACLES_SCRIPT} ensure)`;
  if (oraclesRequired()) {
    describe(title, () => {
      test("needs the oracle chroot", () => {
        throw new Error(reason);
      });
    });
    return;
  }
  console.warn(`skipped "${title}": ${reason}`);
  describe.skip(title, body);
}

export interface OracleResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface OracleRunOptions {
  /** Working directory inside the chroot; it is bind-mounted at the same path. */
  cwd?: string;
  /** More folders to bind-mount at the same path (/tmp always is). */
  binds?: string[];
  env?: NodeJS.ProcessEnv;
  /** Written to the command's stdin. */
  input?: string;
  timeoutMs?: number;
}

/** Runs `command args…` inside the chroot; resolves with its exit code and output, never rejects on exit codes. */
export function runInOracles(
  command: string,
  args: string[],
  options: OracleRunOptions = {},
): Promise<OracleResult> {
  const wrapper = ["run"];
  if (options.cwd) wrapper.push("--cwd", options.cwd);
  for (const bind of options.binds ?? []) wrapper.push("--bind", bind);
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [ORACLES_SCRIPT, ...wrapper, "--", command, ...args], {
      env: options.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? ORACLE_TIMEOUT_MS);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}

/** Runs a Python program inside the chroot with JSON in and JSON out (the program prints one JSON document). */
export async function pythonInOracles<T>(
  program: string,
  input: unknown,
  options: OracleRunOptions = {},
): Promise<T> {
  const result = await runInOracles("python3", ["-c", program], {
    ...options,
    input: JSON.stringify(input),
  });
  if (result.code !== 0) {
    throw new Error(
      `python3 in the oracle chroot exited ${result.code}:\n${result.stderr.slice(-3000)}`,
    );
  }
  return JSON.parse(result.stdout) as T;
}

/** A `python3` that runs inside the chroot (stdin and arguments passed through), for code that takes an interpreter path. */
export function oraclePython(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), "pyship-oracle-python-"));
  const wrapper = path.join(folder, "python3");
  writeFileSync(wrapper, `#!/bin/sh\nexec bash '${ORACLES_SCRIPT}' run -- python3 "$@"\n`, {
    mode: 0o755,
  });
  return wrapper;
}
