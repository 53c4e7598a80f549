import type http from "node:http";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { Deadline } from "../../../shared/http/deadline.js";
import {
  INTEGRITY_MEDIA_TYPE,
  IntegrityClient,
  type ProvenanceQuery,
  provenanceUrl,
} from "../../../shared/sigstore/integrity-api.js";
import type { Attestation } from "../../../shared/sigstore/pep740.js";
import { createIndexHandler } from "../../harness/index-server.js";
import { type ProvenanceStore, provenanceKey } from "../../harness/integrity-api.js";
import { type RunningServer, startServer } from "../../harness/server.js";

/** The client's default concurrency. */
const LIMIT = 16;
const FILES = 1000;
const attestation: Attestation = {
  version: 1,
  verification_material: { certificate: "Y2VydA==", transparency_entries: [{}] },
  envelope: { statement: "c3RhdGVtZW50", signature: "c2ln" },
};
const publisher = {
  kind: "GitHub" as const,
  repository: "o/r",
  workflow: "release.yml",
  environment: null,
};
const store: ProvenanceStore = new Map();
const queries: ProvenanceQuery[] = [];

/** An Integrity API that holds answers until LIMIT requests wait (or every file was asked), to see the concurrency. */
let server: RunningServer;
const seen: { path: string; accept?: string }[] = [];
let inFlight = 0;
let mostInFlight = 0;
let held: (() => void)[] = [];
const faults = new Map<string, number>();

beforeAll(async () => {
  for (let n = 0; n < FILES; n++) {
    const filename = `pkg_${n}-1.0-py3-none-any.whl`;
    queries.push({ index: "", project: `pkg-${n}`, version: "1.0", filename });
    if (n % 2 === 0)
      store.set(provenanceKey(`pkg-${n}`, "1.0", filename), [
        { publisher, attestations: [attestation] },
      ]);
  }
  const index = await createIndexHandler({ files: [], provenance: store });
  server = await startServer((req: http.IncomingMessage, res: http.ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    seen.push({ path, accept: req.headers.accept });
    const failures = faults.get(path) ?? 0;
    if (failures > 0) {
      faults.set(path, failures - 1);
      res.writeHead(503).end();
      return;
    }
    if (path.includes("/broken/")) {
      res.writeHead(200, { "content-type": "application/json" }).end('{"version": 1}');
      return;
    }
    inFlight++;
    mostInFlight = Math.max(mostInFlight, inFlight);
    res.on("finish", () => inFlight--);
    held.push(() => index.handle(req, res));
    const asked = new Set(seen.map((entry) => entry.path)).size;
    if (held.length >= LIMIT || asked >= FILES) {
      const release = held;
      held = [];
      for (const answer of release) answer();
    }
  });
  for (const query of queries) query.index = server.url;
});
afterAll(async () => {
  await server?.close();
});

const client = () =>
  new IntegrityClient({
    retry: { retries: 2, baseDelayMs: 1 },
    deadline: new Deadline(60_000, "the provenance lookups"),
  });

describe("the Integrity API client", () => {
  test("the URL is PyPI's: the index root, then /integrity/<project>/<version>/<file>/provenance", () => {
    expect(
      provenanceUrl({
        index: "https://pypi.org/",
        project: "a-b",
        version: "1.0",
        filename: "a_b-1.0.tar.gz",
      }),
    ).toBe("https://pypi.org/integrity/a-b/1.0/a_b-1.0.tar.gz/provenance");
  });

  test("1,000 files: one request each, 16 at once (never one after another), answers in query order, then cached", async () => {
    const integrity = client();
    const twice = [...queries, ...queries.slice(0, 10)];
    const answers = await integrity.lookupAll(twice);
    expect(seen).toHaveLength(FILES);
    expect(new Set(seen.map((entry) => entry.path)).size).toBe(FILES);
    expect(seen.every((entry) => entry.accept === INTEGRITY_MEDIA_TYPE)).toBe(true);
    expect(mostInFlight).toBe(LIMIT);
    expect(integrity.requests).toBe(FILES);
    expect(answers[0]).toEqual({
      kind: "provenance",
      bundles: [{ publisher, attestations: [attestation] }],
    });
    expect(answers[1]).toEqual({ kind: "none", reason: "the index has no provenance for it" });
    expect(answers[FILES]).toBe(answers[0]);
    await integrity.lookupAll(queries.slice(0, 8));
    expect(seen).toHaveLength(FILES);
  });

  test("a 503 is retried; one that stays is 'unavailable'; a body that is no provenance is 'invalid'", async () => {
    const integrity = client();
    const [first, second] = queries.slice(0, 2);
    faults.set(new URL(provenanceUrl(first)).pathname, 1);
    faults.set(new URL(provenanceUrl(second)).pathname, 10);
    const broken = { ...first, project: "broken" };
    const [retried, down, invalid] = await integrity.lookupAll([first, second, broken]);
    expect(retried.kind).toBe("provenance");
    expect(down).toEqual({ kind: "unavailable", reason: expect.stringContaining("got 503") });
    expect(invalid).toEqual({
      kind: "invalid",
      reason: "the index's answer is not a PEP 740 provenance object",
    });
  });
});
