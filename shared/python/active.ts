import path from "node:path";

/** The python a step runs by default: the active venv's (setup-venv exports VIRTUAL_ENV), else `python3`. */
export function activePython(env: NodeJS.ProcessEnv): string {
  return env.VIRTUAL_ENV ? path.join(env.VIRTUAL_ENV, "bin", "python") : "python3";
}
