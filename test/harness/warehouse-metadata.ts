/**
 * Warehouse's `metadata.parse(None, form_data=…)`, written from `warehouse/forklift/metadata.py`
 * and `packaging.metadata` without the action's checks: the form is read into raw metadata,
 * validated field by field against its Metadata-Version, then against PyPI's own rules. The
 * answer is the refusal Warehouse gives: one error, by its field order, with its message.
 */
import spdxExceptions from "spdx-exceptions/index.json" with { type: "json" };
import deprecatedIds from "spdx-license-ids/deprecated.json" with { type: "json" };
import spdxIds from "spdx-license-ids/index.json" with { type: "json" };
import { deprecatedClassifiers, troveClassifiers } from "../../shared/dists/trove-classifiers.js";
import { explainVersion, isValidSpecifier } from "../../shared/project/pep440.js";
import { parseRequirement, type Requirement } from "../../shared/project/pep508.js";

const VERSIONS = ["1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"];
const SEE = "See https://packaging.python.org/specifications/core-metadata for more information.";

type Kind = "string" | "list" | "keywords" | "urls";

/** Form key → [raw name, email name, the version that added it, kind]. */
const FIELDS: Record<string, readonly [string, string, string, Kind]> = {
  metadata_version: ["metadata_version", "metadata-version", "1.0", "string"],
  name: ["name", "name", "1.0", "string"],
  version: ["version", "version", "1.0", "string"],
  platform: ["platforms", "platform", "1.0", "list"],
  summary: ["summary", "summary", "1.0", "string"],
  description: ["description", "description", "1.0", "string"],
  keywords: ["keywords", "keywords", "1.0", "keywords"],
  home_page: ["home_page", "home-page", "1.0", "string"],
  author: ["author", "author", "1.0", "string"],
  author_email: ["author_email", "author-email", "1.0", "string"],
  license: ["license", "license", "1.0", "string"],
  supported_platform: ["supported_platforms", "supported-platform", "1.1", "list"],
  download_url: ["download_url", "download-url", "1.1", "string"],
  classifiers: ["classifiers", "classifier", "1.1", "list"],
  requires: ["requires", "requires", "1.1", "list"],
  provides: ["provides", "provides", "1.1", "list"],
  obsoletes: ["obsoletes", "obsoletes", "1.1", "list"],
  maintainer: ["maintainer", "maintainer", "1.2", "string"],
  maintainer_email: ["maintainer_email", "maintainer-email", "1.2", "string"],
  requires_dist: ["requires_dist", "requires-dist", "1.2", "list"],
  provides_dist: ["provides_dist", "provides-dist", "1.2", "list"],
  obsoletes_dist: ["obsoletes_dist", "obsoletes-dist", "1.2", "list"],
  requires_python: ["requires_python", "requires-python", "1.2", "string"],
  requires_external: ["requires_external", "requires-external", "1.2", "list"],
  project_urls: ["project_urls", "project-url", "1.2", "urls"],
  description_content_type: [
    "description_content_type",
    "description-content-type",
    "2.1",
    "string",
  ],
  provides_extra: ["provides_extra", "provides-extra", "2.1", "list"],
  dynamic: ["dynamic", "dynamic", "2.2", "list"],
  license_expression: ["license_expression", "license-expression", "2.4", "string"],
  license_file: ["license_files", "license-file", "2.4", "list"],
  import_name: ["import_names", "import-name", "2.5", "list"],
  import_namespace: ["import_namespaces", "import-namespace", "2.5", "list"],
};

const EMAIL_NAMES = new Set(Object.values(FIELDS).map(([, email]) => email));

const DYNAMIC_ALLOWED = new Set(
  [
    "Platform",
    "Supported-Platform",
    "Summary",
    "Description",
    "Description-Content-Type",
    "Keywords",
    "Home-Page",
    "Download-Url",
    "Author",
    "Author-Email",
    "Maintainer",
    "Maintainer-Email",
    "License",
    "License-Expression",
    "License-File",
    "Classifier",
    "Requires-Dist",
    "Requires-Python",
    "Requires-External",
    "Project-Url",
    "Provides-Extra",
    "Provides-Dist",
    "Obsoletes-Dist",
    "Requires",
    "Provides",
    "Obsoletes",
    "Import-Name",
    "Import-Namespace",
  ].map((name) => name.toLowerCase()),
);

/** Python's repr of a str. */
export function pyRepr(value: string): string {
  const escaped = value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\t/g, "\\t");
  return escaped.includes("'") && !escaped.includes('"')
    ? `"${escaped}"`
    : `'${escaped.replace(/'/g, "\\'")}'`;
}

