/** Index URLs as locks record them, without PyPI (pip's default) and without duplicates. */
import type { LockedPackage } from "./model.js";

const pypi = /^https?:\/\/(pypi\.org|pypi\.python\.org|files\.pythonhosted\.org)(\/|$)/;

export function distinctIndexes(urls: Iterable<string | undefined>): string[] {
  const seen = new Set<string>();
  for (const url of urls) {
    if (!url || pypi.test(url)) continue;
    seen.add(url.endsWith("/") ? url : `${url}/`);
  }
  return [...seen];
}

/** The distinct indexes the packages' registry sources name. */
export const registryIndexes = (packages: LockedPackage[]) =>
  distinctIndexes(packages.map((p) => (p.source.kind === "registry" ? p.source.url : undefined)));
