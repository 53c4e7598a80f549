/**
 * The legacy upload API's request side, as `warehouse/forklift` sees it: a streaming multipart
 * parser (the `content` part goes to a temp file while being hashed) and the form and file
 * checks with Warehouse's messages, in Warehouse's order.
 */
import { createHash, randomUUID } from "node:crypto";
import {
  closeSync,
  createReadStream,
  createWriteStream,
  openSync,
  readFileSync,
  readSync,
  rmSync,
} from "node:fs";
import type http from "node:http";
import path from "node:path";
import { type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import busboy from "busboy";
import { Blake2b } from "../../shared/digests/blake2b.js";
import { explainVersion as explain } from "../../shared/project/pep440.js";
import { readTarGzMember, readZipMember } from "./archives.js";
import { licenseFiles } from "./warehouse-metadata.js";
import { normalizeName, underscoredName } from "./wheels.js";

export interface UploadedContent {
  /** The file name the client gave the `content` part. */
  filename: string;
  contentType: string;
  /** Where the bytes are until they are stored or dropped. */
  tempPath: string;
  size: number;
  /** More bytes came than the file limit allows (the rest was discarded). */
  tooLarge: boolean;
  md5: string;
  sha256: string;
  blake2_256: string;
}

export interface ParsedUpload {
  /** Every non-file field in arrival order (list fields repeat). */
  fields: Array<[string, string]>;
  content?: UploadedContent;
  /** Names of file parts other than `content` (Warehouse rejects them as tuples). */
  otherFileParts: string[];
  /** Fields cut at the field size limit. */
  truncatedFields: string[];
}

export interface ParseLimits {
  tempDir: string;
  maxFileBytes: number;
  maxFieldBytes: number;
}

/** A stored distribution file, as the duplicate and one-sdist rules need it. */
export interface StoredFile {
  filename: string;
  /** PEP 503 normalized project name. */
  project: string;
  /** Canonical version (packaging.utils.canonicalize_version). */
  version: string;
  packagetype: "sdist" | "bdist_wheel";
  size: number;
  md5: string;
  sha256: string;
  blake2_256: string;
}

/** A refusal: the status and the message that goes in the status line and the body. */
export interface Refusal {
  status: number;
  message: string;
}

const HELP = "https://pypi.org/help/";
const CORE_METADATA = "https://packaging.python.org/specifications/core-metadata";
const NAME_RE = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;
const HEX64 = /^[a-f0-9]{64}$/i;

/** Parses a multipart upload; a body that is not multipart/form-data yields no fields. */
export function parseUpload(req: http.IncomingMessage, limits: ParseLimits): Promise<ParsedUpload> {
  const parsed: ParsedUpload = { fields: [], otherFileParts: [], truncatedFields: [] };
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      defParamCharset: "utf8",
      limits: {
        fieldSize: limits.maxFieldBytes,
        fields: 10_000,
        files: 10,
        fileSize: limits.maxFileBytes,
        parts: 10_010,
      },
    });
  } catch {
    return new Promise((resolve) => {
      req.on("end", () => resolve(parsed));
      req.on("error", () => resolve(parsed));
      req.resume();
    });
  }

  const writes: Promise<void>[] = [];
  const fileStreams: Readable[] = [];
  return new Promise<ParsedUpload>((resolve, reject) => {
    let failed = false;
    const cleanup = (error: unknown) => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      parser.destroy();
      for (const stream of fileStreams) stream.destroy();
      // Remove the temp file once its writer has closed (it may still be opening it).
      void Promise.allSettled(writes).then(() => {
        if (parsed.content) rmSync(parsed.content.tempPath, { force: true });
      });
      reject(error);
    };
    parser.on("field", (name, value, info) => {
      parsed.fields.push([name, value]);
      if (info.valueTruncated) parsed.truncatedFields.push(name);
    });
    parser.on("file", (name, stream, info) => {
      if (name !== "content" || parsed.content) {
        parsed.otherFileParts.push(name);
        stream.resume();
        return;
      }
      const content: UploadedContent = {
        filename: info.filename ?? "",
        contentType: info.mimeType ?? "",
        tempPath: path.join(limits.tempDir, `${randomUUID()}.part`),
        size: 0,
        tooLarge: false,
        md5: "",
        sha256: "",
        blake2_256: "",
      };
      parsed.content = content;
      const md5 = createHash("md5");
      const sha256 = createHash("sha256");
      const blake2 = new Blake2b(32);
      const hasher = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          content.size += chunk.length;
          md5.update(chunk);
          sha256.update(chunk);
          blake2.update(chunk);
          callback(null, chunk);
        },
        flush(callback) {
          content.md5 = md5.digest("hex");
          content.sha256 = sha256.digest("hex");
          content.blake2_256 = blake2.digest().toString("hex");
          callback();
        },
      });
      stream.on("limit", () => {
        content.tooLarge = true;
      });
      fileStreams.push(stream);
      const write = pipeline(stream, hasher, createWriteStream(content.tempPath));
      write.catch(() => undefined); // handled when the parser closes (or by cleanup)
      writes.push(write);
    });
    parser.on("error", cleanup);
    parser.on("close", () => {
      Promise.all(writes).then(() => resolve(parsed), cleanup);
    });
    req.on("error", cleanup);
    // A client that goes away mid-upload: no error event is guaranteed, but close comes.
    req.on("close", () => {
      if (!req.complete) cleanup(new Error("the client closed the connection mid-upload"));
    });
    req.pipe(parser);
  });
}

