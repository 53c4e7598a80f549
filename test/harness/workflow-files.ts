/** Readers for the files and stdout commands of the runner's contract. */

/** Parses a GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STATE file: `name=value` or `name<<DELIM` blocks. */
export function parseKeyValueFile(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === "") continue;
    const heredoc = /^([^=]+?)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]);
      if (i >= lines.length) throw new Error(`unterminated ${name}<<${delimiter} block`);
      result[name] = value.join("\n");
      continue;
    }
    const eq = line.indexOf("=");
    if (eq < 0) throw new Error(`malformed line in runner file: ${line}`);
    result[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return result;
}

export interface ParsedAnnotation {
  level: "error" | "warning" | "notice";
  message: string;
  file?: string;
  line?: number;
  column?: number;
  title?: string;
}

export interface ParsedCommands {
  annotations: ParsedAnnotation[];
  masks: string[];
  debug: string[];
}

const unescapeData = (s: string) =>
  s.replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%25/g, "%");
const unescapeProperty = (s: string) => unescapeData(s).replace(/%3A/g, ":").replace(/%2C/g, ",");

/** Parses `::command key=value,...::data` lines from a step's stdout. */
export function parseCommands(stdout: string): ParsedCommands {
  const parsed: ParsedCommands = { annotations: [], masks: [], debug: [] };
  for (const line of stdout.split(/\r?\n/)) {
    const match = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!match) continue;
    const [, command, rawProperties = "", data] = match;
    const properties: Record<string, string> = {};
    for (const pair of rawProperties.split(",").filter(Boolean)) {
      const eq = pair.indexOf("=");
      properties[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1));
    }
    if (command === "error" || command === "warning" || command === "notice") {
      parsed.annotations.push({
        level: command,
        message: unescapeData(data),
        file: properties.file,
        line: properties.line ? Number(properties.line) : undefined,
        column: properties.col ? Number(properties.col) : undefined,
        title: properties.title,
      });
    } else if (command === "add-mask") {
      parsed.masks.push(unescapeData(data));
    } else if (command === "debug") {
      parsed.debug.push(unescapeData(data));
    }
  }
  return parsed;
}
