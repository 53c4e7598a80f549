/**
 * `npm run demo`: the pipeline from PR to release on examples/hello-pyship, with no network. Each
 * step is a shipped bundle (or actions/release) run through the test harness, against its local
 * stand-ins for GitHub and PyPI; it ends with a table of each step's time and result.
 *
 * It opens with a pull request that adds idna 3.6 (PYSEC-2024-60, fixed in 3.7): lock-check shows
 * the lock diff and audit fails the PR on its new vulnerability. The release then goes on from the
 * project as it is in git, without that PR.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runCommand } from "../shared/runtime/command.js";
import { attestationSummary } from "../shared/sigstore/pep740.js";
import { startArtifactService } from "../test/harness/artifact-service.js";
import { backendWheels } from "../test/harness/backend-wheels.js";
import { startCacheService } from "../test/harness/cache-service.js";
import { startIndex } from "../test/harness/index-server.js";
import { DEBIAN_PYTHON, installFromIndex } from "../test/harness/publish-tools.js";
import { startPublishWorld } from "../test/harness/publish-world.js";
import {
  type Files,
  pullRequestEvent,
  pullRequestRepo,
} from "../test/harness/pull-request-repo.js";
import { type ActionResult, inheritedEnv, repoRoot, runAction } from "../test/harness/runner.js";

const scratch = mkdtempSync(path.join(os.tmpdir(), "pyship-demo-"));
const workspace = path.join(scratch, "hello-pyship");
const tag = "refs/tags/v0.1.0";
const example = path.join(repoRoot, "examples/hello-pyship");
const advisoryDb = path.join(repoRoot, "test/fixtures/advisories");

interface Row {
  step: string;
  seconds: number;
  result: string;
  ok: boolean;
}
const rows: Row[] = [];
const stepCount = 10;

class StepFailed extends Error {}

/** Runs one step, timing it; a failure becomes one line and stops the pipeline. */
async function step(name: string, body: () => Promise<string>): Promise<void> {
  const started = performance.now();
  let result: string;
  let ok = true;
  try {
    result = await body();
  } catch (error) {
    ok = false;
    result = error instanceof Error ? error.message.split("\n")[0] : String(error);
  }
  rows.push({ step: name, seconds: (performance.now() - started) / 1000, result, ok });
  console.log(`${ok ? "✓" : "✗"} ${name}: ${result}`);
  if (!ok) throw new StepFailed(name);
}

function showAnnotations(result: ActionResult): void {
  for (const a of result.annotations) {
    console.log(`    ${a.level}: ${a.message.split("\n")[0]}`);
  }
}

/** The action's outcome, or its first error as the failure. */
function passed(result: ActionResult, what: (outputs: Record<string, string>) => string): string {
  const errors = result.annotations.filter((a) => a.level === "error");
  showAnnotations(result);
  if (result.exitCode !== 0) {
    throw new Error(errors[0]?.message ?? `exit code ${result.exitCode}: ${result.stderr.trim()}`);
  }
  return what(result.outputs);
}

/** The action's expected failure (an error annotation that `expected` matches); a pass fails the step. */
function failedAsExpected(
  result: ActionResult,
  expected: RegExp,
  what: (outputs: Record<string, string>) => string,
): string {
  showAnnotations(result);
  if (result.exitCode === 0)
    throw new Error(`passed, but should have failed: ${what(result.outputs)}`);
  const errors = result.annotations.filter((a) => a.level === "error").map((a) => a.message);
  if (!errors.some((message) => expected.test(message)))
    throw new Error(errors[0] ?? `exit code ${result.exitCode}: ${result.stderr.trim()}`);
  return what(result.outputs);
}

function table(): string {
  const width = Math.max(...rows.map((row) => row.step.length), "total".length);
  const seconds = (value: number) => `${value.toFixed(1).padStart(5)} s`;
  const total = rows.reduce((sum, row) => sum + row.seconds, 0);
  return [
    `| ${"step".padEnd(width)} |    time | result`,
    `|-${"-".repeat(width)}-|---------|-------`,
    ...rows.map(
      (row) =>
        `| ${row.step.padEnd(width)} | ${seconds(row.seconds)} | ${row.ok ? "ok" : "FAILED"}: ${row.result}`,
    ),
    `| ${"total".padEnd(width)} | ${seconds(total)} | ${rows.filter((row) => row.ok).length} of ${stepCount} steps passed`,
  ].join("\n");
}

