import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  chmodSync,
  closeSync,
  createReadStream,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import * as cache from "@actions/cache";
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  jest,
  test,
} from "@jest/globals";
import { cacheEnvironment, type RunningCacheService, startCacheService } from "./cache-service.js";

const TWIRP = "twirp/github.actions.results.api.v1.CacheService";
/** Over the 128 MiB single-shot limit even after compression (the data is random). */
const LARGE_BYTES = 136 * 1024 * 1024;
const zstdOnPath = spawnSync("zstd", ["--version"]).status === 0;

const root = mkdtempSync(path.join(os.tmpdir(), "pyship-cache-test-"));
const workspace = path.join(root, "workspace");
const runnerTemp = path.join(root, "temp");
const environment = cacheEnvironment({ workspace, runnerTemp });
let service: RunningCacheService;
const useService = environment.use;

beforeAll(async () => {
  mkdirSync(workspace, { recursive: true });
  mkdirSync(runnerTemp, { recursive: true });
  service = await startCacheService();
  useService(service);
});
afterAll(async () => {
  await service?.close();
  environment.restore();
  rmSync(root, { recursive: true, force: true });
});

// @actions/core and @actions/exec log to stdout (::debug::, ::warning::, [command]…).
let output: string[] = [];
beforeEach(() => {
  output = [];
  jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    output.push(String(chunk));
    return true;
  });
});
afterEach(() => {
  jest.restoreAllMocks();
  useService(service);
});
const logged = (prefix: string) =>
  output
    .join("")
    .split(/\r?\n/)
    .filter((line) => line.startsWith(prefix));

