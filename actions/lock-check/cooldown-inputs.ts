/** lock-check's cooldown inputs: `min-release-age` and `index-url`. */
import { formatSpan, parseSpan } from "../../shared/project/durations.js";
import { ConfigurationError, type InputReader, quoted } from "../../shared/runtime/index.js";
import { PYPI } from "./upload-times.js";

/** `min-release-age`: a span such as `7d` or `48h`; empty is off. */
export function minReleaseAge(reader: InputReader): number | undefined {
  const value = reader.raw("min-release-age");
  if (value === "") return undefined;
  const span = parseSpan(value);
  if ("ms" in span && span.ms > 0) return span.ms;
  const why = "error" in span ? span.error : `it is ${formatSpan(span.ms)}`;
  throw new ConfigurationError(
    `input 'min-release-age' must be a span above 0 such as 7d, 48h or 2w; got ${quoted(value)} (${why})`,
  );
}

/** `index-url`: the root of a PyPI-style JSON API (default PyPI), for packages the lock places on PyPI. */
export function indexUrl(reader: InputReader): string {
  const value = reader.raw("index-url") || PYPI;
  try {
    const url = new URL(value);
    if (url.protocol === "https:" || url.protocol === "http:")
      return value.replace(/\/+$/, "").replace(/\/\+?simple$/, "");
  } catch {
    // reported below
  }
  throw new ConfigurationError(`input 'index-url' is not an http(s) URL: ${quoted(value)}`);
}
