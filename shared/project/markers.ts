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

export function evaluateMarker(
  marker: Marker,
  environment: Record<string, string>,
  extras: readonly string[] = [],
): boolean {
  if (marker.kind === "and") {
    return (
      evaluateMarker(marker.left, environment, extras) &&
      evaluateMarker(marker.right, environment, extras)
    );
  }
  if (marker.kind === "or") {
    return (
      evaluateMarker(marker.left, environment, extras) ||
      evaluateMarker(marker.right, environment, extras)
    );
  }
  const { left, operator, right } = marker;
  const isExtra = (value: MarkerValue) => "variable" in value && value.variable === "extra";
  if (isExtra(left) || isExtra(right)) {
    const literal = normalizeExtra(
      "literal" in left ? left.literal : "literal" in right ? right.literal : "",
    );
    const active = extras.map(normalizeExtra).includes(literal);
    return operator === "!=" ? !active : active;
  }
  const resolve = (value: MarkerValue) =>
    "literal" in value ? value.literal : (environment[value.variable] ?? "");
  const versionLike = [left, right].some(
    (v) => "variable" in v && versionVariables.has(v.variable),
  );
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
