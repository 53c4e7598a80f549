/** An OSV advisory (ossf/osv-schema 1.x) as JSON or YAML, checked field by field on parse. */
import { isPair, isScalar, isSeq, parseDocument, visit } from "yaml";
import { ConfigurationError } from "../runtime/errors.js";

export type EventKind = "introduced" | "fixed" | "last_affected" | "limit";
export const EVENT_KINDS: readonly EventKind[] = ["introduced", "fixed", "last_affected", "limit"];

/** Exactly one of the four keys, as in the schema. */
export type RangeEvent =
  | { introduced: string }
  | { fixed: string }
  | { last_affected: string }
  | { limit: string };

export type Json = Record<string, unknown>;

/** One OSV `severity` entry as the database gives it: a CVSS vector and its type. */
export interface OsvSeverity {
  type: string;
  score: string;
}

export interface Reference {
  type: string;
  url: string;
}

export interface AffectedPackage {
  ecosystem: string;
  name: string;
  purl?: string;
}

export interface Range {
  type: string;
  repo?: string;
  events: RangeEvent[];
  database_specific?: Json;
}

/** Absent lists are read as empty ones. */
export interface Affected {
  package?: AffectedPackage;
  severity: OsvSeverity[];
  ranges: Range[];
  versions: string[];
  ecosystem_specific?: Json;
  database_specific?: Json;
}

export interface Advisory {
  schema_version?: string;
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases: string[];
  related: string[];
  upstream: string[];
  summary?: string;
  details?: string;
  severity: OsvSeverity[];
  affected: Affected[];
  references: Reference[];
  database_specific?: Json & { severity?: string };
}

export function eventOf(event: RangeEvent): { kind: EventKind; version: string } {
  const kind = EVENT_KINDS.find((key) => key in event) ?? "introduced";
  return { kind, version: (event as Record<EventKind, string>)[kind] };
}

/** Parses one advisory; a malformed one is a ConfigurationError naming `fileName` and the field. */
export function parseAdvisory(text: string, fileName: string): Advisory {
  const fail = (where: string, problem: string): never => {
    const at = where ? `${where} ` : "";
    throw new ConfigurationError(`${fileName}: ${at}${problem}`, { file: fileName });
  };
  const body = text.replace(/^\uFEFF/, "");
  const raw =
    /\.json$/i.test(fileName) || body.trimStart().startsWith("{")
      ? parseJson(body, fail)
      : parseYaml(body, fail);
  return readAdvisory(new Fields(raw, "", fail));
}

type Fail = (where: string, problem: string) => never;

function parseJson(text: string, fail: Fail): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    return fail("", `is not valid JSON (${(error as Error).message})`);
  }
}

const versionKeys = new Set<unknown>([...EVENT_KINDS, "versions"]);

/** YAML, with plain numbers in version positions kept as written: `2.10` stays "2.10", not 2.1. */
function parseYaml(text: string, fail: Fail): unknown {
  const doc = parseDocument(text, { schema: "core", uniqueKeys: true });
  if (doc.errors.length > 0) fail("", `is not valid YAML (${doc.errors[0].message})`);
  visit(doc, {
    Scalar(_key, node, path) {
      if (typeof node.value !== "number" || node.source === undefined) return;
      const parent = path.at(-1);
      const pair = isSeq(parent) ? path.at(-2) : parent;
      if (isPair(pair) && isScalar(pair.key) && versionKeys.has(pair.key.value)) {
        node.value = node.source;
      }
    },
  });
  try {
    return doc.toJS();
  } catch (error) {
    return fail("", `is not valid YAML (${(error as Error).message})`);
  }
}

/** One JSON object and where it is, for messages such as `affected[0].ranges[1] …`. */
class Fields {
  readonly object: Json;

