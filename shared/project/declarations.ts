/**
 * Where a dependency is declared in a TOML manifest (pyproject.toml, Pipfile), so findings can
 * point at its line. Works on the text, since TOML parsers do not keep positions.
 */
import { normalizeName } from "./names.js";

interface TableSpan {
  header: number;
  end: number;
}

export class ManifestLines {
  private readonly lines: string[];
  private readonly tables = new Map<string, TableSpan>();

  constructor(text: string) {
    this.lines = text.split("\n");
    let current: TableSpan | undefined;
    this.lines.forEach((line, i) => {
      const header = /^\s*\[{1,2}\s*([^\]]+?)\s*\]{1,2}\s*(#.*)?$/.exec(line);
      if (!header) return;
      if (current) current.end = i;
      current = { header: i, end: this.lines.length };
      const path = header[1].replace(/\s*\.\s*/g, ".").replace(/["']/g, "");
      if (!this.tables.has(path)) this.tables.set(path, current);
    });
  }

  /** The line of a table header such as `tool.poetry.dependencies`. */
  table(path: string): number | undefined {
    const span = this.tables.get(path);
    return span ? span.header + 1 : undefined;
  }

  /** The line of `key = …` directly in a table. */
  key(tablePath: string, key: string): number | undefined {
    const span = this.tables.get(tablePath);
    if (!span) return undefined;
    const pattern = new RegExp(`^\\s*["']?${namePattern(key)}["']?\\s*=`, "i");
    return this.find(pattern, span.header + 1, span.end);
  }

  /**
   * The line that declares `name`: a `name = …` key in the table, or an item of the
   * `arrayKey = [...]` array in it (`"name>=1"`). Falls back to the array's or table's line.
   */
  dependency(tablePath: string, name: string, arrayKey?: string): number | undefined {
    const span = this.tables.get(tablePath);
    if (!span) return undefined;
    if (arrayKey === undefined) return this.key(tablePath, name) ?? span.header + 1;
    const arrayLine = this.key(tablePath, arrayKey);
    if (arrayLine === undefined) return span.header + 1;
    const item = new RegExp(`["']\\s*${namePattern(name)}(?![A-Za-z0-9]|[-_.][A-Za-z0-9])`, "i");
    return this.find(item, arrayLine - 1, span.end) ?? arrayLine;
  }

  private find(pattern: RegExp, from: number, to: number): number | undefined {
    for (let i = from; i < to; i++) if (pattern.test(stripComment(this.lines[i]))) return i + 1;
    return undefined;
  }
}

/** A case-insensitive pattern for a project name in which `-`, `_` and `.` are interchangeable. */
function namePattern(name: string): string {
  return normalizeName(name)
    .split("-")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[-_.]+");
}

const stripComment = (line: string) => line.replace(/\s#[^"']*$/, "");
