import { spawn } from "node:child_process";
import { beforeAll, describe, expect, test } from "@jest/globals";
import {
  declaresAtLeast,
  metadataVersion,
  parseCoreMetadata,
} from "../../../shared/dists/metadata.js";

const PYTHON = "/usr/bin/python3";

/** Texts that exercise email.parser's corners; Python's compat32 parse is the oracle. */
const texts: Record<string, string> = {
  simple: "Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n\n# Demo\n\nBody.\n",
  folded: "Name: demo\nLicense: MIT License\n        second line\n\tthird line\nVersion: 1\n",
  repeated: "Classifier: A\nName: x\nClassifier: B\nclassifier: C\n\nbody",
  crlf: "Name: demo\r\nSummary: one\r\n  two\r\n\r\nBody line\r\nsecond\r\n",
  noBody: "Name: demo\nVersion: 1.0\n",
  noTrailingNewline: "Name: demo\n\nlast line without newline",
  blankBody: "Name: demo\n\n",
  leadingBlankBody: "Name: demo\n\n\n\nstarts after blanks\n",
  notAHeader: "Name: demo\nthis is not a header\nVersion: 1\n",
  spaceBeforeColon: "Name: demo\nVersion : 1.0\n",
  leadingContinuation: "  stray\nName: demo\n",
  unixFrom: "From someone Mon Jan 1\nName: demo\n",
  noSpaceAfterColon: "Name:demo\nSummary:\t tabbed\n",
  emptyValue: "Name: demo\nKeywords:\nVersion: 1\n",
  trailingSpaces: "Name: demo   \nVersion: 1.0\n",
  whitespaceLine: "Name: demo\n   \nVersion: 1.0\n\nbody\n",
  emptyName: "Name: demo\n: orphan\n  orphan continuation\nVersion: 1\n",
  unicode: "Name: démo\nAuthor: Zoë\n\nCafé ☕\n",
};

interface PythonParse {
  items: [string, string][];
  payload: string;
}

async function pythonParses(): Promise<Record<string, PythonParse>> {
  const script = `
import email.parser, email.policy, json, sys
out = {}
for key, text in json.load(sys.stdin).items():
    msg = email.parser.Parser(policy=email.policy.compat32).parsestr(text)
    out[key] = {"items": [[k, str(v)] for k, v in msg.items()], "payload": msg.get_payload()}
json.dump(out, sys.stdout)
`;
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ["-c", script], { stdio: ["pipe", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.on("close", (code) =>
      code === 0 ? resolve(JSON.parse(stdout)) : reject(new Error(`python exited ${code}`)),
    );
    child.stdin.end(JSON.stringify(texts));
  });
}

describe("parseCoreMetadata reads what email.parser (compat32) reads", () => {
  let oracle: Record<string, PythonParse>;
  beforeAll(async () => {
    oracle = await pythonParses();
  });

  test.each(Object.keys(texts))("%s", (key) => {
    const meta = parseCoreMetadata(texts[key]);
    // Header values are read with \n line endings (python keeps \r\n inside them); the body is kept as written.
    const lf = (value: string) => value.replace(/\r\n?/g, "\n");
    const expected = oracle[key];
    expect(meta.fields.map((field) => [field.name, field.value])).toEqual(
      expected.items.map(([name, value]) => [name, lf(value)]),
    );
    expect(meta.body ?? "").toBe(expected.payload);
  });
});

describe("CoreMetadata", () => {
  const meta = parseCoreMetadata(
    "Metadata-Version: 2.2\nName: demo\nClassifier: A\nRequires-Dist: x\nclassifier: B\nLicense: one\n  two\n\nThe body.\n",
  );

  test("keeps each header's line, in order", () => {
    expect(meta.fields.map((field) => [field.name, field.line])).toEqual([
      ["Metadata-Version", 1],
      ["Name", 2],
      ["Classifier", 3],
      ["Requires-Dist", 4],
      ["classifier", 5],
      ["License", 6],
    ]);
    expect(meta.bodyLine).toBe(9);
  });

  test("get and all are case-insensitive; get gives the first", () => {
    expect(meta.get("NAME")).toBe("demo");
    expect(meta.all("CLASSIFIER")).toEqual(["A", "B"]);
    expect(meta.all("Provides-Extra")).toEqual([]);
    expect(meta.get("Summary")).toBeUndefined();
    expect(meta.line("requires-dist")).toBe(4);
    expect(meta.get("License")).toBe("one\n  two");
  });

  test("the body is the description", () => {
    expect(meta.description).toBe("The body.\n");
    expect(meta.descriptionSource).toBe("body");
  });

  test("a Description header is used when there is no body, as written (packaging's rule)", () => {
    const spaces = parseCoreMetadata(
      "Name: x\nDescription: Title\n        =====\n        \n            indented\n",
    );
    expect(spaces.description).toBe("Title\n        =====\n        \n            indented");
    expect(spaces.descriptionSource).toBe("header");
    const pipes = parseCoreMetadata(
      "Name: x\nDescription: Title\n       |=====\n       |\n       |  kept\n",
    );
    expect(pipes.description).toBe("Title\n       |=====\n       |\n       |  kept");
  });

  test("the body wins over a Description header", () => {
    const both = parseCoreMetadata("Name: x\nDescription: header\n\nbody\n");
    expect(both.description).toBe("body\n");
  });

  test("no description at all", () => {
    expect(parseCoreMetadata("Name: x\n").description).toBeUndefined();
    expect(parseCoreMetadata("Name: x\n\n").descriptionSource).toBeUndefined();
  });
});

describe("metadataVersion", () => {
  const of = (value: string) => parseCoreMetadata(`Metadata-Version: ${value}\n`);

  test.each([
    ["2.1", { text: "2.1", major: 2, minor: 1 }],
    ["2.10", { text: "2.10", major: 2, minor: 10 }],
    [" 1.0 ", { text: "1.0", major: 1, minor: 0 }],
    ["3", undefined],
    ["2.1.0", undefined],
    ["two", undefined],
  ])("%j", (value, expected) => {
    expect(metadataVersion(of(value))).toEqual(expected);
  });

  test("missing", () => {
    expect(metadataVersion(parseCoreMetadata("Name: x\n"))).toBeUndefined();
  });

  test("declaresAtLeast", () => {
    expect(declaresAtLeast(of("2.2"), 2, 2)).toBe(true);
    expect(declaresAtLeast(of("2.10"), 2, 2)).toBe(true);
    expect(declaresAtLeast(of("3.0"), 2, 4)).toBe(true);
    expect(declaresAtLeast(of("2.1"), 2, 2)).toBe(false);
    expect(declaresAtLeast(of("1.2"), 2, 1)).toBe(false);
    expect(declaresAtLeast(of("junk"), 1, 0)).toBe(false);
  });
});
