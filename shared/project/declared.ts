/** A dependency as a manifest declares it, in any of the formats pyship reads. */
import { satisfies } from "./pep440.js";

export interface DeclaredDependency {
  name: string;
  /** PEP 503 normalized. */
  key: string;
  /** `main`, a group name, or `extra:<name>`. */
  group: string;
  /** The constraint as written, for messages (`>=2.32`, `^1.2`, `*`). */
  constraint: string;
  /** PEP 440 alternatives, any of which satisfies ("" is any version). */
  specifiers: string[];
  extras: string[];
  marker?: string;
  /** PEP 440 alternatives the Python version must satisfy (Poetry's `python = "^3.8"`). */
  python?: string[];
  /** Poetry's `optional = true`: installed only through an extra. */
  optional?: boolean;
  /** A git, URL or path source instead of an index. */
  direct?: { kind: "git" | "url" | "path" | "editable"; location: string };
  /** The manifest that declares it and the line, as shown to users. */
  file: string;
  line?: number;
}

export const declaredSatisfiedBy = (dependency: DeclaredDependency, version: string): boolean =>
  dependency.specifiers.some((specifier) => satisfies(version, specifier));

/** "" and `*` read as "any version" in messages. */
export const describeConstraint = (constraint: string): string =>
  constraint === "" || constraint === "*" ? "any version" : constraint;
