/** One interpreter's PEP 508 marker environment and what creating a venv with it needs. */
import { realpathSync } from "node:fs";
import { ConfigurationError, errorMessage } from "../runtime/errors.js";
import type { Interpreter, InterpreterSource } from "./discover.js";
import { runPython } from "./run.js";

export interface InterpreterInfo extends Interpreter {
  /** PEP 508's marker variables, as `packaging.markers.default_environment()` gives them. */
  markers: Record<string, string>;
  /** `sys.executable` as the interpreter reports it. */
  executable: string;
  prefix: string;
  basePrefix: string;
  hasVenv: boolean;
  /** Debian's system python lacks it unless python3-venv is installed. */
  hasEnsurepip: boolean;
}

/** Prints everything as JSON in one process; works on every Python 3. */
export const infoScript = `
import json, os, platform, sys
from importlib.util import find_spec

def full_version(info):
    version = "%d.%d.%d" % (info.major, info.minor, info.micro)
    if info.releaselevel != "final":
        version += info.releaselevel[0] + str(info.serial)
    return version

print(json.dumps({
    "markers": {
        "implementation_name": sys.implementation.name,
        "implementation_version": full_version(sys.implementation.version),
        "os_name": os.name,
        "platform_machine": platform.machine(),
        "platform_python_implementation": platform.python_implementation(),
        "platform_release": platform.release(),
        "platform_system": platform.system(),
        "platform_version": platform.version(),
        "python_full_version": platform.python_version(),
        "python_version": ".".join(platform.python_version_tuple()[:2]),
        "sys_platform": sys.platform,
    },
    "executable": sys.executable,
    "realPath": os.path.realpath(sys.executable),
    "prefix": sys.prefix,
    "basePrefix": getattr(sys, "base_prefix", sys.prefix),
    "hasVenv": find_spec("venv") is not None,
    "hasEnsurepip": find_spec("ensurepip") is not None,
}))
`;

type Reported = Omit<InterpreterInfo, "path" | "version" | "source">;

export async function interpreterInfo(
  file: string,
  source: InterpreterSource = "path",
): Promise<InterpreterInfo> {
  let reported: Reported;
  try {
    // -E -s: PYTHON* variables and the user's site-packages must not change the answer.
    reported = JSON.parse(await runPython(file, ["-E", "-s", "-c", infoScript]));
  } catch (error) {
    throw new ConfigurationError(`cannot read the Python at ${file}: ${errorMessage(error)}`);
  }
  return {
    path: file,
    // `+` marks a build from a development branch (`3.12.5+`); PEP 440 compares the release.
    version: reported.markers.python_full_version.replace(/\+$/, ""),
    source,
    ...reported,
    realPath: reported.realPath || realpathSync(file),
  };
}
