/** A LockDiff as Markdown (job summary, PR comment) and as findings: what a reviewer reads instead of the raw diff. */
import { countsOf, type LockDiff, type PackageChange, sourceKey } from "../lockfiles/diff.js";
import type { PackageSource } from "../lockfiles/model.js";
import { markdownCell, markdownTable } from "../runtime/findings.js";
import type { DriftFinding } from "./drift.js";

/** Rows shown unfolded; a longer list folds into `<details>`. */
const OPEN_ROWS = 15;

const mark: Record<PackageChange["kind"], string> = {
  added: "➕ added",
  removed: "➖ removed",
  upgraded: "⬆️ upgraded",
  downgraded: "⬇️ downgraded",
  changed: "🔁 changed",
};

const kindOrder = Object.keys(mark);

/** "3 added, 1 removed, 2 changed", or "no package changes". */
export function countsLine(counts: LockDiff["counts"]): string {
  const parts = [
    counts.added && `${counts.added} added`,
    counts.removed && `${counts.removed} removed`,
    counts.changed && `${counts.changed} changed`,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(", ") : "no package changes";
}

/** Whether the diff has anything to show. */
export const hasChanges = (diff: LockDiff): boolean =>
  diff.changes.length > 0 || diff.requiresPython !== undefined;

/**
 * One lockfile's diff as a Markdown section of at most `maxChars` characters: the notable
 * changes (new hashes, direct, source, downgrades) open, the rest folded; whatever does not fit
 * is summarised by its counts.
 */
export function diffSection(diff: LockDiff, maxChars: number, fullReport: string): string {
  const head = sectionHead(diff);
  const ordered = [...diff.changes].sort(byInterest);
  const notable = ordered.filter(isNotable);
  const open = ordered.length <= OPEN_ROWS ? ordered : notable.slice(0, OPEN_ROWS);
  const folded = ordered.filter((c) => !open.includes(c));
  let room = maxChars - head.length - 400;
  const shown: string[] = [head];
  const render = (changes: PackageChange[], wrap: (table: string, n: number) => string) => {
    const rows = fitRows(changes, room - 200);
    if (rows.length === 0) return 0;
    const text = wrap(markdownTable(HEADER, rows), rows.length);
    room -= text.length;
    shown.push(text);
    return rows.length;
  };
  const openShown = open.length > 0 ? render(open, (table) => table) : 0;
  const foldedShown =
    openShown === open.length && folded.length > 0
      ? render(folded, (table, n) => details(foldTitle(folded, n, open.length > 0), table))
      : 0;
  const left = [...open.slice(openShown), ...folded.slice(foldedShown)];
  if (left.length > 0) shown.push(restLine(left, fullReport));
  return shown.join("\n\n");
}

const HEADER = ["Change", "Package", "Base", "Head", "Notes"];

function sectionHead(diff: LockDiff): string {
  const title = diff.newLock
    ? `### 🔍 \`${diff.file}\`: a new lockfile`
    : `### 🔍 \`${diff.file}\`: what this change does to the lock`;
  const python = diff.requiresPython
    ? `\n\nrequires-python: ${code(diff.requiresPython.from)} → ${code(diff.requiresPython.to)}`
    : "";
  const warnings = diff.changes.filter((c) => c.hashesChanged).length;
  const warning = warnings
    ? `\n\n⚠️ ${warnings} package${warnings === 1 ? " keeps its" : "s keep their"} version with other file hashes: a rebuilt or tampered artifact shows up this way.`
    : "";
  return `${title}\n\n**${countsLine(diff.counts)}**${python}${warning}`;
}

const code = (text: string | undefined) => (text ? `\`${text}\`` : "none");

const isNotable = (c: PackageChange) =>
  c.hashesChanged === true || c.direct || c.source !== undefined || c.kind === "downgraded";

/** New hashes first, then direct dependencies, then by kind and name. */
function byInterest(a: PackageChange, b: PackageChange): number {
  return (
    Number(b.hashesChanged ?? false) - Number(a.hashesChanged ?? false) ||
    Number(b.direct) - Number(a.direct) ||
    kindOrder.indexOf(a.kind) - kindOrder.indexOf(b.kind) ||
    a.key.localeCompare(b.key)
  );
}

/** As many rows as fit in `room` characters. */
function fitRows(changes: PackageChange[], room: number): string[][] {
  const rows: string[][] = [];
  let used = 0;
  for (const change of changes) {
    const row = changeRow(change);
    const length = row.join(" | ").length + 4;
    if (used + length > room) break;
    used += length;
    rows.push(row);
  }
  return rows;
}

function changeRow(change: PackageChange): string[] {
  return [
    mark[change.kind],
    `\`${change.name}\``,
    change.from ?? "",
    change.to ?? "",
    notes(change),
  ].map(markdownCell);
}

function notes(change: PackageChange): string {
  const parts: string[] = [];
  if (change.hashesChanged) parts.push("⚠️ same version, other file hashes");
  parts.push(change.direct ? "direct" : whyTransitive(change));
  if (change.source)
    parts.push(
      `source: ${describeSource(change.source.from)} → ${describeSource(change.source.to)}`,
    );
  if (change.marker) parts.push(`marker: ${code(change.marker.from)} → ${code(change.marker.to)}`);
  if (change.groups.length > 0) parts.push(`groups: ${change.groups.join(", ")}`);
  return parts.join("; ");
}

function whyTransitive(change: PackageChange): string {
  if (change.pulledInBy.length === 0) return "transitive";
  const names = change.pulledInBy.slice(0, 5).join(", ");
  const more = change.pulledInBy.length > 5 ? ` and ${change.pulledInBy.length - 5} more` : "";
  return `${change.kind === "removed" ? "was pulled in" : "pulled in"} by ${names}${more}`;
}

/** "PyPI", "index https://…", "git https://…@abc123", "path ../lib". */
export function describeSource(source: PackageSource): string {
  const key = sourceKey(source);
  if (key === "registry https://pypi.org/simple") return "PyPI";
  return key.replace(/^registry /, "index ");
}

function foldTitle(folded: PackageChange[], shown: number, afterOpen: boolean): string {
  const what = afterOpen ? "more changes" : "changes";
  const count = shown < folded.length ? `${shown} of ${folded.length}` : `${folded.length}`;
  return `${count} ${what} (${countsLine(countsOf(folded))})`;
}

const details = (summary: string, body: string) =>
  `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;

function restLine(left: PackageChange[], fullReport: string): string {
  return `… and ${left.length} more (${countsLine(countsOf(left))}): ${fullReport}.`;
}

/** A warning finding per package whose version stayed and whose file hashes did not. */
export function hashFindings(diff: LockDiff): DriftFinding[] {
  return diff.changes
    .filter((c) => c.hashesChanged)
    .map((c) => ({
      severity: "warning",
      code: "hashes-changed",
      lockfile: diff.file,
      package: c.name,
      locked: c.to,
      file: diff.file,
      line: c.line,
      message: `${c.name} ${c.to}: ${diff.file} keeps the version but records other file hashes than the base; check that the index really rebuilt or re-uploaded it.`,
      fix: "Compare the hashes with the index's, and re-lock if they are not the index's files.",
    }));
}
