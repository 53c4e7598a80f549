/**
 * A local wheel factory: real, byte-deterministic wheels and sdists for synthetic packages.
 */
import { createCipheriv, createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { tarGz, writeZip, type ZipEntry } from "./archives.js";

export interface PackageSpec {
  /** Project name as written, e.g. "Alpha_Lib". */
  name: string;
  version: string;
  /** PEP 508 Requires-Dist strings, markers allowed. */
  dependencies?: string[];
  /** Extra name -> requirements. */
  extras?: Record<string, string[]>;
  requiresPython?: string;
  /** Wheel tag, default "py3-none-any"; compressed tags like "py2.py3-none-any" work. */
  tag?: string;
  summary?: string;
  /** Long description (markdown); defaults to a heading and the summary. */
  description?: string;
  /** Files merged over the default module `<import_name>/__init__.py` (same path replaces it). */
  files?: Record<string, string | Buffer>;
  /** Adds a stored (uncompressed) padding file of this many pseudo-random bytes to the wheel. */
  sizeBytes?: number;
}

/** PEP 503 normalized name: "Alpha_Lib" -> "alpha-lib". */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

/** The name as used in file names and as the default import name: "alpha_lib". */
export function underscoredName(name: string): string {
  return normalizeName(name).replace(/-/g, "_");
}

const DEFAULT_TAG = "py3-none-any";

export function wheelFilename(spec: PackageSpec): string {
  return `${underscoredName(spec.name)}-${spec.version}-${spec.tag ?? DEFAULT_TAG}.whl`;
}

export function sdistFilename(spec: PackageSpec): string {
  return `${underscoredName(spec.name)}-${spec.version}.tar.gz`;
}

/** Adds `extra == "name"` to a requirement, keeping any marker it already has. */
function withExtraMarker(requirement: string, extra: string): string {
  const semicolon = requirement.indexOf(";");
  const condition = `extra == "${extra}"`;
  if (semicolon < 0) return `${requirement.trim()}; ${condition}`;
  const marker = requirement.slice(semicolon + 1).trim();
  return `${requirement.slice(0, semicolon).trim()}; (${marker}) and ${condition}`;
}

function summaryOf(spec: PackageSpec): string {
  return spec.summary ?? `Synthetic test package ${spec.name}`;
}

function descriptionOf(spec: PackageSpec): string {
  return spec.description ?? `# ${spec.name}\n\n${summaryOf(spec)}.\n`;
}

/** The core metadata (METADATA / PKG-INFO), Metadata-Version 2.1, with the description as body. */
export function coreMetadata(spec: PackageSpec): string {
  const lines = [
    "Metadata-Version: 2.1",
    `Name: ${spec.name}`,
    `Version: ${spec.version}`,
    `Summary: ${summaryOf(spec)}`,
    "Description-Content-Type: text/markdown",
  ];
  if (spec.requiresPython) lines.push(`Requires-Python: ${spec.requiresPython}`);
  for (const requirement of spec.dependencies ?? []) lines.push(`Requires-Dist: ${requirement}`);
  for (const [extra, requirements] of Object.entries(spec.extras ?? {})) {
    lines.push(`Provides-Extra: ${extra}`);
    for (const requirement of requirements) {
      lines.push(`Requires-Dist: ${withExtraMarker(requirement, extra)}`);
    }
  }
  return `${lines.join("\n")}\n\n${descriptionOf(spec)}`;
}

function sourceFiles(spec: PackageSpec): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  files.set(
    `${underscoredName(spec.name)}/__init__.py`,
    Buffer.from(`__version__ = ${JSON.stringify(spec.version)}\n`),
  );
  for (const [file, content] of Object.entries(spec.files ?? {})) {
    files.set(file, Buffer.isBuffer(content) ? content : Buffer.from(content));
  }
  return files;
}

/** Deterministic incompressible bytes (AES-CTR keystream seeded by name and version). */
function* paddingChunks(spec: PackageSpec, total: number): Generator<Buffer> {
  const key = createHash("sha256").update(`${spec.name}\0${spec.version}`).digest();
  const cipher = createCipheriv("aes-128-ctr", key.subarray(0, 16), key.subarray(16));
  const chunkSize = 1024 * 1024;
  const zeros = Buffer.alloc(chunkSize);
  for (let left = total; left > 0; left -= chunkSize) {
    yield cipher.update(left >= chunkSize ? zeros : zeros.subarray(0, left));
  }
}

