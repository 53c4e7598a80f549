/** Reads and validates action inputs, naming the input in every error. */
import path from "node:path";
import { ConfigurationError } from "./errors.js";
import { entryKind, isWritable, realTarget } from "./paths.js";

type Env = Record<string, string | undefined>;

const MAX_SHOWN = 200;

/** An input's value as messages echo it: quoted, and cut to 200 characters. */
export function quoted(value: string): string {
  const shown =
    value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}… (${value.length} characters)` : value;
  return `'${shown.replace(/\r?\n/g, "⏎")}'`;
}

/** Why the OS could not use this path at all: a name or a whole path too long. */
function tooLong(target: string): string | undefined {
  if (Buffer.byteLength(target) > 4095) return "the path is longer than 4,095 bytes";
  const long = target.split(/[\\/]/).find((part) => Buffer.byteLength(part) > 255);
  return long === undefined ? undefined : `a name in the path is longer than 255 bytes`;
}

/** The first part of the path that exists and is a file, where a folder is needed. */
function fileInTheWay(target: string): string | undefined {
  for (let at = path.dirname(target); at !== path.dirname(at); at = path.dirname(at)) {
    const kind = entryKind(at);
    if (kind === "file") return at;
    if (kind === "directory") return undefined;
  }
  return undefined;
}

export type PathKind = "file" | "directory";

const kindWords = { file: "a file", directory: "a folder", other: "not a regular file or folder" };

const MAX_DURATION_MS = 24 * 3_600_000;

/** The runner's variable for an input: spaces become `_`, hyphens stay, upper case. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;
}

/**
 * Typed, strict readers for action inputs. Every failure names the input.
 * A hyphenated input is also read from its underscore form (`INPUT_PACKAGES_DIR`
 * for `packages-dir`), which is how a composite action's `run:` step passes it.
 */
export class InputReader {
  constructor(private readonly env: Env = process.env) {}

  /** The trimmed value, or "" when the input is unset. */
  raw(name: string): string {
    const value = this.env[inputVariable(name)];
    if (value !== undefined && value.trim() !== "") return value.trim();
    const underscored = this.env[inputVariable(name.replace(/-/g, "_"))];
    return (underscored ?? value ?? "").trim();
  }

  /**
   * For an input another action spells `old` (read by `raw` when it is the underscore form):
   * refuses both being set, and gives a warning naming the new spelling when only `old` is
   * (not when a composite's `run:` step passed the underscore form, with no runner-set `name`).
   */
  oldSpelling(old: string, name: string): string | undefined {
    const set = (input: string) => (this.env[inputVariable(input)] ?? "").trim() !== "";
    if (!set(old)) return undefined;
    if (set(name)) {
      throw new ConfigurationError(
        `inputs '${name}' and '${old}' are both set: '${old}' is the old spelling of '${name}'; keep only '${name}'`,
      );
    }
    // The runner sets every declared input; the new name unset means a script passed the underscore form.
    if (this.env[inputVariable(name)] === undefined) return undefined;
    return `input '${old}' is deprecated: it was read as '${name}', the spelling to use`;
  }

  required(name: string): string {
    const value = this.raw(name);
    if (value === "") throw new ConfigurationError(`input '${name}' is required and was not set`);
    return value;
  }

  optional(name: string): string | undefined {
    const value = this.raw(name);
    return value === "" ? undefined : value;
  }

  /** `true` or `false`, any case; empty gives the fallback. */
  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === "") return fallback;
    const lower = value.toLowerCase();
    if (lower === "true") return true;
    if (lower === "false") return false;
    throw new ConfigurationError(`input '${name}' must be true or false, got ${quoted(value)}`);
  }

  /** Items separated by newlines or commas, trimmed, empties dropped. */
  list(name: string): string[] {
    return this.raw(name)
      .split(/[\n,]/)
      .map((item) => item.trim())
      .filter((item) => item !== "");
  }

  /** One of the allowed values (case-insensitive); empty gives the fallback. */
  choice<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === "") return fallback;
    const match = allowed.find((option) => option.toLowerCase() === value.toLowerCase());
    if (match === undefined) {
      throw new ConfigurationError(
        `input '${name}' must be one of ${allowed.join(", ")}; got ${quoted(value)}`,
      );
    }
    return match;
  }

  /** A whole number within bounds; empty gives the fallback. */
  integer(name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const value = this.raw(name);
    if (value === "") return fallback;
    const number = Number(value);
    if (!/^-?\d+$/.test(value) || number < min || number > max) {
      throw new ConfigurationError(
        `input '${name}' must be a whole number from ${min} to ${max}, got ${quoted(value)}`,
      );
    }
    return number;
  }

  /**
   * A duration in milliseconds, as `timeout-minutes` reads: minutes (`10`, `0.5`), or with a unit
   * (`90s`, `5m`, `1h`); above 0 and at most a day. Empty gives the fallback.
   */
  duration(name: string, fallbackMs: number): number {
    const value = this.raw(name);
    if (value === "") return fallbackMs;
    const match = /^(\d+(?:\.\d+)?|\.\d+)\s*([smh]?)$/i.exec(value);
    const unitMs = { s: 1000, m: 60_000, h: 3_600_000, "": 60_000 };
    const ms = match
      ? Number(match[1]) * unitMs[match[2].toLowerCase() as keyof typeof unitMs]
      : Number.NaN;
    if (!(ms > 0 && ms <= MAX_DURATION_MS)) {
      throw new ConfigurationError(
        `input '${name}' must be a duration above 0 and at most 24h: minutes (10, 0.5) or with a unit (90s, 5m, 1h); got '${value}'`,
      );
    }
    return Math.round(ms);
  }

  /** A path resolved against `base` (normally the working directory); empty gives the fallback. */
  path(name: string, base: string, fallback = ""): string {
    const value = this.raw(name) || fallback;
    const resolved = path.resolve(base, value);
    const why = tooLong(resolved);
    if (why)
      throw new ConfigurationError(`input '${name}': ${quoted(value)} cannot be used: ${why}`);
    return resolved;
  }

  /** A path that must already exist as a file or a folder (or either). */
  existing(name: string, base: string, kind?: PathKind, fallback = ""): string {
    const resolved = this.path(name, base, fallback);
    const shown = quoted(this.raw(name) || fallback);
    const found = entryKind(resolved);
    if (found === "missing") {
      const blocker = fileInTheWay(resolved);
      const why = blocker
        ? `${path.basename(blocker)} in its path is a file, not a folder`
        : "it does not exist";
      throw new ConfigurationError(`input '${name}': ${shown} cannot be used: ${why}`);
    }
    if (kind && found !== kind) {
      throw new ConfigurationError(
        `input '${name}': ${shown} is ${kindWords[found]}, not ${kindWords[kind]}`,
      );
    }
    return resolved;
  }

  /**
   * A path the action writes (or replaces): inside the workspace or RUNNER_TEMP once symlinks are
   * followed, with no file where a folder must be, and of the right kind if it exists.
   */
  writable(name: string, base: string, kind: PathKind, fallback = ""): string {
    const resolved = this.path(name, base, fallback);
    const shown = quoted(this.raw(name) || fallback);
    if (!isWritable(resolved, this.env)) {
      const real = realTarget(resolved);
      const via = real === resolved ? "" : ` (it leads to ${real})`;
      throw new ConfigurationError(
        `input '${name}': ${shown} is outside the workspace and RUNNER_TEMP${via}; pyship writes only there`,
      );
    }
    const blocker = fileInTheWay(resolved);
    if (blocker) {
      throw new ConfigurationError(
        `input '${name}': ${shown} cannot be created: ${path.basename(blocker)} in its path is a file, not a folder`,
      );
    }
    const found = entryKind(resolved);
    if (found !== "missing" && found !== kind) {
      throw new ConfigurationError(
        `input '${name}': ${shown} is ${kindWords[found]}, where ${kindWords[kind]} is written`,
      );
    }
    return resolved;
  }

  /** The `working-directory` input, resolved against GITHUB_WORKSPACE (or the current directory): an existing folder. */
  workingDirectory(name = "working-directory"): string {
    const workspace = this.env.GITHUB_WORKSPACE || process.cwd();
    return this.existing(name, workspace, "directory", ".");
  }
}
