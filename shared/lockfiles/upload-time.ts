/** A file's `upload-time` as a lock writes it (uv.lock: a string; pylock.toml: a TOML datetime), in UTC ISO 8601. */

/** UTC ISO 8601, or undefined when the value is absent or not a point in time. */
export function uploadTimeOf(value: unknown): string | undefined {
  const ms =
    value instanceof Date ? value.getTime() : typeof value === "string" ? Date.parse(value) : NaN;
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** The newest upload time among a package's files that record one. */
export function newestUploadTime(files: readonly { uploadTime?: string }[]): string | undefined {
  const times = files.map((file) => file.uploadTime).filter((t): t is string => t !== undefined);
  return times.length === 0 ? undefined : times.reduce((a, b) => (a > b ? a : b));
}