/** The release's PEP 740 attestations: how many, their Rekor entries and the identity that signed them. */
function attested(files = ""): string {
  const summaries = files
    .split("\n")
    .filter(Boolean)
    .map((file) => attestationSummary(JSON.parse(readFileSync(file, "utf8"))));
  if (summaries.length === 0) return "no attestations";
  const entries = summaries.map((summary) => summary.logIndex).join(", ");
  return `${summaries.length} PEP 740 attestations (Rekor log index ${entries}), signed as ${summaries[0].identity}, verified by the index`;
}

/** The example's manifest, lock and readme, as committed: the PR's base. */
function exampleFiles(): Files {
  const files = ["pyproject.toml", "uv.lock", "README.md"];
  return Object.fromEntries(
    files.map((name) => [name, readFileSync(path.join(example, name), "utf8")]),
  );
}

/** The PR's head: idna==3.6 declared, and locked as uv writes it (the project's entry, then idna's). */
function addsIdna(base: Files): Files {
  const pyproject = base["pyproject.toml"] ?? "";
  const lock = base["uv.lock"] ?? "";
  const project = 'source = { editable = "." }\n';
  if (!pyproject.includes("dependencies = []\n") || !lock.endsWith(project))
    throw new Error("examples/hello-pyship no longer has the shape the PR edits");
  return {
    "pyproject.toml": pyproject.replace("dependencies = []\n", 'dependencies = ["idna==3.6"]\n'),
    "uv.lock": [
      lock,
      'dependencies = [\n    { name = "idna" },\n]\n',
      '\n[package.metadata]\nrequires-dist = [{ name = "idna", specifier = "==3.6" }]\n',
      '\n[[package]]\nname = "idna"\nversion = "3.6"\nsource = { registry = "https://pypi.org/simple" }\n',
    ].join(""),
  };
}

/** lock-check's diff outputs: the counts, and each added package with its version. */
function lockDiff(outputs: Record<string, string>): string {
  const counts = `${outputs.added} added, ${outputs.removed} removed, ${outputs.changed} changed`;
  const files: { changes: { kind: string; name: string; to?: string; direct?: boolean }[] }[] =
    JSON.parse(outputs.diff || "[]");
  const added = files
    .flatMap((file) => file.changes)
    .filter((change) => change.kind === "added")
    .map((change) => `${change.name} ${change.to}${change.direct ? " (direct)" : ""}`);
  return `${counts}${added.length > 0 ? `: adds ${added.join(", ")}` : ""}; no drift: ${outputs.drift === "false"}`;
}

/** audit's new findings, from its pip-audit-shaped JSON report: which package, which advisory, which fix. */
function newVulnerabilities(outputs: Record<string, string>): string {
  const count = Number(outputs["new-vulnerabilities"]);
  const report: {
    dependencies: {
      name: string;
      version: string;
      vulns: { id: string; severity: string; fix_versions: string[]; baseline?: string }[];
    }[];
  } = JSON.parse(readFileSync(outputs["report-file"], "utf8"));
  const found = report.dependencies.flatMap((dep) =>
    dep.vulns
      .filter((vuln) => vuln.baseline === "new")
      .map((vuln) => {
        const fix =
          vuln.fix_versions.length > 0 ? `fixed in ${vuln.fix_versions.join(", ")}` : "no fix";
        return `${dep.name} ${dep.version} ${vuln.id} (${vuln.severity}, ${fix})`;
      }),
  );
  const noun = count === 1 ? "vulnerability" : "vulnerabilities";
  return `${count} new ${noun} (of ${outputs.vulnerabilities}): ${found.join(", ")}`;
}

/** The PR's steps: its lock diff, and audit against the base lock (`baseline: auto`) failing on a new vulnerability. */
async function pullRequest(): Promise<void> {
  const base = exampleFiles();
  const pr = pullRequestRepo(scratch, base, addsIdna(base));
  const event = pullRequestEvent(pr);
  await step("lock-check (PR)", async () =>
    passed(await runAction({ action: "lock-check", workspace: pr.dir, event }), lockDiff),
  );
  await step("audit (PR)", async () =>
    failedAsExpected(
      await runAction({
        action: "audit",
        workspace: pr.dir,
        event,
        inputs: {
          "vulnerability-service": "offline",
          "advisory-db": advisoryDb,
          baseline: "auto",
          "fail-on-scope": "new",
        },
      }),
      /^audit: .* not in the base lock/,
      (o) => `${newVulnerabilities(o)}; audit fails the PR, as it should`,
    ),
  );
}

