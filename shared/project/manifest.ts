/** pyproject.toml read once, with the settings the actions act on as typed fields. */
import { existsSync } from "node:fs";
import path from "node:path";
import { type ExcludeNewerSetting, excludeNewerSetting } from "./exclude-newer.js";
import { isTable, readTomlFile, type Table, tableAt } from "./files.js";
import { type Manifest, manifestOf } from "./pyproject.js";

export type ConfiguredTool = "uv" | "poetry" | "pdm";

export interface PackageIndex {
  name: unknown;
  url: string;
}

export interface ProjectManifest extends Manifest {
  requiresPython?: string;
  /** Tools with a `[tool.<name>]` table. */
  tools: ConfiguredTool[];
  /** PDM's `[[tool.pdm.source]]` entries. */
  pdmSources: PackageIndex[];
  /** A tool setting turns packaging off (uv `package`, PDM `distribution`, Poetry `package-mode`). */
  packagingOff: boolean;
  hasBuildSystem: boolean;
  /** uv's `[tool.uv] exclude-newer` or PDM's `[tool.pdm.resolution] exclude-newer`, as written. */
  excludeNewer?: ExcludeNewerSetting;
}

/** The directory's pyproject.toml, or undefined where it has none. */
export function readManifest(
  directory: string,
  shown: (file: string) => string,
): ProjectManifest | undefined {
  const file = path.join(directory, "pyproject.toml");
  if (!existsSync(file)) return undefined;
  const { data, text } = readTomlFile(file, shown(file));
  return typedManifest(manifestOf(data, text, shown(file), file));
}

function typedManifest(manifest: Manifest): ProjectManifest {
  const tool = tableAt(manifest.data, ["tool"]);
  const requiresPython = tableAt(manifest.data, ["project"])["requires-python"];
  return {
    ...manifest,
    requiresPython: typeof requiresPython === "string" ? requiresPython : undefined,
    tools: (["uv", "poetry", "pdm"] as const).filter((name) => name in tool),
    pdmSources: pdmSources(tool),
    packagingOff:
      tableAt(tool, ["uv"]).package === false ||
      tableAt(tool, ["pdm"]).distribution === false ||
      tableAt(tool, ["poetry"])["package-mode"] === false,
    hasBuildSystem: "build-system" in manifest.data,
    excludeNewer: excludeNewerSetting(manifest),
  };
}

function pdmSources(tool: Table): PackageIndex[] {
  const sources = tableAt(tool, ["pdm"]).source;
  return (Array.isArray(sources) ? sources : [])
    .filter(isTable)
    .map((source) => ({ name: source.name, url: String(source.url ?? "") }));
}
