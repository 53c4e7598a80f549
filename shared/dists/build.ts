/** Runs the build frontend (`python -m build` or `uv build`) once for every dist requested. */
import { readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { runCommand } from "../runtime/command.js";
import { ConfigurationError } from "../runtime/errors.js";
import { scratchDirectory } from "../runtime/paths.js";

export type Builder = "build" | "uv";
export type BuildStep = "sdist" | "wheel";

export interface BuildRequest {
  projectDirectory: string;
  builder: Builder;
  python: string;
  sdist: boolean;
  wheel: boolean;
  /** Build the wheel from the sdist just built, rather than from the tree. */
  wheelFromSdist: boolean;
  isolation: boolean;
  env: NodeJS.ProcessEnv;
  /** The command line, then each chunk of the frontend's output, for the log. */
  onOutput?: (text: string) => void;
}

export interface BuiltDists {
  /** A fresh directory holding only what this build wrote. */
  directory: string;
  sdist?: string;
  wheels: string[];
  command: string[];
}

/** The frontend failed; `step` is the dist it was building. */
export class BuildFailed extends Error {
  constructor(
    readonly step: BuildStep,
    readonly output: string,
    code: number,
  ) {
    super(`building the ${step} failed (exit code ${code})`);
  }
}

/** The command line for the request, writing into `outDir`. */
export function buildCommand(request: BuildRequest, outDir: string): string[] {
  const { sdist, wheel, wheelFromSdist } = request;
  // Both frontends build the wheel from the sdist when given neither flag.
  const only = sdist && wheel && wheelFromSdist ? [] : [sdist && "--sdist", wheel && "--wheel"];
  const steps = only.filter((flag): flag is string => Boolean(flag));
  if (request.builder === "uv") {
    const isolation = request.isolation ? [] : ["--no-build-isolation"];
    return [
      "uv",
      "build",
      ...steps,
      ...isolation,
      "--python",
      request.python,
      "--out-dir",
      outDir,
      request.projectDirectory,
    ];
  }
  // Without isolation the environment is used as it is, as pip and uv do: no dependency check.
  const isolation = request.isolation ? [] : ["--no-isolation", "--skip-dependency-check"];
  return [
    request.python,
    "-m",
    "build",
    ...steps,
    ...isolation,
    "--outdir",
    outDir,
    request.projectDirectory,
  ];
}

const stepMarkers: [RegExp, BuildStep][] = [
  [/^\* (Getting build dependencies for|Building) sdist/, "sdist"],
  [/^\* (Getting build dependencies for wheel|Building wheel)/, "wheel"],
  [/^Building source distribution/, "sdist"],
  [/^Building wheel/, "wheel"],
];

/** The step the frontend was in when its output ended. */
export function failedStep(output: string, first: BuildStep): BuildStep {
  let step = first;
  for (const line of output.split("\n")) {
    const marker = stepMarkers.find(([pattern]) => pattern.test(line.trimStart()));
    if (marker) step = marker[1];
  }
  return step;
}

export async function buildDists(request: BuildRequest): Promise<BuiltDists> {
  if (!request.sdist && !request.wheel) {
    throw new ConfigurationError("sdist and wheel are both false: there is nothing to build.");
  }
  const directory = scratchDirectory("pyship-build", request.env);
  try {
    return await buildInto(directory, request);
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
}

async function buildInto(directory: string, request: BuildRequest): Promise<BuiltDists> {
  const [file, ...args] = buildCommand(request, directory);
  request.onOutput?.(`$ ${[file, ...args].join(" ")}\n`);
  const result = await runCommand(file, args, {
    cwd: request.projectDirectory,
    env: request.env,
    onOutput: request.onOutput,
  });
  if (result.code === 127 && !result.output.includes("\n")) {
    const input = request.builder === "uv" ? "builder" : "python";
    throw new ConfigurationError(`input '${input}': ${result.output.trim()}`);
  }
  if (request.builder === "build" && /No module named build\b/.test(result.output)) {
    throw new ConfigurationError(
      `input 'python': ${request.python} has no \`build\` module. Install it in that environment (pip install build), or set builder: uv.`,
    );
  }
  if (result.code !== 0) {
    throw new BuildFailed(
      failedStep(result.output, request.sdist ? "sdist" : "wheel"),
      result.output,
      result.code,
    );
  }
  const files = readdirSync(directory).sort();
  return {
    directory,
    sdist: files
      .filter((name) => name.endsWith(".tar.gz"))
      .map((name) => path.join(directory, name))[0],
    wheels: files.filter((name) => name.endsWith(".whl")).map((name) => path.join(directory, name)),
    command: [file, ...args],
  };
}
