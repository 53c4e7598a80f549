/** The job summary's provenance section: who published each verified file, and what was not verified. */
import { markdownCell, markdownTable } from "../runtime/findings.js";
import type { FileProvenance, ProvenanceMode, ProvenanceResult } from "./provenance.js";
import { provenanceCounts } from "./provenance-findings.js";

/** The most rows of the not-verified table; the JSON report has them all. */
const MAX_ROWS = 50;

const code = (text: string | null | undefined) => (text ? `\`${markdownCell(text)}\`` : "");

/** "N of M files verified", what they were verified against, and the mode. */
export function provenanceLine(
  result: ProvenanceResult,
  mode: ProvenanceMode,
  trustSource: string,
): string {
  const { verified, files } = provenanceCounts(result);
  if (files === 0)
    return `0 of 0 files verified: the lock names no file with a sha256 to ask the Integrity API about; provenance: ${mode}.`;
  return `${verified} of ${files} files verified: PEP 740 attestations from the index's Integrity API, against ${trustSource}; provenance: ${mode}.`;
}

function publisherTable(result: ProvenanceResult): string | undefined {
  const rows = result.packages.flatMap((pkg) => {
    const verified = pkg.files.flatMap((file) =>
      file.outcome.status === "verified" ? [file.outcome] : [],
    );
    if (verified.length === 0) return [];
    const [{ publisher, signer }] = verified;
    return [
      [
        `\`${pkg.package.name}\``,
        pkg.package.version,
        `${verified.length} of ${pkg.files.length}`,
        code(publisher.repository ?? publisher.kind),
        code(publisher.workflow),
        code(publisher.environment),
        code(signer.san),
      ],
    ];
  });
  if (rows.length === 0) return undefined;
  return markdownTable(
    [
      "package",
      "version",
      "files verified",
      "repository",
      "workflow",
      "environment",
      "certificate SAN",
    ],
    rows,
  );
}

const why = (file: FileProvenance) =>
  file.outcome.status === "verified"
    ? ""
    : `${file.outcome.status === "invalid" ? "❌ does not verify" : file.outcome.status === "missing" ? "no provenance" : "⚠️ not checked"}: ${file.outcome.reason}`;

function unverifiedTable(result: ProvenanceResult): string | undefined {
  const rows = result.packages.flatMap((pkg) => [
    ...pkg.files
      .filter((file) => file.outcome.status !== "verified")
      .map((file) => [
        `\`${pkg.package.name}\``,
        pkg.package.version,
        code(file.filename),
        markdownCell(why(file)),
      ]),
    ...(pkg.files.length === 0
      ? [
          [
            `\`${pkg.package.name}\``,
            pkg.package.version,
            "",
            "no file with a sha256 and a name in the lock",
          ],
        ]
      : []),
  ]);
  if (rows.length === 0) return undefined;
  const table = markdownTable(["package", "version", "file", "why"], rows.slice(0, MAX_ROWS));
  return rows.length > MAX_ROWS
    ? `${table}\n\n${rows.length - MAX_ROWS} more rows in the JSON report.`
    : table;
}

export function provenanceSection(
  result: ProvenanceResult,
  mode: ProvenanceMode,
  trustSource: string,
): string {
  const parts = [`#### Provenance`, provenanceLine(result, mode, trustSource)];
  const publishers = publisherTable(result);
  if (publishers) parts.push(publishers);
  const unverified = unverifiedTable(result);
  if (unverified) parts.push(`Not verified:\n\n${unverified}`);
  return parts.join("\n\n");
}
