/** PEP 508 environment markers: parse, print in one canonical form, and evaluate. */
import { normalizeName } from "./names.js";
import { clauseContains, parseSpecifierSet, parseVersion } from "./pep440.js";

export type Marker =
  | { kind: "and"; left: Marker; right: Marker }
  | { kind: "or"; left: Marker; right: Marker }
  | { kind: "compare"; left: MarkerValue; operator: string; right: MarkerValue };
export type MarkerValue = { variable: string } | { literal: string };

export class MarkerSyntaxError extends Error {}

const operators = ["===", "==", "!=", "<=", ">=", "~=", "<", ">"];
const tokenPattern =
  /\s*(\(|\)|'[^']*'|"[^"]*"|===|==|!=|<=|>=|~=|<|>|not\s+in\b|[A-Za-z_][A-Za-z0-9_.]*)/y;

/** PEP 508's variables (and PEP 751's sets), with the legacy dotted names packaging still reads. */
const variablePattern =
  /^(python_version|python_full_version|os[._]name|sys[._]platform|platform_(release|system)|platform[._](version|machine|python_implementation)|python_implementation|implementation_(name|version)|extras?|dependency_groups)$/;

function variableName(token: string): string | undefined {
  if (!variablePattern.test(token)) return undefined;
  const name = token.replace(/\./g, "_");
  return name === "python_implementation" ? "platform_python_implementation" : name;
}

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

export function parseMarker(source: string): Marker {
  const text = String(source ?? "");
  const tokens = tokenize(text);
  let position = 0;
  const peek = () => tokens[position];
  const fail = (what: string): never => {
    throw new MarkerSyntaxError(`${what} in marker '${text.trim()}'`);
  };
  const value = (): MarkerValue => {
    const token = tokens[position++] ?? fail("unexpected end");
    if (/^['"]/.test(token)) return { literal: token.slice(1, -1) };
    const variable = variableName(token);
    if (variable) return { variable };
    if (/^[A-Za-z_]/.test(token) && !["and", "or", "in", "not in"].includes(token)) {
      return fail(`unknown marker variable '${token}'`);
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
    const right = value();
    if (!("variable" in left) && !("variable" in right)) fail("a comparison needs a variable");
    return { kind: "compare", left, operator, right };
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

/** What markers are evaluated against. */
export interface MarkerContext {
  /** The interpreter's values; without them every environment comparison holds (audit: all markers). */
  environment?: Record<string, string>;
  /** Active extras, for `extra == '…'` (PEP 508) and `'…' in extras` (PEP 751). */
  extras?: readonly string[];
  /** Active dependency groups, for `'…' in dependency_groups` (PEP 751). */
  dependencyGroups?: readonly string[];
}

/** Evaluates as packaging 26 does: version variables compare as PEP 440 when the right side is a valid specifier, the rest as strings. */
export function evaluateMarker(marker: Marker, context: MarkerContext = {}): boolean {
  if (marker.kind !== "compare") {
    const left = evaluateMarker(marker.left, context);
    if (marker.kind === "and" ? !left : left) return left;
    return evaluateMarker(marker.right, context);
  }
  const { left, operator, right } = marker;
  const key = variableOf(left) ?? variableOf(right) ?? "";
  if (key === "extra") return evaluateExtra(marker, context.extras ?? []);
  if (key === "extras" || key === "dependency_groups") {
    const set = key === "extras" ? context.extras : context.dependencyGroups;
    const member = (set ?? []).map(normalizeName).includes(normalizeName(literalOf(left)));
    if (operator === "in") return member;
    return operator === "not in" ? !member : false;
  }
  if (!context.environment) return true;
  const environment = context.environment;
  const resolve = (value: MarkerValue) =>
    "literal" in value ? value.literal : environmentValue(environment, value.variable);
  return compare(resolve(left), operator, resolve(right), versionVariables.has(key));
}

const variableOf = (value: MarkerValue) => ("variable" in value ? value.variable : undefined);
const literalOf = (value: MarkerValue) => ("literal" in value ? value.literal : "");

const versionVariables = new Set([
  "implementation_version",
  "platform_release",
  "python_full_version",
  "python_version",
]);

function environmentValue(environment: Record<string, string>, name: string): string {
  const value = String(environment[name] ?? "");
  // packaging's repair of untagged CPython builds (`3.13.0+`).
  return name === "python_full_version" && value.endsWith("+") ? `${value}local` : value;
}

/** `extra` compares by PEP 685 normal names; with several active extras, any of them may match. */
function evaluateExtra(marker: Marker & { kind: "compare" }, extras: readonly string[]): boolean {
  const active = extras.length > 0 ? extras.map(normalizeName) : [""];
  const { left, operator, right } = marker;
  const side = (value: MarkerValue, extra: string) =>
    "literal" in value ? normalizeName(value.literal) : extra;
  const holds = (extra: string) => compare(side(left, extra), operator, side(right, extra), false);
  return operator === "!=" || operator === "not in" ? active.every(holds) : active.some(holds);
}

function compare(left: string, operator: string, right: string, asVersion: boolean): boolean {
  if (asVersion) {
    const clauses = parseSpecifierSet(`${operator}${right}`);
    if (clauses && clauses.length === 1 && !right.includes(",")) {
      const [clause] = clauses;
      if (clause.operator === "===") return left.toLowerCase() === clause.version.toLowerCase();
      const version = parseVersion(left);
      return version !== null && clauseContains(clause, version);
    }
  }
  switch (operator) {
    case "in":
      return right.includes(left);
    case "not in":
      return !right.includes(left);
    case "==":
    case "<=":
    case ">=":
      return left === right;
    case "!=":
      return left !== right;
    default:
      // packaging: `<`, `>` on strings are false; `~=`, `===` are undefined comparisons.
      return false;
  }
}
