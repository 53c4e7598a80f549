/**
 * A local stand-in for the OSV API (api.osv.dev) over a fixed set of advisories: `POST
 * /v1/querybatch` (ids and `modified` only, paginated per query), `POST /v1/query` (full
 * records) and `GET /v1/vulns/{id}`. Advisories come from OSV YAML/JSON files or objects.
 *
 * Matching is deliberately small and independent of the production evaluator: a version is
 * affected when it equals (PEP 440) an entry of `versions`, or falls in an ECOSYSTEM range
 * evaluated the OSV way (events sorted by version, introduced/fixed/last_affected/limit).
 * Ranges are only evaluated for PyPI; other ecosystems match through `versions` alone.
 * Withdrawn advisories never match a query but can still be fetched by id.
 */
import { readdirSync, readFileSync } from "node:fs";
import type http from "node:http";
import path from "node:path";
import YAML from "yaml";
import { pep440 } from "../../shared/project/pep440.js";
import { repoRoot } from "./runner.js";
import { readBody, type ServerOptions, startServer } from "./server.js";
import {
  applyFault,
  createFaultQueues,
  drain,
  type Fault,
  type FaultSpec,
  recordRequest,
  suppressAnswer,
} from "./warehouse-faults.js";
import { sendJson } from "./warehouse-responses.js";
import { normalizeName } from "./wheels.js";

/** The real OSV advisories the tests use (a copy of those handed to the project). */
export const advisoryFixtures = path.join(repoRoot, "test/fixtures/advisories");

export type { Fault, FaultSpec } from "./warehouse-faults.js";

export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export interface OsvAffected {
  package?: { ecosystem?: string; name?: string; purl?: string };
  ranges?: Array<{ type?: string; repo?: string; events?: OsvEvent[] }>;
  versions?: string[];
  [key: string]: unknown;
}

export interface OsvAdvisory {
  id: string;
  modified: string;
  withdrawn?: string;
  affected?: OsvAffected[];
  [key: string]: unknown;
}

export interface OsvApiOptions extends ServerOptions {
  /** A directory searched recursively for .yaml/.yml/.json advisories, or advisory objects. */
  advisories: string | object[];
  /** Most vulns in one query's result page (default 1000, as osv.dev). */
  pageSize?: number;
  /** More queries in one querybatch get a 400 (default 1000, as osv.dev). */
  maxQueriesPerBatch?: number;
  /**
   * A lying server: every query result names a next page (and page tokens are not checked),
   * a fresh token each time ("endless") or always the same one ("repeated").
   */
  pagination?: "honest" | "endless" | "repeated";
}

export interface OsvRequest {
  method: string;
  /** Path with the query string. */
  path: string;
  /** 0 when the connection was reset without an answer. */
  status: number;
  /** How many queries the body held (querybatch and query only, once parsed). */
  queries?: number;
}

export interface RunningOsvApi {
  url: string;
  port: number;
  /** Every advisory served, by id. */
  advisories: ReadonlyMap<string, OsvAdvisory>;
  /** Every request, oldest first (the newest 10,000). */
  requests: OsvRequest[];
  /** The live fault queue for a path; every `/v1/vulns/...` path shares `/v1/vulns`. */
  faults(path: string): Fault[];
  injectFault(fault: FaultSpec): void;
  /** Forgets requests and pending faults. */
  reset(): void;
  close(): Promise<void>;
}

const MAX_RECORDED = 10_000;
const EVENT_KEYS = ["introduced", "fixed", "last_affected", "limit"] as const;

/** An answer in the shape of osv.dev's errors (gRPC status code and message). */
class OsvError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const invalid = (message: string) => new OsvError(400, 3, message);

// ---------------------------------------------------------------------------------------------
// Loading

/** Parses one OSV YAML document, keeping versions that look like numbers (`2.10`) as written. */
export function parseAdvisoryYaml(text: string): unknown {
  const doc = YAML.parseDocument(text);
  if (doc.errors.length) throw doc.errors[0];
  const asWritten = (node: unknown) => {
    if (YAML.isScalar(node) && typeof node.value === "number") {
      node.value = (node as { source?: string }).source ?? String(node.value);
    }
  };
  YAML.visit(doc, {
    Pair(_key, pair) {
      const key = YAML.isScalar(pair.key) ? pair.key.value : pair.key;
      if (EVENT_KEYS.includes(key as (typeof EVENT_KEYS)[number])) asWritten(pair.value);
      if (key === "versions" && YAML.isSeq(pair.value)) pair.value.items.forEach(asWritten);
    },
  });
  return doc.toJS();
}