/** md5, sha256 and blake2_256 hex digests of a file, in one streaming pass. */
export function hashFile(
  filePath: string,
): Promise<{ md5: string; sha256: string; blake2_256: string }> {
  return new Promise((resolve, reject) => {
    const md5 = createHash("md5");
    const sha256 = createHash("sha256");
    const blake2 = new Blake2b(32);
    createReadStream(filePath)
      .on("data", (chunk) => {
        const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
        md5.update(bytes);
        sha256.update(bytes);
        blake2.update(bytes);
      })
      .on("end", () =>
        resolve({
          md5: md5.digest("hex"),
          sha256: sha256.digest("hex"),
          blake2_256: blake2.digest().toString("hex"),
        }),
      )
      .on("error", reject);
  });
}

/** packaging.utils.canonicalize_version, for valid versions (trailing release zeros dropped). */
export function canonicalVersion(version: string): string {
  const info = explain(version);
  if (!info) return version.toLowerCase();
  const release = [...info.release];
  while (release.length > 1 && release.at(-1) === 0) release.pop();
  let text = info.epoch ? `${info.epoch}!` : "";
  text += release.join(".");
  if (info.pre) text += info.pre.join("");
  if (info.post !== null && info.post !== undefined) text += `.post${info.post}`;
  if (info.dev !== null && info.dev !== undefined) text += `.dev${info.dev}`;
  if (info.local) text += `+${info.local}`;
  return text;
}

/** str(packaging.version.Version(v)): the normalized spelling, trailing zeros kept. */
export function normalizedVersion(version: string): string {
  const info = explain(version);
  return info ? `${info.epoch ? `${info.epoch}!` : ""}${info.public}` : version;
}

/** The form as Warehouse reads it: the last value of a key, "UNKNOWN" meaning absent. */
function formReader(fields: Array<[string, string]>) {
  return (name: string): string | undefined => {
    const values = fields.filter(([key]) => key === name).map(([, value]) => value);
    const value = values.at(-1);
    return value === undefined || value.trim() === "UNKNOWN" ? undefined : value;
  };
}

/** Python's repr of a string, whole. */
function quote(value: string): string {
  return value.includes("'") && !value.includes('"') ? `"${value}"` : `'${value}'`;
}

function invalidValue(value: string, field: string, error: string): string {
  const shown = value.length > 60 ? `${value.slice(0, 30)}...${value.slice(-30)}` : value;
  return `${quote(shown)} is an invalid value for ${field}. Error: ${error} See ${CORE_METADATA} for more information.`;
}

/** UploadForm validation: the first error by Warehouse's field order. */
export function validateForm(fields: Array<[string, string]>): string | undefined {
  const get = formReader(fields);
  const errors = new Map<string, string>();
  const name = get("name") ?? "";
  if (!name) errors.set("name", invalidValue("", "Name", "This field is required."));
  else if (!NAME_RE.test(name)) {
    errors.set(
      "name",
      invalidValue(
        name,
        "Name",
        "Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'.",
      ),
    );
  }
  const filetype = get("filetype");
  if (!filetype)
    errors.set("filetype", "Invalid value for filetype. Error: This field is required.");
  else if (filetype !== "sdist" && filetype !== "bdist_wheel") {
    errors.set("filetype", "Invalid value for filetype. Error: Use a known file type.");
  }
  const digestFormats: Array<[string, string]> = [
    ["blake2_256_digest", "Use a valid, hex-encoded, BLAKE2 message digest."],
    ["sha256_digest", "Use a valid, hex-encoded, SHA256 message digest."],
  ];
  for (const [field, message] of digestFormats) {
    const value = get(field);
    if (value && !HEX64.test(value))
      errors.set(field, `Invalid value for ${field}. Error: ${message}`);
  }
  for (const field of ["name", ...[...errors.keys()].sort()]) {
    const error = errors.get(field);
    if (error) return error;
  }

  const pyversion = get("pyversion");
  if (filetype !== "sdist" && !pyversion) {
    return "Error: Python version is required for binary distribution uploads.";
  }
  if (filetype === "sdist" && pyversion && pyversion !== "source") {
    return "Error: Use 'source' as Python version for an sdist.";
  }
  if (!get("md5_digest") && !get("sha256_digest") && !get("blake2_256_digest")) {
    return "Error: Include at least one message digest.";
  }
  return undefined;
}

