/** Index URLs as locks record them, without PyPI (pip's default) and without duplicates. */
import type { LockedPackage } from "./model.js";

const pypi = /^https?:\/\/(pypi\.org|pypi\.python\.org|files\.pythonhosted\.org)(\/|$)/;
const pypiHost = /^(www\.)?(pypi\.org|pypi\.python\.org|files\.pythonhosted\.org)$/;

/**
 * An index's root, where its JSON and Integrity APIs live: the registry URL without `/simple`
 * (or devpi's `/+simple`); `pypi` for PyPI, its file host, or a source named but not located.
 */
export function indexRoot(registry: string | undefined, pypiRoot: string): string {
  let url: URL;
  try {
    url = new URL(registry ?? "");
  } catch {
    return pypiRoot;
  }
  if (pypiHost.test(url.hostname)) return pypiRoot;
  return `${url.origin}${url.pathname.replace(/\/+$/, "").replace(/\/\+?simple$/, "")}`;
}

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
