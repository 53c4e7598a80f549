/** Cooldown's static part: upload times the locks record, and the findings over hand-made changes. */
import path from "node:path";
import { describe, expect, test } from "@jest/globals";
import { lockCheckCodes } from "../../../shared/lockcheck/codes.js";
import {
  cooldownCandidates,
  cooldownFindings,
  unknownUploadTimes,
} from "../../../shared/lockcheck/cooldown.js";
import type { PackageChange } from "../../../shared/lockfiles/diff.js";
import { readLock } from "../../../shared/lockfiles/index.js";
import { excludeNewerSetting } from "../../../shared/project/exclude-newer.js";
import { parseTomlText } from "../../../shared/project/files.js";
import { manifestOf } from "../../../shared/project/pyproject.js";
import { repoRoot } from "../../harness/runner.js";

const fixtures = path.join(repoRoot, "test/fixtures/cooldown");
const uvLock = readLock(path.join(fixtures, "uv.lock"), "uv.lock");
const pylock = readLock(path.join(fixtures, "pylock.toml"), "pylock.toml");

const change = (over: Partial<PackageChange> & Pick<PackageChange, "kind" | "name">) => ({
  key: over.name.toLowerCase(),
  line: 5,
  direct: true,
  pulledInBy: [],
  groups: [],
  ...over,
});

const D = 24 * 3_600_000;
const reference = Date.parse("2026-12-04T12:00:00Z");

describe("upload times from the lock", () => {
  test("uv.lock revision 3: each file's upload-time, UTC", () => {
    const certifi = uvLock.packages.find((p) => p.key === "certifi");
    expect(certifi?.files.map((f) => f.uploadTime)).toEqual([
      "2026-11-30T18:00:01.123Z",
      "2026-11-30T18:05:42.456Z",
    ]);
    const idna = uvLock.packages.find((p) => p.key === "idna");
    expect(idna?.files.map((f) => f.uploadTime)).toEqual([undefined, undefined]);
  });

  test("pylock.toml: TOML datetimes, offsets turned into UTC", () => {
    const certifi = pylock.packages.find((p) => p.key === "certifi");
    expect(certifi?.files.map((f) => f.uploadTime)).toEqual([
      "2026-11-30T18:00:01.123Z",
      "2026-11-30T18:05:42.000Z",
    ]);
    expect(pylock.packages.find((p) => p.key === "idna")?.files[0].uploadTime).toBeUndefined();
  });
});

describe("cooldownCandidates", () => {
  test("added and upgraded registry packages, with the newest upload time the lock records", () => {
    const candidates = cooldownCandidates(
      [
        change({ kind: "upgraded", name: "certifi", from: "2024.8.30", to: "2026.11.30" }),
        change({ kind: "added", name: "idna", to: "3.10" }),
        change({ kind: "downgraded", name: "x", from: "2", to: "1" }),
        change({ kind: "removed", name: "y", from: "1" }),
        change({ kind: "added", name: "not-in-lock", to: "1.0" }),
      ],
      uvLock,
    );
    expect(candidates.map((c) => [c.key, c.version, c.uploadTime, c.registry])).toEqual([
      ["certifi", "2026.11.30", "2026-11-30T18:05:42.456Z", "https://pypi.org/simple"],
      ["idna", "3.10", undefined, "https://pypi.org/simple"],
    ]);
  });

  test("git, URL and path sources have no upload time: not candidates", () => {
    const lock = {
      ...uvLock,
      packages: uvLock.packages.map((p) =>
        p.key === "idna" ? { ...p, source: { kind: "git" as const, url: "https://g/idna" } } : p,
      ),
    };
    const candidates = cooldownCandidates(
      [change({ kind: "added", name: "idna", to: "3.10" })],
      lock,
    );
    expect(candidates).toEqual([]);
  });
});

