/**
 * bench/audit's inputs, generated deterministically (seeded) from the shapes of the 24 real
 * advisories in test/fixtures/advisories:
 * - an OSV `all.zip` like osv.dev's PyPI export: one JSON member per advisory at the root, the 24
 *   real ones plus ~20k synthetic ones for ~2,000 synthetic packages and the 14 real packages.
 *   A vulnerability is published as a PYSEC record, a GHSA record or both (cross-aliased), like
 *   the real export; PYSEC records put every branch in one ECOSYSTEM range (sometimes newest
 *   branch first) and often add a GIT range, GHSA records have one `affected` entry per branch,
 *   a summary, CWE ids and a database severity. Ranges use `introduced` ("0" or a version),
 *   `fixed` and `last_affected`; `versions` lists every affected release of the package's
 *   history (tens to hundreds). Advisories per package follow a Zipf-like curve (a few packages
 *   with hundreds, most with a handful); ~1% are withdrawn.
 * - a pip-compile style `requirements.txt` (with hashes) of 1,000 pinned packages: 600 with
 *   advisories (the 14 real ones and the most advised first) and 400 without, pinned to a mix of
 *   affected and fixed versions.
 * It also returns how many findings the audit must report, computed from the generated ranges
 * (and from the real advisories' `versions` lists), so the bench checks the audit's answer.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type Advisory, parseAdvisory } from "../../shared/advisories/model.js";
import { normalizeName } from "../../shared/project/names.js";
import { compareVersions, isValidVersion } from "../../shared/project/pep440.js";
import { writeZip, type ZipEntry } from "../../test/harness/archives.js";
import { repoRoot } from "../../test/harness/runner.js";

export interface GenerateOptions {
  seed?: number;
  /** Synthetic packages with advisories (the 14 real packages come on top). */
  packages?: number;
  /** Synthetic vulnerabilities; each gives one or two records (PYSEC and/or GHSA). */
  vulnerabilities?: number;
  /** Pinned packages in requirements.txt, of which 60% have advisories. */
  lockPackages?: number;
}

export interface Generated {
  zip: string;
  lockfile: string;
  /** Records in the zip (real and synthetic, withdrawn included). */
  advisories: number;
  /** Packages with at least one advisory. */
  advisedPackages: number;
  lockPackages: number;
  /** Total of the `versions` lists' lengths, over every record. */
  listedVersions: number;
  zipBytes: number;
  jsonBytes: number;
  /** What the audit must find: advisories affecting a pinned version, and the packages they hit. */
  expected: { findings: number; vulnerablePackages: number };
}

type Rng = ReturnType<typeof rng>;

/** mulberry32: small, fast and good enough for test data. */
function rng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (low: number, high: number) => low + Math.floor(next() * (high - low + 1));
  return {
    next,
    int,
    chance: (p: number) => next() < p,
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)],
    chars: (alphabet: string, length: number) =>
      Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join(""),
  };
}

// ---------------------------------------------------------------------------------------------
// The real advisories: templates for text and references, and records of their own.

interface Real {
  advisories: Advisory[];
  /** Sentences of the real `details`, package names replaced by `{name}`. */
  sentences: string[];
  /** Normalized name → the real ECOSYSTEM versions and events of that package. */
  versions: Map<string, string[]>;
}

function readReal(): Real {
  const root = path.join(repoRoot, "test/fixtures/advisories");
  const advisories: Advisory[] = [];
  for (const dir of readdirSync(root).sort()) {
    const full = path.join(root, dir);
    if (!statSync(full).isDirectory()) continue;
    for (const file of readdirSync(full).sort()) {
      advisories.push(parseAdvisory(readFileSync(path.join(full, file), "utf8"), file));
    }
  }
  const sentences = new Set<string>();
  const versions = new Map<string, string[]>();
  for (const advisory of advisories) {
    for (const affected of advisory.affected) {
      const name = affected.package?.name ?? "";
      const key = normalizeName(name);
      const list = versions.get(key) ?? [];
      list.push(...affected.versions);
      for (const range of affected.ranges) {
        if (range.type !== "ECOSYSTEM") continue;
        for (const event of range.events) {
          const version = Object.values(event)[0] as string;
          if (version !== "0") list.push(version);
        }
      }
      versions.set(key, list);
      const pattern = new RegExp(`\\b${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`, "gi");
      for (const sentence of (advisory.details ?? "").split(/(?<=\.)\s+(?=[A-Z])/)) {
        const text = sentence.replace(/\s+/g, " ").trim();
        if (text.length > 30) sentences.add(text.replace(pattern, "{name}"));
      }
    }
  }
  return { advisories, sentences: [...sentences], versions };
}

