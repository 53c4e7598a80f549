/** Retries with exponential backoff and jitter, honouring Retry-After up to a cap, within a phase's deadline. */
import { setTimeout as sleep } from "node:timers/promises";
import type { Deadline } from "./deadline.js";
import { type HttpResponse, NetworkError } from "./http.js";

export interface RetryPolicy {
  /** Attempts after the first. */
  retries: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Told before each wait. */
  onRetry?(reason: string, delayMs: number, attempt: number): void;
  wait?(ms: number): Promise<void>;
}

/** An answer, or a failure to get one, that the caller asks to try again. */
export class Retryable extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "Retryable";
  }
}

/** The longest Retry-After honoured: a longer one waits this long (the phase's deadline still bounds it). */
export const MAX_RETRY_AFTER_MS = 30_000;

/** Retry-After in seconds or as an HTTP date, capped at MAX_RETRY_AFTER_MS. */
export function retryAfterMs(response: HttpResponse, now = Date.now()): number | undefined {
  const header = response.headers["retry-after"];
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS) : undefined;
}

export function backoffMs(attempt: number, policy: RetryPolicy, random = Math.random()): number {
  const base = policy.baseDelayMs ?? 500;
  const ceiling = Math.min(policy.maxDelayMs ?? 10_000, base * 2 ** attempt);
  return Math.round(ceiling / 2 + (random * ceiling) / 2);
}

/**
 * Runs `attempt` until it returns, throws something other than Retryable or NetworkError,
 * or the retries are spent (then the last error is thrown). A wait that would end past the
 * deadline is not started: the phase gives up, naming the input that sets its budget.
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  deadline: Deadline,
  attempt: (index: number) => Promise<T>,
): Promise<T> {
  const wait = policy.wait ?? ((ms: number) => sleep(ms));
  for (let index = 0; ; index++) {
    try {
      return await attempt(index);
    } catch (error) {
      const transient = error instanceof Retryable || error instanceof NetworkError;
      if (!transient) throw error;
      if (deadline.remainingMs() <= 0) throw deadline.exceeded(index + 1, error.message);
      if (index >= policy.retries) throw error;
      const hinted = error instanceof Retryable ? error.retryAfterMs : undefined;
      const delay = hinted ?? backoffMs(index, policy);
      if (delay >= deadline.remainingMs()) throw deadline.exceeded(index + 1, error.message);
      policy.onRetry?.(error.message, delay, index + 1);
      await wait(delay);
    }
  }
}
