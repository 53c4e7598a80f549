/**
 * Minimal deterministic archive writers (zip for wheels, ustar + gzip for sdists) and the
 * two tiny readers the index needs: one zip member, and one member of a .tar.gz.
 */
import { closeSync, openSync, readSync, writeSync } from "node:fs";
import { deflateRawSync, gunzipSync, gzipSync, inflateRawSync } from "node:zlib";

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (zip/gzip polynomial); pass the previous value to continue over several chunks. */
export function crc32(data: Buffer, previous = 0): number {
  let crc = ~previous >>> 0;
  for (let i = 0; i < data.length; i++) crc = CRC_TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}

export interface ZipEntry {
  name: string;
  /** Small content, deflated. */
  data?: Buffer;
  /** Large content, stored uncompressed; called twice (checksum pass, then write pass). */
  chunks?: () => Iterable<Buffer>;
  /**
   * No data of its own: the central directory points this name at an earlier entry's local
   * header (`offset` bytes into it), sharing its data, as overlapping-entry zip bombs do.
   */
  alias?: { of: string; offset?: number };
}

// 1980-01-01 00:00:00, the earliest DOS timestamp, so output never depends on the clock.
const DOS_TIME = 0;
const DOS_DATE = (1 << 5) | 1;
const UTF8_FLAG = 0x0800;
const FILE_MODE = 0o100644;

