import path from "node:path";
import { ConfigurationError } from "./errors.js";

type Env = Record<string, string | undefined>;

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
    throw new ConfigurationError(`input '${name}' must be true or false, got '${value}'`);
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
        `input '${name}' must be one of ${allowed.join(", ")}; got '${value}'`,
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
        `input '${name}' must be a whole number from ${min} to ${max}, got '${value}'`,
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
    return path.resolve(base, value);
  }

  /** The `working-directory` input, resolved against GITHUB_WORKSPACE (or the current directory). */
  workingDirectory(name = "working-directory"): string {
    const workspace = this.env.GITHUB_WORKSPACE || process.cwd();
    return this.path(name, workspace, ".");
  }
}
