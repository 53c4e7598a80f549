import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { writeZip } from "../harness/archives.js";
import { auditLock, auditProject, withPy, withVersion } from "../harness/audit-locks.js";
import { contentsKey, type RunningGitHubApi, startGitHubApi } from "../harness/github-api.js";
import { type RunningIndex, startIndex } from "../harness/index-server.js";
import type { ProvenanceStore } from "../harness/integrity-api.js";
import { type RunningOidcIssuer, startOidcIssuer } from "../harness/oidc-issuer.js";
import { advisoryFixtures, type RunningOsvApi, startOsvApi } from "../harness/osv-api.js";
import {
  attestPackage,
  type WorldPackage,
  writeLockedProject,
} from "../harness/provenance-world.js";
import {
  type PullRequestRepo,
  pullRequestEvent,
  pullRequestRepo,
  shallowClone,
} from "../harness/pull-request-repo.js";
import { type ActionResult, repoRoot, runAction } from "../harness/runner.js";
import { type RunningSigstore, startSigstore } from "../harness/sigstore.js";

const fixtures = path.join(repoRoot, "test/fixtures/audit");
const scratch = mkdtempSync(path.join(os.tmpdir(), "pyship-audit-"));
let osv: RunningOsvApi;
let zip: string;
let issuer: RunningOidcIssuer;
let sigstore: RunningSigstore;
let index: RunningIndex;
let trustedRoot: string;
const store: ProvenanceStore = new Map();
const signed: WorldPackage = {
  name: "signed-pkg",
  version: "1.0",
  files: ["signed_pkg-1.0-py3-none-any.whl", "signed_pkg-1.0.tar.gz"],
};
const plain: WorldPackage = { name: "plain", version: "2.0", files: ["plain-2.0.tar.gz"] };

beforeAll(async () => {
  osv = await startOsvApi({ advisories: advisoryFixtures, pageSize: 2 });
  issuer = await startOidcIssuer();
  sigstore = await startSigstore({ jwks: issuer.jwks });
  index = await startIndex({ files: [], provenance: store });
  await attestPackage(store, sigstore, issuer, signed);
  trustedRoot = path.join(scratch, "trusted_root.json");
  writeFileSync(trustedRoot, JSON.stringify(sigstore.trustedRoot));
  // The offline DB as an OSV all.zip: one JSON file per advisory.
  const records = [...osv.advisories.values()];
  zip = path.join(scratch, "all.zip");
  writeZip(
    zip,
    records.map((record) => ({
      name: `${(record as { id: string }).id}.json`,
      data: Buffer.from(JSON.stringify(record)),
    })),
  );
});
afterAll(async () => {
  await index?.close();
  await sigstore?.close();
  await issuer?.close();
  await osv?.close();
  rmSync(scratch, { recursive: true, force: true });
});

function workspaceOf(format: string): string {
  const dir = mkdtempSync(path.join(scratch, `${format}-`));
  cpSync(path.join(fixtures, format), dir, { recursive: true });
  return dir;
}

function audit(
  inputs: Record<string, string>,
  workspace = workspaceOf("uv"),
): Promise<ActionResult> {
  // The fixtures pin packages from pypi.org: provenance only where a test asks for it.
  return runAction({
    action: "audit",
    workspace,
    inputs: { "osv-url": osv.url, provenance: "off", ...inputs },
    env: { PYSHIP_SIGSTORE_TRUSTED_ROOT: trustedRoot },
  });
}

/** A project whose uv.lock pins `packages` from the harness index. */
const lockedProject = (...packages: WorldPackage[]) =>
  writeLockedProject(mkdtempSync(path.join(scratch, "locked-")), index.simpleUrl, packages);

const errors = (result: ActionResult) =>
  result.annotations.filter((a) => a.level === "error").map((a) => a.message);
const warnings = (result: ActionResult) =>
  result.annotations.filter((a) => a.level === "warning").map((a) => a.message);

/** The 1-based line of the `name = ` line of `name`'s `[[package]]` entry in a uv.lock. */
function uvLine(text: string, name: string): number {
  const lines = text.split("\n");
  const index = lines.findIndex(
    (line, i) => line === `name = "${name}"` && lines[i - 1] === "[[package]]",
  );
  return index + 1;
}

