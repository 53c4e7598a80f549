/**
 * The real-dist corpus: every wheel of the local indexes pip is configured with (`extra-index-url`
 * and `index-url` file:// URLs, and `find-links` folders), and Debian's /usr/share/python-wheels;
 * with the oracles' recorded verdicts on them (test/fixtures/dist-corpus/verdicts.json).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FormField } from "../../shared/publish/form.js";
import { repoRoot } from "./runner.js";

export const VERDICTS_FILE = path.join(
  repoRoot,
  "test",
  "fixtures",
  "dist-corpus",
  "verdicts.json",
);
const DEBIAN_WHEELS = "/usr/share/python-wheels";

/** What the oracles said of one dist. */
export interface DistVerdict {
  file: string;
  /** "ok", or twine 7's InvalidDistribution message. */
  twine: string;
  /** "ok", or the first refusal of PyPI's upload rules. */
  pypi: string;
  /** The digest of twine's form (formDigest), when twine sends one. */
  form?: string;
}

export interface VerdictsFile {
  tools: Record<string, string>;
  /** By the dist's sha256. */
  dists: Record<string, DistVerdict>;
}

export const refusedByOracles = (verdict: DistVerdict) =>
  verdict.twine !== "ok" || verdict.pypi !== "ok";

/** The folders pip's configuration names, or why there are none. */
export function pipConfiguredFolders(python = "python3"): string[] {
  let listing: string;
  try {
    listing = execFileSync(python, ["-m", "pip", "config", "list"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
  } catch {
    return [];
  }
  const folders: string[] = [];
  for (const line of listing.split("\n")) {
    const match = /^[^=]*\.(extra-index-url|index-url|find-links)='(.*)'$/.exec(line.trim());
    if (!match) continue;
    for (const entry of match[2].split(/\s+/).filter(Boolean)) {
      const folder = entry.startsWith("file://") ? fileURLToPath(entry) : entry;
      if (path.isAbsolute(folder) && existsSync(folder)) folders.push(folder);
    }
  }
  return [...new Set(folders)];
}

function wheelsUnder(folder: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) found.push(...wheelsUnder(full));
    else if (entry.isFile() && entry.name.endsWith(".whl")) found.push(full);
  }
  return found;
}

/** The wheels a file:// simple index links to, from each project page's hrefs. */
function wheelsOfIndex(folder: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const page = path.join(folder, entry.name, "index.html");
    if (!entry.isDirectory() || !existsSync(page)) continue;
    for (const [, href] of readFileSync(page, "utf8").matchAll(
      /href="([^"#]+\.whl)(?:#[^"]*)?"/g,
    )) {
      const file = path.resolve(path.dirname(page), decodeURIComponent(href));
      if (existsSync(file)) found.push(file);
    }
  }
  return found;
}

/** A simple index's wheels (its project pages), or a find-links folder's. */
const wheelsOf = (folder: string) =>
  readdirSync(folder, { withFileTypes: true }).some(
    (entry) => entry.isDirectory() && existsSync(path.join(folder, entry.name, "index.html")),
  )
    ? wheelsOfIndex(folder)
    : wheelsUnder(folder);

/** Every corpus wheel on this machine, sorted; empty when pip names no local index. */
export function corpusDists(): string[] {
  const folders = [...pipConfiguredFolders(), DEBIAN_WHEELS].filter((f) => existsSync(f));
  return [...new Set(folders.flatMap(wheelsOf))].sort();
}

export function fileSha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(file)
      .on("data", (chunk) => hash.update(chunk))
      .on("end", () => resolve(hash.digest("hex")))
      .on("error", reject);
  });
}

/** The field multiset, sorted and hashed, as scripts/oracles/dist_verdicts.py hashes twine's. */
export function formDigest(fields: ReadonlyArray<FormField>): string {
  const pairs = fields
    .filter(([key]) => !key.endsWith("_digest"))
    .map(([key, value]) => [key, value])
    .sort((a, b) =>
      a[0] === b[0] ? compareCodePoints(a[1], b[1]) : compareCodePoints(a[0], b[0]),
    );
  return createHash("sha256").update(JSON.stringify(pairs), "utf8").digest("hex");
}

function compareCodePoints(a: string, b: string): number {
  const [x, y] = [Array.from(a), Array.from(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i].codePointAt(0) ?? 0) - (y[i].codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

export function readVerdicts(): VerdictsFile {
  return JSON.parse(readFileSync(VERDICTS_FILE, "utf8")) as VerdictsFile;
}
