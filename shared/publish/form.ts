/**
 * The legacy upload form for one dist: the fields current twine and uv send, taken from the
 * dist's own core metadata, read the way pkginfo reads it.
 */
import path from "node:path";
import { type CoreMetadata, declaresAtLeast } from "../dists/metadata.js";

export type FormField = readonly [name: string, value: string];

/**
 * Form field ← header, in twine's order. `list` fields repeat the key, once per header; `one`
 * fields are sent empty when absent, as twine sends them; `set` fields only when present.
 */
const metadataFields: ReadonlyArray<readonly [string, string, "one" | "set" | "list"]> = [
  ["metadata_version", "Metadata-Version", "one"],
  ["summary", "Summary", "one"],
  ["home_page", "Home-page", "one"],
  ["author", "Author", "one"],
  ["author_email", "Author-email", "one"],
  ["maintainer", "Maintainer", "one"],
  ["maintainer_email", "Maintainer-email", "one"],
  ["license", "License", "one"],
  ["license_expression", "License-Expression", "set"],
  ["license_file", "License-File", "list"],
  ["description", "Description", "one"],
  ["keywords", "Keywords", "one"],
  ["platform", "Platform", "list"],
  ["classifiers", "Classifier", "list"],
  ["download_url", "Download-URL", "one"],
  ["supported_platform", "Supported-Platform", "list"],
  ["comment", "", "one"],
  ["provides", "Provides", "list"],
  ["requires", "Requires", "list"],
  ["obsoletes", "Obsoletes", "list"],
  ["project_urls", "Project-URL", "list"],
  ["provides_dist", "Provides-Dist", "list"],
  ["obsoletes_dist", "Obsoletes-Dist", "list"],
  ["requires_dist", "Requires-Dist", "list"],
  ["requires_external", "Requires-External", "list"],
  ["requires_python", "Requires-Python", "one"],
  ["provides_extra", "Provides-Extra", "list"],
  ["description_content_type", "Description-Content-Type", "one"],
  ["dynamic", "Dynamic", "list"],
];

/** A folded header on one line, as pkginfo gives it. */
function unfold(value: string): string {
  return value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .join(" ");
}

/** A `Description` header keeps its lines, less the 8-space continuation indent. */
function unfoldDescription(value: string): string {
  return value
    .trim()
    .split(/\r?\n/)
    .map((line) => (line.startsWith("        ") ? line.slice(8) : line))
    .join("\n");
}

/** The name as Warehouse and twine send it: runs of other characters become one `-`. */
export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9.]+/g, "-");
}

export type DistType = "sdist" | "bdist_wheel";

export function distType(file: string): DistType {
  return file.endsWith(".whl") ? "bdist_wheel" : "sdist";
}

/** The wheel file name's python tag; empty for an sdist, as twine sends it (Warehouse reads it as `source`). */
export function pyversion(file: string): string {
  const base = path.basename(file);
  if (!base.endsWith(".whl")) return "";
  const parts = base.slice(0, -4).split("-");
  return parts[parts.length - 3] ?? "";
}

function metadataValue(meta: CoreMetadata, header: string): string | undefined {
  if (header === "") return undefined;
  if (header === "Description") {
    if (meta.body) return meta.body;
    const value = meta.get(header);
    return value === undefined ? undefined : unfoldDescription(value);
  }
  const value = meta.get(header);
  if (value === undefined) return undefined;
  const flat = unfold(value);
  return flat === "UNKNOWN" ? undefined : flat;
}

/** Every field but the file and its digests, which follow the file in the body. */
export function uploadFields(meta: CoreMetadata, file: string): FormField[] {
  const fields: FormField[] = [
    ["name", safeName(unfold(meta.get("Name") ?? ""))],
    ["version", unfold(meta.get("Version") ?? "")],
    ["filetype", distType(file)],
    ["pyversion", pyversion(file)],
  ];
  // twine drops License-File below Metadata-Version 2.4, which PyPI refuses there.
  const dropped = declaresAtLeast(meta, 2, 4) ? "" : "license_file";
  for (const [field, header, arity] of metadataFields) {
    if (field === dropped) continue;
    if (arity === "list") {
      for (const value of meta.all(header)) fields.push([field, unfold(value)]);
      continue;
    }
    const value = metadataValue(meta, header);
    if (value !== undefined || arity === "one") fields.push([field, value ?? ""]);
  }
  fields.push([":action", "file_upload"], ["protocol_version", "1"]);
  return fields;
}
