/** A wheel's structure per the binary distribution format: .dist-info, WHEEL and RECORD. */

import { normalizeName } from "../project/names.js";
import type { Finding } from "../runtime/findings.js";
import { describePaths, distInfoDirectories, hasMember } from "./archive.js";
import { parseWheelFilename, sameVersion } from "./filenames.js";
import {
  type ArchiveMember,
  type Check,
  type DistArchive,
  defineChecks,
  finding,
} from "./model.js";

export const wheelChecks = defineChecks({
  R001: {
    severity: "error",
    title: "Not exactly one .dist-info directory, or its name does not match the file name",
    rule: "wheel-archive",
  },
  R002: {
    severity: "error",
    title: "METADATA, WHEEL or RECORD is missing from .dist-info",
    rule: "wheel-archive",
  },
  R003: { severity: "warning", title: "A file in the wheel is not listed in RECORD" },
  R004: { severity: "warning", title: "RECORD hash is wrong, missing, or not sha256 or stronger" },
  R005: { severity: "warning", title: "RECORD size is wrong or missing" },
  R006: { severity: "warning", title: "RECORD lists a file the wheel does not contain" },
  R007: { severity: "warning", title: "RECORD has a malformed or repeated row" },
  R008: {
    severity: "error",
    title: "Absolute path, or an empty, `.` or `..` path component",
    rule: "installers-refuse",
  },
  R009: {
    severity: "error",
    title: "WHEEL file invalid: no Wheel-Version 1.x, or Root-Is-Purelib not true/false",
    rule: "installers-refuse",
  },
  R010: { severity: "warning", title: "Wheel-Version is newer than 1.0" },
  R011: {
    severity: "error",
    title: "The same member name appears twice in the wheel",
    rule: "wheel-archive",
  },
  R012: {
    severity: "error",
    title: "Bad .data directory: several, misnamed, unknown scheme, or the root's own lib scheme",
    rule: "installers-refuse",
  },
  R013: {
    severity: "error",
    title: "The wheel contains a symbolic link",
    rule: "installers-refuse",
  },
  R014: {
    severity: "error",
    title: "Zip entries overlap or share data (a zip bomb)",
    rule: "wheel-archive",
  },
});

/** One RECORD row, as Python's csv module reads it. */
export interface RecordRow {
  fields: string[];
  /** 1-based line where the row starts. */
  line: number;
}

/** Splits CSV text like Python's default `csv.reader` (quotes, doubled quotes, any newline). */
export function parseCsv(text: string): RecordRow[] {
  const rows: RecordRow[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false; // inside a quoted field
  let started = false; // the current row has content
  let line = 1;
  let rowLine = 1;
  const endRow = () => {
    rows.push({ fields: started ? [...fields, field] : [], line: rowLine });
    [fields, field, started] = [[], "", false];
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (!started) rowLine = line;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        if (char === "\n") line++;
        field += char;
      }
    } else if (char === ",") {
      fields.push(field);
      [field, started] = ["", true];
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[i + 1] === "\n") i++;
      endRow();
      line++;
    } else {
      // A quote opens a quoted field only at its start; elsewhere it is kept (csv's non-strict mode).
      if (char === '"' && field === "") quoted = true;
      else field += char;
      started = true;
    }
  }
  if (started || quoted) endRow();
  return rows;
}

/** The `Key: value` headers of a WHEEL file, keys lower-cased; repeated keys keep every value. */
export function parseWheelFile(text: string): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === "") break;
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    headers.set(key, [...(headers.get(key) ?? []), line.slice(colon + 1).trim()]);
  }
  return headers;
}

/** Root-Is-Purelib as a boolean, or undefined when missing or neither true nor false. */
export function rootIsPurelib(wheelFile: Map<string, string[]>): boolean | undefined {
  const value = wheelFile.get("root-is-purelib")?.[0]?.toLowerCase();
  return value === "true" ? true : value === "false" ? false : undefined;
}

/** What the content checks need from a structurally sound wheel. */
export interface WheelLayout {
  distInfo: string;
  rootIsPurelib: boolean;
  /** Well-formed `[path, hash, size]` RECORD rows. */
  record: string[][];
}

