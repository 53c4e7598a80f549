/** The emulated runner for a workflow file: its jobs in `needs` order, each in a fresh workspace. */
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import type { RunningArtifactService } from "./artifact-service.js";
import { type Contexts, condition, interpolate, type Value } from "./expressions.js";
import type { RunningOidcIssuer } from "./oidc-issuer.js";
import { jobEnvironment } from "./runner.js";
import type { StepResult } from "./step.js";
import { runWorkflowStep, type StepJob, stepKind, type WorkflowStep } from "./workflow-steps.js";

export interface WorkflowJob {
  name?: string;
  needs?: string | string[];
  if?: string | boolean;
  environment?: string | { name: string; url?: string };
  permissions?: string | Record<string, string>;
  env?: Record<string, unknown>;
  outputs?: Record<string, string>;
  steps: WorkflowStep[];
}

export interface Workflow {
  name?: string;
  on: unknown;
  env?: Record<string, unknown>;
  permissions?: string | Record<string, string>;
  jobs: Record<string, WorkflowJob>;
}

export interface WorkflowOptions {
  /** The workflow file (its name goes into the OIDC claims). */
  file: string;
  /** What actions/checkout copies into each job's workspace. */
  project: string;
  ref: string;
  event?: string;
  /** "owner/name" (default the issuer's, octo-org/octo-repo). */
  repository?: string;
  artifacts: RunningArtifactService;
  issuer?: RunningOidcIssuer;
  /** The runner machine's own settings, for every step (such as PIP_INDEX_URL). */
  env?: Record<string, string>;
  /** Changes the inputs an action of ours gets (such as an index URL to a stand-in's). */
  rewriteInputs?: (directory: string, inputs: Record<string, string>) => Record<string, string>;
  /** Where job folders go (default a fresh temporary one). */
  scratch?: string;
}

export type Conclusion = "success" | "failure" | "skipped";

export interface StepRun {
  label: string;
  conclusion: Conclusion;
  result?: StepResult;
}

export interface JobRun {
  id: string;
  conclusion: Conclusion;
  /** The environment the job's steps started from. */
  env: Record<string, string>;
  outputs: Record<string, string>;
  steps: StepRun[];
}

const repositoryOf = (options: WorkflowOptions) => options.repository ?? "octo-org/octo-repo";

export function readWorkflow(file: string): Workflow {
  return parseYaml(readFileSync(file, "utf8")) as Workflow;
}

/** Runs every job the event triggers, in `needs` order; resolves to the jobs in the order run. */
export async function runWorkflow(options: WorkflowOptions): Promise<JobRun[]> {
  const workflow = readWorkflow(options.file);
  const event = options.event ?? "push";
  if (!triggers(workflow.on, event, options.ref))
    throw new Error(`${path.basename(options.file)} is not triggered by ${event} ${options.ref}`);
  const order = jobOrder(workflow.jobs);
  for (const id of order) checkSteps(id, workflow.jobs[id]);
  const scratch = options.scratch ?? mkdtempSync(path.join(os.tmpdir(), "pyship-workflow-"));
  const done = new Map<string, JobRun>();
  for (const id of order) done.set(id, await runJob(id, workflow, options, scratch, done));
  return [...done.values()];
}

/** Job ids with every job after the ones it needs (declaration order otherwise). */
export function jobOrder(jobs: Record<string, WorkflowJob>): string[] {
  const order: string[] = [];
  const visit = (id: string, chain: string[]) => {
    if (chain.includes(id)) throw new Error(`jobs need each other: ${[...chain, id].join(" → ")}`);
    if (!jobs[id]) throw new Error(`job ${chain.at(-1)} needs ${id}, which is not a job`);
    if (order.includes(id)) return;
    for (const need of needsOf(jobs[id])) visit(need, [...chain, id]);
    order.push(id);
  };
  for (const id of Object.keys(jobs)) visit(id, []);
  return order;
}

