/**
 * A PEP 503 / 691 simple index (with PEP 658/714 metadata files) and a PyPI-shaped JSON API
 * over the wheels and sdists of a directory, for pip, poetry, pdm and pipenv.
 */
import { createHash } from "node:crypto";
import { createReadStream, readdirSync, readFileSync, statSync } from "node:fs";
import type http from "node:http";
import path from "node:path";
import { readTarGzMember, readZipMember } from "./archives.js";
import { answerIntegrity, type ProvenanceStore } from "./integrity-api.js";
import { type RunningServer, type ServerOptions, startServer } from "./server.js";
import { normalizeName } from "./wheels.js";

export interface IndexSource {
  /** Serve every .whl / .tar.gz in this directory. */
  directory?: string;
  /** Or these files. */
  files?: string[];
  /** Serve PyPI's Integrity API (`/integrity/<project>/<version>/<file>/provenance`) from it. */
  provenance?: ProvenanceStore;
  /** Upload times (ISO 8601) by file name, for the JSON API; others were uploaded 2020-01-01. */
  uploadTimes?: Record<string, string>;
}

/** The JSON API's upload time of files not given one. */
export const DEFAULT_UPLOAD_TIME = "2020-01-01T00:00:00.000000Z";

/** An ISO 8601 time `days` before now (1: "yesterday"), for `uploadTimes`. */
export const daysAgo = (days: number, now = Date.now()) =>
  new Date(now - days * 86_400_000).toISOString();

export interface IndexOptions extends ServerOptions, IndexSource {}

/** The index as a request handler, for servers that serve an index among other routes. */
export interface IndexHandler {
  /**
   * Answers GET/HEAD `/simple/…`, `/files/…`, `/pypi/<name>[/<version>]/json` and, with a
   * provenance store, `/integrity/…` (404 for
   * anything else, 405 for other methods).
   */
  handle(req: http.IncomingMessage, res: http.ServerResponse): void;
  /** Rescans the directory (or re-reads the files) after adding packages. */
  refresh(): Promise<void>;
  /** Sets a file's upload time (ISO 8601) in the JSON API. */
  setUploadTime(filename: string, time: string): void;
}

export interface RunningIndex extends RunningServer {
  /** `<url>/simple/` */
  simpleUrl: string;
  /** Rescans the directory (or re-reads the files) after adding packages. */
  refresh(): Promise<void>;
  /** Sets a file's upload time (ISO 8601) in the JSON API. */
  setUploadTime(filename: string, time: string): void;
}

interface IndexedFile {
  filename: string;
  filePath: string;
  project: string;
  version: string;
  packagetype: "bdist_wheel" | "sdist";
  size: number;
  mtimeMs: number;
  sha256: string;
  md5: string;
  metadata?: Buffer;
  metadataSha256?: string;
  headers: Map<string, string[]>;
}

const JSON_TYPE = "application/vnd.pypi.simple.v1+json";
const HTML_TYPE = "text/html; charset=utf-8";

/** Project name and version from a wheel or sdist file name; undefined for other files. */
export function parseDistFilename(
  filename: string,
): { project: string; version: string; packagetype: IndexedFile["packagetype"] } | undefined {
  if (filename.endsWith(".whl")) {
    const parts = filename.slice(0, -4).split("-");
    if (parts.length < 5) return undefined;
    return { project: normalizeName(parts[0]), version: parts[1], packagetype: "bdist_wheel" };
  }
  const base = /^(.+)-([^-]+)\.(tar\.gz|zip)$/.exec(filename);
  if (!base) return undefined;
  return { project: normalizeName(base[1]), version: base[2], packagetype: "sdist" };
}

