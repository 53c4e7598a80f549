/**
 * How the Warehouse stand-in answers: JSON for the OIDC endpoints, and for the upload API the
 * way Pyramid's `_exc_with_message` does (the message in the status line and in an HTML, plain
 * text or JSON body, by the Accept header).
 */
import http from "node:http";

const EXPLANATIONS: Record<number, string> = {
  308: "The resource has been moved to; you should be redirected automatically.",
  400: "The server could not comply with the request since it is either malformed or otherwise incorrect.",
  403: "Access was denied to this resource.",
  404: "The resource could not be found.",
  405: "The method is not allowed for this resource.",
  410: "This resource is no longer available.  No forwarding address is given.",
};

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { "content-type": "application/json", "content-length": data.length });
  res.end(data);
}

/** A status line reason: one line of printable ASCII. */
export function reasonPhrase(message: string): string {
  return message
    .replace(/\s+/g, " ")
    .replace(/[^\x20-\x7e]/g, "?")
    .slice(0, 2000);
}

/** Which of html / plain / json the Accept header prefers (html on ties, as webob offers it first). */
function negotiate(accept: string | undefined): "html" | "plain" | "json" {
  if (!accept) return "html";
  const offers = { html: "text/html", plain: "text/plain", json: "application/json" };
  let best: keyof typeof offers = "html";
  let bestQ = -1;
  for (const [offer, type] of Object.entries(offers) as Array<[keyof typeof offers, string]>) {
    let q = 0;
    for (const part of accept.split(",")) {
      const [range, ...params] = part.trim().toLowerCase().split(";");
      const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const value = qParam ? Number(qParam.slice(2)) : 1;
      const [major] = type.split("/");
      if (range === type || range === `${major}/*` || range === "*/*") q = Math.max(q, value);
    }
    if (q > bestQ) [best, bestQ] = [offer, q];
  }
  return best;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Answers like Pyramid's `_exc_with_message`: the message in the status line and the body. */
export function sendForklift(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (status === 200) {
    res.writeHead(200, "OK", { "content-type": "text/html; charset=UTF-8", "content-length": 0 });
    res.end();
    return;
  }
  const reason = reasonPhrase(message) || http.STATUS_CODES[status] || "Error";
  const title = http.STATUS_CODES[status] ?? "Error";
  const explanation = EXPLANATIONS[status] ?? "";
  const format = negotiate(req.headers.accept);
  let body: string;
  let type: string;
  if (format === "json") {
    type = "application/json";
    body = JSON.stringify({ message, code: `${status} ${reason}`, title });
  } else if (format === "plain") {
    type = "text/plain; charset=UTF-8";
    body = `${status} ${reason}\n\n${explanation}\n\n${message}\n\n\n`;
  } else {
    type = "text/html; charset=UTF-8";
    body = [
      "<html>",
      " <head>",
      `  <title>${status} ${escapeHtml(reason)}</title>`,
      " </head>",
      " <body>",
      `  <h1>${status} ${escapeHtml(reason)}</h1>`,
      `  ${explanation}<br/><br/>`,
      escapeHtml(message),
      "",
      "",
      " </body>",
      "</html>",
    ].join("\n");
  }
  const data = Buffer.from(body);
  res.writeHead(status, reason, {
    ...headers,
    "content-type": type,
    "content-length": data.length,
  });
  res.end(data);
}