describe("audit through the bundled action", () => {
  test("online: annotations at the lockfile lines, summary, SARIF and JSON", async () => {
    const workspace = workspaceOf("uv");
    const result = await audit({}, workspace);
    expect(result.exitCode).toBe(1);
    const text = readFileSync(path.join(workspace, "uv.lock"), "utf8");
    const requests = result.annotations.find((a) => a.message.startsWith("requests 2.30.0"));
    expect(requests).toMatchObject({
      level: "error",
      file: "uv.lock",
      line: uvLine(text, "requests"),
    });
    expect(requests?.message).toContain("PYSEC-2023-74");
    expect(requests?.message).toContain("Fixed in 2.31.0.");
    expect(result.annotations.some((a) => a.message.startsWith("idna"))).toBe(false);
    expect(Number(result.outputs.vulnerabilities)).toBe(
      result.annotations.filter((a) => a.file === "uv.lock").length,
    );
    expect(result.outputs["vulnerable-packages"]).toBe("3");
    expect(result.summary).toContain(
      "| package | version | advisory | aliases | severity | fixed in | group |",
    );
    expect(result.summary).toContain(
      "[PYSEC-2023-74](https://osv.dev/vulnerability/PYSEC-2023-74)",
    );
    const sarif = JSON.parse(readFileSync(result.outputs["sarif-file"], "utf8"));
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0].results).toHaveLength(Number(result.outputs.vulnerabilities));
    const report = JSON.parse(readFileSync(result.outputs["report-file"], "utf8"));
    expect(
      report.dependencies.find((d: { name: string }) => d.name === "requests").vulns[0]
        .fix_versions,
    ).toEqual(["2.31.0"]);
    expect(errors(result).at(-1)).toContain("at or above fail-on (low)");
  });

  test("offline from a directory and from a zip find the same as online", async () => {
    const online = await audit({ "fail-on": "none" });
    const fromDir = await audit({
      "vulnerability-service": "offline",
      "advisory-db": advisoryFixtures,
      "fail-on": "none",
    });
    const fromZip = await audit({
      "vulnerability-service": "offline",
      "advisory-db": zip,
      "fail-on": "none",
    });
    const shown = (result: ActionResult) =>
      result.annotations.map((a) => `${a.line} ${a.title} ${a.message}`).sort();
    expect(online.exitCode).toBe(0);
    expect(shown(fromDir)).toEqual(shown(online));
    expect(shown(fromZip)).toEqual(shown(online));
  });

  test("fail-on, ignore-vulns with expiry, and the SBOM", async () => {
    const ignored = await audit({
      "fail-on": "critical",
      "ignore-vulns": "PYSEC-2023-74:2999-01-01\nPYSEC-2021-108:2001-01-01",
      "sbom-file": "out/sbom.json",
    });
    expect(ignored.summary).toContain("#### Ignored");
    expect(ignored.summary).toContain("until 2999-01-01");
    expect(warnings(ignored).join("\n")).toContain(
      "the ignore of PYSEC-2021-108 expired on 2001-01-01",
    );
    expect(existsSync(path.join(ignored.workspace, "out/sbom.json"))).toBe(true);
  });

  test("an unreachable OSV fails and says the audit did not run", async () => {
    const result = await audit({ "osv-url": "http://127.0.0.1:9" });
    expect(result.exitCode).toBe(1);
    expect(errors(result).at(-1)).toContain("The audit did not run");
    expect(result.outputs.vulnerabilities).toBeUndefined();
  });

  test.each([
    [{ "vulnerability-service": "offline" }, "input 'advisory-db' is required"],
    [{ "vulnerability-service": "offline", "advisory-db": "missing" }, "missing"],
    [{ "fail-on": "severe" }, "input 'fail-on' must be one of none, low, medium, high, critical"],
  ])("bad input %j", async (inputs, message) => {
    const result = await audit(inputs);
    expect(result.exitCode).toBe(1);
    expect(errors(result)[0]).toContain(message);
  });

  test("a pipenv 2026 Pipfile.lock with group markers: every entry audited, N of M said", async () => {
    const result = await audit({ "fail-on": "none" }, workspaceOf("pipfile-group-markers"));
    expect(result.exitCode).toBe(0);
    expect(result.summary).toContain("101 of 101 locked packages audited");
    const main = await audit(
      { "fail-on": "none", groups: "default" },
      workspaceOf("pipfile-group-markers"),
    );
    expect(main.summary).toMatch(
      /10 of 101 locked packages audited; left out: 91 not in the selected groups/,
    );
  });

  test("a locked package no manifest root reaches is audited and named", async () => {
    const workspace = workspaceOf("uv");
    const lock = path.join(workspace, "uv.lock");
    writeFileSync(
      lock,
      `${readFileSync(lock, "utf8")}\n[[package]]\nname = "py"\nversion = "1.10.0"\nsource = { registry = "https://pypi.org/simple" }\n`,
    );
    const result = await audit({ "fail-on": "none" }, workspace);
    expect(result.exitCode).toBe(0);
    expect(result.summary).toContain("not reachable from the manifest, audited anyway (`py`)");
    expect(result.annotations.some((a) => a.message.startsWith("py 1.10.0"))).toBe(true);
  });

  test("a virtual uv workspace root audits every member's packages and the root's groups", async () => {
    const result = await audit({ "fail-on": "none" }, workspaceOf("uv-virtual-workspace"));
    expect(result.exitCode).toBe(0);
    expect(result.summary).toContain("5 of 7 locked packages audited");
    const flagged = new Set(result.annotations.map((a) => a.message.split(" ")[0]));
    expect([...flagged].filter((name) => name !== "Auditing").sort()).toEqual([
      "jinja2",
      "requests",
      "urllib3",
    ]);
  });

  test("an unknown lockfile format is an error naming the file", async () => {
    const workspace = workspaceOf("uv");
    writeFileSync(path.join(workspace, "deps.lock"), "whatever\n");
    const result = await audit({ lockfile: "deps.lock" }, workspace);
    expect(result.exitCode).toBe(1);
    expect(errors(result)[0]).toContain("deps.lock: not a lockfile pyship reads");
  });

  test("one bad advisory among many is skipped with a warning", async () => {
    const db = path.join(scratch, "db-with-a-bad-file");
    cpSync(advisoryFixtures, db, { recursive: true });
    writeFileSync(path.join(db, "broken.json"), "{ not json");
    const result = await audit({
      "vulnerability-service": "offline",
      "advisory-db": db,
      "fail-on": "none",
    });
    expect(result.exitCode).toBe(0);
    expect(warnings(result).join("\n")).toContain("broken.json");
    expect(result.outputs["vulnerable-packages"]).toBe("3");
  });

  test("a corrupt zip is an error naming it", async () => {
    const bad = path.join(scratch, "bad.zip");
    writeFileSync(bad, "not a zip at all");
    const result = await audit({ "vulnerability-service": "offline", "advisory-db": bad });
    expect(result.exitCode).toBe(1);
    expect(errors(result)[0]).toContain("bad.zip");
  });

  test("provenance: require fails on an unattested locked package, naming it and its file", async () => {
    const result = await audit({ provenance: "require" }, lockedProject(signed, plain));
    expect(result.exitCode).toBe(1);
    const missing = result.annotations.find((a) => a.title === "provenance-missing");
    expect(missing).toMatchObject({ level: "error", file: "uv.lock" });
    expect(missing?.message).toContain(
      `plain 2.0: no provenance at ${index.url} for plain-2.0.tar.gz.`,
    );
    expect(errors(result).at(-1)).toContain("provenance: require: 2 of 3 files verified");
  });

  test("provenance: require passes on an attested one", async () => {
    const result = await audit({ provenance: "require" }, lockedProject(signed));
    expect(result.exitCode).toBe(0);
    expect(result.summary).toContain("2 of 2 files verified");
  });

  test("provenance: report shows the publisher in the summary and the JSON report", async () => {
    const result = await audit({ provenance: "report" }, lockedProject(signed, plain));
    expect(result.exitCode).toBe(0);
    expect(result.summary).toContain("2 of 3 files verified");
    expect(result.summary).toContain(
      "| `signed-pkg` | 1.0 | 2 of 2 | `octo-org/octo-repo` | `release.yml` | `pypi` |",
    );
    const report = JSON.parse(readFileSync(result.outputs["report-file"], "utf8"));
    const entry = report.dependencies.find((d: { name: string }) => d.name === "signed-pkg");
    expect(entry.provenance[0]).toMatchObject({
      status: "verified",
      publisher: {
        repository: "octo-org/octo-repo",
        workflow: "release.yml",
        environment: "pypi",
      },
      certificate: { san: expect.stringMatching(/^https:\/\/github\.com\//) },
    });
  });

  test("offline, provenance is skipped with a notice", async () => {
    const result = await audit(
      { provenance: "report", "vulnerability-service": "offline", "advisory-db": advisoryFixtures },
      lockedProject(signed),
    );
    expect(result.exitCode).toBe(0);
    const notices = result.annotations.filter((a) => a.level === "notice").map((a) => a.message);
    expect(notices).toEqual([
      "provenance: skipped, as vulnerability-service is offline; the Integrity API needs the network",
    ]);
  });
});