// ---------------------------------------------------------------------------------------------
// Packages and their release histories.

const PREFIXES = ["", "", "", "", "py", "python-", "django-", "flask-", "aio", "pytest-"];
const PREFIXES_RARE = ["sphinx-", "azure-", "google-cloud-", "jupyter-", "mkdocs-", "open", "fast"];
const CORES =
  "json yaml toml http auth crypto image xml markdown template cache redis mongo sql orm queue task rpc grpc s3 storage config cli log metrics trace schema form upload proxy socket mail pdf csv excel geo time date uuid token jwt oauth saml ldap ssh ftp zip tar compress parse lexer regex html css svg plot chart tensor model vision audio serial usb kube docker vault secret policy graph search index wiki blog shop pay notebook widget admin rest api web server router session cookie cors csrf i18n locale units math stats ml nlp torch stream event hook signal mq kafka celery pipeline etl lake warehouse dataframe arrow parquet avro proto thrift soap wsgi asgi".split(
    " ",
  );
const SUFFIXES = ["", "", "", "", "lib", "-utils", "-client", "-sdk", "-tools", "-api", "-core"];
const SUFFIXES_RARE = ["-plugin", "-async", "-extensions", "-compat", "2", "3", "-lite", "-server"];

function packageName(random: Rng): string {
  const prefix = random.chance(0.2) ? random.pick(PREFIXES_RARE) : random.pick(PREFIXES);
  const suffix = random.chance(0.2) ? random.pick(SUFFIXES_RARE) : random.pick(SUFFIXES);
  const core = random.chance(0.3)
    ? `${random.pick(CORES)}${random.chance(0.5) ? "-" : ""}${random.pick(CORES)}`
    : random.pick(CORES);
  const name = `${prefix}${core}${suffix}`;
  // As PyPI shows some projects: `Flask-Login`, `ruamel.yaml`, `typing_extensions`.
  if (random.chance(0.08))
    return name.replace(/(^|-)([a-z])/g, (_, dash, c) => dash + c.toUpperCase());
  if (random.chance(0.04)) return name.replace(/-/g, "_");
  return name;
}

/** A release history in PEP 440 order: semver or calver, some pre-, post- and dev releases. */
function history(random: Rng, length: number): string[] {
  const out: string[] = [];
  if (random.chance(0.04)) {
    let year = random.int(2012, 2016);
    let month = random.int(1, 12);
    while (out.length < length) {
      out.push(`${year}.${month}.${random.int(1, 28)}`);
      month += random.int(1, 4);
      if (month > 12) [year, month] = [year + 1, month - 12];
    }
    return out;
  }
  const shortZero = random.chance(0.4); // `1.10` then `1.10.1`, as urllib3 does
  const preRate = random.next() * 0.3;
  let [major, minor] = [random.chance(0.6) ? 0 : 1, random.int(0, 3)];
  while (out.length < length) {
    const first = shortZero ? `${major}.${minor}` : `${major}.${minor}.0`;
    if (random.chance(preRate / 4)) out.push(`${first}.dev${random.int(0, 3)}`);
    if (random.chance(preRate)) {
      if (random.chance(0.5)) out.push(`${first}a1`, `${first}b1`);
      out.push(`${first}rc1`);
      if (random.chance(0.3)) out.push(`${first}rc2`);
    }
    out.push(first);
    const patches = Math.floor(random.next() ** 2 * 12);
    for (let patch = 1; patch <= patches; patch++) {
      out.push(`${major}.${minor}.${patch}`);
      if (random.chance(0.02)) out.push(`${major}.${minor}.${patch}.post1`);
    }
    if (random.chance(0.12)) [major, minor] = [major + 1, 0];
    else minor++;
  }
  return sortVersions(out).slice(0, length);
}

function sortVersions(versions: string[]): string[] {
  const sorted = [...new Set(versions)].filter(isValidVersion).sort(compareVersions);
  return sorted.filter((v, i) => i === 0 || compareVersions(sorted[i - 1], v) !== 0);
}

