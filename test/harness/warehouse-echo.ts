/**
 * An index (or proxy) that echoes the request back in its refusals, for the secret-leak tests:
 * the credential it carried, in one chosen form, in one chosen place of the answer.
 */
import http from "node:http";
import { reasonPhrase, sendForklift } from "./warehouse-responses.js";

/** How the echo shows what the request carried. */
export type EchoForm =
  /** Every header as `Name: value`, the credential first, then the body. */
  | "headers"
  /** The headers and the body as one JSON object: `{"authorization":"Basic …",…}`. */
  | "json-headers"
  /** The credential decoded (`user:password`, the bearer token, or the body), raw. */
  | "raw"
  /** The decoded credential, base64-encoded (no scheme, unlike the header). */
  | "base64"
  /** The decoded credential, URL-encoded as a query parameter. */
  | "url"
  /** The decoded credential as a JSON string, escaped. */
  | "json";

/** Where a refusal carries the echo: its JSON `message`, its status line, or its body's first line. */
export type EchoPlace = "message" | "status-line" | "body";

export interface EchoOptions {
  form: EchoForm;
  place: EchoPlace;
}

const CREDENTIAL_HEADERS = ["authorization", "proxy-authorization", "cookie"];

function headerPairs(req: http.IncomingMessage): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    pairs.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
  }
  const isCredential = ([name]: [string, string]) =>
    CREDENTIAL_HEADERS.includes(name.toLowerCase());
  return [...pairs.filter(isCredential), ...pairs.filter((pair) => !isCredential(pair))];
}

/** What the request's credential decodes to: Basic's `user:password`, a bearer token, else the body. */
function credential(req: http.IncomingMessage, body: string): string {
  const [scheme = "", value = ""] = (req.headers.authorization ?? "").split(/\s+/, 2);
  if (/^basic$/i.test(scheme)) return Buffer.from(value, "base64").toString("utf8");
  if (/^bearer$/i.test(scheme)) return value;
  return body;
}

/** The request echoed in `form`, on one line. */
export function echoText(req: http.IncomingMessage, body: string, form: EchoForm): string {
  const pairs = headerPairs(req);
  switch (form) {
    case "headers":
      return [...pairs.map(([name, value]) => `${name}: ${value}`), ...(body ? [body] : [])].join(
        " ",
      );
    case "json-headers": {
      const headers = Object.fromEntries(pairs.map(([name, value]) => [name.toLowerCase(), value]));
      return JSON.stringify({ ...headers, ...(body ? { body } : {}) });
    }
    case "raw":
      return credential(req, body);
    case "base64":
      return Buffer.from(credential(req, body)).toString("base64");
    case "url":
      return `credential=${encodeURIComponent(credential(req, body))}`;
    case "json":
      return JSON.stringify({ credential: credential(req, body) });
  }
}

/** The message with the echo in front, where it survives a client's cut to a short line. */
export function withEcho(message: string, echo: string): string {
  return `you sent ${echo} - ${message}`;
}

/** A refusal (as sendForklift answers it) that also echoes the request, in `options.place`. */
export function sendEchoingRefusal(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  status: number,
  message: string,
  options: EchoOptions,
): void {
  const echoed = withEcho(message, echoText(req, "", options.form));
  if (options.place === "message") {
    sendForklift(req, res, status, echoed);
    return;
  }
  const title = http.STATUS_CODES[status] ?? "Error";
  const reason = options.place === "status-line" ? reasonPhrase(echoed) : title;
  const data = Buffer.from(options.place === "body" ? `${echoed}\n` : `${status} ${title}\n`);
  res.writeHead(status, reason, {
    "content-type": "text/plain; charset=UTF-8",
    "content-length": data.length,
  });
  res.end(data);
}
