import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { auditedPackages } from "../../../shared/audit/packages.js";
import {
  checkProvenance,
  integrityIndex,
  lockedDists,
  type ProvenanceResult,
  PYPI,
  publisherMismatch,
} from "../../../shared/audit/provenance.js";
import { provenanceCounts, provenanceFindings } from "../../../shared/audit/provenance-findings.js";
import { provenanceSection } from "../../../shared/audit/provenance-summary.js";
import { toReportJson } from "../../../shared/audit/report-json.js";
import { Deadline } from "../../../shared/http/deadline.js";
import { readLock } from "../../../shared/lockfiles/index.js";
import { IntegrityClient } from "../../../shared/sigstore/integrity-api.js";
import { trustFromDocument } from "../../../shared/sigstore/trusted-root.js";
import { type RunningIndex, startIndex } from "../../harness/index-server.js";
import type { ProvenanceStore } from "../../harness/integrity-api.js";
import { type RunningOidcIssuer, startOidcIssuer } from "../../harness/oidc-issuer.js";
import {
  attestPackage,
  githubPublisher,
  type WorldPackage,
  writeLockedProject,
} from "../../harness/provenance-world.js";
import { type RunningSigstore, startSigstore } from "../../harness/sigstore.js";

const scratch = mkdtempSync(path.join(os.tmpdir(), "pyship-provenance-"));
const signed: WorldPackage = {
  name: "Signed_Pkg",
  version: "1.0",
  files: ["signed_pkg-1.0-py3-none-any.whl", "signed_pkg-1.0.tar.gz"],
};
const plain: WorldPackage = {
  name: "plain",
  version: "2.0",
  files: ["plain-2.0-py3-none-any.whl"],
};
const forged: WorldPackage = { name: "forged", version: "3.0", files: ["forged-3.0.tar.gz"] };
/** Signed by octo-org/octo-repo, but its index says psf/requests published it. */
const impostor: WorldPackage = { name: "impostor", version: "4.0", files: ["impostor-4.0.tar.gz"] };
const store: ProvenanceStore = new Map();
let issuer: RunningOidcIssuer;
let sigstore: RunningSigstore;
let index: RunningIndex;
let result: ProvenanceResult;

