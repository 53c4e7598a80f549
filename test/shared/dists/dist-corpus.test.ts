/**
 * Real dists against the oracles' recorded verdicts (twine 7 and PyPI's upload rules): every
 * wheel of the local indexes pip is configured with, Debian's wheels and the find-links folder.
 * Validation errors on exactly what the oracles refuse, and the form is twine 7's.
 * PYSHIP_WRITE_VERDICTS=1 re-records the verdicts from the oracle chroot.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, test } from "@jest/globals";
import { inspectDists } from "../../../shared/dists/inspect.js";
import { uploadFields } from "../../../shared/publish/form.js";
import {
  corpusDists,
  type DistVerdict,
  fileSha256,
  formDigest,
  readVerdicts,
  refusedByOracles,
  VERDICTS_FILE,
} from "../../harness/dist-corpus.js";
import { collectVerdicts } from "../../harness/dist-verdicts.js";
import { describeWithOracles, oraclePython, oracleRoot } from "../../harness/oracles.js";

/** Descriptions render with today's readme_renderer (the chroot's), else Debian's, a second opinion. */
const withOracle = oracleRoot() !== null;
const PYTHON = withOracle ? oraclePython() : "/usr/bin/python3";
/** Without today's renderer, whether a description renders is not judged. */
const judgedCodes = (code: string) => withOracle || !code.startsWith("D00");
const descriptionVerdict = (verdict: DistVerdict) =>
  verdict.pypi.startsWith("The description failed");
const BATCH = 24;

interface Judged {
  file: string;
  verdict: DistVerdict;
  errors: string[];
  warnings: string[];
  formEqual?: boolean;
}

const files = corpusDists();
if (files.length === 0) {
  console.warn("dist corpus: skipped, pip's configuration names no local index with wheels here");
}
const describeCorpus = files.length > 0 ? describe : describe.skip;

async function judge(): Promise<{ judged: Judged[]; unknown: string[] }> {
  const { dists } = readVerdicts();
  const judged: Judged[] = [];
  const unknown: string[] = [];
  for (let start = 0; start < files.length; start += BATCH) {
    const batch = files.slice(start, start + BATCH);
    const shas = await Promise.all(batch.map(fileSha256));
    const inspection = await inspectDists(batch, { python: PYTHON, shownAs: (file) => file });
    for (const [index, file] of batch.entries()) {
      const verdict = dists[shas[index]];
      if (!verdict) {
        unknown.push(file);
        continue;
      }
      if (!withOracle && descriptionVerdict(verdict)) continue;
      const mine = inspection.findings.filter(
        (finding) => finding.file === file && judgedCodes(finding.code),
      );
      const codes = (severity: string) =>
        mine.filter((finding) => finding.severity === severity).map((finding) => finding.code);
      const metadata = inspection.dists[index].metadata;
      const formEqual =
        verdict.form && metadata
          ? formDigest(uploadFields(metadata, file)) === verdict.form
          : undefined;
      judged.push({ file, verdict, errors: codes("error"), warnings: codes("warning"), formEqual });
    }
  }
  return { judged, unknown };
}

const percent = (part: number, whole: number) =>
  `${((100 * part) / Math.max(whole, 1)).toFixed(1)}%`;

describeCorpus("the real-dist corpus", () => {
  let judged: Judged[] = [];
  let unknown: string[] = [];

  test("every corpus dist has a recorded verdict", async () => {
    expect(files.length).toBeGreaterThan(0);
    ({ judged, unknown } = await judge());
    const refused = judged.filter((one) => refusedByOracles(one.verdict));
    const blocked = judged.filter((one) => one.errors.length > 0);
    const warned = judged.filter((one) => one.errors.length === 0 && one.warnings.length > 0);
    const agree = judged.filter((one) => refusedByOracles(one.verdict) === one.errors.length > 0);
    const forms = judged.filter((one) => one.formEqual !== undefined);
    console.log(
      [
        `dist corpus (descriptions rendered by ${withOracle ? "the oracles' readme_renderer" : "Debian's readme_renderer, D codes not judged"}): ${judged.length} dists; the oracles refuse ${refused.length}`,
        `blocked ${blocked.length}, warned ${warned.length}`,
        `verdict agreement ${agree.length} of ${judged.length} (${percent(agree.length, judged.length)})`,
        `form equal to twine 7's ${forms.filter((one) => one.formEqual).length} of ${forms.length} (${percent(forms.filter((one) => one.formEqual).length, forms.length)})`,
      ].join("; "),
    );
    expect(unknown).toEqual([]);
  }, 1_800_000);

  test("no error on a dist twine 7 passes and PyPI's rules accept", () => {
    const wronglyBlocked = judged
      .filter((one) => !refusedByOracles(one.verdict) && one.errors.length > 0)
      .map((one) => `${one.file}: ${one.errors.join(", ")}`);
    expect(wronglyBlocked).toEqual([]);
  });

  test("an error on every dist twine 7 or PyPI's rules refuse", () => {
    const missed = judged
      .filter((one) => refusedByOracles(one.verdict) && one.errors.length === 0)
      .map((one) => `${one.file}: twine says ${one.verdict.twine}; PyPI says ${one.verdict.pypi}`);
    expect(missed).toEqual([]);
  });

  test("the upload form equals twine 7's on every dist twine sends", () => {
    const differ = judged.filter((one) => one.formEqual === false).map((one) => one.file);
    expect(differ).toEqual([]);
  });
});

describeWithOracles("the recorded verdicts are the oracles' own", () => {
  test("re-running the oracles on a sample of the corpus gives the recorded verdicts", async () => {
    const rewrite = process.env.PYSHIP_WRITE_VERDICTS === "1";
    const sample = rewrite ? files : files.filter((_, index) => index % 40 === 0);
    if (sample.length === 0) return;
    const fresh = await collectVerdicts(sample);
    if (rewrite) {
      writeFileSync(VERDICTS_FILE, `${JSON.stringify(fresh, null, 1)}\n`);
      return;
    }
    const recorded = JSON.parse(readFileSync(VERDICTS_FILE, "utf8")).dists;
    for (const [sha, verdict] of Object.entries(fresh.dists)) {
      expect([verdict.file, recorded[sha]]).toEqual([verdict.file, verdict]);
    }
  }, 1_800_000);
});
