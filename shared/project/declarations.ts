/** Where a dependency is declared in a TOML manifest, so findings can point at its line. */
import { normalizeName } from "./names.js";

interface TableSpan {
  header: number;
  end: number;
}

export class ManifestLines {
  private readonly lines: string[];
  private readonly tables = new Map<string, TableSpan>();
  private readonly indexes = new Map<string, Map<string, number>>();

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
    return this.keys(tablePath).get(normalizeName(key));
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
    return this.items(tablePath, arrayLine, span.end).get(normalizeName(name)) ?? arrayLine;
  }

  /** Normalized key → line, for the keys written directly in a table. */
  private keys(tablePath: string): Map<string, number> {
    return this.indexed(`keys:${tablePath}`, (index) => {
      const span = this.tables.get(tablePath);
      if (!span) return;
      for (let i = span.header + 1; i < span.end; i++) {
        const key = /^\s*["']?([A-Za-z0-9][A-Za-z0-9._-]*)["']?\s*=/.exec(this.lines[i]);
        if (key && !index.has(normalizeName(key[1]))) index.set(normalizeName(key[1]), i + 1);
      }
    });
  }

  /** Normalized project name → line, for the quoted requirement strings from `fromLine` on. */
  private items(tablePath: string, fromLine: number, end: number): Map<string, number> {
    return this.indexed(`items:${tablePath}:${fromLine}`, (index) => {
      for (let i = fromLine - 1; i < end; i++) {
        const code = this.lines[i].replace(/\s#[^"']*$/, "");
        for (const item of code.matchAll(/["']\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/g)) {
          if (!index.has(normalizeName(item[1]))) index.set(normalizeName(item[1]), i + 1);
        }
      }
    });
  }

  private indexed(key: string, build: (index: Map<string, number>) => void): Map<string, number> {
    let index = this.indexes.get(key);
    if (!index) {
      index = new Map();
      build(index);
      this.indexes.set(key, index);
    }
    return index;
  }
}
