/** setup-venv's side of the venv cache: whether it is on, and restoring the venv from it. */
import { cacheWanted } from "../../shared/cache/wanted.js";
import type { ActionIo } from "../../shared/runtime/index.js";
import { claimVenv } from "../../shared/venv/location.js";

export interface CacheRestore {
  caching: boolean;
  hit: boolean;
}

export async function restoreFromCache(
  input: "auto" | "true" | "false",
  venv: string,
  key: string,
  io: ActionIo,
  env: Record<string, string | undefined>,
): Promise<CacheRestore> {
  const wanted = cacheWanted(input, env);
  if (wanted.off) io.notice(wanted.off);
  // @actions/cache is a large module: it is loaded only when the cache is wanted.
  const store = wanted.wanted ? await import("../../shared/cache/venv-store.js") : undefined;
  if (store === undefined || !usableCache(io, store.cacheAvailable()))
    return { caching: false, hit: false };
  claimVenv(venv); // what the restore writes is this run's
  const hit = await io.group("Restore the venv from the cache", () =>
    store.restoreVenv(venv, key, (message) => io.warning(message)),
  );
  return { caching: true, hit };
}

let warnedNoCache = false;

function usableCache(io: ActionIo, available: boolean): boolean {
  if (available) return true;
  if (!warnedNoCache)
    io.warning("setup-venv: no cache service is available here; the venv will not be cached.");
  warnedNoCache = true;
  return false;
}