/** Checks that need only the form and the file name (after authorization). */
export function checkFilename(
  fields: Array<[string, string]>,
  filename: string,
): string | undefined {
  const get = formReader(fields);
  const filetype = get("filetype");
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these are what Warehouse refuses
  if (/[\x00-\x1f\x7f]/.test(filename)) {
    return "Cannot upload a file with non-printable characters (ordinals 0-31) or the DEL character (ordinal 127) in the name.";
  }
  if (/[/\\]/.test(filename)) return "Cannot upload a file with '/' or '\\' in the name.";
  const extension = /\.(tar\.gz|zip|whl)$/.exec(filename)?.[1];
  if (!extension || (filetype === "bdist_wheel") !== (extension === "whl")) {
    return "Invalid file extension: Use .tar.gz, .whl or .zip extension. See https://www.python.org/dev/peps/pep-0527 and https://peps.python.org/pep-0715/ for more information";
  }
  return undefined;
}

const ARCHES = {
  manylinux: "x86_64|i686|aarch64|armv7l|ppc64|ppc64le|s390x|riscv64",
  musllinux: "x86_64|i686|aarch64|armv7l|ppc64le|s390x|riscv64",
  macosx: "ppc|ppc64|i386|x86_64|arm64|intel|fat|fat3|fat64|universal|universal2",
};

// Platform tags PyPI takes (legacy.py's `_valid_platform_tag`), in outline.
const PLATFORM_TAGS = [
  /^(any|win32|win_amd64|win_arm64|win_ia64|linux_armv6l|linux_armv7l)$/,
  /^manylinux(1|2010)_(x86_64|i686)$|^manylinux2014_(x86_64|i686|aarch64|armv7l|ppc64|ppc64le|s390x)$/,
  new RegExp(`^manylinux_\\d+_\\d+_(${ARCHES.manylinux})$`),
  new RegExp(`^musllinux_\\d+_\\d+_(${ARCHES.musllinux})$`),
  new RegExp(`^macosx_(10_\\d+|1[1-5]_0|26_0)_(${ARCHES.macosx})$`),
  /^ios_\d+_\d+_(arm64|x86_64)_(iphoneos|iphonesimulator)$/,
  /^android_\d+_(armeabi_v7a|arm64_v8a|x86|x86_64)$/,
];

const validPlatformTag = (tag: string) => PLATFORM_TAGS.some((pattern) => pattern.test(tag));

/** The file name against the project and version, after the archive checks, as Warehouse orders them. */
function checkNames(fields: Array<[string, string]>, filename: string): string | undefined {
  const get = formReader(fields);
  const name = get("name") ?? "";
  const version = get("version") ?? "";
  const extension = filename.endsWith(".whl")
    ? "whl"
    : filename.endsWith(".zip")
      ? "zip"
      : "tar.gz";
  const stem = filename.slice(0, -(extension.length + 1));
  const prefix = underscoredName(name);
  if (extension !== "whl") {
    const rawPrefix = stem.slice(0, Math.max(0, stem.lastIndexOf("-")));
    if (rawPrefix.toLowerCase().replace(/[.-]/g, "_") !== prefix) {
      return `Start filename for ${quote(name)} with ${quote(prefix)}.`;
    }
    const expected = `${prefix}-${normalizedVersion(version)}.tar.gz`;
    if (filename !== expected) {
      return `Filename ${quote(filename)} is invalid, should be ${quote(expected)}.`;
    }
    return undefined;
  }
  const parts = stem.split("-");
  if (parts.length !== 5 && parts.length !== 6) {
    return `Invalid wheel filename (wrong number of parts): ${quote(filename)}`;
  }
  const platform = parts
    .at(-1)
    ?.split(".")
    .find((tag) => !validPlatformTag(tag));
  if (platform !== undefined) {
    return `Binary wheel '${filename}' has an unsupported platform tag '${platform}'.`;
  }
  if (normalizeName(parts[0]) !== normalizeName(name)) {
    return `Start filename for ${quote(name)} with ${quote(prefix)}.`;
  }
  if (parts[0] !== prefix) {
    return `Filename ${quote(filename)} should contain the normalized project name ${quote(prefix)}, not ${quote(parts[0])}.`;
  }
  if (canonicalVersion(parts[1]) !== canonicalVersion(version)) {
    return `Version in filename should be ${quote(normalizedVersion(version))} not ${quote(parts[1])}.`;
  }
  return undefined;
}

