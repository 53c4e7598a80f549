/** A composite action's steps, run as the runner runs them: `run:` steps in bash, expressions evaluated. */
import { mkdtempSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ActionMetadata } from "./action-metadata.js";
import { type Contexts, condition, interpolate } from "./expressions.js";
import { runStep, type StepResult } from "./step.js";

export interface CompositeOptions {
  /** The job's environment (GITHUB_*, RUNNER_*, the machine's); composite steps get no INPUT_*. */
  env: Record<string, string>;
  inputs: Record<string, string>;
  home: string;
  node: string;
  timeoutMs: number;
}

export async function runComposite(
  directory: string,
  metadata: ActionMetadata,
  options: CompositeOptions,
): Promise<StepResult> {
  const declared = metadata.inputs ?? {};
  const unknown = Object.keys(options.inputs).filter((name) => !(name in declared));
  if (unknown.length > 0) throw new Error(`inputs not declared in action.yml: ${unknown}`);
  const inputs = Object.fromEntries(
    Object.entries(declared).map(([name, spec]) => [
      name,
      options.inputs[name] ?? spec.default ?? "",
    ]),
  );
  const steps: Record<string, { outputs: Record<string, string>; outcome: string }> = {};
  const combined: StepResult = emptyResult();
  const status = { failed: false };
  const scripts = mkdtempSync(path.join(options.home, "composite-"));
  for (const [index, step] of (metadata.runs.steps ?? []).entries()) {
    if (step.uses || step.run === undefined)
      throw new Error(`composite step ${index}: only run: steps are emulated`);
    if (step.shell !== "bash")
      throw new Error(`composite step ${index}: shell must be bash, as the action declares it`);
    const contexts: Contexts = {
      inputs,
      steps,
      github: {
        action_path: directory,
        workspace: options.env.GITHUB_WORKSPACE,
        ref: options.env.GITHUB_REF,
      },
      env: { ...options.env, ...combined.env },
      runner: { os: options.env.RUNNER_OS, temp: options.env.RUNNER_TEMP },
    };
    if (!condition(step.if, contexts, status)) continue;
    const script = path.join(scripts, `step-${index}.sh`);
    writeFileSync(script, interpolate(step.run, contexts, status));
    const env: Record<string, string> = {
      ...options.env,
      ...combined.env,
      GITHUB_ACTION_PATH: directory,
    };
    for (const [name, value] of Object.entries(step.env ?? {}))
      env[name] = interpolate(String(value), contexts, status);
    // `node` in a run: step is the runner machine's node: here, the one the tests run the bundles with.
    env.PATH = [...combined.path.slice().reverse(), path.dirname(options.node), env.PATH].join(
      path.delimiter,
    );
    const result = await runStep(
      ["bash", "--noprofile", "--norc", "-eo", "pipefail", script],
      env,
      path.join(options.home, `step-${index}`),
      options.timeoutMs,
    );
    merge(combined, result);
    if (step.id)
      steps[step.id] = {
        outputs: result.outputs,
        outcome: result.exitCode === 0 ? "success" : "failure",
      };
    if (result.exitCode !== 0) {
      combined.exitCode = result.exitCode;
      status.failed = true;
    }
  }
  const contexts: Contexts = { steps, inputs };
  for (const [name, spec] of Object.entries(metadata.outputs ?? {})) {
    combined.outputs[name] = interpolate(spec.value ?? "", contexts);
  }
  return combined;
}

function emptyResult(): StepResult {
  return {
    exitCode: 0,
    stdout: "",
    stderr: "",
    outputs: {},
    env: {},
    path: [],
    state: {},
    summary: "",
    annotations: [],
    masks: [],
    debug: [],
  };
}

function merge(into: StepResult, step: StepResult): void {
  into.stdout += step.stdout;
  into.stderr += step.stderr;
  Object.assign(into.env, step.env);
  into.path.push(...step.path);
  into.summary += step.summary;
  into.annotations.push(...step.annotations);
  into.masks.push(...step.masks);
  into.debug.push(...step.debug);
}
