/** The index's JSON API for upload times: one request per (name, version), 8 at a time, cached; offline answers. */
import { mkdtempSync } from "node:fs";
import type http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import {
  jsonApiRoot,
  PYPI,
  releaseUrl,
  UploadTimeClient,
  type UploadTimeQuery,
  uploadTimeOf,
} from "../../../actions/lock-check/upload-times.js";
import { Deadline } from "../../../shared/http/deadline.js";
import { createIndexHandler, daysAgo } from "../../harness/index-server.js";
import { type RunningServer, startServer } from "../../harness/server.js";
import { buildPackages, wheelFilename } from "../../harness/wheels.js";

/** The client's default concurrency. */
const LIMIT = 8;
const PACKAGES = 40;
const yesterday = daysAgo(1);

let server: RunningServer;
const asked: string[] = [];
let inFlight = 0;
let mostInFlight = 0;
let held: (() => void)[] = [];
const queries: UploadTimeQuery[] = [];

/** The index stand-in behind a gate that holds JSON answers until LIMIT wait (or every version was asked). */
beforeAll(async () => {
  const directory = mkdtempSync(path.join(os.tmpdir(), "pyship-upload-times-"));
  const specs = Array.from({ length: PACKAGES }, (_, n) => ({ name: `pkg-${n}`, version: "1.0" }));
  await buildPackages(specs, directory);
  const uploadTimes = Object.fromEntries(
    specs.filter((_, n) => n % 2 === 0).map((spec) => [wheelFilename(spec), yesterday]),
  );
  const index = await createIndexHandler({ directory, uploadTimes });
  server = await startServer((req: http.IncomingMessage, res: http.ServerResponse) => {
    const where = new URL(req.url ?? "/", "http://x").pathname;
    asked.push(where);
    inFlight++;
    mostInFlight = Math.max(mostInFlight, inFlight);
    res.on("finish", () => inFlight--);
    held.push(() => index.handle(req, res));
    if (held.length >= LIMIT || new Set(asked).size >= PACKAGES + 1) {
      const release = held;
      held = [];
      for (const answer of release) answer();
    }
  });
  for (const spec of specs)
    queries.push({ index: server.url, name: spec.name, version: "1.0", files: [] });
  // One version the index does not know: a 404.
  queries.push({ index: server.url, name: "pkg-0", version: "9.9", files: [] });
});
afterAll(async () => {
  await server?.close();
});

const client = () =>
  new UploadTimeClient({
    retry: { retries: 2, baseDelayMs: 1 },
    deadline: new Deadline(60_000, "the upload-time lookups"),
  });

describe("the JSON API client", () => {
  test("the URL is PyPI's: /pypi/<name>/<version>/json at the index's root", () => {
    expect(releaseUrl("https://pypi.org/", "a-b", "1.0")).toBe(
      "https://pypi.org/pypi/a-b/1.0/json",
    );
    expect(jsonApiRoot("https://pypi.org/simple", "http://mirror")).toBe("http://mirror");
    expect(jsonApiRoot("https://files.pythonhosted.org/x", PYPI)).toBe(PYPI);
    expect(jsonApiRoot(undefined, PYPI)).toBe(PYPI);
    expect(jsonApiRoot("pypi", PYPI)).toBe(PYPI);
    expect(jsonApiRoot("https://idx.example/root/+simple/", PYPI)).toBe("https://idx.example/root");
  });

  test("41 versions asked twice over: one request each, 8 at once, answers in query order, then cached", async () => {
    const times = client();
    const twice = [...queries, ...queries.slice(0, 10)];
    const answers = await times.lookupAll(twice);
    expect(asked).toHaveLength(PACKAGES + 1);
    expect(new Set(asked).size).toBe(PACKAGES + 1);
    expect(mostInFlight).toBe(LIMIT);
    expect(times.requests).toBe(PACKAGES + 1);
    expect(answers[0]).toEqual({ kind: "found", uploadTime: new Date(yesterday).toISOString() });
    expect(answers[1]).toEqual({ kind: "found", uploadTime: "2020-01-01T00:00:00.000Z" });
    expect(answers[PACKAGES]).toEqual({
      kind: "none",
      reason: `${server.url} does not know the version`,
    });
    expect(answers[PACKAGES + 1]).toEqual(answers[0]);
    await times.lookupAll(queries.slice(0, 5));
    expect(asked).toHaveLength(PACKAGES + 1);
  });

  test("an index that cannot be reached: 'unavailable', saying which, and not asked again after the first 8", async () => {
    const gone = await startServer(() => undefined);
    await gone.close();
    const times = client();
    const answers = await times.lookupAll(queries.map((q) => ({ ...q, index: gone.url })));
    expect(answers[0]).toEqual({
      kind: "unavailable",
      reason: `${gone.url} could not be reached: the connection was refused`,
    });
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(times.requests).toBe(LIMIT);
  });

  test("a server whose answer is not the JSON API's (an HTML page): 'unavailable'", async () => {
    const page = await startServer((_, res) => {
      res.writeHead(200, { "content-type": "text/html" }).end("<html></html>");
    });
    try {
      const [answer] = await client().lookupAll([{ ...queries[0], index: page.url }]);
      expect(answer).toEqual({
        kind: "unavailable",
        reason: `${page.url} has no JSON API (no urls in its answer)`,
      });
    } finally {
      await page.close();
    }
  });
});

describe("uploadTimeOf", () => {
  const files = [
    {
      filename: "a-1.0.tar.gz",
      digests: { sha256: "aa" },
      upload_time_iso_8601: "2026-01-01T00:00:00Z",
    },
    {
      filename: "a-1.0-py3-none-any.whl",
      digests: { sha256: "bb" },
      upload_time_iso_8601: "2026-01-02T00:00:00Z",
    },
    {
      filename: "a-1.0-cp314-win_amd64.whl",
      digests: { sha256: "cc" },
      upload_time_iso_8601: "2026-03-01T00:00:00Z",
    },
  ];

  test("the newest of the locked files, matched by name or by sha256", () => {
    expect(
      uploadTimeOf(files, [{ name: "a-1.0.tar.gz", hashes: [] }, { hashes: ["sha256:BB"] }]),
    ).toEqual({
      kind: "found",
      uploadTime: "2026-01-02T00:00:00.000Z",
    });
    expect(
      uploadTimeOf(files, [{ url: "https://f/x/a-1.0-cp314-win_amd64.whl", hashes: [] }]),
    ).toEqual({
      kind: "found",
      uploadTime: "2026-03-01T00:00:00.000Z",
    });
  });

  test("no locked file listed: the release's first upload", () => {
    expect(uploadTimeOf(files, [])).toEqual({
      kind: "found",
      uploadTime: "2026-01-01T00:00:00.000Z",
    });
    expect(uploadTimeOf([], [])).toEqual({
      kind: "none",
      reason: "the index lists no upload time for it",
    });
  });
});