function makeTree(name: string): string {
  const dir = path.join(workspace, name);
  mkdirSync(path.join(dir, "bin"), { recursive: true });
  writeFileSync(path.join(dir, "pyvenv.cfg"), "home = /usr/bin\n");
  writeFileSync(path.join(dir, "bin", "tool"), "#!/bin/sh\necho tool\n");
  chmodSync(path.join(dir, "bin", "tool"), 0o755);
  symlinkSync("tool", path.join(dir, "bin", "tool-link"));
  return dir;
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function twirp(method: string, body: unknown, token = service.env.ACTIONS_RUNTIME_TOKEN) {
  const response = await fetch(`${service.url}${TWIRP}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

describe("@actions/cache against the local service", () => {
  test("isFeatureAvailable follows the environment", () => {
    expect(cache.isFeatureAvailable()).toBe(true);
    delete process.env.ACTIONS_RESULTS_URL;
    expect(cache.isFeatureAvailable()).toBe(false);
    // Without the v2 flag the client falls back to v1, which needs ACTIONS_CACHE_URL.
    useService(service);
    delete process.env.ACTIONS_CACHE_SERVICE_V2;
    expect(cache.isFeatureAvailable()).toBe(false);
  });

  test("save and restore round-trip content, symlinks and modes", async () => {
    const dir = makeTree("venv");
    expect(await cache.saveCache([dir], "venv-key-1")).toBeGreaterThan(0);
    // zstd (as "zstd-without-long") when a zstd binary is on PATH, else gzip.
    const tarCommand = logged("[command]").join(" ");
    expect(tarCommand).toContain(zstdOnPath ? "cache.tzst" : "cache.tgz");
    process.stderr.write(`@actions/cache archived with ${zstdOnPath ? "zstd" : "gzip"}\n`);

    rmSync(dir, { recursive: true });
    expect(await cache.restoreCache([dir], "venv-key-1")).toBe("venv-key-1");
    expect(readFileSync(path.join(dir, "pyvenv.cfg"), "utf8")).toBe("home = /usr/bin\n");
    expect(lstatSync(path.join(dir, "bin", "tool")).mode & 0o777).toBe(0o755);
    expect(lstatSync(path.join(dir, "bin", "tool-link")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(path.join(dir, "bin", "tool-link"))).toBe("tool");
    expect(service.entries()).toEqual([
      {
        key: "venv-key-1",
        version: expect.stringMatching(/^[0-9a-f]{64}$/),
        size: expect.any(Number),
      },
    ]);
    // A restore key matches by prefix and reports the matched key.
    rmSync(dir, { recursive: true });
    expect(await cache.restoreCache([dir], "venv-key-2", ["venv-key-"])).toBe("venv-key-1");
    expect(logged("Cache hit for restore-key: venv-key-1")).toHaveLength(1);
  });

  test("only the exact key (or a restore prefix) hits; a second save is refused quietly", async () => {
    const dir = path.join(workspace, "venv");
    expect(await cache.restoreCache([dir], "other-key")).toBeUndefined();
    // The version hashes the path strings: another spelling of the same dir misses.
    expect(await cache.restoreCache([`${dir}/`], "venv-key-1")).toBeUndefined();

    expect(await cache.saveCache([dir], "venv-key-1")).toBe(-1);
    expect(logged("::warning::Cache reservation failed: an entry for key venv-key-1")).toHaveLength(
      1,
    );
    expect(logged("Failed to save: Unable to reserve cache with key venv-key-1")).toHaveLength(1);
    expect(service.entries()).toHaveLength(1);
  });

  test("a large archive goes up as blocks plus a block list", async () => {
    const dir = path.join(workspace, "large");
    mkdirSync(dir);
    const file = path.join(dir, "random.bin");
    const fd = openSync(file, "w");
    for (let written = 0; written < LARGE_BYTES; written += 1024 * 1024) {
      writeSync(fd, randomBytes(1024 * 1024));
    }
    closeSync(fd);
    const digest = await sha256File(file);
    const before = service.requests.length;

    expect(await cache.saveCache([dir], "large-key")).toBeGreaterThan(0);
    const uploads = service.requests.slice(before).filter((request) => request.method === "PUT");
    const blocks = uploads.filter((request) => request.path.includes("comp=block&"));
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    expect(uploads.filter((request) => request.path.endsWith("comp=blocklist"))).toHaveLength(1);
    expect(service.entries().find((entry) => entry.key === "large-key")?.size).toBeGreaterThan(
      128 * 1024 * 1024,
    );

    rmSync(dir, { recursive: true });
    expect(await cache.restoreCache([dir], "large-key")).toBe("large-key");
    expect(await sha256File(file)).toBe(digest);
    rmSync(dir, { recursive: true });
  });
});

describe("@actions/cache when the service fails", () => {
  const dir = path.join(workspace, "venv");

  test("a bad token is a miss with a warning, not a throw", async () => {
    process.env.ACTIONS_RUNTIME_TOKEN = "a.b.c";
    expect(await cache.restoreCache([dir], "venv-key-1")).toBeUndefined();
    expect(logged("::warning::Failed to restore:").join("")).toContain("(401)");
  });

  test("one 503 is retried after ~3 s and then hits", async () => {
    service.failNext("GetCacheEntryDownloadURL", 503);
    const started = Date.now();
    expect(await cache.restoreCache([dir], "venv-key-1", [], { lookupOnly: true })).toBe(
      "venv-key-1",
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
    expect(logged("Attempt 1 of 5 failed with error: Failed request: (503)")).toHaveLength(1);
  });

  test("429 is not retried: a fast miss with a warning", async () => {
    service.failNext("GetCacheEntryDownloadURL", 429);
    const started = Date.now();
    expect(await cache.restoreCache([dir], "venv-key-1")).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(logged("::warning::Failed to restore:").join("")).toContain("Rate limited");
  });

  test("an unreachable service is a fast miss, and save returns -1", async () => {
    const gone = await startCacheService();
    await gone.close();
    useService(gone);
    const started = Date.now();
    expect(await cache.restoreCache([dir], "venv-key-1")).toBeUndefined();
    expect(await cache.saveCache([dir], "unreachable-key")).toBe(-1);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(logged("::warning::Failed to restore:").join("")).toContain("ECONNREFUSED");
    expect(logged("Failed to save: Unable to reserve cache")).toHaveLength(1);
    expect(process.exitCode ?? 0).toBe(0);
  });

  test("a refused blob upload leaves no entry and save returns -1", async () => {
    service.failNext("BlobUpload", 403);
    expect(await cache.saveCache([dir], "upload-fails")).toBe(-1);
    expect(logged("::warning::uploadCacheArchiveSDK: internal error")).toHaveLength(1);
    expect(service.entries().map((entry) => entry.key)).not.toContain("upload-fails");
  });

  test("a failed blob download is a miss: the client saves the error body and tar rejects it", async () => {
    service.failNext("BlobDownload", 404);
    expect(await cache.restoreCache([dir], "venv-key-1")).toBeUndefined();
    expect(logged("Cache hit for: venv-key-1")).toHaveLength(1);
    expect(logged("::warning::Failed to restore:").join("")).toContain("tar");
  });

  test("five 503s: the client backs off, then misses", async () => {
    service.failNext("GetCacheEntryDownloadURL", 503, 5);
    const started = Date.now();
    expect(await cache.restoreCache([dir], "venv-key-1")).toBeUndefined();
    // Its backoff sleeps at least this long, however loaded the machine is.
    expect(Date.now() - started).toBeGreaterThan(20_000);
    // A plain Error (not HttpClientError) after the retries, so a warning, not ::error::.
    expect(logged("::warning::Failed to restore:").join("")).toContain("after 5 attempts");
    expect(logged("Attempt 4 of 5 failed")).toHaveLength(1);
  }, 300_000);
});

describe("protocol details", () => {
  const version = "f".repeat(64);

  test("Twirp calls need the bearer token", async () => {
    const denied = await twirp("GetCacheEntryDownloadURL", { key: "k", version }, "wrong");
    expect(denied).toEqual({
      status: 401,
      body: { code: "unauthenticated", msg: expect.any(String) },
    });
  });

  test("blocks are assembled in block-list order; GET supports HEAD and Range", async () => {
    const created = await twirp("CreateCacheEntry", { key: "blocks", version });
    expect(created.body.ok).toBe(true);
    const upload = created.body.signed_upload_url;
    expect(upload).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1\/cache\//);
    const idA = Buffer.from("block-a").toString("base64");
    const idB = Buffer.from("block-b").toString("base64");
    for (const [id, body] of [
      [idB, "BBB"],
      [idA, "AA"],
    ]) {
      const staged = await fetch(`${upload}&comp=block&blockid=${encodeURIComponent(id)}`, {
        method: "PUT",
        body,
      });
      expect(staged.status).toBe(201);
    }
    const list = `<?xml version="1.0" encoding="utf-8"?><BlockList><Latest>${idA}</Latest><Latest>${idB}</Latest></BlockList>`;
    const committed = await fetch(`${upload}&comp=blocklist`, { method: "PUT", body: list });
    expect(committed.status).toBe(201);
    expect(committed.headers.get("x-ms-request-id")).toBeTruthy();

    const mismatch = await twirp("FinalizeCacheEntryUpload", {
      key: "blocks",
      version,
      size_bytes: "4",
    });
    expect(mismatch.body.ok).toBe(false);
    const finalized = await twirp("FinalizeCacheEntryUpload", {
      key: "blocks",
      version,
      size_bytes: "5",
    });
    expect(finalized.body).toEqual({ ok: true, entry_id: expect.stringMatching(/^\d+$/) });

    const found = await twirp("GetCacheEntryDownloadURL", { key: "blocks", version });
    const download = found.body.signed_download_url;
    expect(await (await fetch(download)).text()).toBe("AABBB");
    const head = await fetch(download, { method: "HEAD" });
    expect(head.headers.get("content-length")).toBe("5");
    const ranged = await fetch(download, { headers: { range: "bytes=1-2" } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get("content-range")).toBe("bytes 1-2/5");
    expect(await ranged.text()).toBe("AB");
    expect((await fetch(download.replace(/sig=\w+/, "sig=nope"))).status).toBe(403);
    const headers = { "x-ms-blob-type": "BlockBlob" };
    const overwrite = await fetch(upload, { method: "PUT", body: "x", headers });
    expect(overwrite.status).toBe(409);
  });

  test("restore keys match by prefix, newest first, same version only", async () => {
    for (const key of ["deps-1", "deps-2"]) {
      const created = await twirp("CreateCacheEntry", { key, version });
      const put = await fetch(created.body.signed_upload_url, {
        method: "PUT",
        body: key,
        headers: { "x-ms-blob-type": "BlockBlob" },
      });
      expect(put.status).toBe(201);
      await twirp("FinalizeCacheEntryUpload", { key, version, size_bytes: String(key.length) });
    }
    const duplicate = await twirp("CreateCacheEntry", { key: "deps-1", version });
    expect(duplicate.body.ok).toBe(false);
    const byPrefix = await twirp("GetCacheEntryDownloadURL", {
      key: "deps-9",
      restore_keys: ["nothing-", "deps-"],
      version,
    });
    expect(byPrefix.body.matched_key).toBe("deps-2");
    const otherVersion = await twirp("GetCacheEntryDownloadURL", {
      key: "deps-2",
      restore_keys: ["deps-"],
      version: "0".repeat(64),
    });
    expect(otherVersion.body).toEqual({ ok: false });
  });

  test("uploads past maxTotalBytes get a 413 and entries are capped", async () => {
    const small = await startCacheService({ maxTotalBytes: 10, maxEntries: 1 });
    try {
      const call = (method: string, body: unknown) =>
        fetch(`${small.url}${TWIRP}/${method}`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            authorization: `Bearer ${small.env.ACTIONS_RUNTIME_TOKEN}`,
          },
          body: JSON.stringify(body),
        }).then((response) => response.json() as Promise<Record<string, string>>);
      const created = await call("CreateCacheEntry", { key: "a", version });
      const put = await fetch(created.signed_upload_url, {
        method: "PUT",
        body: "x".repeat(11),
        headers: { "x-ms-blob-type": "BlockBlob" },
      });
      expect(put.status).toBe(413);
      expect((await call("CreateCacheEntry", { key: "b", version })).ok).toBe(false);
    } finally {
      await small.close();
    }
  });
});
