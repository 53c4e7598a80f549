/** Text as it goes to users: no word of a message much longer than an echoed value may be. */

const LONGEST_WORD = 200;
/** A little slack: a value `quoted()` already cut is 200 characters plus its quotes and ellipsis. */
const CLIPPED_PAST = 240;

/** Cuts every run of more than 240 non-space characters to 200, saying how long it was. */
export function clipLongWords(text: string): string {
  return text.replace(
    new RegExp(`\\S{${CLIPPED_PAST + 1},}`, "g"),
    (word) => `${word.slice(0, LONGEST_WORD)}… (${word.length} characters)`,
  );
}

const SIZE_UNITS = ["kB", "MB", "GB"];

/** A byte count in SI units (1 kB is 1000 B), as PyPI shows file sizes. */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < SIZE_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${SIZE_UNITS[unit]}`;
}

/** The last `count` lines of a program's output that are not blank, trailing white space cut. */
export function lastLines(output: string, count: number): string[] {
  return output
    .split("\n")
    .map((line) => line.trimEnd())
    .filter(Boolean)
    .slice(-count);
}
