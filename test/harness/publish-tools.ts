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

/** hello-pyship 0.1.0 installed from `indexUrl` into a fresh venv: pip's result and greet('pyship'). */
export async function installHelloPyship(venv: string, indexUrl: string, env: NodeJS.ProcessEnv) {
  const { python, install } = await installFromIndex(venv, indexUrl, "hello-pyship==0.1.0", env);
  if (install.code !== 0) return { install, greeting: "" };
  const code = "import hello_pyship; print(hello_pyship.greet('pyship'))";
  const greeting = (await runTool(python, ["-c", code])).output.trim();
  return { install, greeting };
}
