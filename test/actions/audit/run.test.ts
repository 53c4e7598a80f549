import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { loadInputs } from "../../../actions/audit/inputs.js";
import { run } from "../../../actions/audit/run.js";
import { InputReader, inputVariable } from "../../../shared/runtime/index.js";
import { type RunningIndex, startIndex } from "../../harness/index-server.js";
import type { ProvenanceStore } from "../../harness/integrity-api.js";
import { type RunningOidcIssuer, startOidcIssuer } from "../../harness/oidc-issuer.js";
import { advisoryFixtures, type RunningOsvApi, startOsvApi } from "../../harness/osv-api.js";
import {
  attestPackage,
  type WorldPackage,
  writeLockedProject,
} from "../../harness/provenance-world.js";
import { runInProcess, summaryText } from "../../harness/recording-io.js";
import { repoRoot } from "../../harness/runner.js";
import { type RunningSigstore, startSigstore } from "../../harness/sigstore.js";

const fixtures = path.join(repoRoot, "test/fixtures/audit");
const scratch = mkdtempSync(path.join(os.tmpdir(), "pyship-audit-run-"));
let osv: RunningOsvApi;
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
});
afterAll(async () => {
  await index?.close();
  await sigstore?.close();
  await issuer?.close();
  await osv?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** A project whose uv.lock pins `packages` from the harness index. */
const lockedProject = (...packages: WorldPackage[]) =>
  writeLockedProject(mkdtempSync(path.join(scratch, "locked-")), index.simpleUrl, packages);

function workspaceOf(format: string): string {
  const dir = mkdtempSync(path.join(scratch, `${format}-`));
  cpSync(path.join(fixtures, format), dir, { recursive: true });
  return dir;
}

/** Loads the inputs from a runner-like environment and runs audit in-process. */
function audit(
  inputs: Record<string, string>,
  workspace = workspaceOf("uv"),
  today = "2026-06-01",
  root = trustedRoot,
) {
  const env: Record<string, string> = {
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: scratch,
    PYSHIP_SIGSTORE_TRUSTED_ROOT: root,
  };
  // The fixtures pin packages from pypi.org: provenance only where a test asks for it.
  for (const [name, value] of Object.entries({ "osv-url": osv.url, provenance: "off", ...inputs }))
    env[inputVariable(name)] = value;
  return runInProcess("audit", (io) =>
    run(loadInputs(new InputReader(env), env), io, { today: () => today, env }),
  );
}

describe("audit's run(), in-process", () => {
  test("online: findings at the lockfile lines, outputs, files, summary, a failed step", async () => {
    const workspace = workspaceOf("uv");
    const { io, exitCode } = await audit({}, workspace);
    expect(exitCode).toBe(1);
    const requests = io.findings.find((finding) => finding.message.startsWith("requests 2.30.0"));
    expect(requests).toMatchObject({
      severity: "error",
      file: "uv.lock",
      code: expect.any(String),
    });
    expect(requests?.line).toBeGreaterThan(0);
    expect(requests?.fix).toBe("Fixed in 2.31.0.");
    expect(io.findings.some((finding) => finding.message.startsWith("idna"))).toBe(false);
    expect(io.outputs["vulnerable-packages"]).toBe("3");
    expect(Number(io.outputs.vulnerabilities)).toBe(io.findings.length);
    expect(io.outputs["max-severity"]).not.toBe("none");
    const sarif = JSON.parse(readFileSync(io.outputs["sarif-file"], "utf8"));
    expect(sarif.runs[0].results).toHaveLength(io.findings.length);
    expect(io.outputs["report-file"]).toBe(path.join(workspace, "pyship-audit.json"));
    expect(summaryText(io)).toContain(
      "[PYSEC-2023-74](https://osv.dev/vulnerability/PYSEC-2023-74)",
    );
    expect(io.errors).toHaveLength(1);
    expect(io.errors[0].message).toMatch(
      /^audit: \d+ vulnerabilit(y|ies) at or above fail-on \(low\)/,
    );
  });

  test("fail-on: none reports the same findings as warnings and passes", async () => {
    const { io, exitCode } = await audit({ "fail-on": "none" });
    expect(exitCode).toBe(0);
    expect(io.errors).toEqual([]);
    expect(io.findings.length).toBeGreaterThan(0);
    expect(io.findings.every((finding) => finding.severity === "warning")).toBe(true);
  });

  test("offline from the advisory directory finds what OSV finds", async () => {
    const online = await audit({ "fail-on": "none" });
    const offline = await audit({
      "vulnerability-service": "offline",
      "advisory-db": advisoryFixtures,
      "fail-on": "none",
    });
    expect(offline.io.groups).toEqual([`Reading the advisory database ${advisoryFixtures}`]);
    expect(offline.io.infos.some((line) => /^\d+ advisories read\.$/.test(line))).toBe(true);
    const codes = (findings: typeof online.io.findings) => findings.map((f) => f.code).sort();
    expect(codes(offline.io.findings)).toEqual(codes(online.io.findings));
  });

  test("ignores expire against the injected today, and the SBOM is written", async () => {
    const { io } = await audit(
      {
        "fail-on": "critical",
        "ignore-vulns": "PYSEC-2023-74:2026-12-31\nPYSEC-2021-108:2026-05-31",
        "sbom-file": "out/sbom.json",
      },
      workspaceOf("uv"),
      "2026-06-01",
    );
    expect(summaryText(io)).toContain("#### Ignored");
    expect(summaryText(io)).toContain("until 2026-12-31");
    expect(io.findings.some((finding) => finding.code === "PYSEC-2023-74")).toBe(false);
    expect(io.warnings.map((w) => w.message).join("\n")).toContain(
      "the ignore of PYSEC-2021-108 expired on 2026-05-31",
    );
    expect(existsSync(path.join(path.dirname(io.outputs["sarif-file"]), "out/sbom.json"))).toBe(
      true,
    );
  });

  test("a project with no vulnerable package: clean outputs and summary", async () => {
    const workspace = workspaceOf("uv");
    const { io: found } = await audit({ "fail-on": "none" }, workspace);
    const ids = [...new Set(found.findings.map((finding) => finding.code))].join("\n");
    const { io, exitCode } = await audit({ "ignore-vulns": ids }, workspaceOf("uv"));
    expect(exitCode).toBe(0);
    expect(io.findings).toEqual([]);
    expect(io.outputs.vulnerabilities).toBe("0");
    expect(io.outputs["max-severity"]).toBe("none");
    expect(summaryText(io)).toContain("✅ no known vulnerabilities");
  });

  test.each([
    [{ "vulnerability-service": "offline" }, "input 'advisory-db' is required"],
    [{ "fail-on": "severe" }, "input 'fail-on' must be one of none, low, medium, high, critical"],
    [{ "osv-url": "ftp://osv.example" }, "input 'osv-url' is not an http(s) URL"],
  ])(
    "a bad input %j is one error through runAction, before any output",
    async (inputs, message) => {
      const { io, exitCode } = await audit(inputs);
      expect(exitCode).toBe(1);
      expect(io.errors).toHaveLength(1);
      expect(io.errors[0].message).toContain(`audit: ${message}`);
      expect(io.outputs).toEqual({});
    },
  );

  test("an unknown lockfile format is an error naming the file", async () => {
    const workspace = workspaceOf("uv");
    writeFileSync(path.join(workspace, "deps.lock"), "whatever\n");
    const { io, exitCode } = await audit({ lockfile: "deps.lock" }, workspace);
    expect(exitCode).toBe(1);
    expect(io.errors).toHaveLength(1);
    expect(io.errors[0].message).toContain("deps.lock: not a lockfile pyship reads");
    expect(io.debugs).toEqual([]);
  });

  test("one bad advisory file is skipped with a warning", async () => {
    const db = mkdtempSync(path.join(scratch, "db-"));
    cpSync(advisoryFixtures, db, { recursive: true });
    writeFileSync(path.join(db, "broken.json"), "{ not json");
    const { io } = await audit({
      "vulnerability-service": "offline",
      "advisory-db": db,
      "fail-on": "none",
    });
    expect(io.warnings.map((w) => w.message).join("\n")).toContain("broken.json");
  });

  test("provenance: report shows each verified file's publisher in the summary and the JSON report, N of M", async () => {
    const workspace = lockedProject(signed, plain);
    const { io, exitCode } = await audit({ provenance: "report" }, workspace);
    expect(exitCode).toBe(0);
    expect(io.infos).toContain("Provenance: 2 of 3 files verified (3 Integrity API requests).");
    const summary = summaryText(io);
    expect(summary).toContain("#### Provenance");
    expect(summary).toContain("2 of 3 files verified");
    expect(summary).toContain(
      "| `signed-pkg` | 1.0 | 2 of 2 | `octo-org/octo-repo` | `release.yml` | `pypi` |",
    );
    expect(summary).toContain(`the trusted root at PYSHIP_SIGSTORE_TRUSTED_ROOT (${trustedRoot})`);
    const report = JSON.parse(readFileSync(io.outputs["report-file"], "utf8"));
    expect(report.provenance).toMatchObject({ mode: "report", verified: 2, files: 3 });
    const plainEntry = report.dependencies.find((d: { name: string }) => d.name === "plain");
    expect(plainEntry.provenance).toEqual([
      expect.objectContaining({ filename: "plain-2.0.tar.gz", status: "missing" }),
    ]);
    expect(io.findings).toEqual([]);
  });

  test("provenance: require fails on an unattested package, naming it and its file, and passes when it is allowed", async () => {
    const workspace = lockedProject(signed, plain);
    const failed = await audit({ provenance: "require" }, workspace);
    expect(failed.exitCode).toBe(1);
    expect(failed.io.findings).toEqual([
      expect.objectContaining({
        severity: "error",
        code: "provenance-missing",
        message: `plain 2.0: no provenance at ${index.url} for plain-2.0.tar.gz.`,
        file: "uv.lock",
      }),
    ]);
    expect(failed.io.errors.at(-1)?.message).toContain(
      "provenance: require: 2 of 3 files verified",
    );
    const allowed = await audit({ provenance: "require", "allow-unattested": "Plain" }, workspace);
    expect(allowed.exitCode).toBe(0);
    expect(allowed.io.findings).toEqual([]);
  });

  test("provenance: require passes when every locked file is attested", async () => {
    const { io, exitCode } = await audit({ provenance: "require" }, lockedProject(signed));
    expect(exitCode).toBe(0);
    expect(summaryText(io)).toContain("2 of 2 files verified");
  });

  test("offline, provenance is skipped with one notice", async () => {
    const { io, exitCode } = await audit(
      { provenance: "report", "vulnerability-service": "offline", "advisory-db": advisoryFixtures },
      lockedProject(signed),
    );
    expect(exitCode).toBe(0);
    expect(io.notices.map((n) => n.message)).toEqual([
      "provenance: skipped, as vulnerability-service is offline; the Integrity API needs the network",
    ]);
    expect(summaryText(io)).not.toContain("#### Provenance");
  });

  test("a PYSHIP_SIGSTORE_TRUSTED_ROOT that cannot be read is one error naming it, before any output", async () => {
    const missing = path.join(scratch, "no-such-root.json");
    const { io, exitCode } = await audit(
      { provenance: "report" },
      lockedProject(signed),
      "2026-06-01",
      missing,
    );
    expect(exitCode).toBe(1);
    expect(io.errors.map((e) => e.message)).toEqual([
      expect.stringContaining(`PYSHIP_SIGSTORE_TRUSTED_ROOT: cannot read ${missing} (ENOENT)`),
    ]);
    expect(io.outputs).toEqual({});
  });
});
