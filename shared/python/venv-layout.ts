/** Where a venv keeps its executables: `bin/` on POSIX, `Scripts\` on Windows. */
import { type Host, nativeHost } from "../runtime/host.js";

export const venvBin = (venv: string, host: Host = nativeHost): string =>
  host.path.join(venv, host.windows ? "Scripts" : "bin");

export const venvPython = (venv: string, host: Host = nativeHost): string =>
  host.path.join(venvBin(venv, host), host.windows ? "python.exe" : "python");