/** A real package's history: its real versions and events, then a few later releases. */
function realHistory(versions: string[]): string[] {
  const sorted = sortVersions(versions);
  const [major, minor = 0] = (sorted.at(-1) ?? "1.0").split(".").map((n) => Number.parseInt(n, 10));
  const later = [1, 2, 3, 4, 5].map((step) => `${major}.${minor + step}.0`);
  return [...sorted, ...later];
}

// ---------------------------------------------------------------------------------------------
// Vulnerabilities and their OSV records.

/** Affected history indices `from` (inclusive) to `stop` (exclusive), and how the range says it. */
interface Branch {
  from: number;
  zero: boolean;
  stop: number;
  end: "fixed" | "last_affected" | "open";
}

interface Package {
  name: string;
  key: string;
  history: string[];
  records: { withdrawn: boolean; branches: Branch[] }[];
  /** For the real packages, their real advisories. */
  real: Advisory[];
}

function branches(random: Rng, n: number): Branch[] {
  const wanted = n < 12 ? 1 : random.chance(0.7) ? 1 : random.chance(0.66) ? 2 : 3;
  // Later fixes are likelier: most advisories are recent and fixed in a recent release.
  const fixes = new Set<number>();
  for (let i = 0; i < wanted * 3 && fixes.size < wanted; i++) {
    fixes.add(Math.max(1, n - 1 - Math.floor(random.next() ** 1.6 * (n - 1))));
  }
  const sorted = [...fixes].sort((a, b) => a - b);
  const out: Branch[] = [];
  let lower = 0;
  for (const [j, fix] of sorted.entries()) {
    if (lower > fix - 1) continue;
    const zero = j === 0 && random.chance(0.6);
    // A later branch starts a little before its fix (`introduced: 4.2`, `fixed: 4.2.16`).
    const from = zero
      ? 0
      : j === 0
        ? random.int(lower, fix - 1)
        : Math.max(lower, fix - random.int(1, Math.min(25, fix - lower)));
    const last = j === sorted.length - 1;
    const end = !last
      ? "fixed"
      : random.chance(0.06)
        ? "open"
        : random.chance(0.05)
          ? "last_affected"
          : "fixed";
    const stop = end === "open" ? n : end === "last_affected" ? fix + 1 : fix;
    out.push({ from, zero, stop, end });
    lower = fix + 1;
  }
  return out;
}

const TOPICS = [
  ["Cross-site Scripting (XSS)", "CWE-79"],
  ["Denial of Service via crafted regular expression", "CWE-1333"],
  ["Path Traversal", "CWE-22"],
  ["SQL Injection", "CWE-89"],
  ["Server-Side Request Forgery", "CWE-918"],
  ["Improper Certificate Validation", "CWE-295"],
  ["Uncontrolled Resource Consumption", "CWE-400"],
  ["Deserialization of Untrusted Data", "CWE-502"],
  ["Open Redirect", "CWE-601"],
  ["Improper Input Validation", "CWE-20"],
  ["Exposure of Sensitive Information", "CWE-200"],
  ["OS Command Injection", "CWE-78"],
  ["Incorrect Authorization", "CWE-863"],
  ["HTTP Request Smuggling", "CWE-444"],
  ["Out-of-bounds Write", "CWE-787"],
] as const;

const REFERENCE_TYPES = ["WEB", "WEB", "ADVISORY", "FIX", "ARTICLE", "REPORT", "EVIDENCE"];

function cvss(random: Rng): { type: string; score: string } {
  const p = <T>(...values: T[]) => random.pick(values);
  if (random.chance(0.1)) {
    return {
      type: "CVSS_V4",
      score: `CVSS:4.0/AV:${p("N", "A", "L", "P")}/AC:${p("L", "H")}/AT:${p("N", "P")}/PR:${p("N", "L", "H")}/UI:${p("N", "P", "A")}/VC:${p("H", "L", "N")}/VI:${p("H", "L", "N")}/VA:${p("H", "L", "N")}/SC:${p("N", "L", "H")}/SI:${p("N", "L", "H")}/SA:${p("N", "L", "H")}`,
    };
  }
  return {
    type: "CVSS_V3",
    score: `CVSS:3.${p(0, 1)}/AV:${p("N", "A", "L", "P")}/AC:${p("L", "H")}/PR:${p("N", "L", "H")}/UI:${p("N", "R")}/S:${p("U", "C")}/C:${p("H", "L", "N")}/I:${p("H", "L", "N")}/A:${p("H", "L", "N")}`,
  };
}

