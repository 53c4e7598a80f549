/**
 * Child process of bench/audit; prints one line of JSON. Each mode imports only what it uses
 * (dynamically, inside the timed span), so module loading counts where it is paid.
 * - `audit <all.zip> <requirements.txt>`: the real offline audit end to end, as the action runs
 *   it: readLock, auditedPackages (no manifest, every group), loadAdvisoryDb (wanting only the
 *   audited packages), runAudit. Prints
 *   {ms, phases, findings, vulnerablePackages, packages, advisories, skipped, warnings, maxRssMB}.
 * - `parse-only <all.zip>`: the peer: the same zip reading (the file read whole, yauzl for the
 *   central directory and the local headers, each member inflated) and JSON.parse of every
 *   member, with no validation, indexing or evaluation. Prints {ms, advisories, maxRssMB}.
 * `ms` runs from the first line of this module to the answer; `sinceStartMs` adds Node's own
 * start-up (performance.now() counts from process start).
 */
const start = performance.now();
const [mode, zip, lockfile] = process.argv.slice(2);

const phases: Record<string, number> = {};
let mark = start;
const phase = (name: string) => {
  const now = performance.now();
  phases[name] = now - mark;
  mark = now;
};

async function parseOnly(file: string): Promise<Record<string, number>> {
  const [{ readFile }, { inflateRawSync }, { default: yauzl }] = await Promise.all([
    import("node:fs/promises"),
    import("node:zlib"),
    import("yauzl"),
  ]);
  phase("import");
  const data = await readFile(file);
  const archive = await yauzl.fromBufferPromise(data, { lazyEntries: true });
  const members = [];
  for await (const entry of archive.eachEntry()) members.push(entry);
  phase("directory");
  let advisories = 0;
  let affected = 0;
  for (const entry of members) {
    if (!entry.fileName.endsWith(".json")) continue;
    const { fileDataStart } = await archive.readLocalFileHeaderPromise(entry, { minimal: true });
    const stored = data.subarray(fileDataStart, fileDataStart + entry.compressedSize);
    const text = (entry.compressionMethod === 8 ? inflateRawSync(stored) : stored).toString();
    const record = JSON.parse(text) as { affected?: unknown[] };
    advisories++;
    affected += record.affected?.length ?? 0;
  }
  phase("members");
  return { advisories, affected };
}

async function audit(file: string, lock: string): Promise<Record<string, number>> {
  const [{ loadAdvisoryDb }, { runAudit }, { auditedPackages }, { readLock }] = await Promise.all([
    import("../../shared/advisories/offline-db.js"),
    import("../../shared/audit/audit.js"),
    import("../../shared/audit/packages.js"),
    import("../../shared/lockfiles/index.js"),
  ]);
  phase("import");
  const { packages } = auditedPackages(readLock(lock, "requirements.txt"), undefined, "all");
  phase("lock");
  const db = await loadAdvisoryDb(file, { packages: new Set(packages.map((pkg) => pkg.key)) });
  phase("db");
  const { result, warnings } = await runAudit(packages, {
    lockfile: "requirements.txt",
    source: { kind: "offline", db },
    ignore: [],
    today: "2026-01-01",
  });
  phase("audit");
  const vulnerable = result.packages.filter((report) => report.vulns.length > 0);
  return {
    findings: vulnerable.reduce((sum, report) => sum + report.vulns.length, 0),
    vulnerablePackages: vulnerable.length,
    packages: packages.length,
    advisories: db.count,
    skipped: db.skipped.length,
    warnings: warnings.length,
  };
}

const answer =
  mode === "audit"
    ? await audit(zip, lockfile)
    : mode === "parse-only"
      ? await parseOnly(zip)
      : undefined;
if (!answer) throw new Error(`usage: audit-child.ts audit|parse-only <all.zip> [requirements.txt]`);
const end = performance.now();
console.log(
  JSON.stringify({
    mode,
    ms: end - start,
    sinceStartMs: end,
    phases,
    ...answer,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  }),
);