describe("audit on a pull request, through the bundled action", () => {
  const TOKEN = "ghs_SECRET_audit_pr_token";
  const contents = new Map<string, string>();
  let api: RunningGitHubApi;
  let pageless: RunningOsvApi;
  beforeAll(async () => {
    api = await startGitHubApi({ token: TOKEN, contents });
    // One page per query, so each querybatch query is one package.
    pageless = await startOsvApi({ advisories: advisoryFixtures });
  });
  afterAll(async () => {
    await Promise.all([api?.close(), pageless?.close()]);
  });

  /** The PR's base locks jinja2 3.1.4; its head brings in jinja2 2.10 (two advisories). */
  const addsJinja = () =>
    pullRequestRepo(
      scratch,
      auditProject(withVersion(auditLock, "jinja2", "3.1.4")),
      auditProject(auditLock),
    );

  const onPullRequest = (
    inputs: Record<string, string>,
    repo: PullRequestRepo,
    workspace = repo.dir,
  ) =>
    runAction({
      action: "audit",
      workspace,
      inputs: {
        "osv-url": pageless.url,
        provenance: "off",
        "github-token": TOKEN,
        ...inputs,
      },
      event: pullRequestEvent(repo),
      env: { GITHUB_API_URL: api.url, PYSHIP_SIGSTORE_TRUSTED_ROOT: trustedRoot },
    });

  test("a new vulnerable package fails fail-on-scope: new; the existing ones are warnings; SARIF says which", async () => {
    const result = await onPullRequest({ "fail-on-scope": "new" }, addsJinja());
    expect(result.exitCode).toBe(1);
    const failing = errors(result).filter((m) => m.startsWith("jinja2"));
    expect(failing).toHaveLength(2);
    expect(failing.every((m) => m.includes("(new: not in the base lock)"))).toBe(true);
    const existing = warnings(result).filter((m) => m.includes("(existing: in the base lock too)"));
    expect(existing.length).toBeGreaterThan(0);
    expect(errors(result).at(-1)).toContain(
      "2 vulnerabilities at or above fail-on (low) not in the base lock",
    );
    expect(result.outputs["new-vulnerabilities"]).toBe("2");
    expect(result.summary).toMatch(
      /Baseline: compared with uv\.lock at the base [0-9a-f]{12} \(read via git\)/,
    );
    const sarif = JSON.parse(readFileSync(result.outputs["sarif-file"], "utf8"));
    const states = sarif.runs[0].results.map((r: { ruleId: string; baselineState: string }) => [
      r.ruleId,
      r.baselineState,
    ]);
    expect(states).toContainEqual(["PYSEC-2021-66", "new"]);
    expect(states).toContainEqual(["PYSEC-2023-74", "unchanged"]);
  });

  test("an existing vulnerable package does not fail fail-on-scope: new", async () => {
    const repo = pullRequestRepo(
      scratch,
      auditProject(auditLock),
      auditProject(withVersion(auditLock, "jinja2", "3.1.4")),
    );
    const result = await onPullRequest({ "fail-on-scope": "new" }, repo);
    expect(result.exitCode).toBe(0);
    expect(errors(result)).toEqual([]);
    expect(Number(result.outputs.vulnerabilities)).toBeGreaterThan(0);
    expect(result.outputs["new-vulnerabilities"]).toBe("0");
  });

  test("fail-only-fixable: a new advisory with no fixed version passes, still reported", async () => {
    const repo = pullRequestRepo(scratch, auditProject(auditLock), auditProject(withPy(auditLock)));
    const result = await onPullRequest(
      { "fail-on-scope": "new", "fail-only-fixable": "true" },
      repo,
    );
    expect(result.exitCode).toBe(0);
    expect(warnings(result)).toContainEqual(
      expect.stringMatching(/^py 1\.11\.0: PYSEC-2022-42969/),
    );
  });

  test("a shallow checkout reads the base lock through the contents API, in one round of OSV queries", async () => {
    const repo = addsJinja();
    const clone = shallowClone(repo.dir, scratch);
    const base = withVersion(auditLock, "jinja2", "3.1.4");
    contents.set(contentsKey("pyship-test/example", repo.baseSha, "uv.lock"), base);
    pageless.reset();
    const before = api.requests.length;
    const result = await onPullRequest({ "fail-on-scope": "new", comment: "true" }, repo, clone);
    expect(result.exitCode).toBe(1);
    expect(errors(result).filter((m) => m.startsWith("jinja2"))).toHaveLength(2);
    expect(result.summary).toContain("(read via contents-api)");
    const calls = api.requests.slice(before).map((r) => `${r.method} ${r.path.split("?")[0]}`);
    expect(calls).toEqual([
      "GET /repos/pyship-test/example/contents/uv.lock",
      "GET /repos/pyship-test/example/issues/7/comments",
      "POST /repos/pyship-test/example/issues/7/comments",
    ]);
    // The head's 4 packages and the base's one other (jinja2 3.1.4): not 4 + 4.
    const batches = pageless.requests.filter((r) => r.path === "/v1/querybatch");
    expect(batches.map((r) => r.queries)).toEqual([5]);
    const [comment] = api.comments("pyship-test", "example", 7);
    expect(comment.body.startsWith("<!-- pyship:audit -->\n### audit: uv.lock")).toBe(true);
    expect(comment.body).toContain("🆕 new");
    expect(JSON.stringify(result) + JSON.stringify(api.requests)).not.toContain(TOKEN);
  });
});