function recordHash(hash: Buffer): string {
  return `sha256=${hash.toString("base64url")}`;
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function expandTags(tag: string): string[] {
  const [pythons, abis, platforms] = tag.split("-");
  const tags: string[] = [];
  for (const python of pythons.split(".")) {
    for (const abi of abis.split(".")) {
      for (const platform of platforms.split(".")) tags.push(`${python}-${abi}-${platform}`);
    }
  }
  return tags;
}

export async function buildWheel(spec: PackageSpec, outDir: string): Promise<string> {
  const tag = spec.tag ?? DEFAULT_TAG;
  if (tag.split("-").length !== 3) throw new Error(`bad wheel tag: ${tag}`);
  const distInfo = `${underscoredName(spec.name)}-${spec.version}.dist-info`;
  const entries: ZipEntry[] = [];
  const record: string[] = [];
  const addFile = (name: string, data: Buffer) => {
    entries.push({ name, data });
    const hash = createHash("sha256").update(data).digest();
    record.push(`${csvField(name)},${recordHash(hash)},${data.length}`);
  };

  for (const [name, data] of sourceFiles(spec)) addFile(name, data);
  if (spec.sizeBytes && spec.sizeBytes > 0) {
    const size = spec.sizeBytes;
    const name = `${underscoredName(spec.name)}/_padding.bin`;
    const hash = createHash("sha256");
    for (const chunk of paddingChunks(spec, size)) hash.update(chunk);
    entries.push({ name, chunks: () => paddingChunks(spec, size) });
    record.push(`${name},${recordHash(hash.digest())},${size}`);
  }
  addFile(`${distInfo}/METADATA`, Buffer.from(coreMetadata(spec)));
  const purelib = tag.endsWith("-any");
  const wheel = [
    "Wheel-Version: 1.0",
    "Generator: pyship-test-harness (1.0)",
    `Root-Is-Purelib: ${purelib}`,
    ...expandTags(tag).map((expanded) => `Tag: ${expanded}`),
  ];
  addFile(`${distInfo}/WHEEL`, Buffer.from(`${wheel.join("\n")}\n\n`));
  record.push(`${distInfo}/RECORD,,`);
  entries.push({ name: `${distInfo}/RECORD`, data: Buffer.from(`${record.join("\n")}\n`) });

  mkdirSync(outDir, { recursive: true });
  const target = path.join(outDir, wheelFilename(spec));
  writeZip(target, entries);
  return target;
}

/** A TOML basic string (JSON escapes are valid TOML escapes). */
function tomlString(value: string): string {
  return JSON.stringify(value);
}

function tomlArray(values: string[]): string {
  return `[${values.map(tomlString).join(", ")}]`;
}

function pyprojectToml(spec: PackageSpec, files: Iterable<string>): string {
  const packages = new Set<string>();
  const modules = new Set<string>();
  for (const file of files) {
    if (file.endsWith("/__init__.py")) packages.add(file.slice(0, -12).replace(/\//g, "."));
    else if (!file.includes("/") && file.endsWith(".py")) modules.add(file.slice(0, -3));
  }
  const lines = [
    "[build-system]",
    'requires = ["setuptools>=61"]',
    'build-backend = "setuptools.build_meta"',
    "",
    "[project]",
    `name = ${tomlString(spec.name)}`,
    `version = ${tomlString(spec.version)}`,
    `description = ${tomlString(summaryOf(spec))}`,
    `readme = { text = ${tomlString(descriptionOf(spec))}, content-type = "text/markdown" }`,
  ];
  if (spec.requiresPython) lines.push(`requires-python = ${tomlString(spec.requiresPython)}`);
  lines.push(`dependencies = ${tomlArray(spec.dependencies ?? [])}`);
  const extras = Object.entries(spec.extras ?? {});
  if (extras.length) {
    lines.push("", "[project.optional-dependencies]");
    for (const [extra, requirements] of extras) lines.push(`${extra} = ${tomlArray(requirements)}`);
  }
  lines.push("", "[tool.setuptools]", `packages = ${tomlArray([...packages].sort())}`);
  if (modules.size) lines.push(`py-modules = ${tomlArray([...modules].sort())}`);
  return `${lines.join("\n")}\n`;
}

export async function buildSdist(spec: PackageSpec, outDir: string): Promise<string> {
  const root = `${underscoredName(spec.name)}-${spec.version}`;
  const files = sourceFiles(spec);
  const entries = [
    { name: `${root}/PKG-INFO`, data: Buffer.from(coreMetadata(spec)) },
    { name: `${root}/pyproject.toml`, data: Buffer.from(pyprojectToml(spec, files.keys())) },
    ...[...files].map(([name, data]) => ({ name: `${root}/${name}`, data })),
  ];
  mkdirSync(outDir, { recursive: true });
  const target = path.join(outDir, sdistFilename(spec));
  writeFileSync(target, tarGz(entries));
  return target;
}

/** Builds a wheel for each spec (and an sdist too with `sdists: true`); returns the paths. */
export async function buildPackages(
  specs: PackageSpec[],
  outDir: string,
  options: { sdists?: boolean } = {},
): Promise<string[]> {
  const built: string[] = [];
  for (const spec of specs) {
    built.push(await buildWheel(spec, outDir));
    if (options.sdists) built.push(await buildSdist(spec, outDir));
  }
  return built;
}
