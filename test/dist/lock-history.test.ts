/**
 * The lock-history corpus: 276 real (manifest, lock) pairs with today's tools' verdicts. The bundled
 * lock-check must give the tool's verdict on every fresh and stale pair, and one clear finding, never
 * a stack trace, where the tool refuses the lock or the manifest.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, test } from "@jest/globals";
import { repoRoot, runAction } from "../harness/runner.js";

const corpus = path.resolve(repoRoot, "..", "shared", "fixtures", "lock-history");
const verdictsFile = path.join(corpus, "verdicts.json");

interface Verdict {
  pair: string;
  format: "pdm" | "pipenv" | "poetry";
  tool: string;
  verdict: "fresh" | "stale" | "incompatible" | "error";
}

interface Finding {
  code: string;
  package: string | null;
  file: string | null;
  message: string;
}

/** Section names a stale finding may point at instead of a package. */
const sectionNames =
  /\b(tool\.poetry|tool\.pdm|project|dependency-groups|dependencies|source|requires|packages|dev-packages|resolution)\b/;

/** Runs at once: the machine is shared, so a few. */
const CONCURRENCY = 3;

/** What is wrong with pyship's answer on one pair; undefined when it agrees. */
async function disagreement(entry: Verdict): Promise<string | undefined> {
  const workspace = mkdtempSync(path.join(os.tmpdir(), "pyship-lock-history-"));
  cpSync(path.join(corpus, entry.pair), workspace, { recursive: true });
  try {
    const result = await runAction({ action: "lock-check", workspace });
    const output = result.stdout + result.stderr;
    if (/TypeError|\n {4}at /.test(output))
      return `a stack trace or TypeError: ${output.slice(-400)}`;
    const findings = JSON.parse(result.outputs.findings ?? "[]") as Finding[];
    const errors = findings.filter((f) =>
      result.annotations.some(
        (a) => a.level === "error" && a.title === f.code && a.message.startsWith(f.message),
      ),
    );
    const drift = result.outputs.drift === "true";
    switch (entry.verdict) {
      case "fresh":
        return drift || result.exitCode !== 0
          ? `${entry.tool} says fresh, pyship: ${errors.map((f) => f.message).join(" | ")}`
          : undefined;
      case "stale":
        if (!drift || result.exitCode !== 1) return `${entry.tool} says stale, pyship says fresh`;
        return errors.some((f) => f.package || sectionNames.test(f.message))
          ? undefined
          : `stale, but no finding names a package or section: ${errors[0]?.message}`;
      default:
        if (result.exitCode !== 1) return `${entry.tool}: ${entry.verdict}, pyship exit 0`;
        return errors.length === 1
          ? undefined
          : `${entry.verdict}: ${errors.length} findings, wanted one: ${errors.map((f) => f.code).join(", ")}`;
    }
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

/** Every entry's disagreement, CONCURRENCY runs at a time. */
async function disagreements(entries: Verdict[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const queue = [...entries];
  const worker = async () => {
    for (let entry = queue.shift(); entry; entry = queue.shift()) {
      const why = await disagreement(entry);
      if (why) found.set(entry.pair, why);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return found;
}

function describeWithCorpus(title: string, body: (verdicts: Verdict[]) => void): void {
  if (existsSync(verdictsFile)) {
    describe(title, () => body(JSON.parse(readFileSync(verdictsFile, "utf8")) as Verdict[]));
    return;
  }
  const reason = `the lock-history corpus is not at ${corpus}`;
  if (process.env.PYSHIP_REQUIRE_CORPUS === "1") {
    describe(title, () => {
      test("needs the lock-history corpus", () => {
        throw new Error(reason);
      });
    });
    return;
  }
  console.warn(`skipped "${title}": ${reason}`);
  describe.skip(title, () => body([]));
}

describeWithCorpus("lock-check's bundle on the lock-history corpus", (verdicts) => {
  const formats = [...new Set(verdicts.map((v) => v.format))];
  test.each(formats)(
    "%s: the tool's verdict on every pair",
    async (format) => {
      const entries = verdicts.filter((v) => v.format === format);
      const found = await disagreements(entries);
      const tool = entries[0]?.tool ?? format;
      const byVerdict = ["fresh", "stale", "incompatible", "error"].map((verdict) => {
        const of = entries.filter((e) => e.verdict === verdict);
        const agreed = of.filter((e) => !found.has(e.pair)).length;
        return of.length > 0 ? `${verdict} ${agreed}/${of.length}` : "";
      });
      console.log(
        `lock-history ${format} against ${tool}: ${entries.length - found.size}/${entries.length} agree (${byVerdict.filter(Boolean).join(", ")})`,
      );
      expect(Object.fromEntries(found)).toEqual({});
    },
    1_800_000,
  );
});