function checkAdvisory(value: unknown, where: string): OsvAdvisory {
  const record = value as Partial<OsvAdvisory> | null;
  if (!record || typeof record !== "object" || Array.isArray(record)) {
    throw new Error(`${where}: an advisory must be an object`);
  }
  if (typeof record.id !== "string" || !record.id) throw new Error(`${where}: no id`);
  if (typeof record.modified !== "string") throw new Error(`${where}: no modified timestamp`);
  return record as OsvAdvisory;
}

/** Every advisory under a directory (recursively; .yaml, .yml and .json files), sorted by path. */
export function loadAdvisories(directory: string): OsvAdvisory[] {
  const files = (readdirSync(directory, { recursive: true }) as string[])
    .filter((file) => /\.(ya?ml|json)$/i.test(file))
    .sort();
  return files.map((file) => {
    const full = path.join(directory, file);
    const text = readFileSync(full, "utf8");
    return checkAdvisory(/\.json$/i.test(file) ? JSON.parse(text) : parseAdvisoryYaml(text), full);
  });
}

// ---------------------------------------------------------------------------------------------
// Matching

const isPep440 = (version: string) => pep440.valid(version) !== null;

/** Orders two event versions; "0" (as introduced) sorts before everything. */
function compareEventVersions(a: string, b: string): number {
  if (a === b) return 0;
  if (a === "0") return -1;
  if (b === "0") return 1;
  return pep440.compare(a, b);
}

/** OSV's range evaluation for one ECOSYSTEM range, with PEP 440 ordering. */
function inPypiRange(version: string, events: OsvEvent[]): boolean {
  // `limit` bounds the range from above (exclusive); "*" or no limit means unbounded.
  const limits = events.flatMap((event) => (event.limit === undefined ? [] : [event.limit]));
  const belowALimit = limits.some(
    (limit) => limit === "*" || (isPep440(limit) && pep440.compare(version, limit) < 0),
  );
  if (limits.length && !belowALimit) return false;

  const sorted: Array<{ key: "introduced" | "fixed" | "last_affected"; value: string }> = [];
  for (const event of events) {
    for (const key of ["introduced", "fixed", "last_affected"] as const) {
      const value = event[key] === undefined ? undefined : String(event[key]);
      if (value !== undefined && isPep440(value)) sorted.push({ key, value });
    }
  }
  sorted.sort((a, b) => compareEventVersions(a.value, b.value));
  let affected = false;
  for (const { key, value } of sorted) {
    const order = value === "0" ? 1 : pep440.compare(version, value);
    if (key === "introduced" && order >= 0) affected = true;
    else if (key === "fixed" && order >= 0) affected = false;
    else if (key === "last_affected" && order > 0) affected = false;
  }
  return affected;
}

function sameVersion(ecosystem: string, a: string, b: string): boolean {
  if (ecosystem === "PyPI" && isPep440(a) && isPep440(b)) return pep440.compare(a, b) === 0;
  return a === b;
}

const packageKey = (ecosystem: string, name: string) =>
  ecosystem === "PyPI" ? normalizeName(name) : name;

/**
 * Whether an advisory affects a package version (any version when `version` is undefined).
 * Withdrawn advisories affect nothing.
 */
