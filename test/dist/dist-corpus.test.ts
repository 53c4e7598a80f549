/**
 * The bundled trusted-publish on a stratified sample of the real-dist corpus: what PyPI's rules
 * accept goes up with twine 7's form; what they refuse is stopped by validation, and, with
 * verify-metadata off, refused by the Warehouse stand-in too.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { declaresAtLeast } from "../../shared/dists/metadata.js";
import { readDistMetadata } from "../../shared/dists/read-metadata.js";
import {
  corpusDists,
  type DistVerdict,
  fileSha256,
  formDigest,
  readVerdicts,
  refusedByOracles,
} from "../harness/dist-corpus.js";
import { type PublishWorld, publishStep, startPublishWorld } from "../harness/publish-world.js";
import { runAction } from "../harness/runner.js";

const TOKEN = "pypi-private-index-token";
const MAX_BYTES = 20 * 1024 * 1024;
const scratch = mkdtempSync(path.join(os.tmpdir(), "pyship-corpus-dist-"));

interface Sampled {
  file: string;
  verdict: DistVerdict;
  why: string;
}

/** A few of each kind: License-File below 2.4, Metadata-Version 2.4, every 80th accepted, the refused. */
async function sample(): Promise<Sampled[]> {
  const { dists } = readVerdicts();
  const picked: Sampled[] = [];
  const count = (why: string) => picked.filter((one) => one.why === why).length;
  let accepted = 0;
  const reasons = new Set<string>();
  for (const file of corpusDists()) {
    if (statSync(file).size > MAX_BYTES) continue;
    const verdict = dists[await fileSha256(file)];
    if (!verdict) continue;
    const take = (why: string, most: number) => {
      if (count(why) >= most) return false;
      picked.push({ file, verdict, why });
      return true;
    };
    if (refusedByOracles(verdict)) {
      const reason = refusalKind(verdict);
      if (!reason.startsWith("The description") && !reasons.has(reason) && take("refused", 8))
        reasons.add(reason);
      continue;
    }
    const meta = await readDistMetadata(file);
    const below24 = !declaresAtLeast(meta, 2, 4);
    if (below24 && meta.has("License-File") && take("License-File below 2.4", 3)) continue;
    if (!below24 && take("Metadata-Version 2.4+", 2)) continue;
    if (accepted++ % 80 === 0) take("accepted", 12);
  }
  return picked;
}

/** One refused dist per kind of refusal: the message with its quoted parts left out. */
const refusalKind = (verdict: DistVerdict) =>
  (verdict.twine === "ok" ? verdict.pypi : verdict.twine).replace(/'[^']*'|\d+(\.\d+)*/g, "…");

const describeCorpus = corpusDists().length > 0 ? describe : describe.skip;

describeCorpus("trusted-publish bundle on real dists", () => {
  let world: PublishWorld;
  let picked: Sampled[] = [];

  beforeAll(async () => {
    world = await startPublishWorld({ apiTokens: [TOKEN] });
    picked = await sample();
  }, 600_000);

  afterAll(async () => {
    await world?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  async function publishOne(file: string, inputs: Record<string, string> = {}) {
    await world.warehouse.reset();
    const workspace = mkdtempSync(path.join(scratch, "ws-"));
    mkdirSync(path.join(workspace, "dist"));
    cpSync(file, path.join(workspace, "dist", path.basename(file)));
    const step = publishStep(world, { inputs: { password: TOKEN, ...inputs }, oidc: false });
    return runAction({ ...step, workspace });
  }

  test("the sample has each kind", () => {
    const kinds = new Set(picked.map((one) => one.why));
    expect([...kinds].sort()).toEqual(
      ["License-File below 2.4", "Metadata-Version 2.4+", "accepted", "refused"].sort(),
    );
  });

  test("what PyPI accepts is uploaded, with twine 7's form", async () => {
    const wrong: string[] = [];
    for (const { file, verdict } of picked.filter((one) => one.why !== "refused")) {
      const result = await publishOne(file);
      const upload = world.warehouse.uploads.find((one) => one.status === 200);
      if (result.exitCode !== 0 || !upload) {
        wrong.push(`${path.basename(file)}: exit ${result.exitCode}; ${result.stdout.slice(-400)}`);
      } else if (formDigest(upload.fields) !== verdict.form) {
        wrong.push(`${path.basename(file)}: the form differs from twine 7's`);
      }
    }
    expect(wrong).toEqual([]);
  }, 600_000);

  test("what PyPI refuses is stopped by validation, and by the stand-in without it", async () => {
    const wrong: string[] = [];
    for (const { file, verdict } of picked.filter((one) => one.why === "refused")) {
      const validated = await publishOne(file);
      if (validated.exitCode !== 1 || world.warehouse.uploads.length > 0) {
        wrong.push(`${path.basename(file)}: validation let it through`);
      }
      if (verdict.twine !== "ok") continue; // twine would not send it at all
      const unvalidated = await publishOne(file, { "verify-metadata": "false" });
      const refusal = world.warehouse.uploads.find((one) => one.status === 400);
      if (unvalidated.exitCode !== 1 || !refusal) {
        wrong.push(
          `${path.basename(file)}: the stand-in accepted what PyPI refuses (${verdict.pypi})`,
        );
      }
    }
    expect(wrong).toEqual([]);
  }, 600_000);
});
