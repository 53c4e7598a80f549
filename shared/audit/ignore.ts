/** `ignore-vulns`: an id or alias, optionally `ID:YYYY-MM-DD` to stop ignoring after that date. */
import { ConfigurationError } from "../runtime/errors.js";

export interface IgnoreRule {
  id: string;
  /** The last day the ignore holds, `YYYY-MM-DD`. */
  until?: string;
}

export function parseIgnoreRules(items: string[]): IgnoreRule[] {
  return items.map((item) => {
    // Advisory ids have no colon, so a colon always starts the date.
    const match = /^([^\s:]+)(?::(\d{4}-\d{2}-\d{2}))?$/.exec(item.trim());
    if (!match) {
      throw new ConfigurationError(
        `input 'ignore-vulns': cannot read '${item}'; write ID or ID:YYYY-MM-DD`,
      );
    }
    const until = match[2];
    if (until && !isCalendarDate(until)) {
      throw new ConfigurationError(`input 'ignore-vulns': '${until}' in '${item}' is not a date`);
    }
    return { id: match[1], until };
  });
}

function isCalendarDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

export interface IgnoreDecision {
  rule: IgnoreRule;
  /** The rule matched but its date has passed: not ignored, and worth a warning. */
  expired: boolean;
}

/** The rule naming the advisory or one of its aliases, if any; `today` is `YYYY-MM-DD`. */
export function ignoreDecision(
  rules: readonly IgnoreRule[],
  ids: readonly string[],
  today: string,
): IgnoreDecision | undefined {
  const names = new Set(ids.map((id) => id.toUpperCase()));
  const rule = rules.find((candidate) => names.has(candidate.id.toUpperCase()));
  if (!rule) return undefined;
  return { rule, expired: rule.until !== undefined && rule.until < today };
}
