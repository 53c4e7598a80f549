/** Poetry's constraint syntax (`^1.2`, `~1.2`, `*`, `>=1 <2`, `1.0 || 2.0`) as PEP 440 specifier sets. */
import pep440 from "@renovatebot/pep440";
import { satisfies } from "./pep440.js";

/** The alternatives of a Poetry constraint, each a PEP 440 specifier set ("" for any version). */
export function poetryToPep440(constraint: string): string[] {
  return constraint.split(/\|\|?/).map((alternative) =>
    alternative
      .trim()
      .replace(/(>=|<=|!=|==|~=|>|<|\^|~)\s+/g, "$1")
      .split(/[\s,]+/)
      .filter(Boolean)
      .map(termToPep440)
      .filter(Boolean)
      .join(","),
  );
}

export function satisfiesPoetry(version: string, constraint: string): boolean {
  return poetryToPep440(constraint).some((specifier) => satisfies(version, specifier));
}

function termToPep440(term: string): string {
  if (term === "*" || term === "") return "";
  if (term.startsWith("^")) return caret(term.slice(1));
  if (term.startsWith("~") && !term.startsWith("~=")) return tilde(term.slice(1));
  if (/^(===|==|!=|~=|>=|<=|>|<)/.test(term)) return term;
  return `==${term}`;
}

function release(version: string): number[] {
  const parsed = pep440.explain(version);
  if (!parsed) throw new Error(`invalid version '${version}' in Poetry constraint`);
  return parsed.release;
}

const upTo = (parts: number[], index: number) =>
  [...parts.slice(0, index), parts[index] + 1].join(".");

function caret(version: string): string {
  const parts = release(version);
  const firstNonZero = parts.findIndex((part) => part !== 0);
  const index = parts.length === 1 ? 0 : firstNonZero < 0 ? parts.length - 1 : firstNonZero;
  return `>=${version},<${upTo(parts, index)}`;
}

function tilde(version: string): string {
  const parts = release(version);
  return `>=${version},<${upTo(parts, parts.length === 1 ? 0 : 1)}`;
}