/** The layout, or undefined when the wheel has no single .dist-info, valid WHEEL or RECORD. */
export function wheelLayout(archive: DistArchive): WheelLayout | undefined {
  const directories = distInfoDirectories(archive);
  if (directories.length !== 1) return undefined;
  const [distInfo] = directories;
  const wheelText = archive.texts.get(`${distInfo}/WHEEL`);
  const recordText = archive.texts.get(`${distInfo}/RECORD`);
  if (wheelText === undefined || recordText === undefined) return undefined;
  const purelib = rootIsPurelib(parseWheelFile(wheelText));
  if (purelib === undefined) return undefined;
  const record = parseCsv(recordText)
    .map((row) => row.fields)
    .filter((fields) => fields.length === 3);
  return { distInfo, rootIsPurelib: purelib, record };
}

/** Why a path is unsafe or not normalised, or undefined when it is fine. */
export function badPathReason(memberPath: string): string | undefined {
  if (memberPath === "") return "empty path";
  if (memberPath.startsWith("/") || /^[A-Za-z]:/.test(memberPath)) return "absolute path";
  const parts = memberPath.replace(/\/$/, "").split("/");
  if (parts.includes("..")) return "`..` component";
  if (parts.includes(".")) return "`.` component";
  if (parts.includes("")) return "empty component";
  return undefined;
}

const unsafePaths = "Unsafe or non-normalised paths";
const weakHashes = new Set(["md5", "sha1", "sha224"]);
const strongHashes = new Set([
  "sha256",
  "sha384",
  "sha512",
  "sha3_256",
  "sha3_384",
  "sha3_512",
  "blake2b",
  "blake2s",
]);

/** Collects offending paths per check and turns each group into one finding. */
class PathFindings {
  private readonly groups = new Map<Check, { what: string; paths: string[] }>();

  add(check: Check, what: string, detail: string): void {
    let group = this.groups.get(check);
    if (!group) {
      group = { what, paths: [] };
      this.groups.set(check, group);
    }
    group.paths.push(detail);
  }

  findings(file: string): Finding[] {
    return [...this.groups].map(([check, { what, paths }]) =>
      finding(check, file, `${what}: ${describePaths(paths)}.`),
    );
  }
}

/** R001–R014 for one wheel; a zip bomb (R014) is reported alone, since none of it was read. */
export function checkWheelStructure(archive: DistArchive): Finding[] {
  const found: Finding[] = [];
  const file = archive.filename;
  if (archive.overlapping) {
    const message = `Zip entries overlap or share data, so none of it was unpacked: ${describePaths(archive.overlapping)}.`;
    return [finding(wheelChecks.R014, file, message)];
  }
  const paths = new PathFindings();
  checkMemberPaths(archive.members, paths);

  const directories = distInfoDirectories(archive);
  if (directories.length !== 1) {
    const message =
      directories.length === 0
        ? "The wheel has no top-level .dist-info directory."
        : `The wheel has several .dist-info directories: ${directories.join(", ")}.`;
    found.push(finding(wheelChecks.R001, file, message));
    return [...found, ...paths.findings(file)];
  }
  const [distInfo] = directories;
  const mismatch = nameMismatch(archive.filename, distInfo.slice(0, -".dist-info".length));
  if (mismatch) {
    found.push(
      finding(wheelChecks.R001, file, `${distInfo} does not match the file name: ${mismatch}.`),
    );
  }
  const files = new Map(archive.members.filter((m) => m.kind === "file").map((m) => [m.path, m]));
  const missing = ["METADATA", "WHEEL", "RECORD"].filter(
    (name) => !files.has(`${distInfo}/${name}`),
  );
  if (missing.length > 0) {
    found.push(finding(wheelChecks.R002, file, `${distInfo} has no ${missing.join(", ")}.`));
  }
  const purelib = checkWheelFile(archive, distInfo, found);
  if (!missing.includes("RECORD")) checkRecord(archive, distInfo, paths, found);
  checkDataDirectory(archive, purelib, paths);
  return [...found, ...paths.findings(file)];
}

