import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { commentMarker } from "../../../actions/audit/comment.js";
import { loadInputs } from "../../../actions/audit/inputs.js";
import { run } from "../../../actions/audit/run.js";
import { InputReader, inputVariable } from "../../../shared/runtime/index.js";
import {
  auditLock,
  auditProject,
  auditPyproject,
  withPy,
  withVersion,
} from "../../harness/audit-locks.js";
import { contentsKey, type RunningGitHubApi, startGitHubApi } from "../../harness/github-api.js";
import { advisoryFixtures, type RunningOsvApi, startOsvApi } from "../../harness/osv-api.js";
import {
  type PullRequestRepo,
  pullRequestEvent,
  pullRequestRepo,
  shallowClone,
} from "../../harness/pull-request-repo.js";
import { runInProcess, summaryText } from "../../harness/recording-io.js";

const TOKEN = "ghs_SECRET_audit_baseline_token";
const lockText = auditLock;
const scratch = mkdtempSync(path.join(os.tmpdir(), "pyship-audit-baseline-"));
let osv: RunningOsvApi;
let api: RunningGitHubApi;
const contents = new Map<string, string>();

beforeAll(async () => {
  // One page per query: each querybatch query is one package.
  osv = await startOsvApi({ advisories: advisoryFixtures });
  api = await startGitHubApi({ token: TOKEN, contents });
});
afterAll(async () => {
  await Promise.all([osv?.close(), api?.close()]);
  rmSync(scratch, { recursive: true, force: true });
});

/** A PR on a git repository: the base's uv.lock, then the head's. */
const pullRequest = (base: string | undefined, head: string) =>
  pullRequestRepo(
    scratch,
    base === undefined ? { "pyproject.toml": auditPyproject } : auditProject(base),
    auditProject(head),
  );

/** Runs audit in-process on the PR's head checked out in `workspace`, with the PR's event. */
async function audit(
  inputs: Record<string, string>,
  repo: PullRequestRepo,
  workspace = repo.dir,
  apiUrl = api.url,
) {
  const event = pullRequestEvent(repo);
  const eventPath = path.join(mkdtempSync(path.join(scratch, "event-")), "event.json");
  writeFileSync(eventPath, JSON.stringify(event.payload));
  const env: Record<string, string> = {
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: scratch,
    GITHUB_EVENT_NAME: event.name,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: "pyship-test/example",
    GITHUB_API_URL: apiUrl,
  };
  const given = { "osv-url": osv.url, provenance: "off", "github-token": TOKEN, ...inputs };
  for (const [name, value] of Object.entries(given)) env[inputVariable(name)] = value;
  return runInProcess("audit", (io) =>
    run(loadInputs(new InputReader(env), env), io, { today: () => "2026-06-01", env }),
  );
}

const messages = (findings: { message: string }[]) => findings.map((f) => f.message);
const errorFindings = (io: { findings: { severity: string; message: string }[] }) =>
  messages(io.findings.filter((f) => f.severity === "error"));

/** jinja2 2.10 (two advisories) is what the PR brings in; requests' and urllib3's are in the base. */
const addsJinja = () => pullRequest(withVersion(lockText, "jinja2", "3.1.4"), lockText);

