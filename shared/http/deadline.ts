/** Time budgets for network work: a phase's deadline, and a bound on a library call with no timeout. */
import { abandonWork } from "../runtime/run-action.js";

/** Seconds for a message: whole above 10, else one decimal (`2.5 s`). */
export function seconds(ms: number): string {
  const value = ms / 1000;
  return value >= 10 || Number.isInteger(value) ? `${Math.round(value)}` : value.toFixed(1);
}

/** The end of one network phase; every request and every retry wait of the phase fits before it. */
export class Deadline {
  readonly start = Date.now();
  readonly end: number;

  constructor(
    readonly ms: number,
    /** What the phase does, for messages: "the OSV queries". */
    readonly what: string,
    /** The input that sets the budget, named when it runs out. */
    readonly input = "request-timeout",
  ) {
    this.end = this.start + ms;
  }

  remainingMs(): number {
    return Math.max(0, this.end - Date.now());
  }

  elapsedMs(): number {
    return Date.now() - this.start;
  }

  /** The error for a phase that ran out of time, with what last went wrong. */
  exceeded(attempts: number, last: string): Error {
    const tries = `${attempts} attempt${attempts === 1 ? "" : "s"}`;
    return new Error(
      `gave up on ${this.what} after ${tries} in ${seconds(this.elapsedMs())} s (${last}); raise ${this.input} (now ${seconds(this.ms)} s)`,
    );
  }
}

/** A library call that did not end within its bound. */
export class TimedOut extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not finish within ${seconds(ms)} s`);
    this.name = "TimedOut";
  }
}

/**
 * Bounds a library call that has no timeout of its own: past `ms` it rejects with TimedOut, and
 * the step ends without waiting for the abandoned call's sockets.
 */
export async function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abandonWork();
      reject(new TimedOut(what, ms));
    }, ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
