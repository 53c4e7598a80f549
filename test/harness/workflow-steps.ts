/** A workflow step as the emulated runner runs it: `run:`, one of our actions, or a stand-in. */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { inputVariable } from "../../shared/runtime/inputs.js";
import { DEBIAN_PYTHON } from "./publish-tools.js";
import { actionDirectory, repoRoot, runAction } from "./runner.js";
import { runStep, type StepResult } from "./step.js";

export interface WorkflowStep {
  id?: string;
  name?: string;
  if?: string | boolean;
  uses?: string;
  with?: Record<string, unknown>;
  run?: string;
  shell?: string;
  env?: Record<string, unknown>;
  "working-directory"?: string;
}

/** What runs a step: a `run:` script, an action of ours, or a stand-in for a GitHub action. */
export type StepKind = { kind: "run" } | { kind: "action"; directory: string } | StandIn;

interface StandIn {
  kind: "stand-in";
  /** The `with:` keys it takes; any other is an error. */
  inputs: string[];
  command: [string, ...string[]];
}

/** The job a step runs in: its folders, the project checkout copies, and the tag or branch. */
export interface StepJob {
  home: string;
  workspace: string;
  project: string;
  ref: string;
  event: { name: string; payload: unknown };
}

const bash = (script: string): [string, ...string[]] => [
  "bash",
  "--noprofile",
  "--norc",
  "-ec",
  script,
];

const setupPython = `venv="$RUNNER_TOOL_CACHE/Python/debian-venv"
${DEBIAN_PYTHON} -m venv --system-site-packages --without-pip "$venv"
echo "setup-python stand-in: Debian's $("$venv/bin/python" -V), whatever python-version says"
echo "$venv/bin" >> "$GITHUB_PATH"
echo "VIRTUAL_ENV=$venv" >> "$GITHUB_ENV"
echo "python-path=$venv/bin/python" >> "$GITHUB_OUTPUT"`;

const standIns: Record<string, Omit<StandIn, "kind">> = {
  "actions/checkout": {
    inputs: ["persist-credentials"],
    command: bash('cp -a "$PYSHIP_CHECKOUT_FROM/." "$GITHUB_WORKSPACE/"'),
  },
  "actions/setup-python": { inputs: ["python-version"], command: bash(setupPython) },
  "actions/download-artifact": {
    inputs: ["name", "path"],
    command: [process.execPath, path.join(repoRoot, "test/harness/download-artifact.mjs")],
  },
};

/** `<owner>/pyship/actions/<name>@<ref>` (the templates' placeholder) or `./actions/<name>`. */
const ours = /^(?:[^/]+\/pyship\/|\.\/)actions\/([\w-]+)(?:@.+)?$/;

/** The kind of a step, or an error naming it: no step is skipped for want of a stand-in. */
export function stepKind(step: WorkflowStep, label: string): StepKind {
  if (step.run !== undefined && step.uses === undefined) return runKind(step, label);
  const uses = step.uses ?? "";
  const name = ours.exec(uses)?.[1];
  if (name) return { kind: "action", directory: actionDirectory(name) };
  const standIn = standIns[uses.split("@")[0]];
  if (standIn) return { kind: "stand-in", ...standIn };
  throw new Error(`${label}: the emulated runner has no stand-in for uses: ${uses || "(none)"}`);
}

/** Runs one step with `inputs` (its interpolated `with:`) in `env`. */
export async function runWorkflowStep(
  kind: StepKind,
  step: WorkflowStep,
  inputs: Record<string, string>,
  env: Record<string, string>,
  job: StepJob,
  index: number,
): Promise<StepResult> {
  const stepDir = path.join(job.home, "steps", String(index));
  const timeoutMs = 5 * 60_000;
  if (kind.kind === "action") {
    const { workspace, home, ref, event } = job;
    // The post entry runs right after main, not at the end of the job.
    return runAction({
      action: kind.directory,
      inputs,
      env,
      ref,
      event,
      workspace,
      home,
      post: true,
    }).then((result) =>
      result.post?.exitCode ? { ...result, exitCode: result.post.exitCode } : result,
    );
  }
  if (kind.kind === "run") return runStep(runCommand(step, stepDir), env, stepDir, timeoutMs);
  const unknown = Object.keys(inputs).filter((name) => !kind.inputs.includes(name));
  if (unknown.length > 0) throw new Error(`${step.uses}: the stand-in takes no input ${unknown}`);
  const given = Object.entries(inputs).map(([name, value]) => [inputVariable(name), value]);
  const standInEnv = { ...env, ...Object.fromEntries(given), PYSHIP_CHECKOUT_FROM: job.project };
  return runStep(kind.command, standInEnv, stepDir, timeoutMs);
}

/** A `run:` step, in bash as on Linux; other shells and working-directory are not emulated. */
function runKind(step: WorkflowStep, label: string): StepKind {
  if (step.shell !== undefined && step.shell !== "bash")
    throw new Error(`${label}: shell ${step.shell} is not emulated`);
  if (step["working-directory"]) throw new Error(`${label}: working-directory is not emulated`);
  return { kind: "run" };
}

/** The script file of a `run:` step (already interpolated) and GitHub's bash command line for it. */
function runCommand(step: WorkflowStep, stepDir: string): [string, ...string[]] {
  mkdirSync(stepDir, { recursive: true });
  const script = path.join(stepDir, "script.sh");
  writeFileSync(script, step.run ?? "");
  if (step.shell === "bash") return ["bash", "--noprofile", "--norc", "-eo", "pipefail", script];
  return ["bash", "-e", script];
}
