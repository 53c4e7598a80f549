/**
 * Crafts wheels and sdists for validator tests: a good, pip-installable dist by default,
 * with every part overridable to build exactly one defect.
 */
import { createHash } from "node:crypto";
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { afterAll } from "@jest/globals";
import tar from "tar-stream";
import { writeZip, type ZipEntry } from "../../harness/archives.js";

/** A temp folder removed after the test file; each call of the result is a fresh subfolder. */
export function scratchFolders(prefix: string): () => string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let count = 0;
  return () => {
    const sub = path.join(dir, String(count++));
    mkdirSync(sub);
    return sub;
  };
}

export interface CraftedMetadata {
  /** Header lines, in order; a `null` value drops a default header. */
  headers?: Record<string, string | string[] | null>;
  /** The description, written as the message body. `null` writes none. */
  description?: string | null;
}

const defaultHeaders = (name: string, version: string): Record<string, string> => ({
  "Metadata-Version": "2.1",
  Name: name,
  Version: version,
  Summary: "A crafted package for tests",
  "Description-Content-Type": "text/markdown",
});

/** Core metadata text (METADATA or PKG-INFO) from defaults plus overrides. */
export function metadataText(
  name: string,
  version: string,
  metadata: CraftedMetadata = {},
): string {
  const headers: Record<string, string | string[] | null> = {
    ...defaultHeaders(name, version),
    ...metadata.headers,
  };
  const lines: string[] = [];
  for (const [field, value] of Object.entries(headers)) {
    if (value === null) continue;
    for (const one of Array.isArray(value) ? value : [value]) lines.push(`${field}: ${one}`);
  }
  const description =
    metadata.description === undefined ? `# ${name}\n\nA crafted package.\n` : metadata.description;
  return description === null ? `${lines.join("\n")}\n` : `${lines.join("\n")}\n\n${description}`;
}

export interface CraftedWheel extends CraftedMetadata {
  name?: string;
  version?: string;
  /** The file name; defaults to `<name>-<version>-py3-none-any.whl`. */
  filename?: string;
  /** The `.dist-info` directory; defaults to `<name>-<version>.dist-info`. */
  distInfo?: string;
  /** Library files; defaults to `{ "<name>/__init__.py": … }`. */
  files?: Record<string, string | Buffer>;
  /** Replaces the WHEEL file text; `null` leaves it out. */
  wheelFile?: string | null;
  /** Replaces METADATA; `null` leaves it out. */
  metadataFile?: string | null;
  /** Edits RECORD's rows ([path, hash, size]) before writing; returning `null` leaves RECORD out. */
  record?: (rows: string[][]) => string[][] | null;
  /** Members written after RECORD was computed, so RECORD does not list them. */
  unrecorded?: Record<string, string | Buffer>;
  /**
   * Raw zip entries written last, as given, even under a name already used or sharing another
   * entry's data (`alias`); RECORD does not list them.
   */
  appended?: { name: string; data?: string | Buffer; alias?: ZipEntry["alias"] }[];
}

export const defaultWheelFile =
  "Wheel-Version: 1.0\nGenerator: pyship-craft\nRoot-Is-Purelib: true\nTag: py3-none-any\n";

function recordHash(data: Buffer): string {
  return `sha256=${createHash("sha256").update(data).digest("base64url")}`;
}