  constructor(
    value: unknown,
    readonly where: string,
    readonly fail: Fail,
  ) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      fail(where, where ? "must be an object" : "must hold one OSV object");
    }
    this.object = value as Json;
  }

  private at(key: string): string {
    return this.where ? `${this.where}.${key}` : key;
  }

  string(key: string): string | undefined {
    const value = this.object[key];
    if (value === undefined || value === null) return undefined;
    return typeof value === "string" ? value : this.fail(this.at(key), "must be a string");
  }

  required(key: string): string {
    const value = this.string(key);
    return value?.trim() ? value : this.fail(this.at(key), "is required");
  }

  json(key: string): Json | undefined {
    const value = this.object[key];
    return value === undefined || value === null
      ? undefined
      : new Fields(value, this.at(key), this.fail).object;
  }

  list<T>(key: string, item: (value: unknown, where: string) => T): T[] {
    const value = this.object[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) return this.fail(this.at(key), "must be a list");
    return value.map((entry, i) => item(entry, `${this.at(key)}[${i}]`));
  }

  strings(key: string): string[] {
    return this.list(key, (value, where) =>
      typeof value === "string" ? value : this.fail(where, "must be a string"),
    );
  }

  objects<T>(key: string, read: (fields: Fields) => T): T[] {
    return this.list(key, (value, where) => read(new Fields(value, where, this.fail)));
  }
}

function readAdvisory(fields: Fields): Advisory {
  const schemaVersion = fields.string("schema_version");
  if (schemaVersion !== undefined && !/^1(\.|$)/.test(schemaVersion)) {
    fields.fail("schema_version", `${schemaVersion} is not supported (only 1.x)`);
  }
  return dropUndefined({
    schema_version: schemaVersion,
    id: fields.required("id"),
    modified: fields.required("modified"),
    published: fields.string("published"),
    withdrawn: fields.string("withdrawn"),
    aliases: fields.strings("aliases"),
    related: fields.strings("related"),
    upstream: fields.strings("upstream"),
    summary: fields.string("summary"),
    details: fields.string("details"),
    severity: fields.objects("severity", readSeverity),
    affected: fields.objects("affected", readAffected),
    references: fields.objects("references", (f) => ({
      type: f.required("type"),
      url: f.required("url"),
    })),
    database_specific: fields.json("database_specific"),
  });
}

const readSeverity = (fields: Fields): OsvSeverity => ({
  type: fields.required("type"),
  score: fields.required("score"),
});

function readAffected(fields: Fields): Affected {
  const pkg = fields.json("package");
  return dropUndefined({
    package: pkg && readPackage(new Fields(pkg, `${fields.where}.package`, fields.fail)),
    severity: fields.objects("severity", readSeverity),
    ranges: fields.objects("ranges", readRange),
    versions: fields.strings("versions"),
    ecosystem_specific: fields.json("ecosystem_specific"),
    database_specific: fields.json("database_specific"),
  });
}

const readPackage = (fields: Fields): AffectedPackage =>
  dropUndefined({
    ecosystem: fields.required("ecosystem"),
    name: fields.required("name"),
    purl: fields.string("purl"),
  });

function readRange(fields: Fields): Range {
  const events = fields.objects("events", readEvent);
  if (events.length === 0) fields.fail(`${fields.where}.events`, "must list at least one event");
  return dropUndefined({
    type: fields.required("type"),
    repo: fields.string("repo"),
    events,
    database_specific: fields.json("database_specific"),
  });
}

function readEvent(fields: Fields): RangeEvent {
  const present = EVENT_KINDS.filter((kind) => fields.object[kind] !== undefined);
  if (present.length !== 1) {
    fields.fail(fields.where, `needs exactly one of ${EVENT_KINDS.join(", ")}`);
  }
  return { [present[0]]: fields.required(present[0]) } as RangeEvent;
}

/** Leaves optional fields out rather than present as undefined, so records compare cleanly. */
function dropUndefined<T extends object>(record: T): T {
  for (const key of Object.keys(record) as (keyof T)[]) {
    if (record[key] === undefined) delete record[key];
  }
  return record;
}
