/** The real clients around the Warehouse stand-in: Debian's twine, and pip installing back. */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { runTool, type ToolResult } from "./python-tools.js";

export const DEBIAN_PYTHON = "/usr/bin/python3";
export const TWINE = "/usr/bin/twine";

/** `twine upload` arguments: the files to a legacy URL, as `__token__` with `password`. */
export function twineUploadArgs(legacyUrl: string, password: string, files: string[]): string[] {
  return [
    "upload",
    "--disable-progress-bar",
    "--non-interactive",
    "--repository-url",
    legacyUrl,
    "-u",
    "__token__",
    "-p",
    password,
    ...files,
  ];
}

/**
 * A fresh venv at `venv`, without pip of its own (fast), with `requirement` installed from
 * `indexUrl` by Debian's pip. Resolves to the venv's python and pip's result.
 */
export async function installFromIndex(
  venv: string,
  indexUrl: string,
  requirement: string,
  env: NodeJS.ProcessEnv,
): Promise<{ python: string; install: ToolResult }> {
  execFileSync(DEBIAN_PYTHON, ["-m", "venv", "--without-pip", venv]);
  const python = path.join(venv, "bin/python");
  const install = await runTool(
    DEBIAN_PYTHON,
    [
      "-m",
      "pip",
      "--python",
      python,
      "install",
      "--no-cache-dir",
      "--index-url",
      indexUrl,
      requirement,
    ],
    { env, timeoutMs: 120_000 },
  );
  return { python, install };
}