function csvRow(row: string[]): string {
  return row
    .map((field) => (/[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field))
    .join(",");
}

/** Writes a crafted wheel into `dir` and returns its path. */
export function craftWheel(dir: string, options: CraftedWheel = {}): string {
  const name = options.name ?? "craft_pkg";
  const version = options.version ?? "1.0.0";
  const distInfo = options.distInfo ?? `${name}-${version}.dist-info`;
  const members = new Map<string, Buffer>();
  const files = options.files ?? { [`${name}/__init__.py`]: `__version__ = "${version}"\n` };
  for (const [file, content] of Object.entries(files)) members.set(file, Buffer.from(content));
  if (options.metadataFile !== null) {
    members.set(
      `${distInfo}/METADATA`,
      Buffer.from(options.metadataFile ?? metadataText(name, version, options)),
    );
  }
  if (options.wheelFile !== null) {
    members.set(`${distInfo}/WHEEL`, Buffer.from(options.wheelFile ?? defaultWheelFile));
  }
  const rows = [...members].map(([file, data]) => [file, recordHash(data), String(data.length)]);
  rows.push([`${distInfo}/RECORD`, "", ""]);
  const edited = options.record ? options.record(rows) : rows;
  if (edited) {
    members.set(`${distInfo}/RECORD`, Buffer.from(`${edited.map(csvRow).join("\n")}\n`));
  }
  for (const [file, content] of Object.entries(options.unrecorded ?? {})) {
    members.set(file, Buffer.from(content));
  }
  const wheelPath = path.join(dir, options.filename ?? `${name}-${version}-py3-none-any.whl`);
  writeZip(wheelPath, [
    ...[...members].map(([file, data]) => ({ name: file, data })),
    ...(options.appended ?? []).map(({ name, data, alias }) => ({
      name,
      alias,
      data: data === undefined ? undefined : Buffer.from(data),
    })),
  ]);
  return wheelPath;
}

/**
 * The overlapping-entry zip bomb: a good wheel whose central directory also lists `copies`
 * members that all point at one deflated member (16 MiB of zeros, a few KiB in the file), so
 * unpacking them costs `copies` times 16 MiB however small the file is.
 */
export function craftZipBomb(dir: string, copies = 640, options: CraftedWheel = {}): string {
  const shared = `${options.name ?? "craft_pkg"}/zeros.bin`;
  return craftWheel(dir, {
    ...options,
    appended: [
      { name: shared, data: Buffer.alloc(16 * 1024 * 1024) },
      ...Array.from({ length: copies }, (_, i) => ({
        name: `${shared.slice(0, -4)}${i}.bin`,
        alias: { of: shared },
      })),
    ],
  });
}

/** One raw tar member: a file (with `data`), a directory, a link or a device. */
export interface TarMember {
  name: string;
  type?: "file" | "directory" | "symlink" | "link" | "character-device" | "block-device" | "fifo";
  data?: string | Buffer;
  linkname?: string;
  mode?: number;
}

export interface CraftedSdist extends CraftedMetadata {
  name?: string;
  version?: string;
  /** The file name; defaults to `<name>-<version>.tar.gz`. */
  filename?: string;
  /** The top-level directory; defaults to `<name>-<version>`. */
  top?: string;
  /** Files under the top directory; defaults to pyproject.toml and the package's __init__.py. */
  files?: Record<string, string | Buffer>;
  /** Replaces PKG-INFO; `null` leaves it out. */
  pkgInfo?: string | null;
  /** Raw members added as given (full paths, any type). */
  extra?: TarMember[];
}

export const defaultPyproject = (name: string, version: string): string =>
  `[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "${name}"\nversion = "${version}"\n`;

/** Writes a crafted sdist (pax tar, gzip) into `dir` and returns its path. */
export async function craftSdist(dir: string, options: CraftedSdist = {}): Promise<string> {
  const name = options.name ?? "craft_pkg";
  const version = options.version ?? "1.0.0";
  const top = options.top ?? `${name}-${version}`;
  const members: TarMember[] = [];
  const files = options.files ?? {
    "pyproject.toml": defaultPyproject(name, version),
    [`${name}/__init__.py`]: `__version__ = "${version}"\n`,
  };
  if (options.pkgInfo !== null) {
    const text =
      options.pkgInfo ??
      metadataText(name, version, {
        ...options,
        headers: { "Metadata-Version": "2.2", ...options.headers },
      });
    members.push({ name: `${top}/PKG-INFO`, data: text });
  }
  for (const [file, data] of Object.entries(files)) members.push({ name: `${top}/${file}`, data });
  members.push(...(options.extra ?? []));

  const sdistPath = path.join(dir, options.filename ?? `${name}-${version}.tar.gz`);
  const pack = tar.pack();
  const written = pipeline(pack, createGzip(), createWriteStream(sdistPath));
  for (const member of members) {
    const type = member.type ?? (member.data === undefined ? "directory" : "file");
    const data = member.data === undefined ? undefined : Buffer.from(member.data);
    await new Promise<void>((resolve, reject) => {
      const header = {
        name: member.name,
        type,
        linkname: member.linkname,
        mode: member.mode ?? (type === "directory" ? 0o755 : 0o644),
        mtime: new Date(0),
        size: data?.length ?? 0,
      };
      const done = (error?: Error | null) => (error ? reject(error) : resolve());
      if (data) pack.entry(header, data, done);
      else pack.entry(header, done);
    });
  }
  pack.finalize();
  await written;
  return sdistPath;
}
