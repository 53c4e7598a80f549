import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { MAX_PAGES, OsvUnavailable, queryOsv } from "../../../shared/advisories/osv-client.js";
import { Deadline } from "../../../shared/http/deadline.js";
import { advisoryFixtures, type RunningOsvApi, startOsvApi } from "../../harness/osv-api.js";

let osv: RunningOsvApi;
let paged: RunningOsvApi;
const retry = { retries: 2, baseDelayMs: 10 };
const client = (url: string, more: { retry?: typeof retry } = {}) => ({
  url,
  retry,
  deadline: new Deadline(60_000, "the OSV queries"),
  ...more,
});

beforeAll(async () => {
  osv = await startOsvApi({ advisories: advisoryFixtures });
  paged = await startOsvApi({ advisories: advisoryFixtures, pageSize: 1, maxQueriesPerBatch: 2 });
});
afterAll(async () => {
  await osv?.close();
  await paged?.close();
});

const packages = [
  { name: "urllib3", version: "1.26.4" },
  { name: "requests", version: "2.31.0" },
  { name: "Jinja2", version: "2.10" },
  { name: "urllib3", version: "1.26.4" },
];

test("one querybatch, then one GET per distinct id", async () => {
  osv.reset();
  const answer = await queryOsv(packages, client(osv.url));
  const distinct = new Set(answer.ids.flat());
  expect(answer.ids[0].length).toBeGreaterThan(0);
  expect(answer.ids[1]).toEqual([]);
  expect(answer.ids[3]).toEqual(answer.ids[0]);
  expect([...answer.records.keys()].sort()).toEqual([...distinct].sort());
  expect(answer.requests).toBe(1 + distinct.size);
  expect(osv.requests.filter((r) => r.path === "/v1/querybatch")).toHaveLength(1);
  expect(osv.requests.filter((r) => r.path.startsWith("/v1/vulns/"))).toHaveLength(distinct.size);
});

test("pages and batches are followed", async () => {
  const direct = await queryOsv(packages, client(osv.url));
  const answer = await queryOsv(
    packages,
    client(paged.url, { retry: { ...retry, retries: 0 } }),
  ).catch((error: unknown) => error);
  // maxQueriesPerBatch 2 on the server: the client's 1,000-query batches are too big for it.
  expect(answer).toBeInstanceOf(OsvUnavailable);
  const single = await queryOsv([packages[0]], client(paged.url));
  expect(single.ids[0].sort()).toEqual([...direct.ids[0]].sort());
});

test("5xx and resets are retried; an unreachable OSV says the audit did not run", async () => {
  osv.injectFault({ path: "/v1/querybatch", kind: "status", status: 503 });
  osv.injectFault({ path: "/v1/vulns", kind: "reset" });
  const answer = await queryOsv(packages, client(osv.url));
  expect(answer.records.size).toBeGreaterThan(0);

  for (let i = 0; i < 3; i++)
    osv.injectFault({ path: "/v1/querybatch", kind: "status", status: 500 });
  await expect(queryOsv(packages, client(osv.url))).rejects.toThrow(
    /could not query OSV at .*; the audit did not run/,
  );
  await expect(queryOsv(packages, client("http://127.0.0.1:9"))).rejects.toBeInstanceOf(
    OsvUnavailable,
  );
});

test("1,000 packages: one querybatch, plus one call per distinct advisory", async () => {
  osv.reset();
  const many = [
    { name: "requests", version: "2.30.0" },
    { name: "urllib3", version: "1.26.4" },
    ...Array.from({ length: 998 }, (_, i) => ({ name: `synthetic-${i}`, version: "1.0.0" })),
  ];
  const answer = await queryOsv(many, client(osv.url));
  const distinct = new Set(answer.ids.flat());
  expect(distinct.size).toBe(4);
  expect(answer.requests).toBe(1 + distinct.size);
  expect(osv.requests.filter((r) => r.path === "/v1/querybatch")).toHaveLength(1);
  expect(osv.requests).toHaveLength(1 + distinct.size);
});

test(`a server that always names a next page is followed for ${MAX_PAGES} pages, no more`, async () => {
  const endless = await startOsvApi({ advisories: advisoryFixtures, pagination: "endless" });
  try {
    const error = await queryOsv([packages[0]], client(endless.url)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OsvUnavailable);
    expect((error as Error).message).toBe(
      `could not query OSV at ${endless.url} (querybatch had more than ${MAX_PAGES} pages for urllib3 1.26.4); the audit did not run`,
    );
    expect(endless.requests.filter((r) => r.path === "/v1/querybatch")).toHaveLength(MAX_PAGES);
  } finally {
    await endless.close();
  }
});

test("a page token sent twice for one query is an error", async () => {
  const repeating = await startOsvApi({ advisories: advisoryFixtures, pagination: "repeated" });
  try {
    const error = await queryOsv([packages[1]], client(repeating.url)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OsvUnavailable);
    expect((error as Error).message).toContain(
      "querybatch sent a page token twice for requests 2.31.0",
    );
    expect(repeating.requests.filter((r) => r.path === "/v1/querybatch")).toHaveLength(2);
  } finally {
    await repeating.close();
  }
});

test("a Retry-After past what the deadline has left ends the queries at once, naming the input", async () => {
  osv.reset();
  for (let i = 0; i < 3; i++)
    osv.injectFault({ path: "/v1/querybatch", kind: "rate-limit", retryAfterSeconds: 999999999 });
  const error = await queryOsv(packages, {
    ...client(osv.url),
    deadline: new Deadline(5_000, "the OSV queries"),
  }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(OsvUnavailable);
  expect((error as Error).message).toMatch(
    /gave up on the OSV queries after 1 attempt in .* s \(\/v1\/querybatch got 429\); raise request-timeout \(now 5 s\)/,
  );
  expect(osv.requests).toHaveLength(1);
  osv.reset();
});
