/** Reads a wheel or sdist once, streaming: every member listed and hashed, metadata kept as text. */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, inflateRawSync } from "node:zlib";
import tar from "tar-stream";
import yauzl from "yauzl";
import type { ArchiveMember, DistArchive, DistKind, MemberKind } from "./model.js";

/** Metadata members larger than this are listed and hashed but not kept as text. */
export const MAX_TEXT_BYTES = 16 * 1024 * 1024;

const wheelTexts = /^[^/]+\.dist-info\/(METADATA|WHEEL|RECORD)$/;
const sdistTexts = /^[^/]+\/(PKG-INFO|pyproject\.toml)$/;

export function distKind(file: string): DistKind {
  if (file.endsWith(".whl")) return "wheel";
  if (file.endsWith(".tar.gz")) return "sdist";
  throw new Error(`${path.basename(file)} is neither a wheel (.whl) nor an sdist (.tar.gz)`);
}

/** Reads `file` once, start to end, hashing it and every member on the way. */
export async function readDist(file: string): Promise<DistArchive> {
  const kind = distKind(file);
  const archive: DistArchive = {
    kind,
    file,
    filename: path.basename(file),
    size: 0,
    sha256: "",
    members: [],
    texts: new Map(),
  };
  const keepsText = kind === "wheel" ? wheelTexts : sdistTexts;
  const sink: MemberSink = {
    add: (member) => archive.members.push(member),
    overlapping: (names) => {
      archive.overlapping = names;
    },
    keepText: (memberPath) => keepsText.test(memberPath),
    text: (memberPath, text) => archive.texts.set(memberPath, text),
  };
  try {
    if (kind === "wheel") {
      // The zip is read at random offsets, so the whole-file hash is a second, parallel stream.
      const [whole] = await Promise.all([hashFile(file), readZip(file, sink)]);
      Object.assign(archive, whole);
    } else {
      Object.assign(archive, await readTarGz(file, sink));
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Cannot read ${archive.filename}: ${reason}`, { cause: error });
  }
  return archive;
}

interface MemberSink {
  add(member: ArchiveMember): void;
  /** The zip's entries overlap: none is read. */
  overlapping(names: string[]): void;
  keepText(memberPath: string): boolean;
  text(memberPath: string, text: string): void;
}

interface Digest {
  size: number;
  sha256: string;
}

/** A pass-through stream that counts and hashes what flows through it. */
class HashingStream extends Transform {
  private readonly hash = createHash("sha256");
  size = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    this.push(chunk);
    done();
  }

  digest(): Digest {
    return { size: this.size, sha256: this.hash.digest("hex") };
  }
}

/** Calls `each` with successive pieces of the range, read into one reused buffer. */
async function readRange(
  handle: FileHandle,
  start: number,
  length: number,
  each: (chunk: Buffer) => void,
  buffer = Buffer.allocUnsafe(STREAM_CHUNK),
): Promise<number> {
  let done = 0;
  while (done < length) {
    const wanted = Math.min(buffer.length, length - done);
    const { bytesRead } = await handle.read(buffer, 0, wanted, start + done);
    if (bytesRead === 0) break;
    each(buffer.subarray(0, bytesRead));
    done += bytesRead;
  }
  return done;
}

/** The whole file's size and sha256, through one reused buffer: no garbage per chunk. */
async function hashFile(file: string): Promise<Digest> {
  const handle = await open(file, "r");
  try {
    const hash = createHash("sha256");
    const { size } = await handle.stat();
    await readRange(handle, 0, size, (chunk) => hash.update(chunk));
    return { size, sha256: hash.digest("hex") };
  } finally {
    await handle.close();
  }
}

/** Hashes a member's content; keeps it as text too when `keep` and it fits the cap. */
async function consume(
  stream: AsyncIterable<unknown>,
  keep: boolean,
): Promise<Digest & { text?: string }> {
  const hash = createHash("sha256");
  let size = 0;
  let chunks: Buffer[] | undefined = keep ? [] : undefined;
  for await (const chunk of stream) {
    const data = chunk as Buffer;
    hash.update(data);
    size += data.length;
    if (chunks) {
      if (size > MAX_TEXT_BYTES) chunks = undefined;
      else chunks.push(data);
    }
  }
  const text = chunks ? Buffer.concat(chunks).toString("utf8") : undefined;
  return { size, sha256: hash.digest("hex"), text };
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const MADE_BY_UNIX = 3;
/** Members up to this compressed size are read in one go from cached blocks, not streamed. */
const SMALL_MEMBER = 1024 * 1024;
const BLOCK = 256 * 1024;
const CACHED_BLOCKS = 8;
const STREAM_CHUNK = 1024 * 1024;

/**
 * Serves yauzl's many small reads (central directory, local headers, small members) from a few
 * cached blocks, and big ranges as plain file streams: far fewer system calls than yauzl's own reader.
 */
export class BlockReader extends yauzl.RandomAccessReader {
  private readonly blocks = new Map<number, Promise<Buffer>>();
  /** One buffer for every big member, read one after another. */
  private readonly scratch = Buffer.allocUnsafe(STREAM_CHUNK);

  constructor(private readonly handle: FileHandle) {
    super();
  }

  private block(index: number): Promise<Buffer> {
    let block = this.blocks.get(index);
    if (block) {
      this.blocks.delete(index); // re-inserted below: the map's order is least recently used first
    } else {
      block = this.handle
        .read(Buffer.alloc(BLOCK), 0, BLOCK, index * BLOCK)
        .then(({ buffer, bytesRead }) => buffer.subarray(0, bytesRead));
      const oldest = this.blocks.keys().next();
      if (this.blocks.size >= CACHED_BLOCKS && !oldest.done) this.blocks.delete(oldest.value);
    }
    this.blocks.set(index, block);
    return block;
  }

  /** Size, sha256 and (when `keep`) text of a stored range, read through one reused buffer. */
  async digestRange(
    start: number,
    length: number,
    keep: boolean,
  ): Promise<Digest & { text?: string }> {
    const hash = createHash("sha256");
    const kept: Buffer[] | undefined = keep && length <= MAX_TEXT_BYTES ? [] : undefined;
    const size = await readRange(
      this.handle,
      start,
      length,
      (chunk) => {
        hash.update(chunk);
        kept?.push(Buffer.from(chunk)); // a copy: the buffer is reused
      },
      this.scratch,
    );
    return { size, sha256: hash.digest("hex"), text: kept && Buffer.concat(kept).toString("utf8") };
  }

  /** `length` bytes at `position` (fewer at the end of the file). */
  async readAt(position: number, length: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (let at = position; at < position + length; ) {
      const block = await this.block(Math.floor(at / BLOCK));
      const part = block.subarray(
        at % BLOCK,
        Math.min(block.length, (at % BLOCK) + position + length - at),
      );
      if (part.length === 0) break;
      parts.push(part);
      at += part.length;
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }

  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (error: Error | null, bytesRead?: number) => void,
  ): void {
    this.readAt(position, length).then(
      (data) => callback(null, data.copy(buffer, offset)),
      (error: Error) => callback(error),
    );
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return Readable.from(this.chunks(start, end), { objectMode: false });
  }

  /** The range as plain reads; an fs stream on the shared descriptor would close it when done. */
  private async *chunks(start: number, end: number): AsyncGenerator<Buffer> {
    for (let at = start; at < end; ) {
      const wanted = Math.min(STREAM_CHUNK, end - at);
      const { buffer, bytesRead } = await this.handle.read(
        Buffer.allocUnsafe(wanted),
        0,
        wanted,
        at,
      );
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
      at += bytesRead;
    }
  }

  /** The caller closes the file itself, even when yauzl fails half-way. */
  override close(callback: (error: Error | null) => void): void {
    callback(null);
  }
}

/** Unix mode bits from a zip entry's external attributes, when a unix tool wrote it. */
function zipMode(entry: yauzl.Entry): number | undefined {
  const mode = entry.externalFileAttributes >>> 16;
  return entry.versionMadeBy >> 8 === MADE_BY_UNIX && mode !== 0 ? mode : undefined;
}

function zipKind(name: string, mode: number | undefined): MemberKind {
  if (name.endsWith("/")) return "directory";
  return mode !== undefined && (mode & S_IFMT) === S_IFLNK ? "symlink" : "file";
}

/** A small stored or deflated member, read and inflated in one go. */
async function readSmall(
  zip: yauzl.ZipFile,
  reader: BlockReader,
  entry: yauzl.Entry,
): Promise<Buffer> {
  const { fileDataStart } = await zip.readLocalFileHeaderPromise(entry, { minimal: true });
  const raw = await reader.readAt(fileDataStart, entry.compressedSize);
  if (raw.length < entry.compressedSize) throw new Error("unexpected end of file");
  const data =
    entry.compressionMethod === 8
      ? inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.uncompressedSize) })
      : raw;
  if (data.length !== entry.uncompressedSize) {
    throw new Error(`${entry.uncompressedSize} bytes expected, ${data.length} found`);
  }
  return data;
}

const isSmall = (entry: yauzl.Entry) =>
  entry.compressedSize <= SMALL_MEMBER &&
  entry.uncompressedSize <= 8 * SMALL_MEMBER &&
  !entry.isEncrypted() &&
  (entry.compressionMethod === 0 || entry.compressionMethod === 8);

async function readZipMember(
  zip: yauzl.ZipFile,
  reader: BlockReader,
  entry: yauzl.Entry,
  keep: boolean,
): Promise<Digest & { text?: string }> {
  if (!isSmall(entry) && entry.compressionMethod === 0 && !entry.isEncrypted()) {
    // A big stored member (data files, bundled libraries): read in place, no stream, no garbage.
    const { fileDataStart } = await zip.readLocalFileHeaderPromise(entry, { minimal: true });
    const content = await reader.digestRange(fileDataStart, entry.compressedSize, keep);
    if (content.size !== entry.uncompressedSize) {
      throw new Error(`${entry.uncompressedSize} bytes expected, ${content.size} found`);
    }
    return content;
  }
  if (!isSmall(entry)) return consume(await zip.openReadStreamPromise(entry), keep);
  const data = await readSmall(zip, reader, entry);
  const sha256 = createHash("sha256").update(data).digest("hex");
  return { size: data.length, sha256, text: keep ? data.toString("utf8") : undefined };
}

async function readZip(file: string, sink: MemberSink): Promise<void> {
  const handle = await open(file, "r");
  try {
    await readZipMembers(handle, sink);
  } finally {
    await handle.close();
  }
}

/** The smallest number of bytes an entry takes: its local header, name and compressed data. */
const minimalExtent = (entry: yauzl.Entry) => 30 + entry.fileNameLength + entry.compressedSize;

/**
 * Every central-directory entry (they are small), read before any member, and those whose
 * minimal extent runs into the next entry or the central directory: entries sharing data, the
 * overlapping-entry zip bomb, whose unpacking time grows with the entry count, not the file size.
 */
export async function readZipDirectory(
  zip: yauzl.ZipFile,
): Promise<{ entries: yauzl.Entry[]; overlapping: yauzl.Entry[] }> {
  // Until entries are read, the cursor is the central directory's offset (@types says boolean).
  const directoryStart = Number(zip.readEntryCursor);
  const entries: yauzl.Entry[] = [];
  for await (const entry of zip.eachEntry()) entries.push(entry);
  const byOffset = [...entries].sort(
    (a, b) => a.relativeOffsetOfLocalHeader - b.relativeOffsetOfLocalHeader,
  );
  const overlapping = new Set<yauzl.Entry>();
  byOffset.forEach((entry, index) => {
    const next = byOffset[index + 1];
    const limit = next ? next.relativeOffsetOfLocalHeader : directoryStart;
    if (entry.relativeOffsetOfLocalHeader + minimalExtent(entry) <= limit) return;
    overlapping.add(entry);
    if (next) overlapping.add(next);
  });
  return { entries, overlapping: entries.filter((entry) => overlapping.has(entry)) };
}

/** The name as stored: backslashes stay as they are, as Python's zipfile keeps them on posix. */
function storedName(entry: yauzl.Entry): string {
  return yauzl.getFileNameLowLevel(
    entry.generalPurposeBitFlag,
    entry.fileNameRaw,
    entry.extraFields,
    true,
  );
}

async function readZipMembers(handle: FileHandle, sink: MemberSink): Promise<void> {
  const reader = new BlockReader(handle);
  const { size } = await handle.stat();
  // Raw names: yauzl would reject `/abs` or `../x`, which the checks must see and report.
  const zip = await yauzl.fromRandomAccessReaderPromise(reader, size, {
    autoClose: false, // closed below, once the last member is read
    lazyEntries: true,
    decodeStrings: false,
    strictFileNames: false,
    validateEntrySizes: true,
  });
  try {
    const { entries, overlapping } = await readZipDirectory(zip);
    if (overlapping.length > 0) {
      sink.overlapping(overlapping.map(storedName));
      return;
    }
    for (const entry of entries) {
      const name = storedName(entry);
      const mode = zipMode(entry);
      const kind = zipKind(name, mode);
      const member: ArchiveMember = { path: name, kind, size: 0 };
      if (mode !== undefined) member.mode = mode & 0o7777;
      if (kind === "symlink") {
        member.linkTarget = (await readZipMember(zip, reader, entry, true)).text ?? "";
      } else if (kind === "file") {
        const content = await readZipMember(zip, reader, entry, sink.keepText(name));
        member.size = content.size;
        member.sha256 = content.sha256;
        if (content.text !== undefined) sink.text(name, content.text);
      }
      sink.add(member);
    }
  } finally {
    zip.close();
  }
}

const tarKinds: Record<string, MemberKind | undefined> = {
  file: "file",
  "contiguous-file": "file",
  link: "hardlink",
  symlink: "symlink",
  directory: "directory",
  "character-device": "device",
  "block-device": "device",
  fifo: "fifo",
};

async function readTarGz(file: string, sink: MemberSink): Promise<Digest> {
  const whole = new HashingStream();
  const extract = tar.extract();
  const reading = (async () => {
    for await (const entry of extract) {
      const header = entry.header;
      const kind = tarKinds[header.type ?? "file"] ?? "file";
      const member: ArchiveMember = { path: header.name, kind, size: 0 };
      if (header.mode !== undefined) member.mode = header.mode;
      if (header.linkname && (kind === "symlink" || kind === "hardlink")) {
        member.linkTarget = header.linkname;
      }
      const content = await consume(entry, kind === "file" && sink.keepText(header.name));
      if (kind === "file") {
        member.size = content.size;
        member.sha256 = content.sha256;
        if (content.text !== undefined) sink.text(header.name, content.text);
      }
      sink.add(member);
    }
  })().catch((error: unknown) => {
    extract.destroy(error as Error); // stops the pipeline too
    throw error;
  });
  await Promise.all([
    pipeline(
      createReadStream(file, { highWaterMark: 1024 * 1024 }),
      whole,
      createGunzip(),
      extract,
    ),
    reading,
  ]);
  return whole.digest();
}

/** The top-level `*.dist-info` directories, in archive order. */
export function distInfoDirectories(archive: DistArchive): string[] {
  const found = new Set<string>();
  for (const member of archive.members) {
    const slash = member.path.indexOf("/");
    if (slash > 0 && member.path.slice(0, slash).endsWith(".dist-info")) {
      found.add(member.path.slice(0, slash));
    }
  }
  return [...found];
}

/** The sdist's top-level directory: the first component of its first member. */
export function sdistTop(archive: DistArchive): string | undefined {
  const first = archive.members[0]?.path;
  return first === undefined ? undefined : first.split("/")[0];
}

/** The wheel's `.dist-info/METADATA` or the sdist's `<top>/PKG-INFO`, if the archive has it. */
export function metadataMember(archive: DistArchive): string | undefined {
  const candidates =
    archive.kind === "wheel"
      ? distInfoDirectories(archive).map((directory) => `${directory}/METADATA`)
      : [`${sdistTop(archive)}/PKG-INFO`];
  return candidates.find((candidate) => hasMember(archive, candidate));
}

const memberPaths = new WeakMap<DistArchive, Set<string>>();

/** Whether the archive has a member stored under exactly this path. */
export function hasMember(archive: DistArchive, memberPath: string): boolean {
  let paths = memberPaths.get(archive);
  if (!paths) {
    paths = new Set(archive.members.map((member) => member.path));
    memberPaths.set(archive, paths);
  }
  return paths.has(memberPath);
}

/** Paths for a finding's message: the first few, then how many more. */
export function describePaths(paths: readonly string[], shown = 5): string {
  const listed = paths.slice(0, shown).join(", ");
  return paths.length > shown ? `${listed} and ${paths.length - shown} more` : listed;
}
