/**
 * The `${{ }}` expressions the runner evaluates, as far as our actions and templates use them:
 * context paths (`steps.build.outputs.dist-dir`, `matrix['python']`), literals, `!`, `==`, `!=`,
 * `&&`, `||`, parentheses, and `fromJSON`, `toJSON`, `startsWith`, `contains`, `format`,
 * `success`, `failure`, `always`, `cancelled`. Anything else throws, so a test never guesses.
 */
export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };
export type Contexts = Record<string, Value>;
export interface Status {
  failed: boolean;
}

const tokenPattern =
  /\s*(?:(\d+(?:\.\d+)?)|'((?:[^']|'')*)'|(==|!=|&&|\|\||<=|>=|[!()[\].,<>*])|([A-Za-z_][\w-]*))/y;

type Token = { kind: "number" | "string" | "op" | "name"; text: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  tokenPattern.lastIndex = 0;
  while (tokenPattern.lastIndex < source.length) {
    if (/^\s*$/.test(source.slice(tokenPattern.lastIndex))) break;
    const match = tokenPattern.exec(source);
    if (!match) throw new Error(`expression: cannot read '${source}'`);
    if (match[1] !== undefined) tokens.push({ kind: "number", text: match[1] });
    else if (match[2] !== undefined)
      tokens.push({ kind: "string", text: match[2].replace(/''/g, "'") });
    else if (match[3] !== undefined) tokens.push({ kind: "op", text: match[3] });
    else tokens.push({ kind: "name", text: match[4] });
  }
  return tokens;
}

const truthy = (value: Value | undefined): boolean =>
  !(value === undefined || value === null || value === false || value === 0 || value === "");

export const asText = (value: Value | undefined): string =>
  value === undefined || value === null
    ? ""
    : typeof value === "object"
      ? JSON.stringify(value, null, 2)
      : String(value);

const looseEqual = (a: Value | undefined, b: Value | undefined): boolean =>
  typeof a === "string" && typeof b === "string"
    ? a.toLowerCase() === b.toLowerCase()
    : asText(a) === asText(b);

class Parser {
  private at = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly contexts: Contexts,
    private readonly status: Status,
  ) {}

  parse(): Value | undefined {
    const value = this.or();
    if (this.at < this.tokens.length)
      throw new Error(`expression: unexpected '${this.peek()?.text}'`);
    return value;
  }

  private peek = () => this.tokens[this.at];
  private take(text?: string): Token {
    const token = this.tokens[this.at++];
    if (!token || (text && token.text !== text)) throw new Error(`expression: expected '${text}'`);
    return token;
  }
  private accept(text: string): boolean {
    if (this.peek()?.kind === "op" && this.peek()?.text === text) return ++this.at > 0;
    return false;
  }

  private or(): Value | undefined {
    let left = this.and();
    while (this.accept("||")) {
      const right = this.and();
      left = truthy(left) ? left : right;
    }
    return left;
  }

  private and(): Value | undefined {
    let left = this.equality();
    while (this.accept("&&")) {
      const right = this.equality();
      left = truthy(left) ? right : left;
    }
    return left;
  }

  private equality(): Value | undefined {
    const left = this.unary();
    if (this.accept("==")) return looseEqual(left, this.unary());
    if (this.accept("!=")) return !looseEqual(left, this.unary());
    return left;
  }

  private unary(): Value | undefined {
    if (this.accept("!")) return !truthy(this.unary());
    return this.postfix(this.primary());
  }

  private primary(): Value | undefined {
    const token = this.take();
    if (token.kind === "number") return Number(token.text);
    if (token.kind === "string") return token.text;
    if (token.kind === "op" && token.text === "(") {
      const value = this.or();
      this.take(")");
      return value;
    }
    if (token.kind !== "name") throw new Error(`expression: unexpected '${token.text}'`);
    if (token.text === "true" || token.text === "false") return token.text === "true";
    if (token.text === "null") return null;
    if (this.accept("(")) return this.call(token.text);
    if (!(token.text in this.contexts)) throw new Error(`expression: no context '${token.text}'`);
    return this.contexts[token.text];
  }

  private postfix(value: Value | undefined): Value | undefined {
    for (;;) {
      if (this.accept(".")) value = member(value, this.take().text);
      else if (this.accept("[")) {
        const key = this.or();
        this.take("]");
        value = member(value, asText(key));
      } else return value;
    }
  }

  private call(name: string): Value | undefined {
    const args: (Value | undefined)[] = [];
    if (!this.accept(")")) {
      do args.push(this.or());
      while (this.accept(","));
      this.take(")");
    }
    const text = (i: number) => asText(args[i]);
    switch (name) {
      case "fromJSON":
        return JSON.parse(text(0)) as Value;
      case "toJSON":
        return JSON.stringify(args[0] ?? null, null, 2);
      case "startsWith":
        return text(0).toLowerCase().startsWith(text(1).toLowerCase());
      case "endsWith":
        return text(0).toLowerCase().endsWith(text(1).toLowerCase());
      case "contains":
        return Array.isArray(args[0])
          ? args[0].some((item) => looseEqual(item, args[1]))
          : text(0).toLowerCase().includes(text(1).toLowerCase());
      case "format":
        return text(0).replace(/\{(\d+)\}/g, (_, i) => text(Number(i) + 1));
      case "success":
        return !this.status.failed;
      case "failure":
        return this.status.failed;
      case "always":
        return true;
      case "cancelled":
        return false;
      default:
        throw new Error(`expression: no function '${name}'`);
    }
  }
}

function member(value: Value | undefined, key: string): Value | undefined {
  if (value === null || typeof value !== "object") return undefined;
  if (Array.isArray(value)) return value[Number(key)];
  const found = Object.keys(value).find((name) => name.toLowerCase() === key.toLowerCase());
  return found === undefined ? undefined : value[found];
}

export function evaluate(
  expression: string,
  contexts: Contexts,
  status: Status = { failed: false },
): Value | undefined {
  return new Parser(tokenize(expression), contexts, status).parse();
}

/** A string with `${{ }}` parts, each replaced by its value as text. */
export function interpolate(template: string, contexts: Contexts, status?: Status): string {
  return template.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) =>
    asText(evaluate(expression, contexts, status)),
  );
}

/** An `if:` condition: a bare expression or one in `${{ }}`; with no status function, `success() &&` it. */
export function condition(
  source: string | boolean | undefined,
  contexts: Contexts,
  status: Status,
): boolean {
  if (source === undefined) return !status.failed;
  const expression = String(source)
    .trim()
    .replace(/^\$\{\{([\s\S]*)\}\}$/, "$1");
  const checksStatus = /\b(success|failure|always|cancelled)\s*\(/.test(expression);
  const value = truthy(evaluate(expression, contexts, status));
  return checksStatus ? value : !status.failed && value;
}