async function pipeline(): Promise<void> {
  await pullRequest();
  cpSync(example, workspace, { recursive: true });
  // The build backends (flit_core, setuptools) come from this machine, served as a local index.
  backendWheels(path.join(scratch, "backends"));
  const backends = await startIndex({ directory: path.join(scratch, "backends") });
  const cache = await startCacheService();
  const artifacts = await startArtifactService();
  const world = await startPublishWorld();
  const pip = { PIP_INDEX_URL: backends.simpleUrl };
  // The venv a workflow's build step has: Debian's python, with `build`.
  const builder = path.join(scratch, "builder");
  const buildEnv = {
    ...pip,
    VIRTUAL_ENV: builder,
    PATH: `${path.join(builder, "bin")}${path.delimiter}${inheritedEnv().PATH}`,
  };
  try {
    await step("lock-check", async () =>
      passed(
        await runAction({ action: "lock-check", workspace }),
        (o) => `no drift: ${o.drift === "false"}`,
      ),
    );
    const setupVenv = () =>
      runAction({ action: "setup-venv", workspace, env: { ...cache.env, ...pip }, post: true });
    await step("setup-venv (cold)", async () => {
      const cold = await setupVenv();
      const saved = cold.post?.exitCode === 0 ? "venv saved to the cache" : "the cache save failed";
      return `${passed(cold, (o) => `${o.packages} package(s) into ${path.basename(o["venv-path"])}`)}, ${saved}`;
    });
    rmSync(path.join(workspace, ".venv"), { recursive: true, force: true });
    let python = "";
    await step("setup-venv (warm)", async () => {
      const warm = await setupVenv();
      python = warm.outputs["python-path"];
      return passed(warm, (o) => `cache hit: ${o["cache-hit"]}`);
    });
    await step("tests in the venv", async () => {
      const tests = await runCommand(python, ["-m", "unittest", "discover", "-s", "tests"], {
        cwd: workspace,
      });
      if (tests.code !== 0)
        throw new Error(`unittest failed: ${tests.output.trim().split("\n").pop()}`);
      return (
        tests.output
          .trim()
          .split("\n")
          .find((line) => /^Ran /.test(line)) ?? "ran"
      );
    });
    await step("audit (offline)", async () =>
      passed(
        await runAction({
          action: "audit",
          workspace,
          inputs: {
            "vulnerability-service": "offline",
            "advisory-db": advisoryDb,
          },
        }),
        (o) => `${o.vulnerabilities} vulnerabilities`,
      ),
    );
    execFileSync(DEBIAN_PYTHON, ["-m", "venv", "--system-site-packages", "--without-pip", builder]);
    await step("build-dist", async () =>
      passed(
        await runAction({
          action: "build-dist",
          workspace,
          ref: tag,
          env: { ...buildEnv, ...artifacts.env },
        }),
        (o) =>
          `${path.basename(o.sdist)} and ${o.wheels
            .split("\n")
            .map((w) => path.basename(w))
            .join(", ")}, artifact ${o["artifact-name"]}`,
      ),
    );
    await step("release (OIDC)", async () => {
      world.issuer.setClaims({ ref: tag, environment: "pypi" });
      const release = await runAction({
        action: "release",
        workspace,
        ref: tag,
        env: { ...buildEnv, ...world.issuer.env(), ...world.sigstore?.env() },
        inputs: { "repository-url": world.warehouse.legacyUrl },
      });
      return passed(
        release,
        (o) =>
          `${o.version}: uploaded ${o.uploaded.split("\n").join(", ")}, ${attested(o.attestations)}`,
      );
    });
    await step("install and import", async () => {
      const { python: installed, install } = await installFromIndex(
        path.join(scratch, "installed"),
        world.warehouse.simpleUrl,
        "hello-pyship==0.1.0",
        inheritedEnv(),
      );
      if (install.code !== 0)
        throw new Error(`pip install failed: ${install.output.trim().split("\n").pop()}`);
      const greet = await runCommand(installed, [
        "-c",
        "import hello_pyship; print(hello_pyship.greet('pyship'))",
      ]);
      if (greet.code !== 0)
        throw new Error(`import failed: ${greet.output.trim().split("\n").pop()}`);
      return `pip install hello-pyship==0.1.0 from the local index; ${greet.output.trim()}`;
    });
  } finally {
    await Promise.all([world.close(), artifacts.close(), cache.close(), backends.close()]);
  }
}

try {
  await pipeline();
} catch (error) {
  if (!(error instanceof StepFailed)) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    console.log(`pyship demo: could not set up the pipeline: ${message}`);
    process.exitCode = 1;
  }
}
console.log(`\n${table()}`);
if (rows.some((row) => !row.ok)) process.exitCode = 1;
rmSync(scratch, { recursive: true, force: true });