type RawValue = string | string[] | Map<string, string>;

interface FieldError {
  field: string;
  message: string;
}

/** The form as Warehouse holds it: a key whose last value is UNKNOWN is deleted. */
function formValues(fields: ReadonlyArray<readonly [string, string]>): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const [key, value] of fields) values.set(key, [...(values.get(key) ?? []), value]);
  for (const [key, list] of values) if (list.at(-1)?.trim() === "UNKNOWN") values.delete(key);
  return values;
}

/** parse_form_metadata: raw metadata, or the keys that could not be read. */
function readRaw(values: Map<string, string[]>): {
  raw: Map<string, RawValue>;
  unparsed: string[];
} {
  const raw = new Map<string, RawValue>();
  const unparsed: string[] = [];
  for (const [key, list] of values) {
    const spec = FIELDS[key];
    if (!spec || (list.length === 1 && list[0] === "")) continue;
    const [rawName, , , kind] = spec;
    if (kind === "list") raw.set(rawName, list);
    else if (list.length !== 1 && kind !== "urls") unparsed.push(key);
    else if (kind === "string") raw.set(rawName, list[0]);
    else if (kind === "keywords")
      raw.set(
        rawName,
        list[0].split(",").map((k) => k.trim()),
      );
    else {
      const urls = new Map<string, string>();
      for (const pair of list) {
        const comma = pair.indexOf(",");
        const label = (comma < 0 ? pair : pair.slice(0, comma)).trim();
        if (urls.has(label)) {
          unparsed.push(key);
          break;
        }
        urls.set(label, comma < 0 ? "" : pair.slice(comma + 1).trim());
      }
      if (!unparsed.includes(key)) raw.set(rawName, urls);
    }
  }
  return { raw, unparsed };
}

const validName = (name: string) => /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i.test(name);

const spdxLicenses = new Set([...spdxIds, ...deprecatedIds].map((id) => id.toLowerCase()));
const spdxExceptionIds = new Set(spdxExceptions.map((id) => id.toLowerCase()));

/** packaging's canonicalize_license_expression, as a yes or no. */
export function validLicenseExpression(expression: string): boolean {
  const tokens = expression.replace(/[()]/g, " $& ").trim().split(/\s+/);
  if (tokens.length === 0 || tokens[0] === "") return false;
  let position = 0;
  const license = (): boolean => {
    const token = tokens[position++] ?? "";
    if (token === "(") return expr() && tokens[position++] === ")";
    const id = token.endsWith("+") ? token.slice(0, -1) : token;
    const known = spdxLicenses.has(id.toLowerCase()) || /^LicenseRef-[A-Za-z0-9.-]+$/i.test(id);
    if (!known) return false;
    if (tokens[position]?.toUpperCase() !== "WITH") return true;
    position++;
    const exception = tokens[position++] ?? "";
    return spdxExceptionIds.has(exception.toLowerCase());
  };
  const expr = (): boolean => {
    if (!license()) return false;
    while (["AND", "OR"].includes(tokens[position]?.toUpperCase() ?? "")) {
      position++;
      if (!license()) return false;
    }
    return true;
  };
  return expr() && position === tokens.length;
}

function contentTypeError(value: string): string | undefined {
  const [typePart, ...params] = value.split(";");
  const type = typePart.trim().toLowerCase();
  if (!["text/plain", "text/x-rst", "text/markdown"].includes(type)) {
    return `'description-content-type' must be one of ['text/plain', 'text/x-rst', 'text/markdown'], not ${pyRepr(value)}`;
  }
  const param = (name: string) =>
    params
      .map((p) => p.split("="))
      .find(([key]) => key.trim().toLowerCase() === name)?.[1]
      ?.trim()
      .replace(/^"(.*)"$/, "$1");
  const charset = param("charset") ?? "UTF-8";
  if (charset !== "UTF-8") {
    return `'description-content-type' can only specify the UTF-8 charset, not ${pyRepr(charset)}`;
  }
  const variant = param("variant") ?? "GFM";
  if (type === "text/markdown" && !["GFM", "CommonMark"].includes(variant)) {
    return `valid Markdown variants for 'description-content-type' are ['GFM', 'CommonMark'], not ${pyRepr(variant)}`;
  }
  return undefined;
}

function licenseFileError(file: string): string | undefined {
  const invalid = `${pyRepr(file)} is invalid for 'license-file'`;
  if (file.includes("..")) return `${invalid}, parent directory indicators are not allowed`;
  if (file.includes("*")) return `${invalid}, paths must be resolved`;
  if (file.startsWith("/") || /^[A-Za-z]:|^\\/.test(file))
    return `${invalid}, paths must be relative`;
  if (file.includes("\\")) return `${invalid}, paths must use '/' delimiter`;
  return undefined;
}

