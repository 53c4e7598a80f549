/** The job summary's view of what ships: metadata, each dist's file tree, and the hashes. */
import { markdownCell, markdownTable } from "../runtime/findings.js";
import { formatSize } from "../runtime/text.js";
import type { DistArchive } from "./model.js";

/** The parts of parsed core metadata the summary reads. */
export interface MetadataFields {
  get(name: string): string | undefined;
  all(name: string): string[];
}

/** Python versions from `Programming Language :: Python :: X.Y` classifiers, oldest first. */
export function classifierPythonVersions(metadata: MetadataFields): string[] {
  const versions = metadata
    .all("Classifier")
    .map((classifier) => /^Programming Language :: Python :: (\d+\.\d+)\s*$/.exec(classifier)?.[1])
    .filter((version): version is string => version !== undefined);
  const byNumber = (version: string) => version.split(".").map(Number);
  return [...new Set(versions)].sort((a, b) => {
    const [x, y] = [byNumber(a), byNumber(b)];
    return x[0] - y[0] || x[1] - y[1];
  });
}

const shownFields = [
  "Name",
  "Version",
  "Summary",
  "Requires-Python",
  "License-Expression",
  "License",
  "Metadata-Version",
  "Description-Content-Type",
];

export function metadataTable(metadata: MetadataFields): string {
  const rows = shownFields
    .map((field): [string, string | undefined] => [field, metadata.get(field)])
    .filter((row): row is [string, string] => Boolean(row[1]?.trim()))
    .map(([field, value]) => [field, markdownCell(value.split("\n")[0])]);
  const lists: [string, string[]][] = [
    ["Python versions", classifierPythonVersions(metadata)],
    ["Requires-Dist", metadata.all("Requires-Dist")],
    ["Provides-Extra", metadata.all("Provides-Extra")],
    ["Dynamic", metadata.all("Dynamic")],
  ];
  for (const [field, values] of lists) {
    if (values.length > 0) rows.push([field, markdownCell(values.join(", "))]);
  }
  return markdownTable(
    ["Field", "Value"],
    rows.map(([field, value]) => [`**${field}**`, value]),
  );
}

interface TreeNode {
  children: Map<string, TreeNode>;
  size?: number;
}

const MAX_TREE_LINES = 400;

/** The archive's members as an indented tree with sizes, capped for huge dists. */
export function fileTree(archive: DistArchive): string {
  const root: TreeNode = { children: new Map() };
  for (const member of archive.members) {
    const parts = member.path.split("/").filter(Boolean);
    let node = root;
    for (const part of parts) {
      let child = node.children.get(part);
      if (!child) {
        child = { children: new Map() };
        node.children.set(part, child);
      }
      node = child;
    }
    if (member.kind !== "directory") node.size = member.size;
  }
  const lines: string[] = [];
  const walk = (node: TreeNode, indent: string) => {
    for (const [name, child] of node.children) {
      const isDirectory = child.children.size > 0;
      const label = isDirectory ? `${name}/` : name;
      const size = child.size === undefined || isDirectory ? "" : `  ${formatSize(child.size)}`;
      lines.push(`${indent}${label}${size}`);
      walk(child, `${indent}  `);
    }
  };
  walk(root, "");
  if (lines.length <= MAX_TREE_LINES) return lines.join("\n");
  return [...lines.slice(0, MAX_TREE_LINES), `… and ${lines.length - MAX_TREE_LINES} more`].join(
    "\n",
  );
}

export function distDetails(archive: DistArchive): string {
  const files = archive.members.filter((member) => member.kind !== "directory").length;
  const title = `<code>${archive.filename}</code>: ${files} file${files === 1 ? "" : "s"}, ${formatSize(archive.size)}`;
  const tree = fileTree(archive).replace(/```/g, "ʼʼʼ");
  return `<details><summary>${title}</summary>\n\n\`\`\`text\n${tree}\n\`\`\`\n\n</details>`;
}

export function hashTable(archives: readonly DistArchive[]): string {
  return markdownTable(
    ["File", "Size", "sha256"],
    archives.map((archive) => [
      `\`${markdownCell(archive.filename)}\``,
      formatSize(archive.size),
      `\`${archive.sha256}\``,
    ]),
  );
}
