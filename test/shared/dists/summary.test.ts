import { describe, expect, test } from "@jest/globals";
import type { DistArchive } from "../../../shared/dists/model.js";
import {
  classifierPythonVersions,
  distDetails,
  fileTree,
  hashTable,
  metadataTable,
} from "../../../shared/dists/summary.js";
import { formatSize } from "../../../shared/runtime/text.js";

const fields = (headers: [string, string][]) => ({
  get: (name: string) => headers.find(([key]) => key === name)?.[1],
  all: (name: string) => headers.filter(([key]) => key === name).map(([, value]) => value),
});

const archive: DistArchive = {
  kind: "wheel",
  file: "/w/dist/demo-1.0-py3-none-any.whl",
  filename: "demo-1.0-py3-none-any.whl",
  size: 2048,
  sha256: "ab".repeat(32),
  members: [
    { path: "demo/__init__.py", kind: "file", size: 20 },
    { path: "demo/data/", kind: "directory", size: 0 },
    { path: "demo/data/big.bin", kind: "file", size: 3 * 1024 * 1024 },
    { path: "demo-1.0.dist-info/METADATA", kind: "file", size: 300 },
  ],
  texts: new Map(),
};

describe("the job summary", () => {
  test("sizes read like a person writes them", () => {
    expect([0, 1023, 1024, 1536, 20 * 1024, 3 * 1024 * 1024].map(formatSize)).toEqual([
      "0 B",
      "1.0 kB",
      "1.0 kB",
      "1.5 kB",
      "20 kB",
      "3.1 MB",
    ]);
  });

  test("python versions come from X.Y classifiers, in version order, once each", () => {
    const metadata = fields([
      ["Classifier", "Programming Language :: Python :: 3.10"],
      ["Classifier", "Programming Language :: Python :: 3"],
      ["Classifier", "Programming Language :: Python :: 3.9"],
      ["Classifier", "Programming Language :: Python :: 3 :: Only"],
      ["Classifier", "Programming Language :: Python :: 3.13"],
      ["Classifier", "Programming Language :: Python :: 3.9"],
      ["Classifier", "License :: OSI Approved :: MIT License"],
    ]);
    expect(classifierPythonVersions(metadata)).toEqual(["3.9", "3.10", "3.13"]);
  });

  test("the metadata table shows the set fields and escapes cells", () => {
    const table = metadataTable(
      fields([
        ["Name", "demo"],
        ["Version", "1.0"],
        ["Summary", "pipes | and more"],
        ["Requires-Dist", "requests>=2"],
        ["Requires-Dist", 'tomli; python_version < "3.11"'],
      ]),
    );
    expect(table.split("\n")).toEqual([
      "| Field | Value |",
      "| --- | --- |",
      "| **Name** | demo |",
      "| **Version** | 1.0 |",
      "| **Summary** | pipes \\| and more |",
      '| **Requires-Dist** | requests>=2, tomli; python_version < "3.11" |',
    ]);
  });

  test("each dist is a collapsible tree with sizes, and the hashes are listed", () => {
    expect(fileTree(archive).split("\n")).toEqual([
      "demo/",
      "  __init__.py  20 B",
      "  data/",
      "    big.bin  3.1 MB",
      "demo-1.0.dist-info/",
      "  METADATA  300 B",
    ]);
    expect(distDetails(archive)).toMatch(
      /^<details><summary><code>demo-1.0-py3-none-any.whl<\/code>: 3 files, 2.0 kB<\/summary>\n\n```text\ndemo\/\n/,
    );
    expect(hashTable([archive])).toContain(
      `| \`demo-1.0-py3-none-any.whl\` | 2.0 kB | \`${"ab".repeat(32)}\` |`,
    );
  });
});
