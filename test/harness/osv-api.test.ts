import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "@jest/globals";
import YAML from "yaml";
import {
  advisoryAffects,
  advisoryFixtures,
  loadAdvisories,
  type OsvAdvisory,
  parseAdvisoryYaml,
  type RunningOsvApi,
  startOsvApi,
} from "./osv-api.js";

const ADVISORIES = advisoryFixtures;
const root = mkdtempSync(path.join(os.tmpdir(), "pyship-osv-api-test-"));

let osv: RunningOsvApi;

beforeAll(async () => {
  osv = await startOsvApi({ advisories: ADVISORIES });
});
afterAll(async () => {
  await osv?.close();
  rmSync(root, { recursive: true, force: true });
});

interface BatchResult {
  vulns?: Array<{ id: string; modified: string }>;
  next_page_token?: string;
}

type Query = {
  package: { name?: string; ecosystem?: string; purl?: string };
  version?: string;
  page_token?: string;
};

const pypi = (name: string, version?: string): Query => ({
  package: { name, ecosystem: "PyPI" },
  ...(version === undefined ? {} : { version }),
});

async function post(server: RunningOsvApi, route: string, body: unknown) {
  const res = await fetch(`${server.url}${route}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

async function batch(queries: Query[], server = osv) {
  const res = await post(server, "/v1/querybatch", { queries });
  expect(res.status).toBe(200);
  return (JSON.parse(res.text) as { results: BatchResult[] }).results;
}

const ids = (result: BatchResult) => (result.vulns ?? []).map((v) => v.id).sort();

/** Follows next_page_token for one query until the last page; returns every page. */
async function allPages(server: RunningOsvApi, query: Query): Promise<BatchResult[]> {
  const pages: BatchResult[] = [];
  let token: string | undefined;
  do {
    const [result] = await batch([{ ...query, ...(token ? { page_token: token } : {}) }], server);
    pages.push(result);
    token = result.next_page_token;
  } while (token && pages.length < 50);
  return pages;
}

async function get(server: RunningOsvApi, route: string) {
  try {
    const res = await fetch(`${server.url}${route}`);
    return { status: res.status, headers: res.headers, text: await res.text() };
  } catch {
    return { status: 0, headers: new Headers(), text: "" };
  }
}

describe("loading", () => {
  test("the real fixtures load, versions stay strings", () => {
    expect([...osv.advisories.keys()].sort()).toEqual(
      [
        "PYSEC-2018-28",
        "PYSEC-2018-66",
        "PYSEC-2019-179",
        "PYSEC-2019-217",
        "PYSEC-2021-108",
        "PYSEC-2021-142",
        "PYSEC-2021-66",
        "PYSEC-2022-42969",
        "PYSEC-2022-43012",
        "PYSEC-2022-43059",
        "PYSEC-2023-100",
        "PYSEC-2023-11",
        "PYSEC-2023-135",
        "PYSEC-2023-175",
        "PYSEC-2023-192",
        "PYSEC-2023-212",
        "PYSEC-2023-221",
        "PYSEC-2023-227",
        "PYSEC-2023-254",
        "PYSEC-2023-62",
        "PYSEC-2023-74",
        "PYSEC-2024-102",
        "PYSEC-2024-24",
        "PYSEC-2024-60",
      ].sort(),
    );
    for (const advisory of osv.advisories.values()) {
      for (const entry of advisory.affected ?? []) {
        for (const version of entry.versions ?? []) expect(typeof version).toBe("string");
        for (const range of entry.ranges ?? []) {
          for (const event of range.events ?? []) {
            for (const value of Object.values(event)) expect(typeof value).toBe("string");
          }
        }
      }
    }
  });

  test("bare numeric versions in YAML keep their spelling", () => {
    const parsed = parseAdvisoryYaml(
      [
        "id: X-1",
        "modified: 2024-01-01T00:00:00Z",
        "affected:",
        "- package: {name: demo, ecosystem: PyPI}",
        "  ranges:",
        "  - type: ECOSYSTEM",
        "    events: [{introduced: 0}, {fixed: 2.10}]",
        "  versions: [1.0, 2.1, 2]",
        "database_specific: {score: 1.50}",
      ].join("\n"),
    ) as OsvAdvisory;
    expect(parsed.modified).toBe("2024-01-01T00:00:00Z");
    expect(parsed.affected?.[0].ranges?.[0].events).toEqual([
      { introduced: "0" },
      { fixed: "2.10" },
    ]);
    expect(parsed.affected?.[0].versions).toEqual(["1.0", "2.1", "2"]);
    expect(parsed.database_specific).toEqual({ score: 1.5 });
  });

  test("a directory is searched recursively for .yaml, .yml and .json; other files are ignored", async () => {
    const dir = path.join(root, "mixed");
    mkdirSync(path.join(dir, "a", "b"), { recursive: true });
    const advisory = (id: string) => ({
      id,
      modified: "2024-01-01T00:00:00Z",
      affected: [{ package: { name: "demo", ecosystem: "PyPI" }, versions: ["1.0"] }],
    });
    writeFileSync(path.join(dir, "a", "one.json"), JSON.stringify(advisory("J-1")));
    writeFileSync(path.join(dir, "a", "b", "two.yml"), YAML.stringify(advisory("Y-2")));
    writeFileSync(path.join(dir, "three.yaml"), YAML.stringify(advisory("Y-3")));
    writeFileSync(path.join(dir, "README.md"), "# not an advisory\n");
    // Sorted by relative path: a/b/two.yml, a/one.json, three.yaml.
    expect(loadAdvisories(dir).map((a) => a.id)).toEqual(["Y-2", "J-1", "Y-3"]);

    writeFileSync(path.join(dir, "dup.json"), JSON.stringify(advisory("J-1")));
    await expect(startOsvApi({ advisories: dir })).rejects.toThrow(/duplicate advisory id J-1/);
    await expect(startOsvApi({ advisories: [{ modified: "x" }] })).rejects.toThrow(/no id/);
  });
});

describe("matching (advisoryAffects)", () => {
  const make = (entry: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    ({
      id: "T-1",
      modified: "2024-01-01T00:00:00Z",
      affected: [{ package: { name: "Demo_Pkg", ecosystem: "PyPI" }, ...entry }],
      ...extra,
    }) as OsvAdvisory;

  test("unsorted events and several introduced/fixed pairs", () => {
    const advisory = make({
      ranges: [
        {
          type: "ECOSYSTEM",
          events: [
            { introduced: "2.0.0" },
            { fixed: "2.0.7" },
            { introduced: "0" },
            { fixed: "1.26.18" },
          ],
        },
      ],
    });
    const affected = (v: string) => advisoryAffects(advisory, "PyPI", "demo-pkg", v);
    expect(affected("0.1")).toBe(true);
    expect(affected("1.26.17")).toBe(true);
    expect(affected("1.26.18")).toBe(false);
    expect(affected("1.27")).toBe(false);
    expect(affected("2.0.0a1")).toBe(false);
    expect(affected("2.0.0")).toBe(true);
    expect(affected("2.0.7rc1")).toBe(true);
    expect(affected("2.0.7")).toBe(false);
    expect(affected("10.0")).toBe(false);
  });

  test("last_affected is inclusive, limit is an exclusive upper bound, ranges are OR-ed", () => {
    const advisory = make({
      ranges: [
        { type: "ECOSYSTEM", events: [{ introduced: "1.0" }, { last_affected: "1.5" }] },
        { type: "ECOSYSTEM", events: [{ introduced: "3.0" }, { limit: "3.2" }] },
        { type: "GIT", events: [{ introduced: "0" }, { fixed: "abc123" }] },
      ],
    });
    const affected = (v: string) => advisoryAffects(advisory, "PyPI", "demo.pkg", v);
    expect(affected("0.9")).toBe(false);
    expect(affected("1.5")).toBe(true);
    expect(affected("1.5.0")).toBe(true);
    expect(affected("1.5.post1")).toBe(false);
    expect(affected("2.0")).toBe(false);
    expect(affected("3.1.9")).toBe(true);
    expect(affected("3.2")).toBe(false);
  });

  test("the versions list matches PEP 440-equal spellings, even outside every range", () => {
    const advisory = make({
      ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "1.0" }] }],
      versions: ["0.12.01", "2.10", "not-a-version"],
    });
    const affected = (v: string) => advisoryAffects(advisory, "PyPI", "DEMO__PKG", v);
    expect(affected("0.12.1")).toBe(true);
    expect(affected("2.10.0")).toBe(true);
    expect(affected("2.1")).toBe(false);
    expect(affected("not-a-version")).toBe(true);
    expect(affected("also-not-a-version")).toBe(false);
    expect(affected("1.0")).toBe(false);
    // No version: every advisory for the package.
    expect(advisoryAffects(advisory, "PyPI", "demo-pkg")).toBe(true);
  });

  test("other packages, other ecosystems and withdrawn advisories never match", () => {
    const range = { type: "ECOSYSTEM", events: [{ introduced: "0" }] };
    expect(advisoryAffects(make({ ranges: [range] }), "PyPI", "demo-pkg2", "1.0")).toBe(false);
    expect(advisoryAffects(make({ ranges: [range] }), "npm", "demo_pkg", "1.0")).toBe(false);
    expect(advisoryAffects(make({ ranges: [range] }), "pypi", "demo-pkg", "1.0")).toBe(false);
    const withdrawn = make({ ranges: [range] }, { withdrawn: "2024-02-01T00:00:00Z" });
    expect(advisoryAffects(withdrawn, "PyPI", "demo-pkg", "1.0")).toBe(false);
    expect(advisoryAffects(withdrawn, "PyPI", "demo-pkg")).toBe(false);
  });

  test("every version listed by a real advisory is also inside its ECOSYSTEM ranges", () => {
    for (const advisory of osv.advisories.values()) {
      if (advisory.withdrawn) continue;
      const rangesOnly = {
        ...advisory,
        affected: advisory.affected?.map((entry) => ({ ...entry, versions: [] })),
      };
      for (const entry of advisory.affected ?? []) {
        const name = entry.package?.name ?? "";
        for (const version of entry.versions ?? []) {
          expect([
            advisory.id,
            version,
            advisoryAffects(rangesOnly, "PyPI", name, version),
          ]).toEqual([advisory.id, version, true]);
        }
      }
    }
  });
});

describe("POST /v1/querybatch", () => {
  beforeEach(() => osv.reset());

  test("finds real advisories for vulnerable versions and nothing for fixed ones, in query order", async () => {
    const results = await batch([
      pypi("requests", "2.19.1"),
      pypi("requests", "2.31.0"),
      pypi("urllib3", "1.26.4"),
      pypi("urllib3", "2.0.6"),
      pypi("urllib3", "2.0.7"),
      pypi("Jinja2", "2.10"),
      pypi("jinja2", "2.11.3"),
      pypi("Django", "4.2.2"),
      pypi("django", "4.2.15"),
      pypi("django", "5.1.0"),
      pypi("django", "4.2.16"),
      pypi("django", "4.1.9"),
      pypi("py", "1.11.0"),
      pypi("aiohttp", "3.9.1"),
      pypi("aiohttp", "3.9.5"),
      pypi("not-a-package", "1.0"),
    ]);
    expect(results.map(ids)).toEqual([
      ["PYSEC-2018-28", "PYSEC-2023-74"],
      [],
      ["PYSEC-2021-108", "PYSEC-2023-192", "PYSEC-2023-212"],
      ["PYSEC-2023-212"],
      [],
      ["PYSEC-2019-217", "PYSEC-2021-66"],
      [],
      ["PYSEC-2023-100", "PYSEC-2024-102"],
      ["PYSEC-2024-102"],
      ["PYSEC-2024-102"],
      [],
      ["PYSEC-2023-100"],
      ["PYSEC-2022-42969"],
      ["PYSEC-2024-24"],
      [],
      [],
    ]);
    // No hits: an empty object, as osv.dev answers.
    expect(results[1]).toEqual({});
    expect(results[0].vulns?.find((v) => v.id === "PYSEC-2023-74")).toEqual({
      id: "PYSEC-2023-74",
      modified: "2023-06-05T01:13:00.534973Z",
    });
    expect(results.every((r) => r.next_page_token === undefined)).toBe(true);
    expect(osv.requests).toEqual([
      { method: "POST", path: "/v1/querybatch", status: 200, queries: 16 },
    ]);
  });

  test("purl queries, version-less queries and commit queries", async () => {
    const results = await batch([
      { package: { purl: "pkg:pypi/requests@2.19.1" } },
      { package: { purl: "pkg:pypi/requests" }, version: "2.31.0" },
      pypi("jinja2"),
      { commit: "6879efc2c1596d11a6a6ad296f80063b558d5e0f" } as unknown as Query,
    ]);
    expect(results.map(ids)).toEqual([
      ["PYSEC-2018-28", "PYSEC-2023-74"],
      [],
      ["PYSEC-2019-217", "PYSEC-2021-66"],
      [],
    ]);
    // The withdrawn aiohttp advisory is left out even without a version.
    expect((await batch([pypi("aiohttp")])).map(ids)).toEqual([["PYSEC-2024-24"]]);
  });

  test("pagination with pageSize 1 collects every id; only the paginated query is re-sent", async () => {
    const small = await startOsvApi({ advisories: ADVISORIES, pageSize: 1 });
    try {
      const first = await batch(
        [pypi("urllib3", "1.26.4"), pypi("requests", "2.31.0"), pypi("py", "1.0")],
        small,
      );
      expect(first[0].vulns).toHaveLength(1);
      expect(typeof first[0].next_page_token).toBe("string");
      expect(first[1]).toEqual({});
      expect(first[2].next_page_token).toBeUndefined();
      expect(ids(first[2])).toEqual(["PYSEC-2022-42969"]);

      const pages = await allPages(small, pypi("urllib3", "1.26.4"));
      expect(pages).toHaveLength(3);
      expect(pages.at(-1)?.next_page_token).toBeUndefined();
      expect(pages.flatMap(ids).sort()).toEqual([
        "PYSEC-2021-108",
        "PYSEC-2023-192",
        "PYSEC-2023-212",
      ]);
      expect(pages[0]).toEqual(first[0]);
      expect(small.requests.map((r) => r.queries)).toEqual([3, 1, 1, 1]);
    } finally {
      await small.close();
    }
  });

  test("a bad page token, or one sent with another query, is a 400", async () => {
    const small = await startOsvApi({ advisories: ADVISORIES, pageSize: 1 });
    try {
      const [first] = await batch([pypi("urllib3", "1.26.4")], small);
      const token = first.next_page_token ?? "";
      const other = await post(small, "/v1/querybatch", {
        queries: [pypi("requests", "2.19.1"), { ...pypi("requests", "2.19.1"), page_token: token }],
      });
      expect(other.status).toBe(400);
      expect(JSON.parse(other.text)).toEqual({
        code: 3,
        message: "Invalid page token at index: 1.",
      });
      const garbage = await post(small, "/v1/querybatch", {
        queries: [{ ...pypi("urllib3", "1.26.4"), page_token: "garbage" }],
      });
      expect(garbage.status).toBe(400);
      // The same query with its token, but normalized differently, still works.
      const [second] = await batch([{ ...pypi("URLLIB3", "1.26.4"), page_token: token }], small);
      expect(second.vulns).toHaveLength(1);
      expect(second.vulns?.[0].id).not.toBe(first.vulns?.[0].id);
    } finally {
      await small.close();
    }
  });

  test("more than 1000 queries is a 400; exactly 1000 is fine", async () => {
    const queries = (n: number) => Array.from({ length: n }, () => pypi("requests", "2.19.1"));
    const tooMany = await post(osv, "/v1/querybatch", { queries: queries(1001) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(tooMany.text)).toEqual({ code: 3, message: "Too many queries." });
    const results = await batch(queries(1000));
    expect(results).toHaveLength(1000);
    expect(ids(results[999])).toEqual(["PYSEC-2018-28", "PYSEC-2023-74"]);
    expect(osv.requests.map((r) => [r.status, r.queries])).toEqual([
      [400, 1001],
      [200, 1000],
    ]);
  });

  test("maxQueriesPerBatch can be lowered", async () => {
    const strict = await startOsvApi({ advisories: ADVISORIES, maxQueriesPerBatch: 2 });
    try {
      const queries = [pypi("a", "1"), pypi("b", "1"), pypi("c", "1")];
      expect((await post(strict, "/v1/querybatch", { queries })).status).toBe(400);
      expect((await post(strict, "/v1/querybatch", { queries: queries.slice(1) })).status).toBe(
        200,
      );
    } finally {
      await strict.close();
    }
  });

  test("malformed requests: bad JSON, bad queries, wrong method, unknown path", async () => {
    expect((await post(osv, "/v1/querybatch", "{not json")).status).toBe(400);
    expect((await post(osv, "/v1/querybatch", { queries: [{ version: "1.0" }] })).status).toBe(400);
    const both = await post(osv, "/v1/querybatch", {
      queries: [{ package: { name: "requests", ecosystem: "PyPI", purl: "pkg:pypi/requests" } }],
    });
    expect(both.status).toBe(400);
    expect((await post(osv, "/v1/querybatch", { queries: [] })).text).toBe('{"results":[]}');
    expect((await get(osv, "/v1/querybatch")).status).toBe(405);
    expect((await get(osv, "/v2/whatever")).status).toBe(404);
  });
});

describe("GET /v1/vulns/{id} and POST /v1/query", () => {
  beforeEach(() => osv.reset());

  test("returns the full advisory as JSON, converted from the YAML file", async () => {
    const res = await get(osv, "/v1/vulns/PYSEC-2023-192");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    const expected = YAML.parse(readFileSync(`${ADVISORIES}/urllib3/PYSEC-2023-192.yaml`, "utf8"));
    expect(JSON.parse(res.text)).toEqual(expected);
  });

  test("withdrawn advisories are still served by id", async () => {
    const res = await get(osv, "/v1/vulns/PYSEC-2022-43059");
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text).withdrawn).toBeTruthy();
  });

  test("an unknown id is a 404 with osv.dev's error", async () => {
    const res = await get(osv, "/v1/vulns/PYSEC-0000-0");
    expect(res.status).toBe(404);
    expect(JSON.parse(res.text)).toEqual({ code: 5, message: "Bug not found." });
  });

  test("one querybatch plus one GET per distinct id is what the log shows", async () => {
    const results = await batch([pypi("requests", "2.19.1"), pypi("requests", "2.18.0")]);
    const distinct = [...new Set(results.flatMap(ids))];
    expect(distinct).toHaveLength(2);
    for (const id of distinct) expect((await get(osv, `/v1/vulns/${id}`)).status).toBe(200);
    expect(osv.requests).toEqual([
      { method: "POST", path: "/v1/querybatch", status: 200, queries: 2 },
      ...distinct.map((id) => ({ method: "GET", path: `/v1/vulns/${id}`, status: 200 })),
    ]);
  });

  test("/v1/query returns full records", async () => {
    const res = await post(osv, "/v1/query", pypi("jinja2", "2.10"));
    expect(res.status).toBe(200);
    const body = JSON.parse(res.text) as { vulns: OsvAdvisory[] };
    expect(body.vulns.map((v) => v.id)).toEqual(["PYSEC-2019-217", "PYSEC-2021-66"]);
    expect(body.vulns[0]).toEqual(osv.advisories.get("PYSEC-2019-217"));
    expect(JSON.parse((await post(osv, "/v1/query", pypi("jinja2", "3.1.4"))).text)).toEqual({});
  });

  test("advisories can be given as objects", async () => {
    const server = await startOsvApi({
      advisories: [
        {
          id: "OBJ-1",
          modified: "2024-05-01T00:00:00Z",
          affected: [
            {
              package: { name: "demo", ecosystem: "PyPI" },
              ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "2.0" }] }],
            },
          ],
        },
      ],
    });
    try {
      expect((await batch([pypi("Demo", "1.9"), pypi("demo", "2.0")], server)).map(ids)).toEqual([
        ["OBJ-1"],
        [],
      ]);
      expect(JSON.parse((await get(server, "/v1/vulns/OBJ-1")).text).id).toBe("OBJ-1");
    } finally {
      await server.close();
    }
  });
});

describe("faults", () => {
  beforeEach(() => osv.reset());

  test("a 503 once, then success", async () => {
    osv.injectFault({ path: "/v1/querybatch", kind: "status", status: 503 });
    const failed = await post(osv, "/v1/querybatch", { queries: [pypi("requests", "2.19.1")] });
    expect(failed.status).toBe(503);
    expect((await batch([pypi("requests", "2.19.1")])).map(ids)).toEqual([
      ["PYSEC-2018-28", "PYSEC-2023-74"],
    ]);
    expect(osv.requests.map((r) => r.status)).toEqual([503, 200]);
  });

  test("a reset on /v1/vulns/... (prefix match), then success", async () => {
    osv.injectFault({ path: "/v1/vulns", kind: "reset" });
    expect((await get(osv, "/v1/vulns/PYSEC-2018-28")).status).toBe(0);
    expect((await get(osv, "/v1/vulns/PYSEC-2018-28")).status).toBe(200);
    expect(osv.requests.map((r) => r.status)).toEqual([0, 200]);
  });

  test("429 with Retry-After, and a slow answer", async () => {
    osv.injectFault({ path: "/v1/vulns/PYSEC-2018-28", kind: "rate-limit", retryAfterSeconds: 2 });
    expect(osv.faults("/v1/vulns/anything")).toHaveLength(1);
    const limited = await get(osv, "/v1/vulns/PYSEC-2023-74");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("2");

    osv.injectFault({ path: "/v1/querybatch", kind: "slow", delayMs: 300 });
    const started = Date.now();
    expect(await batch([pypi("py", "1.0")])).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  test("faults on one path leave the other alone", async () => {
    osv.injectFault({ path: "/v1/querybatch", kind: "status", status: 500 });
    expect((await get(osv, "/v1/vulns/PYSEC-2018-28")).status).toBe(200);
    expect((await post(osv, "/v1/querybatch", { queries: [] })).status).toBe(500);
  });
});

test("the server stops by itself after its lifetime", async () => {
  const shortLived = await startOsvApi({ advisories: ADVISORIES, lifetimeMs: 200 });
  expect((await get(shortLived, "/v1/vulns/PYSEC-2018-28")).status).toBe(200);
  await new Promise((resolve) => setTimeout(resolve, 400));
  expect((await get(shortLived, "/v1/vulns/PYSEC-2018-28")).status).toBe(0);
  await shortLived.close();
});