/** Writes a zip file entry by entry (no zip64: each entry and the archive stay under 4 GiB). */
export function writeZip(filePath: string, entries: ZipEntry[]): void {
  const fd = openSync(filePath, "w");
  const central: Buffer[] = [];
  const written = new Map<string, { offset: number; header: Buffer }>();
  let offset = 0;
  const write = (buffer: Buffer) => {
    writeSync(fd, buffer);
    offset += buffer.length;
  };
  try {
    for (const entry of entries) {
      const name = Buffer.from(entry.name, "utf8");
      if (entry.alias) {
        const target = written.get(entry.alias.of);
        if (!target) throw new Error(`alias of an entry not written before: ${entry.alias.of}`);
        const header = Buffer.from(target.header);
        header.writeUInt16LE(name.length, 28);
        header.writeUInt32LE(target.offset + (entry.alias.offset ?? 0), 42);
        central.push(header, name);
        continue;
      }
      let crc = 0;
      let size = 0;
      let body: Buffer | undefined;
      if (entry.data) {
        crc = crc32(entry.data);
        size = entry.data.length;
        body = deflateRawSync(entry.data, { level: 9 });
      } else if (entry.chunks) {
        for (const chunk of entry.chunks()) {
          crc = crc32(chunk, crc);
          size += chunk.length;
        }
      } else {
        body = Buffer.alloc(0);
      }
      const method = entry.data ? 8 : 0;
      const compressedSize = body ? body.length : size;
      if (size > 0xffffffff || offset > 0xffffffff) throw new Error("zip64 is not supported");

      const local = Buffer.alloc(30);
      local.writeUInt32LE(0x04034b50, 0);
      local.writeUInt16LE(20, 4);
      local.writeUInt16LE(UTF8_FLAG, 6);
      local.writeUInt16LE(method, 8);
      local.writeUInt16LE(DOS_TIME, 10);
      local.writeUInt16LE(DOS_DATE, 12);
      local.writeUInt32LE(crc, 14);
      local.writeUInt32LE(compressedSize, 18);
      local.writeUInt32LE(size, 22);
      local.writeUInt16LE(name.length, 26);
      local.writeUInt16LE(0, 28);

      const header = Buffer.alloc(46);
      header.writeUInt32LE(0x02014b50, 0);
      header.writeUInt16LE((3 << 8) | 20, 4); // made by: unix, spec 2.0
      header.writeUInt16LE(20, 6);
      header.writeUInt16LE(UTF8_FLAG, 8);
      header.writeUInt16LE(method, 10);
      header.writeUInt16LE(DOS_TIME, 12);
      header.writeUInt16LE(DOS_DATE, 14);
      header.writeUInt32LE(crc, 16);
      header.writeUInt32LE(compressedSize, 20);
      header.writeUInt32LE(size, 24);
      header.writeUInt16LE(name.length, 28);
      header.writeUInt32LE(FILE_MODE * 0x10000, 38);
      header.writeUInt32LE(offset, 42);
      central.push(header, name);
      written.set(entry.name, { offset, header });

      write(local);
      write(name);
      if (body) write(body);
      else if (entry.chunks) for (const chunk of entry.chunks()) write(chunk);
    }
    const directory = Buffer.concat(central);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(entries.length, 8);
    end.writeUInt16LE(entries.length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(offset, 16);
    write(directory);
    write(end);
  } finally {
    closeSync(fd);
  }
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  const read = readSync(fd, buffer, 0, length, position);
  return buffer.subarray(0, read);
}

/** Reads one member of a zip file without loading the rest; undefined if absent. */
export function readZipMember(
  filePath: string,
  size: number,
  match: (name: string) => boolean,
): Buffer | undefined {
  const fd = openSync(filePath, "r");
  try {
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = readAt(fd, size - tailLength, tailLength);
    const endAt = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (endAt < 0) throw new Error(`${filePath}: not a zip file`);
    const count = tail.readUInt16LE(endAt + 10);
    const directory = readAt(fd, tail.readUInt32LE(endAt + 16), tail.readUInt32LE(endAt + 12));
    let at = 0;
    for (let i = 0; i < count; i++) {
      const nameLength = directory.readUInt16LE(at + 28);
      const skip =
        46 + nameLength + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32);
      const name = directory.toString("utf8", at + 46, at + 46 + nameLength);
      if (match(name)) {
        const method = directory.readUInt16LE(at + 10);
        const compressedSize = directory.readUInt32LE(at + 20);
        const localAt = directory.readUInt32LE(at + 42);
        const local = readAt(fd, localAt, 30);
        const dataAt = localAt + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
        const data = readAt(fd, dataAt, compressedSize);
        if (method === 0) return data;
        if (method === 8) return inflateRawSync(data);
        throw new Error(`${filePath}: ${name} uses unsupported compression ${method}`);
      }
      at += skip;
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

export interface TarEntry {
  name: string;
  data: Buffer;
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, "0")}\0`;
}

function tarHeader(entryName: string, size: number): Buffer {
  const header = Buffer.alloc(512);
  let name = entryName;
  let prefix = "";
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf("/", 155);
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) {
      throw new Error(`path too long for ustar: ${entryName}`);
    }
    prefix = name.slice(0, cut);
    name = name.slice(cut + 1);
  }
  header.write(name, 0, 100, "utf8");
  header.write(octal(0o644, 8), 100, "ascii");
  header.write(octal(0, 8), 108, "ascii");
  header.write(octal(0, 8), 116, "ascii");
  header.write(octal(size, 12), 124, "ascii");
  header.write(octal(0, 12), 136, "ascii");
  header.write("        ", 148, "ascii");
  header.write("0", 156, "ascii");
  header.write("ustar\u000000", 257, "ascii");
  header.write("root", 265, "ascii");
  header.write("root", 297, "ascii");
  header.write(prefix, 345, 155, "utf8");
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "ascii");
  return header;
}

/** A gzip-compressed ustar archive of regular files (mtime 0, uid/gid 0, mode 644). */
export function tarGz(entries: TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    blocks.push(tarHeader(entry.name, entry.data.length), entry.data);
    const padding = (512 - (entry.data.length % 512)) % 512;
    if (padding) blocks.push(Buffer.alloc(padding));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks), { level: 9 });
}

/** Reads one regular-file member of a .tar.gz held in memory; undefined if absent. */
export function readTarGzMember(
  archive: Buffer,
  match: (name: string) => boolean,
): Buffer | undefined {
  const tar = gunzipSync(archive);
  let longName: string | undefined;
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((byte) => byte === 0)) return undefined;
    const size = Number.parseInt(
      header.toString("ascii", 124, 136).replace(/\0.*$/, "").trim() || "0",
      8,
    );
    const type = String.fromCharCode(header[156] || 0x30);
    const data = tar.subarray(at + 512, at + 512 + size);
    const field = (start: number, length: number) =>
      header.toString("utf8", start, start + length).replace(/\0.*$/s, "");
    const prefix = header.toString("ascii", 257, 262) === "ustar" ? field(345, 155) : "";
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = undefined;
    if (type === "L") longName = data.toString("utf8").replace(/\0.*$/s, "");
    else if (type === "x") longName = /\d+ path=(.*)\n/.exec(data.toString("utf8"))?.[1];
    else if ((type === "0" || type === "7") && match(name)) return Buffer.from(data);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return undefined;
}
