import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { OsvUnavailable, queryOsv } from "../../../shared/advisories/osv-client.js";
import { advisoryFixtures, type RunningOsvApi, startOsvApi } from "../../harness/osv-api.js";

let osv: RunningOsvApi;
let paged: RunningOsvApi;
const retry = { retries: 2, baseDelayMs: 10 };

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
  const answer = await queryOsv(packages, { url: osv.url, retry });
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
  const direct = await queryOsv(packages, { url: osv.url, retry });
  const answer = await queryOsv(packages, {
    url: paged.url,
    retry: { ...retry, retries: 0 },
  }).catch((error: unknown) => error);
  // maxQueriesPerBatch 2 on the server: the client's 1,000-query batches are too big for it.
  expect(answer).toBeInstanceOf(OsvUnavailable);
  const single = await queryOsv([packages[0]], { url: paged.url, retry });
  expect(single.ids[0].sort()).toEqual([...direct.ids[0]].sort());
});

test("5xx and resets are retried; an unreachable OSV says the audit did not run", async () => {
  osv.injectFault({ path: "/v1/querybatch", kind: "status", status: 503 });
  osv.injectFault({ path: "/v1/vulns", kind: "reset" });
  const answer = await queryOsv(packages, { url: osv.url, retry });
  expect(answer.records.size).toBeGreaterThan(0);

  for (let i = 0; i < 3; i++)
    osv.injectFault({ path: "/v1/querybatch", kind: "status", status: 500 });
  await expect(queryOsv(packages, { url: osv.url, retry })).rejects.toThrow(
    /could not query OSV at .*; the audit did not run/,
  );
  await expect(queryOsv(packages, { url: "http://127.0.0.1:9", retry })).rejects.toBeInstanceOf(
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
  const answer = await queryOsv(many, { url: osv.url, retry });
  const distinct = new Set(answer.ids.flat());
  expect(distinct.size).toBe(4);
  expect(answer.requests).toBe(1 + distinct.size);
  expect(osv.requests.filter((r) => r.path === "/v1/querybatch")).toHaveLength(1);
  expect(osv.requests).toHaveLength(1 + distinct.size);
});
