import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { runCommand } from "../../shared/runtime/command.js";
import { writeZip } from "./archives.js";
import {
  CONFLICT_MESSAGE,
  type RunningArtifactService,
  startArtifactService,
} from "./artifact-service.js";
import { repoRoot } from "./runner.js";

const TWIRP = "twirp/github.actions.results.api.v1.ArtifactService";
const root = mkdtempSync(path.join(os.tmpdir(), "pyship-artifact-service-test-"));
let service: RunningArtifactService;

beforeAll(async () => {
  service = await startArtifactService();
});
afterAll(async () => {
  await service?.close();
  rmSync(root, { recursive: true, force: true });
});

/** The run and job ids a runtime token's `Actions.Results:<run>:<job>` scope names. */
function backendIds(env: Record<string, string>) {
  const payload = JSON.parse(
    Buffer.from(env.ACTIONS_RUNTIME_TOKEN.split(".")[1], "base64url").toString(),
  );
  const scope = (payload.scp as string).split(" ").find((s) => s.startsWith("Actions.Results:"));
  const [, run, job] = (scope ?? "").split(":");
  return { workflow_run_backend_id: run, workflow_job_run_backend_id: job };
}

interface TwirpAnswer {
  status: number;
  body: Record<string, unknown>;
}

async function twirp(
  method: string,
  body: Record<string, unknown>,
  env = service.env,
  target = service,
): Promise<TwirpAnswer> {
  const response = await fetch(`${target.url}${TWIRP}/${method}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${env.ACTIONS_RUNTIME_TOKEN}`,
    },
    body: JSON.stringify({ ...backendIds(env), ...body }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

/** Uploads `data` to a signed URL as two staged blocks and a block list, like the client. */
async function putInBlocks(url: string, data: Buffer): Promise<number> {
  const half = Math.floor(data.length / 2);
  const ids = ["block-0", "block-1"].map((id) => Buffer.from(id).toString("base64"));
  for (const [index, part] of [data.subarray(0, half), data.subarray(half)].entries()) {
    const staged = await fetch(`${url}&comp=block&blockid=${encodeURIComponent(ids[index])}`, {
      method: "PUT",
      body: part,
    });
    if (staged.status !== 201) return staged.status;
  }
  const list = `<?xml version="1.0" encoding="utf-8"?><BlockList>${ids.map((id) => `<Latest>${id}</Latest>`).join("")}</BlockList>`;
  const committed = await fetch(`${url}&comp=blocklist`, {
    method: "PUT",
    body: list,
    headers: { "x-ms-blob-content-type": "application/zip" },
  });
  return committed.status;
}

/** Creates, uploads and finalizes an artifact by hand; returns its id. */
async function uploadByHand(name: string, data: Buffer, env = service.env): Promise<string> {
  const created = await twirp("CreateArtifact", { name, version: 7 }, env);
  expect(created.status).toBe(200);
  expect(await putInBlocks(String(created.body.signed_upload_url), data)).toBe(201);
  const finalized = await twirp(
    "FinalizeArtifact",
    { name, size: String(data.length), hash: `sha256:${sha256(data)}` },
    env,
  );
  expect(finalized.status).toBe(200);
  return String(finalized.body.artifact_id);
}

function smallZip(file: string): Buffer {
  writeZip(file, [
    { name: "pkg-1.0-py3-none-any.whl", data: Buffer.from("wheel bytes") },
    { name: "nested/pkg-1.0.tar.gz", data: Buffer.from("sdist bytes") },
  ]);
  return readFileSync(file);
}

describe("the Twirp API", () => {
  test("calls need a token the service issued, naming its own run and job", async () => {
    const denied = await fetch(`${service.url}${TWIRP}/ListArtifacts`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer a.b.c" },
      body: "{}",
    });
    expect(denied.status).toBe(401);
    expect(await denied.json()).toEqual({ code: "unauthenticated", msg: expect.any(String) });

    // Another job's token with this job's ids in the body.
    const other = service.jobEnv();
    const response = await fetch(`${service.url}${TWIRP}/CreateArtifact`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${other.ACTIONS_RUNTIME_TOKEN}`,
      },
      body: JSON.stringify({ ...backendIds(service.env), name: "x", version: 7 }),
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { code: string }).code).toBe("permission_denied");

    expect((await twirp("DeleteEverything", {})).status).toBe(404);
  });

  test("create, upload in blocks, finalize: size and hash must match the blob", async () => {
    const data = smallZip(path.join(root, "manual.zip"));
    const created = await twirp("CreateArtifact", { name: "manual", version: 7 });
    expect(created.body).toEqual({
      ok: true,
      signed_upload_url: expect.stringMatching(
        /^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1\/actions-results\/[\w-]+\?.*sig=\w+/,
      ),
    });
    const upload = String(created.body.signed_upload_url);
    expect(await putInBlocks(upload, data)).toBe(201);

    const finalize = (body: Record<string, unknown>) =>
      twirp("FinalizeArtifact", { name: "manual", ...body });
    const hash = `sha256:${sha256(data)}`;
    const wrongSize = await finalize({ size: String(data.length + 1), hash });
    expect(wrongSize).toMatchObject({ status: 400, body: { code: "invalid_argument" } });
    const wrongHash = await finalize({
      size: String(data.length),
      hash: `sha256:${"0".repeat(64)}`,
    });
    expect(wrongHash).toMatchObject({ status: 400, body: { code: "invalid_argument" } });
    expect(service.artifacts()).toEqual([]);

    const done = await finalize({ size: String(data.length), hash });
    expect(done.body).toEqual({ ok: true, artifact_id: expect.stringMatching(/^\d+$/) });
    expect(service.artifacts()).toEqual([
      {
        id: Number(done.body.artifact_id),
        name: "manual",
        size: data.length,
        digest: hash,
        mimeType: "application/zip",
        job: backendIds(service.env).workflow_job_run_backend_id,
      },
    ]);
    expect((await service.read("manual")).equals(data)).toBe(true);
    expect(await service.files("manual")).toEqual([
      { path: "pkg-1.0-py3-none-any.whl", data: Buffer.from("wheel bytes") },
      { path: "nested/pkg-1.0.tar.gz", data: Buffer.from("sdist bytes") },
    ]);

    // A finalized artifact's blob is sealed, and finalizing twice finds nothing pending.
    const rewrite = await fetch(upload, {
      method: "PUT",
      body: "x",
      headers: { "x-ms-blob-type": "BlockBlob" },
    });
    expect(rewrite.status).toBe(409);
    expect((await finalize({ size: String(data.length), hash })).status).toBe(404);
  });

  test("a second artifact with a used name gets GitHub's 409, from any job of the run", async () => {
    for (const env of [service.env, service.jobEnv()]) {
      const again = await twirp("CreateArtifact", { name: "manual", version: 7 }, env);
      expect(again).toEqual({
        status: 409,
        body: { code: "already_exists", msg: CONFLICT_MESSAGE },
      });
    }
  });

  test("an unfinished upload of the same name is replaced by a new one", async () => {
    const first = await twirp("CreateArtifact", { name: "retry", version: 7 });
    const stale = String(first.body.signed_upload_url);
    const id = await uploadByHand("retry", Buffer.from("second attempt"));
    expect(service.artifacts().find((a) => a.name === "retry")?.id).toBe(Number(id));
    const put = await fetch(stale, {
      method: "PUT",
      body: "late",
      headers: { "x-ms-blob-type": "BlockBlob" },
    });
    expect(put.status).toBe(404);
  });

  test("ListArtifacts filters by name and id; GetSignedArtifactURL serves the zip", async () => {
    const all = await twirp("ListArtifacts", {});
    const listed = all.body.artifacts as Record<string, string>[];
    expect(listed.map((a) => a.name)).toEqual(["manual", "retry"]);
    expect(listed[0]).toEqual({
      ...backendIds(service.env),
      database_id: expect.stringMatching(/^\d+$/),
      name: "manual",
      size: String(service.artifacts()[0].size),
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      digest: service.artifacts()[0].digest,
    });
    const byName = await twirp("ListArtifacts", { name_filter: "retry" });
    expect((byName.body.artifacts as unknown[]).length).toBe(1);
    const byId = await twirp("ListArtifacts", { id_filter: listed[0].database_id });
    expect((byId.body.artifacts as Record<string, string>[]).map((a) => a.name)).toEqual([
      "manual",
    ]);
    expect((await twirp("ListArtifacts", { name_filter: "nope" })).body).toEqual({
      artifacts: [],
    });

    const signed = await twirp("GetSignedArtifactURL", { name: "manual" });
    const download = await fetch(String(signed.body.signed_url));
    expect(download.headers.get("content-type")).toBe("application/zip");
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(bytes.equals(await service.read("manual"))).toBe(true);
    const missing = await twirp("GetSignedArtifactURL", { name: "nope" });
    expect(missing).toMatchObject({ status: 404, body: { code: "not_found" } });
  });

  test("CreateArtifact checks the version and the expiry", async () => {
    const old = await twirp("CreateArtifact", { name: "old", version: 3 });
    expect(old).toMatchObject({ status: 400, body: { code: "invalid_argument" } });
    const past = await twirp("CreateArtifact", {
      name: "past",
      version: 7,
      expires_at: "2020-01-01T00:00:00Z",
    });
    expect(past).toMatchObject({ status: 400, body: { code: "invalid_argument" } });
    const garbled = await twirp("CreateArtifact", { name: "bad", version: 7, expires_at: "soon" });
    expect(garbled.status).toBe(400);
  });

  test("failNext breaks the next calls of a method or of the blob endpoint", async () => {
    service.failNext("ListArtifacts", 503, 2);
    expect((await twirp("ListArtifacts", {})).status).toBe(503);
    expect((await twirp("ListArtifacts", {})).status).toBe(503);
    expect((await twirp("ListArtifacts", {})).status).toBe(200);

    const created = await twirp("CreateArtifact", { name: "faulty", version: 7 });
    service.failNext("BlobUpload", 500);
    expect(await putInBlocks(String(created.body.signed_upload_url), Buffer.from("data"))).toBe(
      500,
    );
  });

  test("uploads past maxTotalBytes get a 413", async () => {
    const small = await startArtifactService({ maxTotalBytes: 10 });
    try {
      const created = await twirp("CreateArtifact", { name: "big", version: 7 }, small.env, small);
      const put = await fetch(String(created.body.signed_upload_url), {
        method: "PUT",
        body: "x".repeat(11),
        headers: { "x-ms-blob-type": "BlockBlob" },
      });
      expect(put.status).toBe(413);
    } finally {
      await small.close();
    }
  });
});

describe("the real @actions/artifact client", () => {
  // In a child process, so the client reads only the env given to it.
  const script = `
import { DefaultArtifactClient } from "@actions/artifact";
const client = new DefaultArtifactClient();
const [root, file] = [process.env.TEST_ROOT, process.env.TEST_FILE];
const uploaded = await client.uploadArtifact("round-trip", [file], root);
const { artifacts } = await client.listArtifacts();
const { artifact } = await client.getArtifact("round-trip");
const downloaded = await client.downloadArtifact(artifact.id, { path: root + "/out" });
console.log("@@" + JSON.stringify({ uploaded, names: artifacts.map((a) => a.name), artifact, downloaded }));
`;

  test("uploads, lists, finds and downloads an artifact", async () => {
    const dir = mkdtempSync(path.join(root, "client-"));
    const file = path.join(dir, "pkg-2.0.tar.gz");
    writeZip(file, [{ name: "inner.txt", data: Buffer.from("inner") }]);
    const child = await runCommand(process.execPath, ["--input-type=module", "--eval", script], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? "", TEST_ROOT: dir, TEST_FILE: file, ...service.env },
      timeoutMs: 60_000,
    });
    const line = child.stdout.split("\n").find((text) => text.startsWith("@@"));
    if (!line) throw new Error(`no result (exit ${child.code}):\n${child.output}`);
    const result = JSON.parse(line.slice(2));
    expect(result.uploaded).toEqual({
      id: expect.any(Number),
      size: expect.any(Number),
      digest: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(result.names).toContain("round-trip");
    expect(result.artifact).toMatchObject({ name: "round-trip", id: result.uploaded.id });
    expect(result.artifact.digest).toBe(`sha256:${result.uploaded.digest}`);
    expect(result.downloaded.digestMismatch).toBe(false);
    expect(readdirSync(path.join(dir, "out"))).toEqual(["pkg-2.0.tar.gz"]);
    expect(readFileSync(path.join(dir, "out", "pkg-2.0.tar.gz")).equals(readFileSync(file))).toBe(
      true,
    );
  });

  test("another job of the run downloads it, as a later job's download-artifact does", async () => {
    const dir = mkdtempSync(path.join(root, "client-other-job-"));
    const download = `
import { DefaultArtifactClient } from "@actions/artifact";
const client = new DefaultArtifactClient();
const { artifact } = await client.getArtifact("round-trip");
const downloaded = await client.downloadArtifact(artifact.id, { path: process.env.TEST_ROOT, expectedHash: artifact.digest });
console.log("@@" + JSON.stringify(downloaded));
`;
    const child = await runCommand(process.execPath, ["--input-type=module", "--eval", download], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? "", TEST_ROOT: dir, ...service.jobEnv() },
      timeoutMs: 60_000,
    });
    const line = child.stdout.split("\n").find((text) => text.startsWith("@@"));
    if (!line) throw new Error(`no result (exit ${child.code}):\n${child.output}`);
    expect(JSON.parse(line.slice(2)).digestMismatch).toBe(false);
    expect(readdirSync(dir)).toEqual(["pkg-2.0.tar.gz"]);
  });
});
