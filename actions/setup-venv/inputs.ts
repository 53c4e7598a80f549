/** setup-venv's inputs, read and validated from action.yml's names. */
import { InputReader } from "../../shared/runtime/index.js";

export interface SetupVenvInputs {
  workingDirectory: string;
  workspace: string;
  pythonVersion?: string;
  pythonVersionFile?: string;
  lockfile?: string;
  groups: "default" | "all" | string[];
  extras: "all" | string[];
  installProject: boolean;
  installer: "auto" | "pip" | "uv";
  venvPath: string;
  cache: "auto" | "true" | "false";
  cacheSuffix: string;
}

const listOrAll = (list: string[]) =>
  list.length === 1 && list[0].toLowerCase() === "all" ? "all" : list;

export function loadInputs(reader = new InputReader(), env = process.env): SetupVenvInputs {
  const workingDirectory = reader.workingDirectory();
  const groups = listOrAll(reader.list("groups"));
  const lockfile = reader.optional("lockfile");
  const pythonVersionFile = reader.optional("python-version-file");
  if (pythonVersionFile) reader.existing("python-version-file", workingDirectory, "file");
  return Object.freeze({
    workingDirectory,
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    pythonVersion: reader.optional("python-version"),
    pythonVersionFile,
    lockfile:
      lockfile === undefined ? undefined : reader.existing("lockfile", workingDirectory, "file"),
    groups: groups.length === 0 ? "default" : groups,
    extras: listOrAll(reader.list("extras")),
    installProject: reader.boolean("install-project", true),
    installer: reader.choice("installer", ["auto", "pip", "uv"] as const, "auto"),
    venvPath: reader.writable("venv-path", workingDirectory, "directory", ".venv"),
    cache: reader.choice("cache", ["auto", "true", "false"] as const, "auto"),
    cacheSuffix: reader.raw("cache-suffix"),
  });
}
