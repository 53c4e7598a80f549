/** TOML lock entries: where each sits, and what each starts with. */
import type { Table } from "../project/files.js";
import { normalizeName } from "../project/names.js";

/** Line numbers of `[[package]]` entries in TOML locks, in document order. */
export function packageEntryLines(text: string, header = "[[package]]"): number[] {
  const lines = text.split("\n");
  const result: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== header) continue;
    // Point at the entry's `name = …` line when it follows directly.
    const next = lines[i + 1]?.trimStart() ?? "";
    result.push(next.startsWith("name") ? i + 2 : i + 1);
  }
  return result;
}

/** The 1-based line of the first line matching `pattern`, or undefined. */
export function lineOf(text: string, pattern: RegExp, from = 1): number | undefined {
  const lines = text.split("\n");
  for (let i = from - 1; i < lines.length; i++) if (pattern.test(lines[i])) return i + 1;
  return undefined;
}

/** What every TOML lock entry starts with: its name, normalized key, version and line. */
export function entryHead(entry: Table, line: number) {
  const name = String(entry.name ?? "");
  const version = typeof entry.version === "string" ? entry.version : undefined;
  return { name, key: normalizeName(name), version, line };
}
