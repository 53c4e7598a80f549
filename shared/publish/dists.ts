/** The dists in a packages directory, checked to be one project's. */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { splitSdistFilename, splitWheelFilename } from "../dists/filenames.js";
import { normalizeName } from "../project/names.js";
import { ConfigurationError } from "../runtime/errors.js";

/** The project a dist's file name belongs to, normalized; undefined for other files. */
export function distProject(filename: string): string | undefined {
  const name =
    splitWheelFilename(filename)?.fields[0] ?? splitSdistFilename(filename)?.distribution;
  return name === undefined ? undefined : normalizeName(name);
}

/** Every `.whl` and `.tar.gz` file in `directory`, sorted by name; refuses none or a mix. */
export function findDists(directory: string, shownAs: string, input = "packages-dir"): string[] {
  if (!existsSync(directory) || !statSync(directory).isDirectory()) {
    throw new ConfigurationError(
      `input '${input}' is ${shownAs}, which is not a directory; build the dists first (pyship build-dist, or download its artifact)`,
    );
  }
  const files = readdirSync(directory)
    .filter((name) => name.endsWith(".whl") || name.endsWith(".tar.gz"))
    .sort()
    .map((name) => path.join(directory, name))
    .filter((file) => statSync(file).isFile());
  if (files.length === 0) {
    throw new ConfigurationError(`no .whl or .tar.gz files in ${shownAs} (input '${input}')`);
  }
  const projects = new Map<string, string[]>();
  for (const file of files) {
    const name = path.basename(file);
    const project = distProject(name) ?? name;
    projects.set(project, [...(projects.get(project) ?? []), name]);
  }
  if (projects.size > 1) {
    const listed = [...projects].map(([project, names]) => `${project} (${names.join(", ")})`);
    throw new ConfigurationError(
      `${shownAs} holds dists of more than one project: ${listed.join("; ")}. Publish one project per step.`,
    );
  }
  return files;
}