function requirement(text: string): Requirement | undefined {
  try {
    return parseRequirement(text);
  } catch {
    return undefined;
  }
}

/** One field's packaging validation (`_process_<field>`). */
function processField(rawName: string, value: RawValue | undefined): string | undefined {
  const text = typeof value === "string" ? value : "";
  const list = Array.isArray(value) ? value : [];
  switch (rawName) {
    case "name":
      if (!text) return "'name' is a required field";
      return validName(text) ? undefined : `${pyRepr(text)} is invalid for 'name'`;
    case "version":
      if (!text) return "'version' is a required field";
      return explainVersion(text) ? undefined : `${pyRepr(text)} is invalid for 'version'`;
    case "summary":
      return text.includes("\n") ? "'summary' must be a single line" : undefined;
    case "description_content_type":
      return contentTypeError(text);
    case "dynamic":
      for (const field of list.map((f) => f.toLowerCase())) {
        if (["name", "version", "metadata-version"].includes(field))
          return `${pyRepr(field)} is not allowed as a dynamic field`;
        if (!EMAIL_NAMES.has(field)) return `${pyRepr(field)} is not a valid dynamic field`;
      }
      return undefined;
    case "provides_extra":
      return list
        .filter((extra) => !validName(extra))
        .map((extra) => `${pyRepr(extra)} is invalid for 'provides-extra'`)[0];
    case "requires_python":
      return isValidSpecifier(text)
        ? undefined
        : `${pyRepr(text)} is invalid for 'requires-python'`;
    case "requires_dist":
      return list
        .filter((req) => !requirement(req))
        .map((req) => `${pyRepr(req)} is invalid for 'requires-dist'`)[0];
    case "license_expression":
      return validLicenseExpression(text)
        ? undefined
        : `${pyRepr(text)} is invalid for 'license-expression'`;
    case "license_files":
      return list.map(licenseFileError).find(Boolean);
    default:
      return undefined;
  }
}

/** Metadata.from_raw: each field against the declared version, then its own rule. */
function packagingErrors(raw: Map<string, RawValue>): FieldError[] {
  const errors: FieldError[] = [];
  const declared = raw.get("metadata_version");
  const age = typeof declared === "string" ? VERSIONS.indexOf(declared) : -1;
  if (age < 0) {
    const shown = typeof declared === "string" ? pyRepr(declared) : "None";
    errors.push({ field: "metadata-version", message: `${shown} is not a valid metadata version` });
  }
  const keys = new Set([...raw.keys(), "name", "version"]);
  keys.delete("metadata_version");
  const specs = new Map(Object.values(FIELDS).map((spec) => [spec[0], spec]));
  for (const key of keys) {
    const [, email, added] = specs.get(key) ?? [key, key, "1.0"];
    if (age >= 0 && VERSIONS.indexOf(added) > age) {
      errors.push({
        field: email,
        message: `${email} introduced in metadata version ${added}, not ${declared}`,
      });
      continue;
    }
    const message = processField(key, raw.get(key));
    if (message) errors.push({ field: email, message });
  }
  return errors;
}

/** http(s) URLs, as warehouse.utils.http.is_valid_uri(require_authority=False) takes them. */
function validUrl(url: string): boolean {
  if (!/^https?:/i.test(url) || /\s/.test(url)) return false;
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}

