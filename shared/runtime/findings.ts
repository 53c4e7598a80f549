/** Findings: one problem an action found, as an annotation or a Markdown table row. */
import type { SourceLocation } from "./errors.js";

/** One problem an action found, rendered the same way by every action. */
export interface Finding {
  severity: FindingLevel;
  /** A short stable identifier, such as `lock-drift` or `W002`. */
  code: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  /** What to do about it, such as `Run: uv lock`. */
  fix?: string;
}

/** A finding's level, as its annotation shows it. */
export type FindingLevel = "error" | "warning" | "notice";

export interface Annotation {
  level: FindingLevel;
  title: string;
  message: string;
  location: SourceLocation;
}

export function toAnnotation(finding: Finding): Annotation {
  return {
    level: finding.severity,
    title: finding.code,
    message: finding.fix ? `${finding.message} ${finding.fix}` : finding.message,
    location: { file: finding.file, line: finding.line, column: finding.column },
  };
}

const severityMark: Record<FindingLevel, string> = {
  error: "❌ error",
  warning: "⚠️ warning",
  notice: "ℹ️ notice",
};

export function formatLocation(finding: Finding): string {
  if (!finding.file) return "";
  const line = finding.line ? `:${finding.line}` : "";
  const column = finding.line && finding.column ? `:${finding.column}` : "";
  return `${finding.file}${line}${column}`;
}

/** A Markdown table of findings, for the job summary. */
export function findingsTable(findings: readonly Finding[]): string {
  const rows = findings.map((finding) =>
    [
      severityMark[finding.severity],
      `\`${finding.code}\``,
      formatLocation(finding) ? `\`${formatLocation(finding)}\`` : "",
      finding.message,
      finding.fix ?? "",
    ].map(markdownCell),
  );
  return markdownTable(["Severity", "Code", "Where", "Message", "Fix"], rows);
}

export function markdownTable(header: readonly string[], rows: readonly string[][]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Escapes a value so that it stays inside one Markdown table cell. */
export function markdownCell(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}

/** A registry keyed by code: each entry gains its key as `code`. */
export function keyedByCode<T extends Record<string, object>>(
  entries: T,
): { [K in keyof T]: T[K] & { code: K & string } } {
  return Object.fromEntries(
    Object.entries(entries).map(([code, entry]) => [code, { code, ...entry }]),
  ) as { [K in keyof T]: T[K] & { code: K & string } };
}
