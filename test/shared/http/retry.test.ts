import { expect, test } from "@jest/globals";
import { Deadline } from "../../../shared/http/deadline.js";
import { NetworkError } from "../../../shared/http/http.js";
import {
  backoffMs,
  MAX_RETRY_AFTER_MS,
  Retryable,
  retryAfterMs,
  withRetries,
} from "../../../shared/http/retry.js";

const answer = (headers: Record<string, string>) => ({
  status: 429,
  statusText: "",
  headers,
  body: "",
});
const roomy = () => new Deadline(10 * 60_000, "the test");

test("Retry-After in seconds or as a date, capped at 30 s", () => {
  expect(MAX_RETRY_AFTER_MS).toBe(30_000);
  expect(retryAfterMs(answer({ "retry-after": "2" }))).toBe(2000);
  expect(retryAfterMs(answer({ "retry-after": "9999" }))).toBe(30_000);
  expect(retryAfterMs(answer({ "retry-after": "999999999" }))).toBe(30_000);
  const now = Date.parse("2026-01-01T00:00:00Z");
  expect(retryAfterMs(answer({ "retry-after": "Thu, 01 Jan 2026 00:00:03 GMT" }), now)).toBe(3000);
  expect(retryAfterMs(answer({ "retry-after": "Fri, 01 Jan 2100 00:00:00 GMT" }), now)).toBe(
    30_000,
  );
  expect(retryAfterMs(answer({}))).toBeUndefined();
});

test("backoff doubles, with jitter in the upper half, up to the cap", () => {
  const policy = { retries: 5, baseDelayMs: 100, maxDelayMs: 1000 };
  expect(backoffMs(0, policy, 0)).toBe(50);
  expect(backoffMs(0, policy, 1)).toBe(100);
  expect(backoffMs(2, policy, 1)).toBe(400);
  expect(backoffMs(8, policy, 1)).toBe(1000);
});

test("retries transient failures only, and gives up after the retries", async () => {
  const waits: number[] = [];
  const policy = { retries: 2, wait: async (ms: number) => void waits.push(ms) };
  let calls = 0;
  await expect(
    withRetries(policy, roomy(), async () => {
      calls++;
      throw new NetworkError("reset");
    }),
  ).rejects.toThrow("reset");
  expect(calls).toBe(3);
  expect(waits).toHaveLength(2);

  calls = 0;
  await expect(
    withRetries(policy, roomy(), async () => {
      calls++;
      throw new Error("a 400");
    }),
  ).rejects.toThrow("a 400");
  expect(calls).toBe(1);

  const result = await withRetries(policy, roomy(), async (index) => {
    if (index === 0) throw new Retryable("429", 1234);
    return "ok";
  });
  expect(result).toBe("ok");
  expect(waits.at(-1)).toBe(1234);
});

test("a wait that would end past the phase's deadline is not started", async () => {
  const waits: number[] = [];
  const policy = { retries: 5, wait: async (ms: number) => void waits.push(ms) };
  let calls = 0;
  const deadline = new Deadline(20_000, "the OSV queries");
  await expect(
    withRetries(policy, deadline, async () => {
      calls++;
      throw new Retryable("/v1/querybatch got 429", MAX_RETRY_AFTER_MS);
    }),
  ).rejects.toThrow(
    /^gave up on the OSV queries after 1 attempt in \d+(\.\d)? s \(\/v1\/querybatch got 429\); raise request-timeout \(now 20 s\)$/,
  );
  expect(calls).toBe(1);
  expect(waits).toEqual([]);
});

test("a spent phase stops the retries, however many are left", async () => {
  const policy = { retries: 10, wait: async () => {} };
  let calls = 0;
  await expect(
    withRetries(policy, new Deadline(0, "uploading x.whl"), async () => {
      calls++;
      throw new NetworkError("no complete answer from http://index/legacy/ within 3 s");
    }),
  ).rejects.toThrow(
    /^gave up on uploading x\.whl after 1 attempt in .* s \(no complete answer from http:\/\/index\/legacy\/ within 3 s\); raise request-timeout/,
  );
  expect(calls).toBe(1);
});
