/** The D checks: Description-Content-Type and the description, as `twine check` and PyPI see them. */
import type { Finding } from "../runtime/findings.js";
import {
  type RenderResult,
  type RenderRun,
  renderRst,
  renderTimeoutMs,
} from "./description-render.js";
import type { CoreMetadata } from "./metadata.js";
import { defineChecks, finding } from "./model.js";

export const descriptionChecks = defineChecks({
  D001: {
    severity: "error",
    title:
      "Description-Content-Type is not text/plain, text/x-rst or text/markdown with charset UTF-8 (markdown variant GFM or CommonMark)",
    rule: "description",
  },
  D002: {
    severity: "warning",
    title: "Description-Content-Type is missing, so the description is read as reStructuredText",
  },
  D003: { severity: "warning", title: "The description is missing, empty or UNKNOWN" },
  D004: {
    severity: "error",
    title: "The reStructuredText description has markup errors and would not be rendered on PyPI",
    rule: "description",
  },
  D005: {
    severity: "notice",
    title: "A reStructuredText description was not rendered: readme_renderer is not available",
  },
});

export interface ContentType {
  /** Lower-cased `type/subtype`. */
  type: string;
  /** Parameters, names lower-cased, quotes removed. */
  params: Record<string, string>;
}

/** Splits at `;` outside double quotes, as Python's cgi.parse_header does. */
function splitParams(value: string): string[] {
  const parts: string[] = [];
  let rest = value;
  for (;;) {
    let end = rest.indexOf(";");
    while (end > 0 && unescapedQuotes(rest.slice(0, end)) % 2 === 1)
      end = rest.indexOf(";", end + 1);
    if (end < 0) break;
    parts.push(rest.slice(0, end).trim());
    rest = rest.slice(end + 1);
  }
  parts.push(rest.trim());
  return parts;
}

const unescapedQuotes = (text: string): number =>
  (text.match(/"/g)?.length ?? 0) - (text.match(/\\"/g)?.length ?? 0);

/** A Content-Type value read like cgi.parse_header (the type is lower-cased here). */
export function parseContentType(value: string): ContentType {
  const [type, ...rest] = splitParams(value);
  const params: Record<string, string> = {};
  for (const part of rest) {
    const equals = part.indexOf("=");
    if (equals < 0) continue;
    let param = part.slice(equals + 1).trim();
    if (param.length >= 2 && param.startsWith('"') && param.endsWith('"')) {
      param = param.slice(1, -1).replace(/\\\\/g, "\\").replace(/\\"/g, '"');
    }
    params[part.slice(0, equals).trim().toLowerCase()] = param;
  }
  return { type: type.toLowerCase(), params };
}

const allowedTypes = ["text/plain", "text/x-rst", "text/markdown"];
const markdownVariants = ["GFM", "CommonMark"];

/** Why a Description-Content-Type value is invalid (as packaging.metadata judges it), or undefined. */
export function contentTypeProblem(value: string): string | undefined {
  const { type, params } = parseContentType(value);
  if (!allowedTypes.includes(type)) {
    return `'${value.trim()}' is not one of ${allowedTypes.join(", ")}`;
  }
  // packaging.metadata and PyPI compare these exactly.
  if (params.charset !== undefined && params.charset !== "UTF-8") {
    return `charset '${params.charset}' is not allowed; the only charset is UTF-8`;
  }
  if (type === "text/markdown" && params.variant !== undefined) {
    if (!markdownVariants.includes(params.variant)) {
      return `markdown variant '${params.variant}' is not GFM or CommonMark`;
    }
  }
  return undefined;
}

/** Whether PyPI renders this type as plain text or markdown, which cannot fail. */
const rendersWithoutRst = (type: string | undefined): boolean =>
  type === "text/plain" || type === "text/markdown";

export interface DescribedDist {
  meta: CoreMetadata;
  /** How findings name the dist. */
  file: string;
}

export interface DescriptionOptions {
  timeoutMs?: number;
}

/**
 * The D findings for several dists. python renders each distinct reStructuredText description
 * once, in one run for the whole call.
 */
export async function checkDescriptions(
  items: readonly DescribedDist[],
  python: string,
  options: DescriptionOptions = {},
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const toRender: DescribedDist[] = [];
  for (const item of items) {
    const { found, render } = checkOne(item);
    findings.push(...found);
    if (render) toRender.push(item);
  }
  if (toRender.length === 0) return findings;
  const texts = [...new Set(toRender.map((item) => item.meta.description as string))];
  const run = await renderRst(texts, python, options.timeoutMs ?? renderTimeoutMs);
  findings.push(...renderFindings(toRender, texts, run));
  return findings;
}

function checkOne(item: DescribedDist): { found: Finding[]; render: boolean } {
  const { meta, file } = item;
  const found: Finding[] = [];
  const typeField = meta.field("Description-Content-Type");
  if (!typeField) {
    found.push(
      finding(
        descriptionChecks.D002,
        file,
        "Description-Content-Type is missing; twine and PyPI read the description as text/x-rst.",
        { fix: 'Set it, e.g. readme = "README.md" in [project] or long_description_content_type.' },
      ),
    );
  } else {
    const problem = contentTypeProblem(typeField.value);
    if (problem) {
      found.push(
        finding(descriptionChecks.D001, file, `Description-Content-Type: ${problem}.`, {
          line: typeField.line,
        }),
      );
    }
  }
  const description = meta.description;
  if (
    description === undefined ||
    description.trim() === "" ||
    description.trimEnd() === "UNKNOWN"
  ) {
    found.push(
      finding(descriptionChecks.D003, file, "The description (long_description) is missing.", {
        fix: "Set readme in [project] (or long_description).",
      }),
    );
    return { found, render: false };
  }
  // Like twine, anything that is not plain text or markdown is rendered as reStructuredText.
  const type = typeField ? parseContentType(typeField.value).type : undefined;
  return { found, render: !rendersWithoutRst(type) };
}

function renderFindings(items: DescribedDist[], texts: string[], run: RenderRun): Finding[] {
  if (!run.results) {
    const files = [...new Set(items.map((item) => item.file))];
    return [
      finding(
        descriptionChecks.D005,
        files[0],
        `The reStructuredText description of ${files.join(", ")} was not rendered: ${run.reason}.`,
        { fix: "Install readme_renderer into the python that runs this action." },
      ),
    ];
  }
  const results = run.results;
  return items.flatMap((item) => {
    const result = results[texts.indexOf(item.meta.description as string)];
    return result.ok ? [] : [renderFailure(item, result)];
  });
}

function renderFailure(item: DescribedDist, result: RenderResult): Finding {
  const messages = result.messages.map((message) =>
    message.line === undefined
      ? `${message.level}: ${message.message}`
      : `line ${message.line}: ${message.level}: ${message.message}`,
  );
  const first = result.messages.find((message) => message.line !== undefined)?.line;
  // Point into the metadata file when the description is its body.
  const line =
    first !== undefined && item.meta.bodyLine !== undefined
      ? item.meta.bodyLine + first - 1
      : undefined;
  return finding(
    descriptionChecks.D004,
    item.file,
    `The description has reStructuredText errors and would not be rendered on PyPI: ${messages.join("; ")}`,
    { line, fix: "Fix the markup, or set the content type to text/markdown if it is markdown." },
  );
}