/** Every step must have a way to run before any job starts. */
function checkSteps(id: string, job: WorkflowJob): void {
  if (!Array.isArray(job.steps)) throw new Error(`job ${id}: only jobs with steps are emulated`);
  for (const [index, step] of job.steps.entries()) stepKind(step, stepLabel(id, step, index));
}

const needsOf = (job: WorkflowJob) => [job.needs ?? []].flat();
const stepLabel = (job: string, step: WorkflowStep, index: number) =>
  `job ${job}, step ${index + 1} (${step.name ?? step.uses ?? step.run?.split("\n")[0]})`;

/** Whether `on:` starts the workflow for this event and ref (push's branches and tags filters). */
export function triggers(on: unknown, event: string, ref: string): boolean {
  const events = typeof on === "string" || Array.isArray(on) ? [on].flat() : Object.keys(on ?? {});
  if (!events.includes(event)) return false;
  const filter = (on as Record<string, { tags?: string[]; branches?: string[] } | null>)[event];
  if (event !== "push" || !filter || (!filter.tags && !filter.branches)) return true;
  const tag = ref.startsWith("refs/tags/");
  const patterns = (tag ? filter.tags : filter.branches) ?? [];
  const name = ref.replace(/^refs\/(tags|heads)\//, "");
  return patterns.some((glob) => globPattern(glob).test(name));
}

const globPattern = (glob: string) =>
  new RegExp(
    `^${glob
      .replace(/[.+?^${}()|[\]\\]/g, "\\$&")
      .replace(/\*\*|\*/g, (star) => (star === "**" ? ".*" : "[^/]*"))}$`,
  );

/** A job as it runs: where, in what environment, with what its steps have done so far. */
interface JobState {
  id: string;
  where: StepJob;
  options: WorkflowOptions;
  contexts: Contexts;
  env: Record<string, string>;
  /** GITHUB_PATH entries, the latest first. */
  path: string[];
  steps: Record<string, Value>;
  status: { failed: boolean };
}

async function runJob(
  id: string,
  workflow: Workflow,
  options: WorkflowOptions,
  scratch: string,
  done: Map<string, JobRun>,
): Promise<JobRun> {
  const job = workflow.jobs[id];
  const needs = needsContext(job, done);
  const failed = Object.values(needs).some((need) => need.result !== "success");
  const github = githubContext(workflow, options, id);
  if (!condition(job.if, { github, needs }, { failed }))
    return { id, conclusion: "skipped", env: {}, outputs: {}, steps: [] };
  const home = path.join(scratch, id);
  mkdirSync(home, { recursive: true });
  const workspace = path.join(home, "workspace");
  const event = { name: github.event_name, payload: github.event };
  const where: StepJob = { home, workspace, project: options.project, ref: options.ref, event };
  const env = jobEnv(id, workflow, options, where);
  const contexts = { github: { ...github, workspace }, needs };
  const state: JobState = {
    id,
    where,
    options,
    contexts,
    env: { ...env },
    path: [],
    steps: {},
    status: { failed: false },
  };
  const steps: StepRun[] = [];
  for (const [index, step] of job.steps.entries()) steps.push(await runOne(step, index, state));
  const outputs: Record<string, string> = {};
  for (const [name, value] of Object.entries(job.outputs ?? {}))
    outputs[name] = interpolate(value, { ...contexts, steps: state.steps });
  return { id, conclusion: state.status.failed ? "failure" : "success", env, outputs, steps };
}

/** `needs.<job>.result` and `.outputs` for the jobs this one needs. */
function needsContext(job: WorkflowJob, done: Map<string, JobRun>) {
  const needs: Record<string, { result: Conclusion; outputs: Record<string, string> }> = {};
  for (const need of needsOf(job)) {
    const run = done.get(need);
    needs[need] = { result: run?.conclusion ?? "skipped", outputs: run?.outputs ?? {} };
  }
  return needs;
}

function githubContext(workflow: Workflow, options: WorkflowOptions, job: string) {
  const repository = repositoryOf(options);
  const event_name = options.event ?? "push";
  const ref = options.ref;
  const ref_name = ref.replace(/^refs\/(tags|heads)\//, "");
  const event = { ref, repository: { full_name: repository } };
  return { repository, ref, ref_name, event_name, event, job, workflow: workflow.name ?? "" };
}

/** The job's starting environment: the runner's, the machine's, `env:`s, artifacts, OIDC. */
function jobEnv(id: string, workflow: Workflow, options: WorkflowOptions, job: StepJob) {
  const repository = repositoryOf(options);
  const env: Record<string, string> = {
    ...jobEnvironment(job),
    GITHUB_REPOSITORY: repository,
    GITHUB_REPOSITORY_OWNER: repository.split("/")[0],
    GITHUB_JOB: id,
    GITHUB_WORKFLOW: workflow.name ?? "",
    GITHUB_WORKFLOW_REF: workflowRef(options),
    ...options.env,
    ...options.artifacts.jobEnv(),
  };
  for (const [name, value] of Object.entries({ ...workflow.env, ...workflow.jobs[id].env }))
    env[name] = String(value);
  if (mayMintIdToken(workflow, workflow.jobs[id]))
    Object.assign(env, oidcEnv(id, workflow, options));
  return env;
}

const workflowRef = (options: WorkflowOptions) =>
  `${repositoryOf(options)}/.github/workflows/${path.basename(options.file)}@${options.ref}`;

function mayMintIdToken(workflow: Workflow, job: WorkflowJob): boolean {
  const permissions = job.permissions ?? workflow.permissions;
  if (typeof permissions === "string") return permissions === "write-all";
  return permissions?.["id-token"] === "write";
}

/** The issuer's request variables, with the claims GitHub would put in this job's token. */
function oidcEnv(id: string, workflow: Workflow, options: WorkflowOptions) {
  const { issuer } = options;
  if (!issuer) throw new Error(`job ${id} has id-token: write, but the runner has no issuer`);
  const environment = workflow.jobs[id].environment;
  issuer.resetClaims();
  issuer.setClaims({
    repository: repositoryOf(options),
    ref: options.ref,
    event_name: options.event ?? "push",
    workflow: workflow.name ?? "",
    workflow_ref: workflowRef(options),
    job_workflow_ref: workflowRef(options),
    environment: typeof environment === "string" ? environment : (environment?.name ?? null),
  });
  return issuer.env();
}

/** One step, if its `if:` holds: `with:`, `env:` and `run:` interpolated; GITHUB_ENV/PATH carry on. */
async function runOne(step: WorkflowStep, index: number, job: JobState): Promise<StepRun> {
  const label = stepLabel(job.id, step, index);
  const contexts: Contexts = {
    ...job.contexts,
    steps: job.steps,
    env: job.env,
    secrets: {},
    vars: {},
  };
  if (!condition(step.if, contexts, job.status)) return { label, conclusion: "skipped" };
  const text = (value: unknown) => interpolate(String(value), contexts, job.status);
  const kind = stepKind(step, label);
  let inputs = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, text(v)]));
  if (kind.kind === "action" && job.options.rewriteInputs)
    inputs = job.options.rewriteInputs(kind.directory, inputs);
  const env: Record<string, string> = {
    ...job.env,
    PATH: [...job.path, job.env.PATH].join(path.delimiter),
  };
  for (const [name, value] of Object.entries(step.env ?? {})) env[name] = text(value);
  const interpolated = step.run === undefined ? step : { ...step, run: text(step.run) };
  const result = await runWorkflowStep(kind, interpolated, inputs, env, job.where, index);
  Object.assign(job.env, result.env);
  job.path.unshift(...result.path.slice().reverse());
  const conclusion = result.exitCode === 0 ? "success" : "failure";
  if (step.id) job.steps[step.id] = { outputs: result.outputs, outcome: conclusion, conclusion };
  if (conclusion === "failure") job.status.failed = true;
  return { label, conclusion, result };
}
