/** An offline OSV database (advisory tree or OSV export), read once and indexed by package name. */
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { inflateRawSync } from "node:zlib";
import yauzl from "yauzl";
import { normalizeName } from "../project/names.js";
import { ConfigurationError, errorMessage } from "../runtime/errors.js";
import { type Advisory, parseAdvisory } from "./model.js";

export interface SkippedFile {
  file: string;
  reason: string;
}

export interface AdvisoryDb {
  /** PEP 503-normalized name of a PyPI package → the advisories with an entry for it. */
  byPackage: Map<string, Advisory[]>;
  /** Advisories read (withdrawn ones included; evaluation ignores them). */
  count: number;
  /** Files that did not parse, or repeated an ID; the caller warns about each. */
  skipped: SkippedFile[];
}

/** Advisory members larger than this are skipped rather than read into memory. */
export const MAX_ADVISORY_BYTES = 8 * 1024 * 1024;

const advisoryFile = /\.(json|ya?ml)$/i;

type Each = (file: string, text: string) => void;

export interface LoadOptions {
  /**
   * Only these PEP 503-normalized packages are wanted: advisories about none of them are counted
   * but not validated or indexed, which is most of a whole-ecosystem export.
   */
  packages?: ReadonlySet<string>;
}

export async function loadAdvisoryDb(
  source: string,
  options: LoadOptions = {},
): Promise<AdvisoryDb> {
  const info = await stat(source).catch((error: NodeJS.ErrnoException) => {
    const problem = error.code === "ENOENT" ? "does not exist" : errorMessage(error);
    throw new ConfigurationError(`advisory database ${source}: ${problem}`, { file: source });
  });
  const collected = new Collector(options.packages);
  const each: Each = (file, text) => collected.add(file, text);
  if (info.isDirectory()) await readTree(source, each, collected);
  else await readZip(source, each, collected);
  if (collected.byId.size + collected.unwanted === 0) {
    const first = collected.skipped[0];
    const why = first ? `; first: ${first.file}: ${first.reason}` : "";
    throw new ConfigurationError(
      `advisory database ${source} holds no readable OSV advisory (${collected.skipped.length} files skipped${why})`,
      { file: source },
    );
  }
  return {
    byPackage: collected.index(),
    count: collected.byId.size + collected.unwanted,
    skipped: collected.skipped,
  };
}

/** Whether a JSON advisory names none of the wanted packages; false when unsure (YAML, bad JSON). */
function aboutOthers(text: string, file: string, wanted: ReadonlySet<string>): boolean {
  if (!/\.json$/i.test(file)) return false;
  let record: { affected?: Array<{ package?: { name?: unknown } }> };
  try {
    record = JSON.parse(text);
  } catch {
    return false; // parseAdvisory reports it
  }
  if (!Array.isArray(record?.affected)) return false;
  return record.affected.every((entry) => {
    const name = entry?.package?.name;
    return typeof name === "string" && !wanted.has(normalizeName(name));
  });
}

class Collector {
  readonly byId = new Map<string, { advisory: Advisory; file: string }>();
  readonly skipped: SkippedFile[] = [];
  /** Advisories read that name none of the wanted packages. */
  unwanted = 0;

  constructor(private readonly wanted?: ReadonlySet<string>) {}

  add(file: string, text: string): void {
    if (this.wanted && aboutOthers(text, file, this.wanted)) {
      this.unwanted++;
      return;
    }
    let advisory: Advisory;
    try {
      advisory = parseAdvisory(text, file);
    } catch (error) {
      this.skip(file, errorMessage(error).replace(`${file}: `, ""));
      return;
    }
    const seen = this.byId.get(advisory.id);
    if (!seen) {
      this.byId.set(advisory.id, { advisory, file });
    } else if (newer(advisory, seen.advisory)) {
      this.skip(seen.file, `${advisory.id} is also in ${file}, modified later`);
      this.byId.set(advisory.id, { advisory, file });
    } else {
      this.skip(file, `${advisory.id} is also in ${seen.file}`);
    }
  }

  skip(file: string, reason: string): void {
    this.skipped.push({ file, reason });
  }

  index(): Map<string, Advisory[]> {
    const byPackage = new Map<string, Advisory[]>();
    for (const { advisory } of this.byId.values()) {
      const names = new Set<string>();
      for (const { package: pkg } of advisory.affected) {
        if (pkg && pkg.ecosystem.split(":")[0] === "PyPI") names.add(normalizeName(pkg.name));
      }
      for (const name of names) {
        const list = byPackage.get(name);
        if (list) list.push(advisory);
        else byPackage.set(name, [advisory]);
      }
    }
    return byPackage;
  }
}

function newer(a: Advisory, b: Advisory): boolean {
  const [x, y] = [Date.parse(a.modified), Date.parse(b.modified)];
  return Number.isNaN(x) || Number.isNaN(y) ? a.modified > b.modified : x > y;
}

/** Every advisory file below `root` in path order; dot-directories (`.git`) are left out. */
async function readTree(root: string, each: Each, collected: Collector): Promise<void> {
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith(".")) await walk(full);
      } else if (entry.isFile() && advisoryFile.test(entry.name)) {
        const { size } = await stat(full);
        if (size > MAX_ADVISORY_BYTES)
          collected.skip(full, `larger than ${MAX_ADVISORY_BYTES} bytes`);
        else each(full, await readFile(full, "utf8"));
      }
    }
  };
  try {
    await walk(root);
  } catch (error) {
    throw new ConfigurationError(`advisory database ${root}: ${errorMessage(error)}`, {
      file: root,
    });
  }
}

/**
 * Each advisory member of an OSV export zip, named `all.zip!member`. The zip is read into memory
 * and its members inflated in one pass: a stream per member costs far more on ~20k small files.
 */
async function readZip(file: string, each: Each, collected: Collector): Promise<void> {
  try {
    const data = await readFile(file);
    const zip = await yauzl.fromBufferPromise(data, { lazyEntries: true });
    const entries: yauzl.Entry[] = [];
    for await (const entry of zip.eachEntry()) entries.push(entry);
    for (const entry of entries) {
      const name = `${file}!${entry.fileName}`;
      if (entry.fileName.endsWith("/") || !advisoryFile.test(entry.fileName)) continue;
      const problem = entry.isEncrypted()
        ? "is encrypted"
        : entry.compressionMethod !== 0 && entry.compressionMethod !== 8
          ? `uses unsupported compression ${entry.compressionMethod}`
          : entry.uncompressedSize > MAX_ADVISORY_BYTES
            ? `is larger than ${MAX_ADVISORY_BYTES} bytes`
            : undefined;
      if (problem) {
        collected.skip(name, problem);
        continue;
      }
      const { fileDataStart } = await zip.readLocalFileHeaderPromise(entry, { minimal: true });
      const stored = data.subarray(fileDataStart, fileDataStart + entry.compressedSize);
      const content = entry.compressionMethod === 8 ? inflateRawSync(stored) : stored;
      if (stored.length !== entry.compressedSize || content.length !== entry.uncompressedSize) {
        throw new Error(`${entry.fileName} is truncated`);
      }
      each(name, content.toString("utf8"));
    }
  } catch (error) {
    throw new ConfigurationError(
      `advisory database ${file} is not a readable zip archive (${errorMessage(error)})`,
      { file },
    );
  }
}