const GHSA_CHARS = "23456789cfghjmpqrvwx";
const iso = (ms: number) => new Date(ms).toISOString();

interface Ids {
  taken: Set<string>;
}

function uniqueId(ids: Ids, make: () => string): string {
  for (;;) {
    const id = make();
    if (!ids.taken.has(id)) {
      ids.taken.add(id);
      return id;
    }
  }
}

/** One vulnerability of `pkg`: a PYSEC record, a GHSA record, or both. */
function vulnerability(random: Rng, pkg: Package, real: Real, ids: Ids): object[] {
  const { history: versions, name, key } = pkg;
  const n = versions.length;
  const found = branches(random, n);
  const year = random.int(2015, 2025);
  const published = Date.UTC(year, random.int(0, 11), random.int(1, 28), random.int(0, 23));
  const modified = published + random.int(1, 700) * 86_400_000 + random.int(0, 86_399_999);
  const cve = uniqueId(ids, () => `CVE-${year}-${random.int(1000, 52999)}`);
  const ghsa = uniqueId(
    ids,
    () =>
      `GHSA-${random.chars(GHSA_CHARS, 4)}-${random.chars(GHSA_CHARS, 4)}-${random.chars(GHSA_CHARS, 4)}`,
  );
  const pysec = uniqueId(ids, () => `PYSEC-${year}-${random.int(1, 5000)}`);
  const [topic, cwe] = random.pick(TOPICS);
  const fixedIn = found.filter((b) => b.end === "fixed").map((b) => versions[b.stop]);
  const sentences = Array.from({ length: random.int(1, 7) }, () =>
    random.pick(real.sentences).replaceAll("{name}", name),
  );
  const details = [
    `${name} before ${fixedIn.join(", ") || "the latest release"} is affected by ${topic.toLowerCase()}.`,
    ...sentences,
    fixedIn.length > 0
      ? `This issue has been fixed in version${fixedIn.length > 1 ? "s" : ""} ${fixedIn.join(" and ")}.`
      : "",
  ]
    .join(" ")
    .trim();
  const references = Array.from({ length: random.int(2, 7) }, (_, i) => {
    const type = i === 0 ? "ADVISORY" : random.pick(REFERENCE_TYPES);
    const url =
      type === "FIX"
        ? `https://github.com/${key}/${key}/commit/${random.chars("0123456789abcdef", 40)}`
        : type === "ADVISORY"
          ? `https://github.com/advisories/${ghsa}`
          : `https://${random.pick(["github.com", "lists.fedoraproject.org", "security.snyk.io", "nvd.nist.gov"])}/${key}/${random.chars("abcdefghijklmnopqrstuvwxyz0123456789", random.int(8, 40))}`;
    return { type, url };
  });
  const severity = random.chance(0.8) ? [cvss(random)] : [];
  const pkgRef = { ecosystem: "PyPI", name, purl: `pkg:pypi/${key}` };
  const listed = (list: Branch[]) => list.flatMap((b) => versions.slice(b.from, b.stop));
  const events = (b: Branch): object[] => [
    { introduced: b.zero ? "0" : versions[b.from] },
    ...(b.end === "open"
      ? []
      : b.end === "fixed"
        ? [{ fixed: versions[b.stop] }]
        : [{ last_affected: versions[b.stop - 1] }]),
  ];
  const withdrawn = () => (random.chance(0.01) ? iso(modified + 86_400_000) : undefined);

  const records: object[] = [];
  const kind = random.next();
  if (kind < 0.7) {
    // pypa/advisory-database: one ECOSYSTEM range for every branch, often with a GIT range.
    const ordered = random.chance(0.3) ? [...found].reverse() : found;
    const ranges: object[] = [{ type: "ECOSYSTEM", events: ordered.flatMap(events) }];
    if (random.chance(0.5)) {
      ranges.unshift({
        type: "GIT",
        repo: `https://github.com/${key}/${key}`,
        events: [{ introduced: "0" }, { fixed: random.chars("0123456789abcdef", 40) }],
      });
    }
    const record = {
      id: pysec,
      details,
      aliases: kind < 0.4 ? [cve, ghsa] : [cve],
      modified: iso(modified),
      published: iso(published),
      withdrawn: withdrawn(),
      references,
      affected: [
        {
          package: pkgRef,
          ranges,
          versions: listed(found).sort(),
          database_specific: {
            source: `https://github.com/pypa/advisory-database/blob/main/vulns/${key}/${pysec}.yaml`,
          },
        },
      ],
      schema_version: "1.6.0",
      severity: random.chance(0.5) ? severity : undefined,
    };
    records.push(record);
    pkg.records.push({ withdrawn: !!record.withdrawn, branches: found });
  }
  if (kind >= 0.4) {
    // GitHub's advisory database: one `affected` entry per branch, summary, CWE, severity label.
    const level = random.pick(["LOW", "MODERATE", "MODERATE", "HIGH", "HIGH", "CRITICAL"]);
    const record = {
      id: ghsa,
      summary: `${name} vulnerable to ${topic}`,
      details,
      aliases: [cve],
      modified: iso(modified + 3_600_000),
      published: iso(published + 86_400_000),
      withdrawn: withdrawn(),
      database_specific: {
        cwe_ids: [cwe],
        github_reviewed: true,
        github_reviewed_at: iso(published + 2 * 86_400_000),
        nvd_published_at: iso(published),
        severity: level,
      },
      references,
      affected: found.map((b) => ({
        package: pkgRef,
        ranges: [{ type: "ECOSYSTEM", events: events(b) }],
        versions: listed([b]),
        database_specific: {
          source: `https://github.com/github/advisory-database/blob/main/advisories/github-reviewed/${year}/${ghsa}/${ghsa}.json`,
        },
      })),
      schema_version: "1.6.0",
      severity,
    };
    records.push(record);
    pkg.records.push({ withdrawn: !!record.withdrawn, branches: found });
  }
  return records;
}

