/** Which Python the user asked for (`3.12`, `3.12.4`, `>=3.10,<3.13`), and where they asked. */
import { existsSync } from "node:fs";
import path from "node:path";
import { parseTomlText, tableAt } from "../project/files.js";
import { isValidSpecifier } from "../project/pep440.js";
import { readText } from "../project/text.js";
import { ConfigurationError, type SourceLocation } from "../runtime/errors.js";

export interface VersionRequest {
  /** As the user wrote it; undefined means `python3` on PATH. */
  request?: string;
  /** Where it came from, for messages: "input 'python-version'", ".python-version". */
  from: string;
  location?: SourceLocation;
}

/**
 * The request as a PEP 440 specifier set: `3.12` and `3.12.x` match any 3.12.x, `3.12.4`
 * (or `3.13.0rc1`) exactly, and a range is used as written. Undefined when it is none of these.
 */
export function requestSpecifier(request: string): string | undefined {
  const text = request.trim();
  if (/^[<>=!~]/.test(text)) return isValidSpecifier(text) ? text : undefined;
  const series = /^(\d+(?:\.\d+)?)(?:\.[x*])?$/.exec(text);
  if (series) return `==${series[1]}.*`;
  if (/^\d+\.\d+\.\d+((a|b|rc)\d+)?$/.test(text)) return `==${text}`;
  return undefined;
}

const usage = "Use a version like 3.12 or 3.12.4, or a range like >=3.10,<3.13.";

/** The request's specifier set; a ConfigurationError names where a bad request came from. */
export function specifierOf(request: VersionRequest & { request: string }): string {
  const specifier = requestSpecifier(request.request);
  if (specifier) return specifier;
  throw new ConfigurationError(
    `${request.from} is not a Python version or range: '${request.request}'. ${usage}`,
    request.location,
  );
}

function checked(request: VersionRequest & { request: string }): VersionRequest {
  specifierOf(request);
  return request;
}

export interface RequestOptions {
  pythonVersion?: string;
  pythonVersionFile?: string;
  workingDirectory: string;
  /** The project's `requires-python`, when it has one. */
  requiresPython?: string;
}

/** Input `python-version`, else the file input, else `.python-version`, else requires-python. */
export function readVersionRequest(options: RequestOptions): VersionRequest {
  const version = options.pythonVersion?.trim() ?? "";
  const file = options.pythonVersionFile?.trim() ?? "";
  if (version && file) {
    throw new ConfigurationError("set input 'python-version' or 'python-version-file', not both");
  }
  if (version) return checked({ request: version, from: "input 'python-version'" });
  if (file) return readVersionFile(path.resolve(options.workingDirectory, file), file);
  const dotFile = path.join(options.workingDirectory, ".python-version");
  if (existsSync(dotFile)) return readVersionFile(dotFile, ".python-version");
  const requiresPython = options.requiresPython?.trim() ?? "";
  if (requiresPython) {
    return checked({ request: requiresPython, from: "requires-python in pyproject.toml" });
  }
  return { from: "python3 on PATH" };
}

/** pyproject.toml (requires-python), `.tool-versions` (its python line), or `.python-version`. */
export function readVersionFile(file: string, display: string): VersionRequest {
  const text = readText(file, display);
  const name = path.basename(file);
  if (name.endsWith(".toml")) return fromPyproject(text, display);
  const lines = text.split(/\r?\n/).map((line) => line.replace(/#.*/, "").trim());
  const isToolVersions = name === ".tool-versions";
  // pyenv and asdf allow several versions; the first one is the one `python` runs.
  const index = lines.findIndex((line) =>
    isToolVersions ? line.split(/\s+/)[0] === "python" : line !== "",
  );
  const request = lines[index]?.split(/\s+/)[isToolVersions ? 1 : 0];
  if (!request) {
    const what = isToolVersions ? "python line with a version" : "Python version";
    throw new ConfigurationError(`${display} has no ${what}`, { file: display });
  }
  const location = { file: display, line: index + 1 };
  const from = `${display} line ${index + 1}`;
  if (request === "system") return { from: `${from} ('system': python3 on PATH)`, location };
  return checked({ request, from, location });
}

function fromPyproject(text: string, display: string): VersionRequest {
  const request = tableAt(parseTomlText(text, display), ["project"])["requires-python"];
  if (typeof request !== "string" || request.trim() === "") {
    throw new ConfigurationError(`${display} has no project.requires-python`, { file: display });
  }
  const line = text.split(/\r?\n/).findIndex((l) => /^\s*["']?requires-python["']?\s*=/.test(l));
  const location = { file: display, ...(line >= 0 ? { line: line + 1 } : {}) };
  return checked({ request: request.trim(), from: `requires-python in ${display}`, location });
}