describe("cooldownFindings", () => {
  const [certifi, idna] = cooldownCandidates(
    [
      change({ kind: "upgraded", name: "certifi", from: "2024.8.30", to: "2026.11.30", line: 6 }),
      change({ kind: "added", name: "idna", to: "3.10", line: 14 }),
    ],
    uvLock,
  );

  test("min-release-age 7d flags a version uploaded 3 days before the head commit; an old one passes", () => {
    const findings = cooldownFindings(
      uvLock,
      [
        { candidate: certifi, uploadTime: "2026-12-01T12:00:00Z" },
        { candidate: idna, uploadTime: "2024-09-15T00:00:00Z" },
      ],
      { minReleaseAgeMs: 7 * D },
      reference,
    );
    expect(findings).toEqual([
      {
        severity: "error",
        code: "release-too-new",
        lockfile: "uv.lock",
        package: "certifi",
        locked: "2026.11.30",
        file: "uv.lock",
        line: 6,
        message:
          "certifi 2026.11.30 (upgraded from 2024.8.30) was uploaded 2026-12-01T12:00Z, 3d before the head commit; min-release-age is 7d.",
        fix: "Keep the previous version until 2026-12-08T12:00Z, or lock an older release.",
      },
    ]);
  });

  test("an upload after the head commit says so", () => {
    const [finding] = cooldownFindings(
      uvLock,
      [{ candidate: idna, uploadTime: "2026-12-05T00:00:00Z" }],
      { minReleaseAgeMs: D },
      reference,
    );
    expect(finding.message).toBe(
      "idna 3.10 (added) was uploaded 2026-12-05T00:00Z, after the head commit; min-release-age is 1d.",
    );
  });

  const manifest = (text: string) =>
    manifestOf(parseTomlText(text, "pyproject.toml"), text, "pyproject.toml");

  test("uv's relative exclude-newer counts back from the head commit; its per-package false turns it off", () => {
    const excludeNewer = excludeNewerSetting(
      manifest('[tool.uv]\nexclude-newer = "1 week"\nexclude-newer-package = { idna = false }\n'),
    );
    const findings = cooldownFindings(
      uvLock,
      [
        { candidate: certifi, uploadTime: "2026-12-01T12:00:00Z" },
        { candidate: idna, uploadTime: "2026-12-01T12:00:00Z" },
      ],
      { excludeNewer },
      reference,
    );
    expect(findings).toEqual([
      expect.objectContaining({
        code: "exclude-newer",
        package: "certifi",
        message:
          "certifi 2026.11.30 (upgraded from 2024.8.30) was uploaded 2026-12-01T12:00Z, after pyproject.toml's [tool.uv] exclude-newer cutoff (2026-11-27T12:00Z, 7d before the head commit).",
        fix: "Run: uv lock",
      }),
    ]);
  });

  test("PDM's absolute exclude-newer on a uv.lock: re-lock with PDM", () => {
    const excludeNewer = excludeNewerSetting(
      manifest('[tool.pdm.resolution]\nexclude-newer = "2026-11-01"\n'),
    );
    const findings = cooldownFindings(
      uvLock,
      [
        { candidate: certifi, uploadTime: "2026-11-01T00:00:01Z" },
        { candidate: idna, uploadTime: "2026-10-31T23:59:59Z" },
      ],
      { excludeNewer, minReleaseAgeMs: D },
      reference,
    );
    expect(findings.map((f) => [f.code, f.package, f.fix])).toEqual([
      ["exclude-newer", "certifi", "Re-lock with pdm, which honours exclude-newer."],
    ]);
    expect(findings[0].message).toContain("cutoff (2026-11-01T00:00Z)");
  });

  test("unknown upload times: one notice, N of M, the reasons and the names", () => {
    const notice = unknownUploadTimes(
      uvLock,
      [{ candidate: idna, reason: "http://127.0.0.1:9 could not be reached: refused" }],
      2,
    );
    expect(notice).toEqual({
      severity: "notice",
      code: "upload-time-unknown",
      lockfile: "uv.lock",
      file: "uv.lock",
      message:
        "cooldown: 1 of 2 added or upgraded packages not checked, their upload time unknown (http://127.0.0.1:9 could not be reached: refused): idna 3.10.",
      fix: "Check them by hand, or set index-url to an index with a JSON API.",
    });
    expect(unknownUploadTimes(uvLock, [], 2)).toBeUndefined();
  });

  test("every code it reports is registered at its severity", () => {
    for (const code of ["release-too-new", "exclude-newer", "upload-time-unknown"] as const)
      expect(lockCheckCodes[code].code).toBe(code);
    expect(lockCheckCodes["upload-time-unknown"].severity).toBe("notice");
  });
});