/**
 * Whether a real advisory affects a version, by the schema's rule, written apart from
 * shared/advisories/evaluate.ts: listed in `versions`, or inside an ECOSYSTEM range.
 */
function realAffects(advisory: Advisory, key: string, version: string): boolean {
  if (advisory.withdrawn) return false;
  const inRange = (events: [string, string][]) => {
    const sorted = [...events].sort(([, a], [, b]) =>
      a === b ? 0 : a === "0" ? -1 : b === "0" ? 1 : compareVersions(a, b),
    );
    let affected = false;
    for (const [kind, at] of sorted) {
      const order = at === "0" ? 1 : compareVersions(version, at);
      if (kind === "introduced" && order >= 0) affected = true;
      else if (kind === "fixed" && order >= 0) affected = false;
      else if (kind === "last_affected" && order > 0) affected = false;
    }
    return affected;
  };
  return advisory.affected.some(
    (entry) =>
      normalizeName(entry.package?.name ?? "") === key &&
      (entry.versions.some((v) => compareVersions(v, version) === 0) ||
        entry.ranges.some(
          (range) =>
            range.type === "ECOSYSTEM" &&
            inRange(range.events.map((e) => Object.entries(e)[0] as [string, string])),
        )),
  );
}

// ---------------------------------------------------------------------------------------------

