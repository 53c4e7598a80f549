/** What an upload run shows: hash lines for the log, and the job summary's table. */
import path from "node:path";
import type { FileDigests } from "../digests/digests.js";
import { markdownCell, markdownTable } from "../runtime/findings.js";
import { formatSize } from "../runtime/text.js";

export type FileStatus = "uploaded" | "skipped" | "failed" | "not sent" | "dry run";

export interface FileReport {
  file: string;
  status: FileStatus;
  size: number;
  digests?: FileDigests;
  reason?: string;
  /** The PEP 740 attestation sent with the file. */
  attestation?: { logIndex: string; identity: string };
}

const statusIcon: Record<FileStatus, string> = {
  uploaded: "✅ uploaded",
  skipped: "⏭️ skipped",
  failed: "❌ failed",
  "not sent": "⏸️ not sent",
  "dry run": "🧪 dry run",
};

export function hashLines(report: FileReport): string[] {
  const digests = report.digests;
  if (!digests) return [];
  return [
    `${path.basename(report.file)}`,
    `  SHA256:      ${digests.sha256}`,
    `  MD5:         ${digests.md5}`,
    `  BLAKE2-256:  ${digests.blake2_256}`,
  ];
}

/** The project page on pypi.org or test.pypi.org; undefined for other indexes. */
export function projectPage(
  repositoryUrl: string,
  name: string,
  version: string,
): string | undefined {
  const host = new URL(repositoryUrl).host;
  const site =
    host === "upload.pypi.org" || host === "pypi.org"
      ? "https://pypi.org"
      : host === "test.pypi.org" || host === "upload.test.pypi.org"
        ? "https://test.pypi.org"
        : undefined;
  return site && name ? `${site}/project/${name}/${version}/` : undefined;
}

export function filesTable(reports: readonly FileReport[], printHash: boolean): string {
  const attested = reports.some((report) => report.attestation);
  const header = [
    "file",
    "status",
    "size",
    ...(attested ? ["attestation", "signed by"] : []),
    ...(printHash ? ["sha256", "md5", "blake2_256"] : []),
  ];
  const rows = reports.map((report) => {
    const status = report.reason
      ? `${statusIcon[report.status]}: ${markdownCell(report.reason)}`
      : statusIcon[report.status];
    const hashes = printHash
      ? [report.digests?.sha256, report.digests?.md5, report.digests?.blake2_256].map((hash) =>
          hash ? `\`${hash}\`` : "",
        )
      : [];
    const attestation = attested ? attestationCells(report) : [];
    return [
      `\`${path.basename(report.file)}\``,
      status,
      formatSize(report.size),
      ...attestation,
      ...hashes,
    ];
  });
  return markdownTable(header, rows);
}

/** The Rekor log index and the certificate's identity, or a dash for a file sent without one. */
function attestationCells(report: FileReport): string[] {
  const attestation = report.attestation;
  if (!attestation) return ["—", ""];
  return [`Rekor log index ${attestation.logIndex}`, `\`${markdownCell(attestation.identity)}\``];
}
