/** uv's and PDM's `exclude-newer`: the cutoff a manifest sets for the upload times a lock may pick. */
import { ConfigurationError } from "../runtime/errors.js";
import { formatSpan, parseSpan } from "./durations.js";
import { isTable, type Table, tableAt } from "./files.js";
import { normalizeName } from "./names.js";
import type { Manifest } from "./pyproject.js";

/** The setting as the manifest writes it. */
export interface ExcludeNewerSetting {
  tool: "uv" | "pdm";
  /** Where it is written: `[tool.uv] exclude-newer`. */
  name: string;
  value: string;
  file: string;
  line?: number;
  /** Per-package values (uv `exclude-newer-package`, PDM `exclude-newer-override`); false turns it off. */
  packages: Record<string, string | false>;
}

/** A cutoff: a point in time, or a span before the reference time (the PR's head commit). */
export type Cutoff = { kind: "absolute"; at: number } | { kind: "relative"; ms: number };

const places = {
  uv: { table: ["tool", "uv"], key: "exclude-newer", packages: "exclude-newer-package" },
  pdm: {
    table: ["tool", "pdm", "resolution"],
    key: "exclude-newer",
    packages: "exclude-newer-override",
  },
} as const;

/** The manifest's exclude-newer, uv's before PDM's; undefined where neither is set. */
export function excludeNewerSetting(manifest: Manifest): ExcludeNewerSetting | undefined {
  for (const tool of ["uv", "pdm"] as const) {
    const place = places[tool];
    const table = tableAt(manifest.data, [...place.table]);
    const value = textOf(table[place.key]);
    const packages = packageValues(table[place.packages]);
    if (value === undefined && Object.keys(packages).length === 0) continue;
    const header = place.table.join(".");
    return {
      tool,
      name: `[${header}] ${place.key}`,
      value: value ?? "",
      file: manifest.file,
      line: manifest.lines.key(header, place.key) ?? manifest.lines.table(header),
      packages,
    };
  }
  return undefined;
}

/** A TOML string, or a TOML datetime as RFC 3339 (PDM reads either). */
function textOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value instanceof Date) return new Date(value.getTime()).toISOString();
  return undefined;
}

function packageValues(value: unknown): Record<string, string | false> {
  if (!isTable(value)) return {};
  const entries = Object.entries(value as Table).flatMap(
    ([name, v]): [string, string | false][] => {
      if (v === false) return [[normalizeName(name), false]];
      const text = textOf(v);
      return text === undefined ? [] : [[normalizeName(name), text]];
    },
  );
  return Object.fromEntries(entries);
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY = 24 * 3_600_000;

/**
 * The cutoff a value means to its tool. uv: an RFC 3339 timestamp, a date (through the end of
 * that day, UTC on a runner), or a span (`7 days`, `P7D`). PDM: `7d`/`12h`/`3w`, a timestamp
 * (UTC when it has no offset), or a date (its start, UTC).
 */
export function parseCutoff(tool: "uv" | "pdm", value: string): Cutoff | { error: string } {
  const text = value.trim();
  if (DATE.test(text)) {
    const start = Date.parse(`${text}T00:00:00Z`);
    if (!Number.isFinite(start)) return { error: "it is not a valid date" };
    return { kind: "absolute", at: tool === "uv" ? start + DAY : start };
  }
  if (/^\d{4}-\d{2}-\d{2}[Tt ]/.test(text)) {
    const offset = /([Zz]|[+-]\d{2}:?\d{2})$/.test(text);
    if (!offset && tool === "uv")
      return { error: "a timestamp needs an offset, such as 2024-01-01T00:00:00Z" };
    const at = Date.parse(offset ? text.replace(" ", "T") : `${text.replace(" ", "T")}Z`);
    return Number.isFinite(at)
      ? { kind: "absolute", at }
      : { error: "it is not a valid timestamp" };
  }
  if (tool === "pdm") {
    const match = /^(\d+)([dhw])$/.exec(text);
    if (!match) return { error: "it is not a date, a timestamp or a span such as 7d, 12h or 3w" };
  }
  const span = parseSpan(text);
  return "error" in span ? span : { kind: "relative", ms: span.ms };
}

/** The cutoff as a time, given the reference time a relative one counts back from. */
export const cutoffTime = (cutoff: Cutoff, reference: number): number =>
  cutoff.kind === "absolute" ? cutoff.at : reference - cutoff.ms;

/** How a cutoff reads in a message: `2024-05-01T00:00:00Z` or `7d before the head commit`. */
export const describeCutoff = (cutoff: Cutoff): string =>
  cutoff.kind === "absolute"
    ? new Date(cutoff.at).toISOString().replace(".000Z", "Z")
    : `${formatSpan(cutoff.ms)} before the head commit`;

/** The setting's cutoff for one package (its own value where it has one; undefined when off). */
export function cutoffFor(setting: ExcludeNewerSetting, key: string): Cutoff | undefined {
  const own = setting.packages[key];
  if (own === false) return undefined;
  const value = own ?? setting.value;
  if (value === "") return undefined;
  const parsed = parseCutoff(setting.tool, value);
  if ("error" in parsed) {
    const where = own === undefined ? setting.name : `${setting.name} for ${key}`;
    throw new ConfigurationError(
      `${setting.file}: ${where} = '${value}' cannot be read: ${parsed.error}`,
      { file: setting.file, line: setting.line },
    );
  }
  return parsed;
}