/** Writes `all.zip` and `requirements.txt` into `dir`. */
export function generate(dir: string, options: GenerateOptions = {}): Generated {
  const random = rng(options.seed ?? 20260101);
  const packageCount = options.packages ?? 2000;
  const vulnCount = options.vulnerabilities ?? 16_000;
  const lockCount = options.lockPackages ?? 1000;
  const real = readReal();
  const ids: Ids = { taken: new Set(real.advisories.map((a) => a.id)) };

  // The real packages first (they are popular), then synthetic ones; each name unique by key.
  const keys = new Set<string>();
  const packages: Package[] = [];
  for (const [key, versions] of real.versions) {
    const own = real.advisories.filter((a) =>
      a.affected.some((e) => normalizeName(e.package?.name ?? "") === key),
    );
    packages.push({ name: key, key, history: realHistory(versions), records: [], real: own });
    keys.add(key);
  }
  const named = (): { name: string; key: string } => {
    for (;;) {
      const name = packageName(random);
      const key = normalizeName(name);
      if (!keys.has(key)) {
        keys.add(key);
        return { name, key };
      }
    }
  };
  while (packages.length < real.versions.size + packageCount) {
    const rank = packages.length;
    // Popular packages have long histories (setuptools: 500+ releases), the tail short ones.
    const length =
      rank < 100 ? random.int(120, 450) : random.int(12, 60) + Math.floor(random.next() ** 3 * 250);
    packages.push({ ...named(), history: history(random, length), records: [], real: [] });
  }

  // Vulnerabilities per package on a Zipf-like curve (rank^-0.6): a few hundred for the top one.
  const weights = packages.map((_, rank) => (rank + 1) ** -0.6);
  const total = weights.reduce((a, b) => a + b, 0);
  const entries: ZipEntry[] = [];
  let listedVersions = 0;
  let jsonBytes = 0;
  const add = (record: object) => {
    const data = Buffer.from(JSON.stringify(record, null, 2));
    const id = (record as { id: string }).id;
    jsonBytes += data.length;
    for (const affected of (record as { affected?: { versions?: string[] }[] }).affected ?? []) {
      listedVersions += affected.versions?.length ?? 0;
    }
    entries.push({ name: `${id}.json`, data });
  };
  for (const advisory of real.advisories) add(advisory);
  for (const [rank, pkg] of packages.entries()) {
    const count = Math.max(1, Math.round((vulnCount * weights[rank]) / total));
    for (let i = 0; i < count; i++) {
      for (const record of vulnerability(random, pkg, real, ids)) add(record);
    }
  }
  // osv.dev's export lists members by ID.
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const zip = path.join(dir, "all.zip");
  writeZip(zip, entries);

  // The lock: 600 advised packages (the real ones, the 50 most advised, then any), 400 others.
  const advisedInLock = Math.round(lockCount * 0.6);
  const chosen = new Set<Package>(packages.slice(0, real.versions.size + 50));
  while (chosen.size < advisedInLock) chosen.add(random.pick(packages));
  const others: Package[] = [];
  while (others.length < lockCount - chosen.size) {
    const length = random.int(5, 80);
    others.push({ ...named(), history: history(random, length), records: [], real: [] });
  }
  let findings = 0;
  let vulnerablePackages = 0;
  const lines = [
    "#",
    "# This file is autogenerated by pip-compile with Python 3.12",
    "# by the following command:",
    "#",
    "#    pip-compile --generate-hashes --output-file=requirements.txt requirements.in",
    "#",
  ];
  const pins = [...chosen, ...others].map((pkg) => {
    const n = pkg.history.length;
    const roll = random.next();
    // Pinned to the latest release, a recent one, or any: a mix of fixed and affected versions.
    const at =
      roll < 0.4
        ? n - 1
        : roll < 0.7
          ? random.int(Math.floor(n * 0.75), n - 1)
          : random.int(0, n - 1);
    const version = pkg.history[at];
    const hits =
      pkg.records.filter((r) => !r.withdrawn && r.branches.some((b) => b.from <= at && at < b.stop))
        .length + pkg.real.filter((advisory) => realAffects(advisory, pkg.key, version)).length;
    findings += hits;
    if (hits > 0) vulnerablePackages++;
    return { pkg, version };
  });
  pins.sort((a, b) => (a.pkg.key < b.pkg.key ? -1 : a.pkg.key > b.pkg.key ? 1 : 0));
  for (const { pkg, version } of pins) {
    const hashes = Array.from(
      { length: random.int(1, 4) },
      () => `--hash=sha256:${random.chars("0123456789abcdef", 64)}`,
    );
    lines.push(
      `${pkg.name}==${version} \\`,
      ...hashes.map((hash, i) => `    ${hash}${i < hashes.length - 1 ? " \\" : ""}`),
    );
    if (random.chance(0.3)) lines.push("    # via -r requirements.in");
    else {
      lines.push("    # via");
      for (let i = random.int(1, 3); i > 0; i--) lines.push(`    #   ${random.pick(pins).pkg.key}`);
    }
  }
  const lockfile = path.join(dir, "requirements.txt");
  writeFileSync(lockfile, `${lines.join("\n")}\n`);

  return {
    zip,
    lockfile,
    advisories: entries.length,
    advisedPackages: packages.length,
    lockPackages: pins.length,
    listedVersions,
    zipBytes: statSync(zip).size,
    jsonBytes,
    expected: { findings, vulnerablePackages },
  };
}
