/** An advisory's severity: its CVSS base score, else the database's label, else "high". */
import * as calculatorModule from "ae-cvss-calculator";

/** The package's exports: a bundle hands them over as the namespace, Node's ESM as `default`. */
const calculator: typeof calculatorModule.default = calculatorModule.default ?? calculatorModule;

export const severityLevels = ["low", "medium", "high", "critical"] as const;
export type SeverityLevel = (typeof severityLevels)[number];

/** An advisory's assessed severity: its level and the score it came from. */
export interface AdvisorySeverity {
  level: SeverityLevel;
  /** The CVSS base score, 0.0–10.0, when a vector gave one. */
  score?: number;
  vector?: string;
  source: "cvss" | "database" | "none";
  /** Why a CVSS vector the advisory gives could not be scored, when one could not. */
  unscored?: string;
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

type Scored = { score: number } | { problem: string };

const scores = new Map<string, Scored>();

/** Base scores by vector: an export repeats the same few hundred vectors thousands of times. */
function baseScore(vector: string): Scored {
  let scored = scores.get(vector);
  if (!scored) {
    scored = computeBaseScore(vector);
    scores.set(vector, scored);
  }
  return scored;
}

/** Scores a CVSS v2, v3.0, v3.1 or v4.0 vector (the calculator tells the version from the text). */
function computeBaseScore(vector: string): Scored {
  const problem = `the CVSS vector '${vector}' could not be scored`;
  try {
    const score = calculator.fromVector(vector)?.calculateScores().base;
    return typeof score === "number" && Number.isFinite(score) ? { score } : { problem };
  } catch (error) {
    return { problem: `${problem}: ${error instanceof Error ? error.message : String(error)}` };
  }
}

export function advisorySeverity(advisory: SeverityFields): AdvisorySeverity {
  const entries = [
    ...(advisory.severity ?? []),
    ...(advisory.affected ?? []).flatMap((affected) => affected.severity ?? []),
  ];
  const problems: string[] = [];
  for (const type of ["CVSS_V4", "CVSS_V3", "CVSS_V2"]) {
    for (const entry of entries.filter((candidate) => candidate.type === type)) {
      if (typeof entry.score !== "string") continue;
      const scored = baseScore(entry.score);
      if ("score" in scored) {
        const { score } = scored;
        return { level: levelOfScore(score), score, vector: entry.score, source: "cvss" };
      }
      problems.push(scored.problem);
    }
  }
  const unscored = problems.length > 0 ? { unscored: problems.join("; ") } : {};
  const label = advisory.database_specific?.severity;
  const level = typeof label === "string" ? databaseLabels[label.toUpperCase()] : undefined;
  if (level) return { level, source: "database", ...unscored };
  return { level: "high", source: "none", ...unscored };
}

/** "critical (9.8)", or the level with why a vector gave no score. */
export function severityText(severity: AdvisorySeverity): string {
  if (severity.score !== undefined) return `${severity.level} (${severity.score.toFixed(1)})`;
  return severity.unscored ? `${severity.level} (${severity.unscored})` : severity.level;
}

/** At or above the threshold; `none` fails nothing. */
export function meetsThreshold(level: SeverityLevel, threshold: SeverityLevel | "none"): boolean {
  if (threshold === "none") return false;
  return severityLevels.indexOf(level) >= severityLevels.indexOf(threshold);
}
