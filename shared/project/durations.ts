/** Spans of time as uv (jiff's friendly form and ISO 8601), PDM and lock-check's inputs write them. */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Milliseconds per unit, by every spelling jiff's friendly format accepts (years and months apart). */
const units: [RegExp, number][] = [
  [/^(w|wk|wks|week|weeks)$/, 7 * DAY],
  [/^(d|day|days)$/, DAY],
  [/^(h|hr|hrs|hour|hours)$/, HOUR],
  [/^(m|min|mins|minute|minutes)$/, 60_000],
  [/^(s|sec|secs|second|seconds)$/, 1000],
  [/^(ms|msec|msecs|millisecond|milliseconds)$/, 1],
];
/** Calendar units, which uv refuses (their length depends on the date). */
const calendar = /^(y|yr|yrs|year|years|mo|mos|month|months)$/;

export type SpanParse = { ms: number } | { error: string };

/**
 * A span such as `7d`, `48h`, `7 days`, `1 week 2 days`, `2w, 3d` or ISO 8601's `P7D`, `PT48H`,
 * `P1W`; a leading sign or a trailing `ago` counts the same (uv takes the span's size).
 */
export function parseSpan(text: string): SpanParse {
  const value = text.trim().toLowerCase();
  if (value === "") return { error: "it is empty" };
  const unsigned = value.replace(/^[+-]\s*/, "").replace(/\s+ago$/, "");
  return unsigned.startsWith("p") ? isoSpan(unsigned) : friendlySpan(unsigned);
}

function friendlySpan(value: string): SpanParse {
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)\s*([a-zµ]+)[\s,]*/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== value)
    return { error: "it is not a number with a unit, such as 7d, 48h or 7 days" };
  let ms = 0;
  for (const [, amount, unit] of parts) {
    if (calendar.test(unit)) return { error: `'${unit}' depends on the calendar; use days` };
    const size = units.find(([pattern]) => pattern.test(unit))?.[1];
    if (size === undefined) return { error: `'${unit}' is not a unit (w, d, h, m, s)` };
    ms += Number(amount) * size;
  }
  return { ms };
}

function isoSpan(value: string): SpanParse {
  const match =
    /^p(?:(\d+)y)?(?:(\d+)m)?(?:(\d+)w)?(?:(\d+)d)?(?:t(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?)?$/.exec(
      value,
    );
  if (!match || value === "p" || value.endsWith("t"))
    return { error: "it is not an ISO 8601 duration such as P7D or PT48H" };
  const [, years, months, weeks, days, hours, minutes, seconds] = match;
  if (years || months) return { error: "years and months depend on the calendar; use days" };
  const n = (part?: string) => Number(part ?? 0);
  return {
    ms:
      n(weeks) * 7 * DAY +
      n(days) * DAY +
      n(hours) * HOUR +
      n(minutes) * 60_000 +
      n(seconds) * 1000,
  };
}

/** A span as a short text: `7d`, `1d 12h`, `90m`. */
export function formatSpan(ms: number): string {
  const parts: string[] = [];
  let rest = Math.round(ms / 60_000);
  for (const [size, unit] of [
    [24 * 60, "d"],
    [60, "h"],
    [1, "m"],
  ] as const) {
    if (rest >= size) parts.push(`${Math.floor(rest / size)}${unit}`);
    rest %= size;
  }
  return parts.join(" ") || "0m";
}