/** Parses RFC 822 style core metadata headers (continuation lines folded in). */
export function parseMetadata(text: string): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  let last: string[] | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line === "") break;
    if (/^[ \t]/.test(line) && last) {
      last[last.length - 1] += `\n${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    last = headers.get(key) ?? [];
    last.push(line.slice(colon + 1).trim());
    headers.set(key, last);
  }
  return headers;
}

/** sha256 and md5 hex digests in one streaming pass. */
function hashFile(filePath: string): Promise<{ sha256: string; md5: string }> {
  return new Promise((resolve, reject) => {
    const sha256 = createHash("sha256");
    const md5 = createHash("md5");
    createReadStream(filePath)
      .on("data", (chunk) => {
        sha256.update(chunk);
        md5.update(chunk);
      })
      .on("end", () => resolve({ sha256: sha256.digest("hex"), md5: md5.digest("hex") }))
      .on("error", reject);
  });
}

function readCoreMetadata(filePath: string, filename: string, size: number): Buffer | undefined {
  if (filename.endsWith(".whl")) {
    return readZipMember(filePath, size, (name) => /^[^/]+\.dist-info\/METADATA$/.test(name));
  }
  if (filename.endsWith(".tar.gz")) {
    return readTarGzMember(readFileSync(filePath), (name) => /^[^/]+\/PKG-INFO$/.test(name));
  }
  return undefined;
}

async function indexFile(
  filePath: string,
  previous?: IndexedFile,
): Promise<IndexedFile | undefined> {
  const filename = path.basename(filePath);
  const parsed = parseDistFilename(filename);
  if (!parsed) return undefined;
  const stat = statSync(filePath);
  const unchanged =
    previous?.filePath === filePath &&
    previous.size === stat.size &&
    previous.mtimeMs === stat.mtimeMs;
  if (unchanged) return previous;
  let metadata: Buffer | undefined;
  try {
    metadata = readCoreMetadata(filePath, filename, stat.size);
  } catch {
    metadata = undefined; // still served, just without metadata (e.g. a deliberately broken wheel)
  }
  return {
    ...parsed,
    filename,
    filePath,
    size: stat.size,
    mtimeMs: stat.mtimeMs,
    ...(await hashFile(filePath)),
    // PEP 658 files are only offered for wheels: sdist PKG-INFO may be dynamic.
    metadata: parsed.packagetype === "bdist_wheel" ? metadata : undefined,
    metadataSha256:
      parsed.packagetype === "bdist_wheel" && metadata
        ? createHash("sha256").update(metadata).digest("hex")
        : undefined,
    headers: metadata ? parseMetadata(metadata.toString("utf8")) : new Map(),
  };
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/** Compares PEP 440 versions well enough for synthetic packages (release, pre, post, dev). */
export function compareVersions(a: string, b: string): number {
  const key = (version: string): number[] => {
    const match =
      /^v?(\d+(?:\.\d+)*)(?:[-_.]?(a|b|rc)(\d*))?(?:[-_.]?post(\d*))?(?:[-_.]?dev(\d*))?/i.exec(
        version,
      );
    if (!match) return [];
    const [, release, pre, preNumber, post, dev] = match;
    const numbers = release.split(".").map(Number);
    while (numbers.length < 8) numbers.push(0);
    // Phase: a bare dev release < a < b < rc < final.
    const phase = pre
      ? ["a", "b", "rc"].indexOf(pre.toLowerCase()) + 1
      : dev !== undefined && post === undefined
        ? 0
        : 4;
    const postRank = post === undefined ? 0 : 1 + Number(post || 0);
    const devRank = dev === undefined ? 0 : Number(dev || 0) - 1e9;
    return [...numbers, phase, Number(preNumber || 0), postRank, devRank];
  };
  const [left, right] = [key(a), key(b)];
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference) return difference;
  }
  return a.localeCompare(b);
}

function prefersJson(accept: string | undefined): boolean {
  let jsonQ = -1;
  let htmlQ = -1;
  for (const part of (accept ?? "").split(",")) {
    const [type, ...params] = part.trim().split(";");
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    const mediaType = type.trim().toLowerCase();
    if (mediaType === JSON_TYPE) jsonQ = Math.max(jsonQ, q);
    else if (
      mediaType.startsWith("text/html") ||
      mediaType.includes("+html") ||
      mediaType === "*/*"
    )
      htmlQ = Math.max(htmlQ, q);
  }
  return jsonQ > 0 && jsonQ >= htmlQ;
}

function htmlPage(title: string, bodyLines: string[]): string {
  return [
    "<!DOCTYPE html>",
    "<html>",
    "  <head>",
    '    <meta name="pypi:repository-version" content="1.0">',
    `    <title>${title}</title>`,
    "  </head>",
    "  <body>",
    ...bodyLines.map((line) => `    ${line}`),
    "  </body>",
    "</html>",
    "",
  ].join("\n");
}

function send(res: http.ServerResponse, status: number, type: string, body: string | Buffer): void {
  const data = typeof body === "string" ? Buffer.from(body) : body;
  res.writeHead(status, { "content-type": type, "content-length": data.length, vary: "Accept" });
  res.end(res.req.method === "HEAD" ? undefined : data);
}

function redirect(res: http.ServerResponse, location: string): void {
  res.writeHead(301, { location, "content-length": 0 });
  res.end();
}

/** The index over `source` as a request handler (scanned once before this resolves). */
export async function createIndexHandler(source: IndexSource): Promise<IndexHandler> {
  let files = new Map<string, IndexedFile>();
  let projects = new Map<string, IndexedFile[]>();
  const uploadTimes = new Map(Object.entries(source.uploadTimes ?? {}));
  const uploadTime = (file: IndexedFile) => {
    const iso = new Date(uploadTimes.get(file.filename) ?? DEFAULT_UPLOAD_TIME).toISOString();
    return { upload_time: iso.slice(0, 19), upload_time_iso_8601: iso.replace("Z", "000Z") };
  };

  const refresh = async () => {
    const paths = [...(source.files ?? [])];
    if (source.directory) {
      for (const name of readdirSync(source.directory).sort()) {
        paths.push(path.join(source.directory, name));
      }
    }
    const next = new Map<string, IndexedFile>();
    for (const filePath of paths) {
      const indexed = await indexFile(filePath, files.get(path.basename(filePath)));
      if (indexed) next.set(indexed.filename, indexed);
    }
    const grouped = new Map<string, IndexedFile[]>();
    for (const file of next.values()) {
      grouped.set(file.project, [...(grouped.get(file.project) ?? []), file]);
    }
    for (const list of grouped.values()) {
      list.sort(
        (x, y) => compareVersions(x.version, y.version) || x.filename.localeCompare(y.filename),
      );
    }
    files = next;
    projects = new Map([...grouped].sort(([x], [y]) => x.localeCompare(y)));
  };
  await refresh();

  const fileUrl = (base: string, file: IndexedFile) =>
    `${base}/files/${encodeURIComponent(file.filename)}`;
  const displayName = (list: IndexedFile[]) =>
    list.find((file) => file.headers.get("name"))?.headers.get("name")?.[0] ?? list[0].project;

  const simpleProjectHtml = (base: string, project: string, list: IndexedFile[]) => {
    const links = list.map((file) => {
      const attributes = [`href="${fileUrl(base, file)}#sha256=${file.sha256}"`];
      const requiresPython = file.headers.get("requires-python")?.[0];
      if (requiresPython) attributes.push(`data-requires-python="${escapeHtml(requiresPython)}"`);
      if (file.metadataSha256) {
        attributes.push(`data-dist-info-metadata="sha256=${file.metadataSha256}"`);
        attributes.push(`data-core-metadata="sha256=${file.metadataSha256}"`);
      }
      return `<a ${attributes.join(" ")}>${escapeHtml(file.filename)}</a><br/>`;
    });
    const title = `Links for ${escapeHtml(project)}`;
    return htmlPage(title, [`<h1>${title}</h1>`, ...links]);
  };

  // PEP 714: JSON carries only "core-metadata"; a "dist-info-metadata" dict crashes pip
  // 22.3-23.0 (pipenv 2022.12 vendors one). HTML carries both attributes, as PyPI does.
  const simpleProjectJson = (base: string, project: string, list: IndexedFile[]) => ({
    meta: { "api-version": "1.0" },
    name: project,
    files: list.map((file) => ({
      filename: file.filename,
      url: fileUrl(base, file),
      hashes: { sha256: file.sha256 },
      "requires-python": file.headers.get("requires-python")?.[0] ?? null,
      "core-metadata": file.metadataSha256 ? { sha256: file.metadataSha256 } : false,
      yanked: false,
    })),
  });

  const pypiFile = (base: string, file: IndexedFile) => ({
    filename: file.filename,
    url: fileUrl(base, file),
    digests: { sha256: file.sha256, md5: file.md5 },
    md5_digest: file.md5,
    packagetype: file.packagetype,
    python_version: file.packagetype === "sdist" ? "source" : file.filename.split("-").at(-3),
    requires_python: file.headers.get("requires-python")?.[0] ?? null,
    size: file.size,
    yanked: false,
    yanked_reason: null,
    ...uploadTime(file),
  });

  const pypiInfo = (project: string, version: string, release: IndexedFile[]) => {
    const source = release.find((file) => file.packagetype === "bdist_wheel") ?? release[0];
    const header = (key: string) => source.headers.get(key)?.[0] ?? null;
    return {
      name: header("name") ?? project,
      version,
      summary: header("summary") ?? "",
      requires_python: header("requires-python"),
      requires_dist: source.headers.get("requires-dist") ?? null,
      provides_extra: source.headers.get("provides-extra") ?? null,
      author: "",
      license: "",
      home_page: "",
      project_url: `/project/${project}/`,
      yanked: false,
    };
  };

  const pypiJson = (base: string, project: string, list: IndexedFile[], version?: string) => {
    const versions = [...new Set(list.map((file) => file.version))];
    const chosen = version ?? versions.at(-1) ?? "";
    const release = list.filter((file) => file.version === chosen);
    if (!release.length) return undefined;
    const body: Record<string, unknown> = {
      info: pypiInfo(project, chosen, release),
      last_serial: 1,
      urls: release.map((file) => pypiFile(base, file)),
      vulnerabilities: [],
    };
    if (!version) {
      body.releases = Object.fromEntries(
        versions.map((v) => [v, list.filter((f) => f.version === v).map((f) => pypiFile(base, f))]),
      );
    }
    return body;
  };

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (source.provenance && answerIntegrity(req, res, source.provenance)) return;
    if (req.method !== "GET" && req.method !== "HEAD") {
      return send(res, 405, "text/plain", "method not allowed\n");
    }
    const base = `http://${req.headers.host ?? "127.0.0.1"}`;
    const url = new URL(req.url ?? "/", base);
    const segments = url.pathname.split("/").slice(1).map(decodeURIComponent);
    const json = prefersJson(req.headers.accept);

    if (url.pathname === "/simple") return redirect(res, "/simple/");
    if (url.pathname === "/simple/") {
      if (json) {
        const names = [...projects.values()].map((list) => ({ name: displayName(list) }));
        return send(
          res,
          200,
          JSON_TYPE,
          JSON.stringify({ meta: { "api-version": "1.0" }, projects: names }),
        );
      }
      const links = [...projects.keys()].map(
        (name) => `<a href="/simple/${name}/">${name}</a><br/>`,
      );
      return send(res, 200, HTML_TYPE, htmlPage("Simple index", links));
    }
    if (segments[0] === "simple" && segments.length <= 3 && segments[1]) {
      const project = normalizeName(segments[1]);
      if (segments[1] !== project || segments.length === 2)
        return redirect(res, `/simple/${project}/`);
      const list = projects.get(project);
      if (!list || segments[2] !== "") return send(res, 404, "text/plain", "not found\n");
      if (json)
        return send(res, 200, JSON_TYPE, JSON.stringify(simpleProjectJson(base, project, list)));
      return send(res, 200, HTML_TYPE, simpleProjectHtml(base, project, list));
    }
    if (segments[0] === "files" && segments.length === 2) {
      const wantsMetadata = segments[1].endsWith(".metadata");
      const file = files.get(wantsMetadata ? segments[1].slice(0, -9) : segments[1]);
      if (wantsMetadata && file?.metadata)
        return send(res, 200, "text/plain; charset=utf-8", file.metadata);
      if (!file || wantsMetadata) return send(res, 404, "text/plain", "not found\n");
      res.writeHead(200, {
        "content-type": "application/octet-stream",
        "content-length": file.size,
      });
      if (req.method === "HEAD") return res.end();
      createReadStream(file.filePath)
        .on("error", () => res.destroy())
        .pipe(res);
      return;
    }
    if (
      segments[0] === "pypi" &&
      segments.at(-1) === "json" &&
      (segments.length === 3 || segments.length === 4)
    ) {
      const project = normalizeName(segments[1]);
      const list = projects.get(project);
      const body =
        list && pypiJson(base, project, list, segments.length === 4 ? segments[2] : undefined);
      if (!body)
        return send(res, 404, "application/json", JSON.stringify({ message: "Not Found" }));
      return send(res, 200, "application/json", JSON.stringify(body));
    }
    return send(res, 404, "text/plain", "not found\n");
  };

  const setUploadTime = (filename: string, time: string) => {
    uploadTimes.set(filename, time);
  };
  return { handle: handler, refresh, setUploadTime };
}

export async function startIndex(options: IndexOptions): Promise<RunningIndex> {
  const index = await createIndexHandler(options);
  const server = await startServer(index.handle, options);
  return {
    ...server,
    simpleUrl: `${server.url}/simple/`,
    refresh: index.refresh,
    setUploadTime: index.setUploadTime,
  };
}
