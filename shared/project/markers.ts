/** PEP 508 environment markers: parse, print in one canonical form, and evaluate. */
import { compareVersions, isValidVersion } from "./pep440.js";

export type Marker =
  | { kind: "and"; left: Marker; right: Marker }
  | { kind: "or"; left: Marker; right: Marker }
  | { kind: "compare"; left: MarkerValue; operator: string; right: MarkerValue };
export type MarkerValue = { variable: string } | { literal: string };

export class MarkerSyntaxError extends Error {}

const operators = ["===", "==", "!=", "<=", ">=", "~=", "<", ">"];
const tokenPattern = /\s*(\(|\)|'[^']*'|"[^"]*"|===|==|!=|<=|>=|~=|<|>|not\s+in\b|[A-Za-z_.]+)/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  tokenPattern.lastIndex = 0;
  while (tokenPattern.lastIndex < text.length) {
    const start = tokenPattern.lastIndex;
    const match = tokenPattern.exec(text);
    if (!match) {
      if (text.slice(start).trim() === "") break;
      throw new MarkerSyntaxError(`unexpected '${text.slice(start).trim()}' in marker '${text}'`);
    }
    tokens.push(match[1].replace(/^not\s+in$/, "not in"));
  }
  return tokens;
}

export function parseMarker(text: string): Marker {
  const tokens = tokenize(text);
  let position = 0;
  const peek = () => tokens[position];
  const fail = (what: string): never => {
    throw new MarkerSyntaxError(`${what} in marker '${text.trim()}'`);
  };
  const value = (): MarkerValue => {
    const token = tokens[position++] ?? fail("unexpected end");
    if (/^['"]/.test(token)) return { literal: token.slice(1, -1) };
    if (/^[A-Za-z_.]+$/.test(token) && !["and", "or", "in"].includes(token)) {
      return { variable: token.replace(/\./g, "_").toLowerCase() };
    }
    return fail(`unexpected '${token}'`);
  };
  const atom = (): Marker => {
    if (peek() === "(") {
      position++;
      const inner = or();
      if (tokens[position++] !== ")") fail("missing ')'");
      return inner;
    }
    const left = value();
    const operator = tokens[position++] ?? fail("missing operator");
    if (!operators.includes(operator) && operator !== "in" && operator !== "not in") {
      fail(`unknown operator '${operator}'`);
    }
    return { kind: "compare", left, operator, right: value() };
  };
  const and = (): Marker => {
    let left = atom();
    while (peek() === "and") {
      position++;
      left = { kind: "and", left, right: atom() };
    }
    return left;
  };
  const or = (): Marker => {
    let left = and();
    while (peek() === "or") {
      position++;
      left = { kind: "or", left, right: and() };
    }
    return left;
  };
  const marker = or();
  if (position !== tokens.length) fail(`unexpected '${tokens[position]}'`);
  return marker;
}

const printValue = (value: MarkerValue) =>
  "variable" in value ? value.variable : `'${value.literal.replace(/'/g, '"')}'`;

/** One canonical text per marker: single quotes, single spaces, minimal parentheses. */
export function formatMarker(marker: Marker): string {
  if (marker.kind === "compare") {
    return `${printValue(marker.left)} ${marker.operator} ${printValue(marker.right)}`;
  }
  const side = (child: Marker) =>
    marker.kind === "and" && child.kind === "or" ? `(${formatMarker(child)})` : formatMarker(child);
  return `${side(marker.left)} ${marker.kind} ${side(marker.right)}`;
}

export const normalizeMarker = (text: string): string => formatMarker(parseMarker(text));

const versionVariables = new Set([
  "python_version",
  "python_full_version",
  "implementation_version",
]);

/** What markers are evaluated against. */
export interface MarkerContext {
  /** The interpreter's values; without them every environment comparison holds (audit: all markers). */
  environment?: Record<string, string>;
  /** Active extras, for `extra == '…'` (PEP 508) and `'…' in extras` (PEP 751). */
  extras?: readonly string[];
  /** Active dependency groups, for `'…' in dependency_groups` (PEP 751). */
  dependencyGroups?: readonly string[];
}

export function evaluateMarker(marker: Marker, context: MarkerContext = {}): boolean {
  if (marker.kind !== "compare") {
    const left = evaluateMarker(marker.left, context);
    if (marker.kind === "and" ? !left : left) return left;
    return evaluateMarker(marker.right, context);
  }
  const { left, operator, right } = marker;
  const variable = (value: MarkerValue) => ("variable" in value ? value.variable : undefined);
  const literal = (value: MarkerValue) => ("literal" in value ? value.literal : "");
  if (variable(left) === "extra" || variable(right) === "extra") {
    const active = (context.extras ?? [])
      .map(normalizeExtra)
      .includes(normalizeExtra(literal(left) || literal(right)));
    return operator === "!=" ? !active : active;
  }
  const setName = variable(right);
  if ((setName === "extras" || setName === "dependency_groups") && operator.endsWith("in")) {
    const set = setName === "extras" ? context.extras : context.dependencyGroups;
    const member = (set ?? []).map(normalizeExtra).includes(normalizeExtra(literal(left)));
    return operator === "in" ? member : !member;
  }
  if (!context.environment) return true;
  const environment = context.environment;
  const resolve = (value: MarkerValue) =>
    "literal" in value ? value.literal : (environment[value.variable] ?? "");
  const versionLike = [left, right].some((v) => versionVariables.has(variable(v) ?? ""));
  return compare(resolve(left), operator, resolve(right), versionLike);
}

const normalizeExtra = (extra: string) => extra.toLowerCase().replace(/[-_.]+/g, "-");

function compare(left: string, operator: string, right: string, versionLike: boolean): boolean {
  if (operator === "in") return right.includes(left);
  if (operator === "not in") return !right.includes(left);
  if (versionLike && isValidVersion(left) && isValidVersion(right.replace(/\.\*$/, ""))) {
    if (right.endsWith(".*") && (operator === "==" || operator === "!=")) {
      const prefix = right.slice(0, -2);
      const matches = left === prefix || left.startsWith(`${prefix}.`);
      return operator === "==" ? matches : !matches;
    }
    const order = compareVersions(left, right);
    if (operator === "~=") {
      const release = right.split(".");
      const prefix = release.slice(0, -1).join(".");
      return order >= 0 && (left === prefix || left.startsWith(`${prefix}.`));
    }
    return orderMatches(order, operator);
  }
  return orderMatches(left < right ? -1 : left > right ? 1 : 0, operator);
}

function orderMatches(order: number, operator: string): boolean {
  switch (operator) {
    case "==":
    case "===":
      return order === 0;
    case "!=":
      return order !== 0;
    case "<":
      return order < 0;
    case "<=":
      return order <= 0;
    case ">":
      return order > 0;
    case ">=":
      return order >= 0;
    default:
      return false;
  }
}