function checkMemberPaths(members: readonly ArchiveMember[], paths: PathFindings): void {
  const seen = new Set<string>();
  for (const member of members) {
    const reason = badPathReason(member.path);
    if (reason) paths.add(wheelChecks.R008, unsafePaths, `${member.path} (${reason})`);
    if (seen.has(member.path)) paths.add(wheelChecks.R011, "Members stored twice", member.path);
    seen.add(member.path);
    if (member.kind === "symlink") {
      paths.add(wheelChecks.R013, "Symbolic links", `${member.path} -> ${member.linkTarget ?? ""}`);
    }
  }
}

/** How `{name}-{version}` of a .dist-info or .data directory differs from the file name's. */
function nameMismatch(filename: string, stem: string): string | undefined {
  const parsed = parseWheelFilename(filename);
  if (!parsed) return undefined; // F001 reports the file name
  const dash = stem.indexOf("-");
  if (dash < 0) return "no `-` between name and version";
  const [name, version] = [stem.slice(0, dash), stem.slice(dash + 1)];
  if (normalizeName(name) !== normalizeName(parsed.distribution)) return `name ${name}`;
  if (!sameVersion(version, parsed.version)) return `version ${version}`;
  return undefined;
}

/** R009/R010; returns Root-Is-Purelib when the WHEEL file gives it. */
function checkWheelFile(
  archive: DistArchive,
  distInfo: string,
  found: Finding[],
): boolean | undefined {
  const memberPath = `${distInfo}/WHEEL`;
  if (!hasMember(archive, memberPath)) return undefined; // R002
  const text = archive.texts.get(memberPath);
  const problem = (message: string) =>
    found.push(finding(wheelChecks.R009, archive.filename, `${memberPath}: ${message}`));
  if (text === undefined) {
    problem("too large to read.");
    return undefined;
  }
  const headers = parseWheelFile(text);
  const version = headers.get("wheel-version")?.[0];
  const parsed = version === undefined ? null : /^(\d+)\.(\d+)$/.exec(version);
  if (!parsed) {
    problem(version === undefined ? "no Wheel-Version." : `Wheel-Version ${version} is not N.N.`);
  } else if (Number(parsed[1]) !== 1) {
    problem(`Wheel-Version ${version}: only 1.x is supported.`);
  } else if (Number(parsed[2]) > 0) {
    found.push(
      finding(
        wheelChecks.R010,
        archive.filename,
        `${memberPath}: Wheel-Version ${version} is newer than 1.0; installers may not know its features.`,
      ),
    );
  }
  const purelib = rootIsPurelib(headers);
  if (purelib === undefined) {
    const value = headers.get("root-is-purelib")?.[0];
    problem(
      value === undefined
        ? "no Root-Is-Purelib."
        : `Root-Is-Purelib is ${value}, not true or false.`,
    );
  }
  return purelib;
}

/** R003–R007: RECORD against the members, row by row. */
function checkRecord(
  archive: DistArchive,
  distInfo: string,
  paths: PathFindings,
  found: Finding[],
): void {
  const recordPath = `${distInfo}/RECORD`;
  const text = archive.texts.get(recordPath);
  if (text === undefined) {
    found.push(finding(wheelChecks.R007, archive.filename, `${recordPath} is too large to read.`));
    return;
  }
  const files = new Map(
    archive.members.filter((m) => m.kind !== "directory").map((m) => [m.path, m]),
  );
  const listed = new Set<string>();
  const malformed = (line: number, detail: string) =>
    paths.add(wheelChecks.R007, `Malformed rows in ${recordPath}`, `line ${line} ${detail}`);
  for (const { fields, line } of parseCsv(text)) {
    if (fields.length !== 3) {
      if (fields.length > 0) listed.add(fields[0]); // reported here, not again as unlisted
      malformed(line, `has ${fields.length} fields`);
      continue;
    }
    const [memberPath, hash, size] = fields;
    if (listed.has(memberPath)) {
      malformed(line, `repeats ${memberPath}`);
      continue;
    }
    listed.add(memberPath);
    const reason = badPathReason(memberPath);
    if (reason) paths.add(wheelChecks.R008, unsafePaths, `${memberPath} in RECORD (${reason})`);
    if (size !== "" && !/^\d+$/.test(size)) {
      malformed(line, `has size ${size}`);
      continue;
    }
    if (memberPath === recordPath || memberPath.endsWith("/")) continue;
    const member = files.get(memberPath);
    if (!member) {
      paths.add(wheelChecks.R006, "RECORD lists files the wheel does not contain", memberPath);
      continue;
    }
    if (member.kind === "file") checkRow(member, hash, size, paths);
  }
  const signatures = new Set([
    `${distInfo}/RECORD`,
    `${distInfo}/RECORD.jws`,
    `${distInfo}/RECORD.p7s`,
  ]);
  for (const member of files.values()) {
    if (!listed.has(member.path) && !signatures.has(member.path)) {
      paths.add(wheelChecks.R003, "Files not listed in RECORD", member.path);
    }
  }
}

