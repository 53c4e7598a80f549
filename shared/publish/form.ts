/** The legacy upload form for one dist, field for field what twine 7 sends. */
import path from "node:path";
import { splitWheelFilename } from "../dists/filenames.js";
import { type CoreMetadata, declaresAtLeast } from "../dists/metadata.js";

export type FormField = readonly [name: string, value: string];

/** Form field ← header; `list` fields repeat the key, once per header. Import-Name is not sent. */
const metadataFields: ReadonlyArray<readonly [string, string, "one" | "list"]> = [
  ["metadata_version", "Metadata-Version", "one"],
  ["summary", "Summary", "one"],
  ["home_page", "Home-page", "one"],
  ["author", "Author", "one"],
  ["author_email", "Author-email", "one"],
  ["maintainer", "Maintainer", "one"],
  ["maintainer_email", "Maintainer-email", "one"],
  ["license", "License", "one"],
  ["license_expression", "License-Expression", "one"],
  ["license_file", "License-File", "list"],
  ["platform", "Platform", "list"],
  ["classifiers", "Classifier", "list"],
  ["download_url", "Download-URL", "one"],
  ["supported_platform", "Supported-Platform", "list"],
  ["provides", "Provides", "list"],
  ["requires", "Requires", "list"],
  ["obsoletes", "Obsoletes", "list"],
  ["provides_dist", "Provides-Dist", "list"],
  ["obsoletes_dist", "Obsoletes-Dist", "list"],
  ["requires_dist", "Requires-Dist", "list"],
  ["requires_external", "Requires-External", "list"],
  ["requires_python", "Requires-Python", "one"],
  ["provides_extra", "Provides-Extra", "list"],
  ["description_content_type", "Description-Content-Type", "one"],
  ["dynamic", "Dynamic", "list"],
];

/** The name as Warehouse and twine send it: runs of other characters become one `-`. */
export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9.]+/g, "-");
}

export type DistType = "sdist" | "bdist_wheel";

export function distType(file: string): DistType {
  return file.endsWith(".whl") ? "bdist_wheel" : "sdist";
}

/** `source` for an sdist; a wheel's python tag, or `any` when its name has under five fields. */
export function pyversion(file: string): string {
  const base = path.basename(file);
  if (!base.endsWith(".whl")) return "source";
  return splitWheelFilename(base)?.tags?.[0] ?? "any";
}

/** `Keywords` split at commas and trimmed, then joined with `, `, as packaging and twine do. */
function keywords(value: string): string {
  return value
    .split(",")
    .map((keyword) => keyword.trim())
    .join(", ");
}

/** Each `Project-URL` as `label, url`, both trimmed, as twine sends packaging's mapping. */
function projectUrls(meta: CoreMetadata): FormField[] {
  const urls = new Map<string, string>();
  for (const value of meta.all("Project-URL")) {
    const comma = value.indexOf(",");
    const [label, url] = comma < 0 ? [value, ""] : [value.slice(0, comma), value.slice(comma + 1)];
    if (!urls.has(label.trim())) urls.set(label.trim(), url.trim());
  }
  return [...urls].map(([label, url]) => ["project_urls", `${label}, ${url}`]);
}

/** Every field but the file and its digests, which follow the file in the body. */
export function uploadFields(meta: CoreMetadata, file: string): FormField[] {
  const fields: FormField[] = [
    ["name", safeName(meta.get("Name") ?? "")],
    ["version", meta.get("Version") ?? ""],
    ["filetype", distType(file)],
    ["pyversion", pyversion(file)],
  ];
  // twine drops License-File below Metadata-Version 2.4, which PyPI refuses there.
  const dropped = declaresAtLeast(meta, 2, 4) ? "" : "license_file";
  for (const [field, header, arity] of metadataFields) {
    if (field === dropped) continue;
    const values = arity === "list" ? meta.all(header) : meta.all(header).slice(0, 1);
    for (const value of values) fields.push([field, value]);
  }
  const description = meta.description;
  if (description !== undefined) fields.push(["description", description]);
  const keywordsHeader = meta.get("Keywords");
  if (keywordsHeader !== undefined) fields.push(["keywords", keywords(keywordsHeader)]);
  fields.push(...projectUrls(meta));
  fields.push([":action", "file_upload"], ["protocol_version", "1"]);
  return fields;
}
