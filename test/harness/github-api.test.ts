import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { contentsKey, type RunningGitHubApi, startGitHubApi } from "./github-api.js";

const TOKEN = "ghs_stand_in_token";
let api: RunningGitHubApi;

beforeAll(async () => {
  api = await startGitHubApi();
});
afterAll(async () => api?.close());

/** A DSSE bundle's shape whose statement has these subjects' sha256 digests. */
const bundleFor = (...sha256s: string[]) => ({
  mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
  dsseEnvelope: {
    payload: Buffer.from(
      JSON.stringify({
        subject: sha256s.map((sha256, i) => ({ name: `f${i}`, digest: { sha256 } })),
      }),
    ).toString("base64"),
  },
});

const call = (method: string, path: string, body?: unknown, token = TOKEN) =>
  fetch(`${api.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe("the GitHub API stand-in's attestations", () => {
  test("POST stores a bundle (201 with its id); GET by subject digest lists the bundles with that subject", async () => {
    const [a, b] = ["aa".repeat(32), "bb".repeat(32)];
    const first = await call("POST", "/repos/o/r/attestations", { bundle: bundleFor(a, b) });
    expect(first.status).toBe(201);
    const { id } = (await first.json()) as { id: number };
    expect(typeof id).toBe("number");
    await call("POST", "/repos/o/r/attestations", { bundle: bundleFor(b) });
    await call("POST", "/repos/o/other/attestations", { bundle: bundleFor(a) });

    const list = async (digest: string) => {
      const response = await call("GET", `/repos/o/r/attestations/${digest}`);
      expect(response.status).toBe(200);
      return ((await response.json()) as { attestations: { bundle: unknown }[] }).attestations;
    };
    expect(await list(`sha256:${a}`)).toEqual([
      expect.objectContaining({ bundle: bundleFor(a, b), repository_id: expect.any(Number) }),
    ]);
    expect(await list(`sha256:${b}`)).toHaveLength(2);
    expect(await list(`sha256:${"cc".repeat(32)}`)).toEqual([]);
    expect(api.attestations("O", "R").map((stored) => stored.subjectDigests)).toEqual([
      [`sha256:${a}`, `sha256:${b}`],
      [`sha256:${b}`],
    ]);
  });

  test("a body with no bundle, or a bundle with no subjects, is a 422", async () => {
    expect((await call("POST", "/repos/o/r/attestations", {})).status).toBe(422);
    expect((await call("POST", "/repos/o/r/attestations", { bundle: bundleFor() })).status).toBe(
      422,
    );
  });

  test("a wrong token is a 401, and a read-only token's POST a 403", async () => {
    expect((await call("POST", "/repos/o/r/attestations", {}, "nope")).status).toBe(401);
    const readOnly = await startGitHubApi({ forbidWrites: true });
    try {
      const response = await fetch(`${readOnly.url}/repos/o/r/attestations`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ bundle: bundleFor("aa".repeat(32)) }),
      });
      expect(response.status).toBe(403);
    } finally {
      await readOnly.close();
    }
  });
});

describe("the GitHub API stand-in's contents", () => {
  test("a file at a ref, raw or as base64 JSON; any other ref or path is a 404", async () => {
    const contents = new Map([[contentsKey("O/r", "abc", "app/uv.lock"), "version = 1\n"]]);
    const server = await startGitHubApi({ contents });
    try {
      const get = (path: string, accept = "application/vnd.github.raw+json") =>
        fetch(`${server.url}${path}`, { headers: { authorization: `token ${TOKEN}`, accept } });
      const raw = await get("/repos/o/r/contents/app/uv.lock?ref=abc");
      expect(await raw.text()).toBe("version = 1\n");
      const answer = await get("/repos/o/r/contents/app/uv.lock?ref=abc", "application/json");
      const json = (await answer.json()) as { content: string };
      expect(json).toMatchObject({ type: "file", encoding: "base64", path: "app/uv.lock" });
      expect(Buffer.from(json.content, "base64").toString()).toBe("version = 1\n");
      expect((await get("/repos/o/r/contents/app/uv.lock?ref=def")).status).toBe(404);
      expect((await get("/repos/o/r/contents/uv.lock?ref=abc")).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
