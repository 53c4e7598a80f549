/**
 * An advisory's severity: the base score of its CVSS v4 or v3 vector, else the database's own
 * label, else "high" (the contract's rule for an advisory with no score).
 */
import cvss from "ae-cvss-calculator";

export const severityLevels = ["low", "medium", "high", "critical"] as const;
export type SeverityLevel = (typeof severityLevels)[number];

export interface Severity {
  level: SeverityLevel;
  /** The CVSS base score, 0.0–10.0, when a vector gave one. */
  score?: number;
  vector?: string;
  source: "cvss" | "database" | "none";
}

interface ScoredEntry {
  type?: unknown;
  score?: unknown;
}

interface SeverityFields {
  severity?: ScoredEntry[];
  affected?: Array<{ severity?: ScoredEntry[] }>;
  database_specific?: { severity?: unknown };
}

/** CVSS's qualitative scale (shared by v3 and v4). */
export function levelOfScore(score: number): SeverityLevel {
  if (score >= 9) return "critical";
  if (score >= 7) return "high";
  if (score >= 4) return "medium";
  return "low";
}

const databaseLabels: Record<string, SeverityLevel> = {
  LOW: "low",
  MODERATE: "medium",
  MEDIUM: "medium",
  HIGH: "high",
  CRITICAL: "critical",
};

const scores = new Map<string, number | undefined>();

/** Base scores by vector: an export repeats the same few hundred vectors thousands of times. */
function baseScore(vector: string): number | undefined {
  if (!scores.has(vector)) scores.set(vector, computeBaseScore(vector));
  return scores.get(vector);
}

function computeBaseScore(vector: string): number | undefined {
  try {
    const score = cvss.fromVector(vector)?.calculateScores().base;
    return typeof score === "number" && Number.isFinite(score) ? score : undefined;
  } catch {
    return undefined; // a malformed vector: fall back to the label
  }
}

export function advisorySeverity(advisory: SeverityFields): Severity {
  const entries = [
    ...(advisory.severity ?? []),
    ...(advisory.affected ?? []).flatMap((affected) => affected.severity ?? []),
  ];
  for (const type of ["CVSS_V4", "CVSS_V3"]) {
    for (const entry of entries.filter((candidate) => candidate.type === type)) {
      if (typeof entry.score !== "string") continue;
      const score = baseScore(entry.score);
      if (score !== undefined) {
        return { level: levelOfScore(score), score, vector: entry.score, source: "cvss" };
      }
    }
  }
  const label = advisory.database_specific?.severity;
  const level = typeof label === "string" ? databaseLabels[label.toUpperCase()] : undefined;
  if (level) return { level, source: "database" };
  return { level: "high", source: "none" };
}

/** At or above the threshold; `none` fails nothing. */
export function meetsThreshold(level: SeverityLevel, threshold: SeverityLevel | "none"): boolean {
  if (threshold === "none") return false;
  return severityLevels.indexOf(level) >= severityLevels.indexOf(threshold);
}