describe("audit against the PR's base lock, in-process", () => {
  test("fail-on-scope: new fails on what the PR brings in, and marks the rest existing", async () => {
    const { io, exitCode } = await audit({ "fail-on-scope": "new" }, addsJinja());
    expect(exitCode).toBe(1);
    const errors = errorFindings(io);
    expect(errors).toHaveLength(2);
    expect(
      errors.every((m) => m.startsWith("jinja2 2.10") && m.endsWith("(new: not in the base lock)")),
    ).toBe(true);
    const existing = io.findings.filter((f) => f.severity === "warning");
    expect(existing.length).toBeGreaterThan(0);
    expect(messages(existing).every((m) => m.endsWith("(existing: in the base lock too)"))).toBe(
      true,
    );
    expect(io.errors.at(-1)?.message).toBe(
      "audit: 2 vulnerabilities at or above fail-on (low) not in the base lock in 1 package(s); see the annotations and the job summary.",
    );
    expect(io.outputs["new-vulnerabilities"]).toBe("2");
    const summary = summaryText(io);
    expect(summary).toContain(
      "| package | version | advisory | aliases | severity | fixed in | group | baseline |",
    );
    expect(summary).toMatch(
      /Baseline: compared with uv\.lock at the base [0-9a-f]{12} \(read via git\)\./,
    );
    expect(summary).toContain(`(2 new, ${existing.length} existing)`);
  });

  test("an existing vulnerable package does not fail fail-on-scope: new; fail-on-scope: all still fails", async () => {
    const repo = pullRequest(lockText, withVersion(lockText, "jinja2", "3.1.4"));
    const scoped = await audit({ "fail-on-scope": "new" }, repo);
    expect(scoped.exitCode).toBe(0);
    expect(scoped.io.findings.length).toBeGreaterThan(0);
    expect(scoped.io.findings.every((f) => f.severity === "warning")).toBe(true);
    expect(scoped.io.outputs["new-vulnerabilities"]).toBe("0");
    const all = await audit({}, repo);
    expect(all.exitCode).toBe(1);
    expect(errorFindings(all.io)).toHaveLength(scoped.io.findings.length);
  });

  test("a package upgraded but still affected by the same advisory is existing", async () => {
    const repo = pullRequest(lockText, withVersion(lockText, "urllib3", "1.26.5"));
    const { io } = await audit({ "fail-on-scope": "new" }, repo);
    expect(io.findings.filter((f) => f.message.startsWith("urllib3 1.26.5"))).toEqual([
      expect.objectContaining({
        severity: "warning",
        message: expect.stringContaining("existing"),
      }),
      expect.objectContaining({
        severity: "warning",
        message: expect.stringContaining("existing"),
      }),
    ]);
  });

  test("a new lockfile: every finding is new", async () => {
    const { io, exitCode } = await audit(
      { "fail-on-scope": "new" },
      pullRequest(undefined, lockText),
    );
    expect(exitCode).toBe(1);
    expect(io.findings.every((f) => f.severity === "error" && f.message.includes("(new:"))).toBe(
      true,
    );
    expect(summaryText(io)).toContain("Baseline: uv.lock is new (not in the base");
  });

  test("fail-only-fixable: an advisory with no fixed version is reported but does not fail", async () => {
    const repo = pullRequest(lockText, withPy(lockText));
    const { io, exitCode } = await audit(
      { "fail-on-scope": "new", "fail-only-fixable": "true" },
      repo,
    );
    expect(exitCode).toBe(0);
    expect(io.findings.find((f) => f.code === "PYSEC-2022-42969")).toMatchObject({
      severity: "warning",
      message: expect.stringMatching(/^py 1\.11\.0: .*\(new: not in the base lock\)$/),
      fix: "No fixed version yet (fail-only-fixable: reported, not failing).",
    });
    const strict = await audit({ "fail-on-scope": "new" }, repo);
    expect(strict.exitCode).toBe(1);
    expect(errorFindings(strict.io)).toEqual([
      expect.stringMatching(/^py 1\.11\.0: PYSEC-2022-42969/),
    ]);
  });

  test("SARIF and the JSON report mark new and existing", async () => {
    const { io } = await audit({ "fail-on": "none" }, addsJinja());
    const sarif = JSON.parse(readFileSync(io.outputs["sarif-file"], "utf8"));
    const states = sarif.runs[0].results.map(
      (r: { ruleId: string; baselineState: string; properties: { baseline: string } }) => [
        r.ruleId,
        r.baselineState,
        r.properties.baseline,
      ],
    );
    expect(states).toContainEqual(["PYSEC-2019-217", "new", "new"]);
    expect(states).toContainEqual(["PYSEC-2023-74", "unchanged", "existing"]);
    const report = JSON.parse(readFileSync(io.outputs["report-file"], "utf8"));
    const jinja = report.dependencies.find((d: { name: string }) => d.name === "jinja2");
    expect(jinja.vulns.map((v: { baseline: string }) => v.baseline)).toEqual(["new", "new"]);
  });

  test("offline, the advisory database marks the same findings new", async () => {
    const repo = addsJinja();
    const offline = { "vulnerability-service": "offline", "advisory-db": advisoryFixtures };
    const { io, exitCode } = await audit({ ...offline, "fail-on-scope": "new" }, repo);
    expect(exitCode).toBe(1);
    expect(errorFindings(io)).toEqual([
      expect.stringMatching(/^jinja2 2\.10/),
      expect.stringMatching(/^jinja2 2\.10/),
    ]);
  });

  test("one round of OSV queries: the base adds only the packages the head does not query", async () => {
    osv.reset();
    await audit({ "fail-on": "none" }, addsJinja());
    const batches = osv.requests.filter((r) => r.path === "/v1/querybatch");
    // The head's 4 packages and the base's jinja2 3.1.4, in one batch; not 4 + 4.
    expect(batches.map((r) => r.queries)).toEqual([5]);
    const lookups = osv.requests.filter((r) => r.path.startsWith("/v1/vulns/")).map((r) => r.path);
    expect(new Set(lookups).size).toBe(lookups.length);
  });

  test("a shallow checkout reads the base lock through the contents API", async () => {
    const repo = addsJinja();
    const clone = shallowClone(repo.dir, scratch);
    contents.set(
      contentsKey("pyship-test/example", repo.baseSha, "uv.lock"),
      withVersion(lockText, "jinja2", "3.1.4"),
    );
    const before = api.requests.length;
    const { io, exitCode } = await audit({ "fail-on-scope": "new" }, repo, clone);
    expect(exitCode).toBe(1);
    expect(errorFindings(io)).toHaveLength(2);
    expect(summaryText(io)).toContain("(read via contents-api)");
    expect(api.requests.slice(before).map((r) => r.path)).toEqual([
      `/repos/pyship-test/example/contents/uv.lock?ref=${repo.baseSha}`,
    ]);
    expect(JSON.stringify(io)).not.toContain(TOKEN);
  });

  test("a base lock that cannot be read is a warning, and every finding counts", async () => {
    const repo = addsJinja();
    const clone = shallowClone(repo.dir, scratch);
    const forbidden = await startGitHubApi({ token: TOKEN, contentsStatus: 403 });
    try {
      const { io, exitCode } = await audit({ "fail-on-scope": "new" }, repo, clone, forbidden.url);
      expect(exitCode).toBe(1);
      expect(messages(io.warnings)).toContainEqual(
        expect.stringMatching(
          /^audit: could not read uv\.lock at the base [0-9a-f]{12} \(the contents API .*403/,
        ),
      );
      expect(io.findings.every((f) => f.severity === "error" && !f.message.includes("(new:"))).toBe(
        true,
      );
      expect(io.outputs["new-vulnerabilities"]).toBe(io.outputs.vulnerabilities);
    } finally {
      await forbidden.close();
    }
  });

  test("comment: audit's own sticky comment, created, updated, then deleted", async () => {
    const pr = (base: string, head: string) => pullRequest(base, head);
    const comments = () => api.comments("pyship-test", "example", 7);
    await audit({ comment: "true", "fail-on": "none" }, addsJinja());
    expect(comments()).toHaveLength(1);
    expect(comments()[0].body.startsWith(`${commentMarker}\n### audit: uv.lock`)).toBe(true);
    expect(comments()[0].body).toContain("🆕 new");
    await audit({ comment: "true", "fail-on": "none" }, pr(lockText, withPy(lockText)));
    expect(comments()).toHaveLength(1);
    expect(comments()[0].body).toContain("PYSEC-2022-42969");
    const clean = [
      ["requests", "2.32.3"],
      ["urllib3", "2.2.2"],
      ["jinja2", "3.1.4"],
    ].reduce((text, [name, version]) => withVersion(text, name, version), lockText);
    await audit({ comment: "true" }, pr(lockText, clean));
    expect(comments()).toHaveLength(0);
  });

  test("baseline: none, and fail-on-scope: new without it is refused", async () => {
    const { io } = await audit({ baseline: "none" }, addsJinja());
    expect(io.findings.every((f) => !/\((new|existing):/.test(f.message))).toBe(true);
    expect(io.outputs["new-vulnerabilities"]).toBe(io.outputs.vulnerabilities);
    const refused = await audit({ baseline: "none", "fail-on-scope": "new" }, addsJinja());
    expect(refused.exitCode).toBe(1);
    expect(refused.io.errors[0].message).toContain(
      "input 'fail-on-scope' is new, but 'baseline' is none",
    );
  });
});
