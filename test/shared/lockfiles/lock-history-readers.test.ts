/**
 * setup-venv's and audit's lock readers read every real (manifest, lock) pair of
 * ../shared/fixtures/lock-history, and the selection and package listing they run hold up: no
 * throw but a clear ConfigurationError for a lock format documented as unsupported. A lock entry
 * that validation refuses must be a ConfigurationError at the entry's file and line; those are
 * counted and printed (they are lock-check's rules, not a reader's failure).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "@jest/globals";
import { auditedPackages } from "../../../shared/audit/packages.js";
import { selectPackages } from "../../../shared/lockfiles/select.js";
import { readManifest } from "../../../shared/project/manifest.js";
import { ConfigurationError } from "../../../shared/runtime/errors.js";
import { findAuditLock, findInstallLock } from "../../../shared/workspace/lock-choice.js";
import { repoRoot } from "../../harness/runner.js";

const corpus = path.resolve(repoRoot, "..", "shared", "fixtures", "lock-history");
const required = process.env.PYSHIP_REQUIRE_CORPUS === "1";

interface Verdict {
  pair: string;
  format: string;
}

/** A linux CPython 3.12 interpreter's markers, as setup-venv reads them. */
const environment = {
  python_version: "3.12",
  python_full_version: "3.12.8",
  sys_platform: "linux",
  platform_system: "Linux",
  os_name: "posix",
  platform_machine: "x86_64",
  platform_release: "6.8.0",
  platform_version: "#1 SMP",
  implementation_name: "cpython",
  implementation_version: "3.12.8",
  platform_python_implementation: "CPython",
};

/** A ConfigurationError that says the lock's format or version is not one pyship reads. */
const documentedUnsupported = (error: unknown) =>
  error instanceof ConfigurationError &&
  /not supported|unsupported|not a lockfile pyship reads/.test(error.message);

type Outcome =
  | { kind: "read"; packages: number }
  | { kind: "unsupported" | "refused" | "failed"; message: string };

/** A ConfigurationError at a line of the pair's lockfile, e.g. `owner__repo/commit/Pipfile.lock:12: …`. */
const refusedAtLine = (error: unknown, pair: string) =>
  error instanceof ConfigurationError &&
  error.message.startsWith(`${pair}/`) &&
  /^[^:]+:\d+: /.test(error.message);

function readPair(pair: string): Outcome {
  const directory = path.join(corpus, pair);
  const display = (file: string) => path.relative(corpus, file);
  try {
    const manifest = readManifest(directory, display);
    const installLock = findInstallLock(directory, undefined, display);
    selectPackages(installLock, manifest, { groups: "default", extras: [], environment });
    const auditLock = findAuditLock(directory, undefined, display);
    const scope = auditedPackages(auditLock, manifest, "all");
    return { kind: "read", packages: scope.packages.length };
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const kind = documentedUnsupported(error)
      ? "unsupported"
      : refusedAtLine(error, pair)
        ? "refused"
        : "failed";
    return { kind, message };
  }
}

if (!existsSync(path.join(corpus, "verdicts.json"))) {
  const reason = `the lock-history corpus is absent (${corpus})`;
  if (required) {
    test("the lock-history corpus is present (PYSHIP_REQUIRE_CORPUS=1)", () => {
      throw new Error(reason);
    });
  } else {
    console.log(`lock-history-readers: skipped: ${reason}`);
    test.skip(`lock-history readers: ${reason}`, () => {});
  }
} else {
  const verdicts: Verdict[] = JSON.parse(readFileSync(path.join(corpus, "verdicts.json"), "utf8"));

  describe("setup-venv's and audit's readers on the lock-history corpus", () => {
    const outcomes = verdicts.map((verdict) => ({ ...verdict, outcome: readPair(verdict.pair) }));

    test("every pair is read, refused as unsupported, or refused at a lock line; nothing else throws", () => {
      const byFormat = new Map<string, Record<Outcome["kind"], number>>();
      for (const { format, outcome } of outcomes) {
        const counts = byFormat.get(format) ?? { read: 0, unsupported: 0, refused: 0, failed: 0 };
        counts[outcome.kind] += 1;
        byFormat.set(format, counts);
      }
      console.log(
        [
          `lock-history-readers: ${outcomes.length} pairs`,
          ...[...byFormat].map(
            ([format, c]) =>
              `  ${format}: ${c.read} read, ${c.unsupported} unsupported, ${c.refused} refused at a line, ${c.failed} failed`,
          ),
          ...outcomes
            .filter(({ outcome }) => outcome.kind === "refused")
            .map(({ outcome }) => `  refused: ${"message" in outcome ? outcome.message : ""}`),
        ].join("\n"),
      );
      const failed = outcomes
        .filter(({ outcome }) => outcome.kind === "failed")
        .map(({ pair, outcome }) => `${pair}: ${"message" in outcome ? outcome.message : ""}`);
      expect(failed).toEqual([]);
      expect(outcomes.length).toBe(276);
    });
  });
}
