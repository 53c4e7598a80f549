import { expect, test } from "@jest/globals";
import { NetworkError } from "../../../shared/http/http.js";
import { backoffMs, Retryable, retryAfterMs, withRetries } from "../../../shared/http/retry.js";

const answer = (headers: Record<string, string>) => ({
  status: 429,
  statusText: "",
  headers,
  body: "",
});

test("Retry-After in seconds or as a date, capped", () => {
  expect(retryAfterMs(answer({ "retry-after": "2" }))).toBe(2000);
  expect(retryAfterMs(answer({ "retry-after": "9999" }))).toBe(60_000);
  const now = Date.parse("2026-01-01T00:00:00Z");
  expect(retryAfterMs(answer({ "retry-after": "Thu, 01 Jan 2026 00:00:03 GMT" }), now)).toBe(3000);
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
    withRetries(policy, async () => {
      calls++;
      throw new NetworkError("reset");
    }),
  ).rejects.toThrow("reset");
  expect(calls).toBe(3);
  expect(waits).toHaveLength(2);

  calls = 0;
  await expect(
    withRetries(policy, async () => {
      calls++;
      throw new Error("a 400");
    }),
  ).rejects.toThrow("a 400");
  expect(calls).toBe(1);

  const result = await withRetries(policy, async (index) => {
    if (index === 0) throw new Retryable("429", 1234);
    return "ok";
  });
  expect(result).toBe("ok");
  expect(waits.at(-1)).toBe(1234);
});