/** Why a row's hash does not vouch for the member, or undefined when it does. */
function hashProblem(member: ArchiveMember, hash: string): string | undefined {
  if (hash === "") return "no hash";
  const equals = hash.indexOf("=");
  if (equals < 0) return `${hash} is not algorithm=digest`;
  const algorithm = hash.slice(0, equals);
  if (weakHashes.has(algorithm)) return `${algorithm} is too weak`;
  if (!strongHashes.has(algorithm)) return `unknown ${algorithm}`;
  // Only sha256 is computed while reading; the rarer stronger ones pass unverified.
  const digest = Buffer.from(member.sha256 ?? "", "hex").toString("base64url");
  if (algorithm === "sha256" && hash.slice(equals + 1) !== digest) return "content differs";
  return undefined;
}

function checkRow(member: ArchiveMember, hash: string, size: string, paths: PathFindings): void {
  const problem = hashProblem(member, hash);
  if (problem) paths.add(wheelChecks.R004, "Wrong RECORD hashes", `${member.path} (${problem})`);
  if (size === "" || Number(size) !== member.size) {
    const detail = size === "" ? "no size" : `${size}, is ${member.size}`;
    paths.add(wheelChecks.R005, "Wrong RECORD sizes", `${member.path} (${detail})`);
  }
}

const dataSchemes = new Set(["purelib", "platlib", "headers", "scripts", "data"]);
const dataDirectory = /^[A-Za-z0-9](?:[A-Za-z0-9._]*[A-Za-z0-9])?-[A-Za-z0-9_.!+]+\.data$/;

/** Whether a top-level name is a `{name}-{version}.data` directory. */
export const isDataDirectory = (name: string) => dataDirectory.test(name);

/** R012: at most one `.data` directory, named like the wheel, holding only known schemes. */
function checkDataDirectory(
  archive: DistArchive,
  purelib: boolean | undefined,
  paths: PathFindings,
): void {
  const what = "Bad .data directory";
  const directories = new Set<string>();
  const reported = new Set<string>();
  const report = (key: string, detail: string) => {
    if (!reported.has(key)) paths.add(wheelChecks.R012, what, detail);
    reported.add(key);
  };
  for (const member of archive.members) {
    const [top, scheme, rest] = member.path.split("/", 3);
    if (scheme === undefined || !isDataDirectory(top)) continue;
    directories.add(top);
    if (scheme === "" && rest === undefined) continue; // the directory's own entry
    if (rest === undefined && member.kind !== "directory") {
      report(member.path, `${member.path} (a file outside any scheme directory)`);
    } else if (!dataSchemes.has(scheme)) {
      report(
        `${top}/${scheme}`,
        `${top}/${scheme} (not purelib, platlib, headers, scripts or data)`,
      );
    } else if (
      (purelib === true && scheme === "purelib") ||
      (purelib === false && scheme === "platlib")
    ) {
      report(`${top}/${scheme}`, `${top}/${scheme} (the wheel's root is already ${scheme})`);
    }
  }
  if (directories.size > 1) report("", `several: ${[...directories].join(", ")}`);
  for (const directory of directories) {
    const mismatch = nameMismatch(archive.filename, directory.slice(0, -".data".length));
    if (mismatch) report(directory, `${directory} (${mismatch} differs from the file name)`);
  }
}