export function advisoryAffects(
  advisory: OsvAdvisory,
  ecosystem: string,
  name: string,
  version?: string,
): boolean {
  if (advisory.withdrawn) return false;
  const wanted = packageKey(ecosystem, name);
  return (advisory.affected ?? []).some((entry) => {
    const pkg = entry.package;
    if (pkg?.ecosystem !== ecosystem || !pkg.name) return false;
    if (packageKey(ecosystem, pkg.name) !== wanted) return false;
    if (version === undefined) return true;
    if ((entry.versions ?? []).some((v) => sameVersion(ecosystem, String(v), version))) {
      return true;
    }
    if (ecosystem !== "PyPI" || !isPep440(version)) return false;
    return (entry.ranges ?? []).some(
      (range) => range.type === "ECOSYSTEM" && inPypiRange(version, range.events ?? []),
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Queries

interface ParsedQuery {
  /** Undefined for commit queries, which never match here (no GIT data is indexed). */
  ecosystem?: string;
  name?: string;
  version?: string;
  pageToken?: string;
}

const PURL_TYPES: Record<string, string> = { pypi: "PyPI", npm: "npm", cargo: "crates.io" };

function parseQuery(raw: unknown): ParsedQuery {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw invalid("Invalid query.");
  const query = raw as Record<string, unknown>;
  const pageToken = typeof query.page_token === "string" ? query.page_token : undefined;
  const version = typeof query.version === "string" && query.version ? query.version : undefined;
  if (typeof query.commit === "string" && query.commit) return { pageToken };
  const pkg = query.package as Record<string, unknown> | undefined;
  if (!pkg || typeof pkg !== "object") throw invalid("Invalid query.");
  const { name, ecosystem, purl } = pkg;
  if (typeof purl === "string" && purl) {
    if (name || ecosystem) throw invalid("purl and name/ecosystem cannot both be specified");
    const match = /^pkg:([a-z0-9.+-]+)\/([^@?#]+)(?:@([^?#]+))?/i.exec(purl);
    const type = match && PURL_TYPES[match[1].toLowerCase()];
    if (!match || !type) throw invalid("Invalid Package URL.");
    const purlVersion = match[3] ? decodeURIComponent(match[3]) : undefined;
    if (purlVersion && version) {
      throw invalid("purl version and version cannot both be specified");
    }
    const purlName = decodeURIComponent(match[2]);
    return { ecosystem: type, name: purlName, version: purlVersion ?? version, pageToken };
  }
  if (typeof name !== "string" || !name) throw invalid("Invalid query.");
  if (typeof ecosystem !== "string" || !ecosystem) {
    throw invalid("Ecosystem not specified");
  }
  return { ecosystem, name, version, pageToken };
}

const queryKey = (q: ParsedQuery) =>
  q.ecosystem ? [q.ecosystem, packageKey(q.ecosystem, q.name ?? ""), q.version ?? ""] : [];

function pageToken(query: ParsedQuery, offset: number): string {
  return Buffer.from(JSON.stringify({ k: queryKey(query), o: offset })).toString("base64url");
}

/** The offset a page token points at; it must belong to the same query. */
function pageOffset(query: ParsedQuery, index: number): number {
  if (!query.pageToken) return 0;
  try {
    const decoded = JSON.parse(Buffer.from(query.pageToken, "base64url").toString("utf8"));
    if (
      Number.isInteger(decoded.o) &&
      decoded.o > 0 &&
      JSON.stringify(decoded.k) === JSON.stringify(queryKey(query))
    ) {
      return decoded.o;
    }
  } catch {
    // Falls through to the error below.
  }
  throw invalid(`Invalid page token at index: ${index}.`);
}

// ---------------------------------------------------------------------------------------------
// Server

export async function startOsvApi(options: OsvApiOptions): Promise<RunningOsvApi> {
  const pageSize = options.pageSize ?? 1000;
  const maxQueries = options.maxQueriesPerBatch ?? 1000;
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new Error("pageSize must be ≥ 1");

  const list =
    typeof options.advisories === "string"
      ? loadAdvisories(options.advisories)
      : options.advisories.map((a, i) => checkAdvisory(structuredClone(a), `advisory ${i}`));
  const advisories = new Map<string, OsvAdvisory>();
  for (const advisory of list) {
    if (advisories.has(advisory.id)) throw new Error(`duplicate advisory id ${advisory.id}`);
    advisories.set(advisory.id, advisory);
  }
  const sorted = [...advisories.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const requests: OsvRequest[] = [];
  const faults = createFaultQueues((p) =>
    p === "/v1/vulns" || p.startsWith("/v1/vulns/") ? "/v1/vulns" : p,
  );

  let lies = 0;
  const lie = () => (options.pagination === "endless" ? `endless-${++lies}` : "repeated");

  /** One page of the advisories matching a query. */
  const runQuery = (query: ParsedQuery, index: number) => {
    const lying = options.pagination !== undefined && options.pagination !== "honest";
    const offset = lying ? 0 : pageOffset(query, index);
    const { ecosystem, name, version } = query;
    const matches = ecosystem
      ? sorted.filter((a) => advisoryAffects(a, ecosystem, name ?? "", version))
      : [];
    if (offset > matches.length) throw invalid(`Invalid page token at index: ${index}.`);
    const page = matches.slice(offset, offset + pageSize);
    const next = offset + page.length < matches.length ? offset + page.length : undefined;
    if (lying) return { page, nextToken: lie() };
    return { page, nextToken: next === undefined ? undefined : pageToken(query, next) };
  };

  const readJson = async (req: http.IncomingMessage): Promise<unknown> => {
    const body = await readBody(req, maxBodyBytes);
    try {
      return JSON.parse(body.toString("utf8"));
    } catch {
      throw invalid("Invalid JSON payload received.");
    }
  };

  const handleBatch = async (req: http.IncomingMessage, record: OsvRequest) => {
    const body = (await readJson(req)) as { queries?: unknown } | null;
    const raw = body && typeof body === "object" ? body.queries : undefined;
    if (raw !== undefined && !Array.isArray(raw)) throw invalid("Invalid JSON payload received.");
    const queries = (raw ?? []) as unknown[];
    record.queries = queries.length;
    if (queries.length > maxQueries) throw invalid("Too many queries.");
    const parsed = queries.map(parseQuery);
    const results = parsed.map((query, index) => {
      const { page, nextToken } = runQuery(query, index);
      const result: { vulns?: Array<{ id: string; modified: string }>; next_page_token?: string } =
        {};
      if (page.length) result.vulns = page.map(({ id, modified }) => ({ id, modified }));
      if (nextToken) result.next_page_token = nextToken;
      return result;
    });
    return { results };
  };

  const handleQuery = async (req: http.IncomingMessage, record: OsvRequest) => {
    const query = parseQuery(await readJson(req));
    record.queries = 1;
    const { page, nextToken } = runQuery(query, 0);
    const result: { vulns?: OsvAdvisory[]; next_page_token?: string } = {};
    if (page.length) result.vulns = page;
    if (nextToken) result.next_page_token = nextToken;
    return result;
  };

  const route = async (
    req: http.IncomingMessage,
    pathname: string,
    record: OsvRequest,
  ): Promise<{ status: number; body: unknown }> => {
    const method = req.method ?? "";
    const allow = (wanted: string) => {
      if (method !== wanted) throw new OsvError(405, 12, "Method Not Allowed");
    };
    if (pathname === "/v1/querybatch") {
      allow("POST");
      return { status: 200, body: await handleBatch(req, record) };
    }
    if (pathname === "/v1/query") {
      allow("POST");
      return { status: 200, body: await handleQuery(req, record) };
    }
    const vuln = /^\/v1\/vulns\/([^/]+)$/.exec(pathname);
    if (vuln) {
      allow("GET");
      await drain(req);
      let id: string;
      try {
        id = decodeURIComponent(vuln[1]);
      } catch {
        throw new OsvError(404, 5, "Bug not found.");
      }
      const advisory = advisories.get(id);
      if (!advisory) throw new OsvError(404, 5, "Bug not found.");
      return { status: 200, body: advisory };
    }
    throw new OsvError(404, 5, "Not Found");
  };

  const server = await startServer(
    async (req, res) => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const record: OsvRequest = { method: req.method ?? "", path: req.url ?? "", status: 0 };
      recordRequest(requests, record, res, MAX_RECORDED);

      const fault = faults.take(url.pathname);
      if (fault && (await applyFault(fault, req, res))) return;
      if (fault?.kind === "reset-after-store") {
        suppressAnswer(res, (status) => {
          record.status = status;
        });
      }

      let answer: { status: number; body: unknown };
      try {
        answer = await route(req, url.pathname, record);
      } catch (error) {
        if (!(error instanceof OsvError)) throw error;
        await drain(req);
        answer = { status: error.status, body: { code: error.code, message: error.message } };
      }
      sendJson(res, answer.status, answer.body);
    },
    { ...options, maxBodyBytes },
  );

  return {
    url: server.url,
    port: server.port,
    advisories,
    requests,
    faults: faults.queue,
    injectFault({ path: faultPath, ...fault }) {
      faults.queue(faultPath).push(fault as Fault);
    },
    reset() {
      requests.length = 0;
      faults.clear();
    },
    close: server.close,
  };
}
