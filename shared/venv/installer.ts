/** Which installer sets the venv up, and its version for the cache key. */
import { runCommand, which } from "../runtime/command.js";
import type { Installer } from "./install.js";

type Env = Record<string, string | undefined>;

/** `auto` takes uv where it is on PATH, else pip. */
export function chooseInstaller(input: "auto" | Installer, env: Env): Installer {
  if (input !== "auto") return input;
  return which("uv", env) ? "uv" : "pip";
}

/** `uv --version` for uv; pip's version is the venv's own, so it has none here. */
export async function installerVersion(installer: Installer, env: Env): Promise<string> {
  if (installer !== "uv") return "";
  return (await runCommand("uv", ["--version"], { env })).output.trim();
}
