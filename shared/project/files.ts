/** Reading TOML and JSON files, with parse errors located at the file, line and column. */
import { parse as parseToml, TomlError } from "smol-toml";
import { ConfigurationError } from "../runtime/errors.js";
import { readText } from "./text.js";

export type Table = Record<string, unknown>;

export function parseTomlText(text: string, display: string): Table {
  try {
    return parseToml(text) as Table;
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const reason = error.message.split("\n")[0].replace(/^Invalid TOML document: /, "");
    throw new ConfigurationError(
      `${display} is not valid TOML: ${reason} (line ${error.line}, column ${error.column})`,
      {
        file: display,
        line: error.line,
        column: error.column,
      },
    );
  }
}

export function parseJsonText(text: string, display: string): Table {
  try {
    return JSON.parse(text) as Table;
  } catch (error) {
    const message = (error as Error).message;
    const { line, column } = jsonErrorPosition(text, message);
    const reason = message.replace(/ in JSON at position \d+.*$/, "").replace(/^JSON\.parse: /, "");
    throw new ConfigurationError(
      `${display} is not valid JSON: ${reason} (line ${line}, column ${column})`,
      {
        file: display,
        line,
        column,
      },
    );
  }
}

function jsonErrorPosition(text: string, message: string): { line: number; column: number } {
  const explicit = /line (\d+) column (\d+)/.exec(message);
  if (explicit) return { line: Number(explicit[1]), column: Number(explicit[2]) };
  const offset = Number(/position (\d+)/.exec(message)?.[1] ?? text.length);
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

export const readTomlFile = (file: string, display: string) => {
  const text = readText(file, display);
  return { text, data: parseTomlText(text, display) };
};

export const readJsonFile = (file: string, display: string) => {
  const text = readText(file, display);
  return { text, data: parseJsonText(text, display) };
};

export const isTable = (value: unknown): value is Table =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);

/** The table at a dotted path (`["tool", "poetry"]`), or an empty one. */
export function tableAt(root: Table, path: readonly string[]): Table {
  let current: unknown = root;
  for (const key of path) current = isTable(current) ? current[key] : undefined;
  return isTable(current) ? current : {};
}

export const stringList = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