export interface ContentCheckContext {
  maxFileBytes: number;
  /** Looks up a stored file by name or by blake2_256 digest. */
  findExisting(filename: string, blake2: string): StoredFile | undefined;
  /** Is there an sdist for this project (normalized) and canonical version? */
  hasSdist(project: string, version: string): boolean;
}

/**
 * Checks on the uploaded bytes: size, digests, duplicates, one sdist per release, archive
 * sanity. `"duplicate"` means an identical file already exists (a 200 no-op).
 */
export function checkContent(
  fields: Array<[string, string]>,
  content: UploadedContent,
  context: ContentCheckContext,
): Refusal | "duplicate" | undefined {
  const get = formReader(fields);
  const name = get("name") ?? "";
  const refuse = (message: string): Refusal => ({ status: 400, message });
  if (!content.contentType || content.contentType.startsWith("image/")) {
    return refuse("Invalid distribution file.");
  }
  if (content.tooLarge || content.size > context.maxFileBytes) {
    const megabytes = Math.floor(context.maxFileBytes / (1024 * 1024));
    return refuse(
      `File too large. Limit for project ${quote(name)} is ${megabytes} MB. See ${HELP}#file-size-limit for more information.`,
    );
  }
  const digests: Array<[string, string]> = [
    ["md5_digest", content.md5],
    ["sha256_digest", content.sha256],
    ["blake2_256_digest", content.blake2_256],
  ];
  for (const [field, actual] of digests) {
    const given = get(field);
    if (given && given.toLowerCase() !== actual) {
      return refuse(
        "The digest supplied does not match a digest calculated from the uploaded file.",
      );
    }
  }
  const existing = context.findExisting(content.filename, content.blake2_256);
  if (existing) {
    const same =
      existing.filename === content.filename &&
      existing.sha256 === content.sha256 &&
      existing.md5 === content.md5 &&
      existing.blake2_256 === content.blake2_256;
    if (same) return "duplicate";
    return refuse(
      `File already exists (${quote(content.filename)}, with blake2_256 hash ${quote(content.blake2_256)}). See ${HELP}#file-name-reuse for more information.`,
    );
  }
  if (
    get("filetype") === "sdist" &&
    context.hasSdist(normalizeName(name), canonicalVersion(get("version") ?? ""))
  ) {
    return refuse("Only one sdist may be uploaded per release.");
  }
  const archive = checkArchive(content);
  if (archive) return archive;
  const names = checkNames(fields, content.filename);
  if (names) return refuse(names);
  return checkLicenseFiles(fields, content);
}

/** Each License-File is in the dist: under the sdist's top folder, or the wheel's `.dist-info/licenses/`. */
function checkLicenseFiles(
  fields: Array<[string, string]>,
  content: UploadedContent,
): Refusal | undefined {
  const { filename, tempPath, size } = content;
  const wanted = licenseFiles(fields);
  if (wanted.length === 0) return undefined;
  const [project, version] = filename.split("-");
  const isWheel = filename.endsWith(".whl");
  const sdist = isWheel ? undefined : readFileSync(tempPath);
  let top = "";
  const firstMember = (member: string) => {
    if (!top) top = `${member.split("/")[0]}/`;
    return false;
  };
  if (sdist) readTarGzMember(sdist, firstMember);
  for (const file of wanted) {
    const target = isWheel ? `${project}-${version}.dist-info/licenses/${file}` : `${top}${file}`;
    const found = sdist
      ? readTarGzMember(sdist, (member) => member === target)
      : readZipMember(tempPath, size, (member) => member === target);
    if (!found) {
      return {
        status: 400,
        message: `License-File ${file} does not exist in distribution file ${filename} at ${target}`,
      };
    }
  }
  return undefined;
}

/** Warehouse's `_is_valid_dist_file`, reduced: gzip for an sdist, a zip with METADATA for a wheel. */
function checkArchive(content: UploadedContent): Refusal | undefined {
  const { filename, tempPath, size } = content;
  const invalid = { status: 400, message: "Invalid distribution file." };
  if (filename.endsWith(".tar.gz")) {
    const magic = Buffer.alloc(2);
    const fd = openSync(tempPath, "r");
    try {
      readSync(fd, magic, 0, 2, 0);
    } finally {
      closeSync(fd);
    }
    return magic[0] === 0x1f && magic[1] === 0x8b ? undefined : invalid;
  }
  const [project, version] = filename.split("-");
  const metadataName = `${project}-${version}.dist-info/METADATA`;
  let metadata: Buffer | undefined;
  try {
    metadata = readZipMember(tempPath, size, (member) => member === metadataName);
  } catch {
    return invalid;
  }
  if (metadata) return undefined;
  return {
    status: 400,
    message: `Wheel ${quote(filename)} does not contain the required METADATA file: ${metadataName}`,
  };
}