/** A plain check of an address's shape: one `@`, a local part, a dotted domain of usable labels. */
function emailProblem(address: string): string | undefined {
  const at = address.lastIndexOf("@");
  if (at <= 0) return "An email address must have an @-sign.";
  const domain = address.slice(at + 1);
  const labels = domain.split(".");
  if (
    labels.length < 2 ||
    labels.some((label) => !/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/.test(label))
  )
    return "The part after the @-sign is not valid.";
  if (/[\s"(),:;<>[\\\]]/.test(address.slice(0, at)))
    return "The email address contains invalid characters before the @-sign.";
  return undefined;
}

/** email.utils.parseaddr, for the common forms: `Name <addr>` or a bare address. */
function parsedAddress(value: string): string {
  const angle = /<([^>]*)>/.exec(value);
  return (angle ? angle[1] : value.split(",")[0]).trim();
}

/** `_validate_metadata`: PyPI's rules on top of packaging's. */
function warehouseErrors(raw: Map<string, RawValue>): FieldError[] {
  const errors: FieldError[] = [];
  const text = (key: string) => {
    const value = raw.get(key);
    return typeof value === "string" ? value : undefined;
  };
  const list = (key: string) => {
    const value = raw.get(key);
    return Array.isArray(value) ? value : [];
  };
  const version = text("version") ?? "";
  if (explainVersion(version)?.local)
    errors.push({
      field: "version",
      message: `The use of local versions in '${version}' is not allowed.`,
    });
  if ((text("summary") ?? "").length > 512)
    errors.push({ field: "summary", message: "'summary' field must be 512 characters or less." });
  for (const [key, field] of [
    ["author_email", "author-email"],
    ["maintainer_email", "maintainer-email"],
  ]) {
    const address = parsedAddress(text(key) ?? "");
    const problem = address ? emailProblem(address) : undefined;
    if (problem)
      errors.push({
        field,
        message: `${pyRepr(address)} is not a valid email address: ${problem}`,
      });
  }
  const classifiers = [...new Set(list("classifiers"))].sort();
  for (const classifier of classifiers.filter(
    (c) => !troveClassifiers.has(c) && !deprecatedClassifiers.has(c),
  ))
    errors.push({
      field: "classifier",
      message: `${pyRepr(classifier)} is not a valid classifier.`,
    });
  for (const classifier of classifiers.filter((c) => deprecatedClassifiers.has(c))) {
    const by = deprecatedClassifiers.get(classifier) ?? [];
    const use = by.length ? `, use one of [${by.map(pyRepr).join(", ")}] instead` : "";
    errors.push({
      field: "classifier",
      message: `The classifier ${pyRepr(classifier)} has been deprecated${use}.`,
    });
  }
  for (const [key, field] of [
    ["home_page", "home-page"],
    ["download_url", "download-url"],
  ]) {
    const url = text(key);
    if (url !== undefined && !validUrl(url))
      errors.push({ field, message: `${pyRepr(url)} is not a valid url.` });
  }
  const urls = raw.get("project_urls");
  for (const [label, url] of urls instanceof Map ? urls : []) {
    const message = !label
      ? "Must have a label"
      : label.length > 32
        ? `${pyRepr(label)} must be 32 characters or less.`
        : !url
          ? "Must have a URL"
          : validUrl(url)
            ? undefined
            : `${pyRepr(url)} is not a valid url`;
    if (message) errors.push({ field: "project-url", message });
  }
  for (const [key, field] of [
    ["provides_dist", "provides-dist"],
    ["obsoletes_dist", "obsoletes-dist"],
  ]) {
    for (const text of list(key)) {
      const parsed = requirement(text);
      if (!parsed)
        errors.push({ field, message: `${pyRepr(text)} is invalid: invalid requirement` });
      else if (parsed.url)
        errors.push({ field, message: `Can't have direct dependency: ${pyRepr(text)}` });
    }
  }
  for (const text of list("requires_dist")) {
    if (requirement(text)?.url)
      errors.push({ field: "requires-dist", message: `Can't have direct dependency: ${text}` });
  }
  for (const key of list("dynamic").map((f) => f.toLowerCase())) {
    if (!DYNAMIC_ALLOWED.has(key))
      errors.push({
        field: "dynamic",
        message: `Dynamic field ${pyRepr(key)} is not a valid dynamic field.`,
      });
  }
  if (text("license") && text("license_expression")) {
    errors.push({
      field: "license",
      message:
        "License is deprecated when License-Expression is present. Only License-Expression should be present.",
    });
  }
  return errors;
}

/** The one error Warehouse reports: metadata-version, name, version first, else the first field by name. */
function reported(errors: FieldError[]): string | undefined {
  if (errors.length === 0) return undefined;
  const fields = [...new Set(errors.map((error) => error.field))];
  const field =
    ["metadata-version", "name", "version"].find((f) => fields.includes(f)) ?? fields.sort()[0];
  const message = errors.find((error) => error.field === field)?.message ?? "";
  return `${message}${message.endsWith(".") ? "" : "."} ${SEE}`;
}

/** Warehouse's refusal of the form's metadata, or undefined when PyPI would take it. */
export function metadataRefusal(
  fields: ReadonlyArray<readonly [string, string]>,
): string | undefined {
  const { raw, unparsed } = readRaw(formValues(fields));
  if (unparsed.length)
    return reported(
      unparsed.map((key) => ({ field: key, message: `${pyRepr(key)} has invalid data` })),
    );
  return reported(packagingErrors(raw)) ?? reported(warehouseErrors(raw));
}

/** The License-File values PyPI will look for in the file (2.4 and later only reach here). */
export function licenseFiles(fields: ReadonlyArray<readonly [string, string]>): string[] {
  return fields
    .filter(([key, value]) => key === "license_file" && value !== "")
    .map(([, value]) => value);
}
