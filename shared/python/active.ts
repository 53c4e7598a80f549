/** The python a step runs by default: the active venv's, else python3. */

import { type Host, nativeHost } from "../runtime/host.js";
import { venvPython } from "./venv-layout.js";

/** The python a step runs by default: the active venv's (setup-venv exports VIRTUAL_ENV), else `python3`. */
export function activePython(env: NodeJS.ProcessEnv, host: Host = nativeHost): string {
  if (env.VIRTUAL_ENV) return venvPython(env.VIRTUAL_ENV, host);
  return host.windows ? "python" : "python3";
}
