/** The venv cache itself, through @actions/cache: loaded only when caching is on. */
import * as cache from "@actions/cache";

export const cacheAvailable = (): boolean => cache.isFeatureAvailable();

/** Restores exactly `key` into `venv` (never a prefix match); true on a hit. */
export async function restoreVenv(venv: string, key: string): Promise<boolean> {
  const matched = await cache.restoreCache([venv], key, [], {}, false);
  return matched === key;
}

export async function saveVenv(venv: string, key: string): Promise<number> {
  return cache.saveCache([venv], key);
}
