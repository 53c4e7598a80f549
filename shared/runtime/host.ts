/** The machine's path flavour and executable test, passed in so Windows paths can be tested anywhere. */
import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";

export interface Host {
  path: path.PlatformPath;
  windows: boolean;
  isExecutable(file: string): boolean;
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

export const nativeHost: Host = {
  path,
  windows: process.platform === "win32",
  isExecutable: isExecutableFile,
};

/** The file extensions Windows tries for a bare command name (PATHEXT), lower-cased. */
export function executableExtensions(env: NodeJS.ProcessEnv, host: Host): string[] {
  if (!host.windows) return [""];
  const pathext = env.PATHEXT ?? env.Pathext ?? ".COM;.EXE;.BAT;.CMD";
  return pathext
    .split(";")
    .filter(Boolean)
    .map((extension) => extension.toLowerCase());
}

/** PATH as the environment spells it (`Path` on Windows). */
export function searchPath(env: NodeJS.ProcessEnv): string {
  return env.PATH ?? env.Path ?? "";
}
