/** Choosing the interpreter for a request: the highest matching version, earlier source on ties. */
import { compareVersions, satisfies } from "../project/pep440.js";
import { ConfigurationError } from "../runtime/errors.js";
import { findInterpreters, type Interpreter, pythonOnPath } from "./discover.js";
import { type InterpreterInfo, interpreterInfo } from "./info.js";
import { specifierOf, type VersionRequest } from "./request.js";

export async function selectInterpreter(
  request: VersionRequest,
  env: NodeJS.ProcessEnv = process.env,
): Promise<InterpreterInfo> {
  if (request.request === undefined) return defaultInterpreter(request, env);
  const specifier = specifierOf({ ...request, request: request.request });
  const found = await findInterpreters(env);
  let failure: unknown;
  for (const candidate of ranked(found.filter((i) => satisfies(i.version, specifier)))) {
    try {
      const info = await interpreterInfo(candidate.path, candidate.source);
      // A tool-cache directory's name is only a claim; the interpreter has the last word.
      if (satisfies(info.version, specifier)) return info;
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure) throw failure;
  throw noMatch(request, found);
}

/** Highest version first, final releases before pre-releases; ties keep discovery order. */
function ranked(interpreters: Interpreter[]): Interpreter[] {
  const isFinal = (version: string) => /^\d+(\.\d+)*$/.test(version);
  const finals = interpreters.filter((i) => isFinal(i.version));
  const preferred = finals.length > 0 ? finals : interpreters;
  return [...preferred].sort((a, b) => compareVersions(b.version, a.version));
}

/** No request: `python3` on PATH, else the highest interpreter found. */
async function defaultInterpreter(
  request: VersionRequest,
  env: NodeJS.ProcessEnv,
): Promise<InterpreterInfo> {
  const onPath = pythonOnPath(env);
  if (onPath) return interpreterInfo(onPath, "path");
  const [best] = ranked(await findInterpreters(env));
  if (best) return interpreterInfo(best.path, best.source);
  throw new ConfigurationError(
    `no Python found (from ${request.from}): not in the tool cache, on PATH, or in pyenv. ` +
      "Add actions/setup-python before this step.",
    request.location,
  );
}

function noMatch({ request = "", from, location }: VersionRequest, found: Interpreter[]) {
  const list = [...found]
    .sort((a, b) => compareVersions(b.version, a.version))
    .map((i) => `${i.version} (${i.path})`);
  const isRange = /^\s*[<>=!~]/.test(request);
  const setup = isRange
    ? `a python-version in '${request}'`
    : `python-version: ${request.replace(/\.[x*]$/, "")}`;
  return new ConfigurationError(
    `no Python matches '${request}' (from ${from}). Found: ${list.join(", ") || "none"}. ` +
      `Add actions/setup-python with ${setup} before this step.`,
    location,
  );
}