beforeAll(async () => {
  issuer = await startOidcIssuer();
  sigstore = await startSigstore({ jwks: issuer.jwks });
  index = await startIndex({ files: [], provenance: store });
  await attestPackage(store, sigstore, issuer, signed);
  // forged's index serves the attestation of another file under its name.
  await attestPackage(store, sigstore, issuer, { ...forged, files: ["forged-3.0.1.tar.gz"] });
  store.set("forged/3.0/forged-3.0.tar.gz", store.get("forged/3.0/forged-3.0.1.tar.gz") ?? []);
  await attestPackage(store, sigstore, issuer, impostor, {
    ...githubPublisher,
    repository: "psf/requests",
  });
  const dir = writeLockedProject(path.join(scratch, "project"), index.simpleUrl, [
    signed,
    plain,
    forged,
    impostor,
  ]);
  const lock = readLock(path.join(dir, "uv.lock"), "uv.lock");
  const { packages } = auditedPackages(lock, undefined, "all");
  const client = new IntegrityClient({
    retry: { retries: 0 },
    deadline: new Deadline(60_000, "the provenance lookups"),
  });
  result = await checkProvenance(
    lockedDists(lock, packages),
    client,
    trustFromDocument(sigstore.trustedRoot),
  );
});
afterAll(async () => {
  await index?.close();
  await sigstore?.close();
  await issuer?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const byName = (name: string) => result.packages.find((pkg) => pkg.package.name === name);

describe("which index is asked", () => {
  test.each([
    [undefined, PYPI],
    ["https://pypi.org/simple", PYPI],
    ["https://files.pythonhosted.org/", PYPI],
    ["https://test.pypi.org/simple/", "https://test.pypi.org"],
    ["http://127.0.0.1:8080/simple/", "http://127.0.0.1:8080"],
    ["https://pkgs.example.com/api/pypi/main/simple", "https://pkgs.example.com/api/pypi/main"],
    ["https://devpi.example.com/root/pypi/+simple/", "https://devpi.example.com/root/pypi"],
    ["pypi", PYPI],
  ])("the lock's registry %p → %p", (registry, expected) => {
    expect(integrityIndex(registry)).toBe(expected);
  });
});

describe("the provenance of locked files", () => {
  test("every file of the lock is asked about, once, at the lock's index", () => {
    expect(result.requests).toBe(5);
    expect(result.packages.every((pkg) => pkg.index === index.url)).toBe(true);
    expect(provenanceCounts(result)).toEqual({ verified: 2, files: 5 });
  });

  test("a signed file verifies, with the publisher from the provenance and the SAN from the certificate", () => {
    const files = byName("Signed_Pkg")?.files ?? [];
    expect(files.map((file) => file.outcome.status)).toEqual(["verified", "verified"]);
    expect(files[0].outcome).toMatchObject({
      publisher: githubPublisher,
      signer: { san: expect.stringMatching(/^https:\/\/github\.com\//), issuer: issuer.issuer },
    });
  });

  test("no provenance is 'missing'; another file's attestation is 'invalid', which is not the same", () => {
    expect(byName("plain")?.files[0].outcome).toEqual({
      status: "missing",
      reason: "the index has no provenance for it",
    });
    expect(byName("forged")?.files[0].outcome).toEqual({
      status: "invalid",
      reason: "its subject is forged-3.0.1.tar.gz, not forged-3.0.tar.gz",
    });
  });

  test("a publisher the certificate does not vouch for is 'invalid': the provenance's publisher is only the index's word", () => {
    expect(byName("impostor")?.files[0].outcome).toEqual({
      status: "invalid",
      reason:
        "its certificate's source repository is https://github.com/octo-org/octo-repo, not the publisher's https://github.com/psf/requests",
    });
    const signer = {
      san: "https://github.com/o/r/.github/workflows/release.yml@refs/tags/v1",
      sourceRepository: "https://github.com/O/R",
      buildConfig: "https://github.com/o/r/.github/workflows/release.yml@refs/tags/v1",
    };
    const publisher = { kind: "GitHub", repository: "o/r", workflow: "release.yml" };
    expect(publisherMismatch(publisher, signer)).toBeUndefined();
    expect(publisherMismatch({ ...publisher, workflow: "other.yml" }, signer)).toBe(
      "its certificate's workflow is release.yml, not the publisher's other.yml",
    );
    expect(publisherMismatch({ kind: "GitLab" }, signer)).toBeUndefined();
  });

  test("require: an error per package without a verifiable attestation, naming its files; allow-unattested exempts only the missing", () => {
    const policy = {
      mode: "require" as const,
      allowUnattested: new Set<string>(),
      lockfile: "uv.lock",
    };
    const findings = provenanceFindings(result, policy);
    expect(findings.map((f) => [f.severity, f.code, f.message])).toEqual([
      [
        "error",
        "provenance-missing",
        `plain 2.0: no provenance at ${index.url} for plain-2.0-py3-none-any.whl.`,
      ],
      [
        "error",
        "provenance-invalid",
        `forged 3.0: the provenance of forged-3.0.tar.gz from ${index.url} does not verify: its subject is forged-3.0.1.tar.gz, not forged-3.0.tar.gz.`,
      ],
      [
        "error",
        "provenance-invalid",
        `impostor 4.0: the provenance of impostor-4.0.tar.gz from ${index.url} does not verify: its certificate's source repository is https://github.com/octo-org/octo-repo, not the publisher's https://github.com/psf/requests.`,
      ],
    ]);
    expect(findings.every((f) => f.file === "uv.lock" && (f.line ?? 0) > 0)).toBe(true);
    const allowed = provenanceFindings(result, {
      ...policy,
      allowUnattested: new Set(["plain", "forged"]),
    });
    expect(allowed.map((f) => f.code)).toEqual(["provenance-invalid", "provenance-invalid"]);
  });

  test("report: only the files that do not verify are warnings", () => {
    const findings = provenanceFindings(result, {
      mode: "report",
      allowUnattested: new Set(),
      lockfile: "uv.lock",
    });
    expect(findings.map((f) => [f.severity, f.code])).toEqual([
      ["warning", "provenance-invalid"],
      ["warning", "provenance-invalid"],
    ]);
  });

  test("the summary says N of M and shows the publisher; the JSON report carries each file", () => {
    const section = provenanceSection(result, "report", "the stand-in");
    expect(section).toContain("2 of 5 files verified");
    expect(section).toContain(
      "| `Signed_Pkg` | 1.0 | 2 of 2 | `octo-org/octo-repo` | `release.yml` | `pypi` |",
    );
    expect(section).toContain("| `plain` | 2.0 | `plain-2.0-py3-none-any.whl` | no provenance: ");
    const audit = {
      lockfile: "uv.lock",
      packages: result.packages.map((p) => ({ package: p.package, vulns: [] })),
      ignored: [],
    };
    const json = toReportJson(audit, { result, mode: "report", trustSource: "the stand-in" });
    expect(json.provenance).toEqual({
      mode: "report",
      verified: 2,
      files: 5,
      trust: "the stand-in",
    });
    const dependency = json.dependencies.find((d) => d.name === "signed-pkg");
    expect(dependency?.provenance?.[0]).toMatchObject({
      filename: "signed_pkg-1.0.tar.gz",
      status: "verified",
      publisher: {
        repository: "octo-org/octo-repo",
        workflow: "release.yml",
        environment: "pypi",
      },
      certificate: { san: expect.stringMatching(/^https:\/\/github\.com\//) },
    });
  });
});

describe("the files each lock format names", () => {
  const write = (name: string, text: string) => {
    const file = path.join(mkdtempSync(path.join(scratch, "lock-")), name);
    writeFileSync(file, text);
    return readLock(file, name);
  };
  const dists = (lock: ReturnType<typeof readLock>) =>
    lockedDists(
      lock,
      lock.packages.map((p) => ({ ...p, version: p.version ?? "", groups: [] })),
    ).map((pkg) => ({
      index: pkg.index,
      files: [...pkg.files.keys()],
      unnamed: pkg.unnamed.size,
    }));

  test("poetry.lock names its files; no source means PyPI", () => {
    const lock = write(
      "poetry.lock",
      `[[package]]\nname = "six"\nversion = "1.16.0"\ndescription = ""\noptional = false\npython-versions = "*"\nfiles = [\n    {file = "six-1.16.0-py2.py3-none-any.whl", hash = "sha256:${"a".repeat(64)}"},\n    {file = "six-1.16.0.tar.gz", hash = "sha256:${"b".repeat(64)}"},\n]\n\n[metadata]\nlock-version = "2.0"\npython-versions = "^3.9"\ncontent-hash = "x"\n`,
    );
    expect(dists(lock)).toEqual([
      { index: PYPI, files: ["six-1.16.0-py2.py3-none-any.whl", "six-1.16.0.tar.gz"], unnamed: 0 },
    ]);
  });

  test("a Pipfile.lock records hashes without file names: counted, not asked about", () => {
    const lock = write(
      "Pipfile.lock",
      JSON.stringify({
        _meta: { sources: [{ name: "pypi", url: "https://pypi.org/simple", verify_ssl: true }] },
        default: {
          six: {
            hashes: [`sha256:${"a".repeat(64)}`, `sha256:${"b".repeat(64)}`],
            index: "pypi",
            version: "==1.16.0",
          },
        },
      }),
    );
    expect(dists(lock)).toEqual([{ index: PYPI, files: [], unnamed: 2 }]);
  });
});
