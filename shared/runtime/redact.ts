/** The one redaction of what the actions emit: secrets, credential headers and look-alikes become ***. */
const MASK = "***";
/** What a server said, as shown: one line of at most this many characters. */
export const SERVER_TEXT_CHARS = 300;

const secrets = new Set<string>();
let secretPattern: RegExp | undefined;

/** Redacts `secret` (and its encodings) from now on; ActionIo.setSecret calls it. */
export function registerSecret(secret: string): void {
  const lines = secret.split(/\r?\n/).map((line) => line.trim());
  for (const value of [secret, ...lines]) {
    if (value.trim() === "" || secrets.has(value)) continue;
    secrets.add(value);
    secretPattern = undefined;
  }
}

const urlSafe = (base64: string) => base64.replace(/\+/g, "-").replace(/\//g, "_");

/**
 * The characters of base64(prefix + secret) that only the secret decides, for a prefix of each
 * length modulo 3: a Basic credential `user:secret` holds one of them, whatever the user.
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret);
  const forms: string[] = [];
  for (let pad = 0; pad < 3; pad++) {
    const encoded = Buffer.concat([Buffer.alloc(pad), bytes]).toString("base64");
    const start = Math.ceil((pad * 4) / 3);
    const end = Math.floor(((pad + bytes.length) * 4) / 3);
    const middle = encoded.slice(start, end);
    if (middle.length >= 8) forms.push(middle, urlSafe(middle), encodeURIComponent(middle));
  }
  return forms;
}

/** A secret as it may appear: raw, URL-encoded, JSON-escaped, base64 (standard and URL-safe). */
export function secretEncodings(secret: string): string[] {
  const forms = [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)];
  return [...new Set([...forms, ...base64Forms(secret)])];
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function registeredPattern(): RegExp | undefined {
  if (secrets.size === 0) return undefined;
  if (!secretPattern) {
    const forms = [...new Set([...secrets].flatMap(secretEncodings))];
    forms.sort((a, b) => b.length - a.length);
    secretPattern = new RegExp(forms.map(escapeRegExp).join("|"), "g");
  }
  return secretPattern;
}

const HEADERS = "(?:proxy-)?authorization|(?:set-)?cookie";
/** `Authorization: value` as a header line (or `=` as in a query): the value to the line's end. */
const headerLine = new RegExp(String.raw`\b(${HEADERS})([ \t]*[:=][ \t]*)[^\r\n]+`, "gi");
/** `"authorization": "value"` as JSON or a Python dict shows it (quotes JSON-escaped or not). */
const quotedHeader = new RegExp(
  String.raw`(\\?["'])(${HEADERS})\1([ \t]*[:=,][ \t]*)(?:(\\?["'])(?:(?!\4)[^\r\n])*|\[[^\]\r\n]*|[^,}\r\n]*)`,
  "gi",
);
/** `Basic …` and `Bearer …`: redacted when the value looks like a credential, not a word. */
const schemeCredential = /\b(Basic|Bearer)([ \t]+)([A-Za-z0-9+/_.~=-]*[A-Za-z0-9+/_~=-])/gi;
const tokenShapes = [
  /\beyJ[\w-]{5,}\.[\w-]+\.[\w-]*/g, // a JWT
  /\bpypi-(?:AgE[\w-]*|[\w-]{40,})/g, // a PyPI API token
  /\bgh[opsru]_[A-Za-z0-9_]{16,}/g, // a GitHub token
];
/** A signed URL's signature. */
const urlSignature = /([?&]sig=)[^&\s]+/gi;

function looksLikeCredential(scheme: string, value: string): boolean {
  if (value.length < 8) return false;
  if (/[^A-Za-z]/.test(value)) return true;
  if (scheme.toLowerCase() !== "basic") return false;
  return Buffer.from(value, "base64").toString("latin1").includes(":");
}

/** The text with every registered secret, credential header value and token replaced by `***`. */
export function redact(text: string): string {
  const registered = registeredPattern();
  let result = registered ? text.replace(registered, MASK) : text;
  result = result
    .replace(headerLine, `$1$2${MASK}`)
    .replace(quotedHeader, (_match, quote, name, separator, valueQuote = "") =>
      [quote, name, quote, separator, valueQuote, MASK].join(""),
    )
    .replace(schemeCredential, (match, scheme, space, value) =>
      looksLikeCredential(scheme, value) ? `${scheme}${space}${MASK}` : match,
    )
    .replace(urlSignature, `$1${MASK}`);
  for (const shape of tokenShapes) result = result.replace(shape, MASK);
  return result;
}

/** What a server said, redacted, as one line of at most SERVER_TEXT_CHARS characters. */
export function serverText(text: string): string {
  const line =
    redact(text)
      .split(/\r\n|\r|\n/)
      .map((part) => part.replace(/\p{Cc}+/gu, " ").trim())
      .find((part) => part !== "") ?? "";
  const chars = Array.from(line);
  if (chars.length <= SERVER_TEXT_CHARS) return line;
  return `${chars.slice(0, SERVER_TEXT_CHARS - 1).join("")}…`;
}
