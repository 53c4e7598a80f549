/** The venv cache via @actions/cache: time-bounded restore and save that warn, not fail. */
import * as cache from "@actions/cache";
import { within } from "../http/deadline.js";
import { errorMessage } from "../runtime/errors.js";
import { explainErrnoCodes } from "../runtime/system-errors.js";

export const cacheAvailable = (): boolean => cache.isFeatureAvailable();

/** The longest a restore or a save may take; a stalled download segment is abandoned by then too. */
export const CACHE_TIMEOUT_MS = 10 * 60_000;

/** Restores exactly `key` into `venv` (never a prefix match); true on a hit, false on a miss or a failure. */
export async function restoreVenv(
  venv: string,
  key: string,
  warn: (message: string) => void,
  timeoutMs = CACHE_TIMEOUT_MS,
): Promise<boolean> {
  const options = { timeoutInMs: 30_000, segmentTimeoutInMs: timeoutMs };
  try {
    const restoring = cache.restoreCache([venv], key, [], options, false);
    return (await within(restoring, timeoutMs, "restoring the venv cache")) === key;
  } catch (error) {
    warn(
      `setup-venv: the cached venv could not be restored (${explainErrnoCodes(errorMessage(error))}); installing it instead.`,
    );
    return false;
  }
}

/** The cache id; -1 when not saved (another job saved the key first); undefined on a failure, warned. */
export async function saveVenv(
  venv: string,
  key: string,
  warn: (message: string) => void,
  timeoutMs = CACHE_TIMEOUT_MS,
): Promise<number | undefined> {
  try {
    return await within(cache.saveCache([venv], key), timeoutMs, "saving the venv cache");
  } catch (error) {
    warn(
      `setup-venv: the venv was not saved to the cache (${explainErrnoCodes(errorMessage(error))}).`,
    );
    return undefined;
  }
}
