/** Core metadata (METADATA / PKG-INFO) parsed the way Python's email.parser (compat32) reads it. */

export interface MetadataField {
  /** The header name as written. */
  name: string;
  /** The value as compat32 returns it: leading blanks dropped, continuation lines kept. */
  value: string;
  /** 1-based line of the header in the metadata text. */
  line: number;
}

// A header line, as email.feedparser recognises it: printable ASCII except ':' before the ':'.
const headerLine = /^([\x21-\x39\x3b-\x7e]*):/;

export class CoreMetadata {
  /** Every header, in order. */
  readonly fields: readonly MetadataField[];
  /** The message body, or undefined when there is none (or it is empty). */
  readonly body: string | undefined;
  /** 1-based line where the body starts in the metadata text. */
  readonly bodyLine: number | undefined;

  constructor(fields: MetadataField[], body: string | undefined, bodyLine: number | undefined) {
    this.fields = fields;
    this.body = body;
    this.bodyLine = bodyLine;
  }

  /** The first value of a header (case-insensitive), as compat32 `msg.get` gives it. */
  get(name: string): string | undefined {
    return this.field(name)?.value;
  }

  /** Every value of a header (case-insensitive), in order. */
  all(name: string): string[] {
    return this.every(name).map((field) => field.value);
  }

  has(name: string): boolean {
    return this.field(name) !== undefined;
  }

  /** The first occurrence of a header. */
  field(name: string): MetadataField | undefined {
    const key = name.toLowerCase();
    return this.fields.find((field) => field.name.toLowerCase() === key);
  }

  /** Every occurrence of a header. */
  every(name: string): MetadataField[] {
    const key = name.toLowerCase();
    return this.fields.filter((field) => field.name.toLowerCase() === key);
  }

  /** The line of a header's first occurrence. */
  line(name: string): number | undefined {
    return this.field(name)?.line;
  }

  /**
   * The body, or else the `Description` header as written, folded lines and their indent kept:
   * packaging's rule, which twine 7 checks and sends (pkginfo removed the 8-space indent).
   */
  get description(): string | undefined {
    return this.body ?? this.get("Description");
  }

  /** Where the description came from; the body wins, as with pkginfo and packaging. */
  get descriptionSource(): "body" | "header" | undefined {
    if (this.body) return "body";
    return this.has("Description") ? "header" : undefined;
  }
}

/** The text after its first `count` lines, line endings as written (email.parser keeps a body's). */
function afterLines(text: string, count: number): string {
  const ending = /\r\n|\r|\n/g;
  for (let seen = 0; seen < count && ending.exec(text); seen++);
  return text.slice(ending.lastIndex);
}

/** Parses core metadata text. Headers are read with line endings normalised to `\n`; the body keeps its own. */
export function parseCoreMetadata(text: string): CoreMetadata {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  // A trailing newline ends the last line rather than starting an empty one.
  const ended = text.length === 0 || /[\r\n]$/.test(text);
  if (ended) lines.pop();
  const fields: MetadataField[] = [];
  let current: MetadataField | undefined;
  let index = 0;
  for (; index < lines.length; index++) {
    const line = lines[index];
    if (line === "") {
      index++; // the blank separator belongs to neither part
      break;
    }
    if (line[0] === " " || line[0] === "\t") {
      // Continuation; with no header before it, email.parser drops it as a defect.
      if (current) current.value += `\n${line}`;
      continue;
    }
    current = undefined;
    if (line.startsWith("From ")) continue; // a unix "From " envelope line is not a field
    const match = headerLine.exec(line);
    if (!match) break; // not a header: email.parser starts the body here
    if (match[1] === "") continue; // ": value" has no name; email.parser drops it
    current = {
      name: match[1],
      value: line.slice(match[0].length).replace(/^[ \t]+/, ""),
      line: index + 1,
    };
    fields.push(current);
  }
  const body = index < lines.length ? afterLines(text, index) : "";
  return new CoreMetadata(
    fields,
    body === "" ? undefined : body,
    body === "" ? undefined : index + 1,
  );
}

export interface MetadataVersion {
  text: string;
  major: number;
  minor: number;
}

/** The parsed `Metadata-Version` (`major.minor`), or undefined when it is missing or malformed. */
export function metadataVersion(meta: CoreMetadata): MetadataVersion | undefined {
  const text = meta.get("Metadata-Version")?.trim();
  const match = text === undefined ? null : /^(\d+)\.(\d+)$/.exec(text);
  if (!text || !match) return undefined;
  return { text, major: Number(match[1]), minor: Number(match[2]) };
}

/** Whether the metadata declares at least `major.minor`; false when it declares nothing usable. */
export function declaresAtLeast(meta: CoreMetadata, major: number, minor: number): boolean {
  const version = metadataVersion(meta);
  if (!version) return false;
  return version.major > major || (version.major === major && version.minor >= minor);
}

export interface FieldSpec {
  /** The spelling the core metadata spec uses. */
  name: string;
  /** The Metadata-Version that introduced the field, as [major, minor]. */
  since: readonly [number, number];
  /** Whether the field may appear more than once. */
  multiple: boolean;
}

const field = (name: string, since: string, multiple = false): FieldSpec => {
  const [major, minor] = since.split(".").map(Number);
  return { name, since: [major, minor], multiple };
};

/** Every field of core metadata up to 2.5, keyed by lower-case name. */
export const coreFields: ReadonlyMap<string, FieldSpec> = new Map(
  [
    field("Metadata-Version", "1.0"),
    field("Name", "1.0"),
    field("Version", "1.0"),
    field("Platform", "1.0", true),
    field("Summary", "1.0"),
    field("Description", "1.0"),
    field("Keywords", "1.0"),
    field("Home-page", "1.0"),
    field("Author", "1.0"),
    field("Author-email", "1.0"),
    field("License", "1.0"),
    field("Supported-Platform", "1.1", true),
    field("Classifier", "1.1", true),
    field("Download-URL", "1.1"),
    field("Requires", "1.1", true),
    field("Provides", "1.1", true),
    field("Obsoletes", "1.1", true),
    field("Maintainer", "1.2"),
    field("Maintainer-email", "1.2"),
    field("Requires-Dist", "1.2", true),
    field("Requires-Python", "1.2"),
    field("Requires-External", "1.2", true),
    field("Project-URL", "1.2", true),
    field("Provides-Dist", "1.2", true),
    field("Obsoletes-Dist", "1.2", true),
    field("Description-Content-Type", "2.1"),
    field("Provides-Extra", "2.1", true),
    field("Dynamic", "2.2", true),
    field("License-Expression", "2.4"),
    field("License-File", "2.4", true),
    field("Import-Name", "2.5", true),
    field("Import-Namespace", "2.5", true),
  ].map((spec) => [spec.name.toLowerCase(), spec]),
);

/** The newest Metadata-Version this module knows the fields of. */
export const newestKnownVersion = { major: 2, minor: 5 } as const;
