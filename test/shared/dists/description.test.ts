import { execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import {
  checkDescriptions,
  contentTypeProblem,
  descriptionChecks,
  parseContentType,
} from "../../../shared/dists/description.js";
import { parseCoreMetadata } from "../../../shared/dists/metadata.js";

const PYTHON = "/usr/bin/python3";
/** Debian's python in a venv of its own, without the system's packages: no readme_renderer. */
const bareVenv = mkdtempSync(path.join(os.tmpdir(), "pyship-bare-python-"));
execFileSync(PYTHON, ["-m", "venv", "--without-pip", bareVenv]);
const BARE_PYTHON = path.join(bareVenv, "bin/python3");
const MISSING_PYTHON = "/nonexistent/python3";

const brokenRst = "Title\n=====\n\nA `broken reference.\n";
const validRst = "Title\n=====\n\nSome *emphasis* and a list:\n\n- one\n- two\n";

const item = (type: string | null, description: string | null, file = "dist/demo.whl") => {
  const header = type === null ? "" : `Description-Content-Type: ${type}\n`;
  const body = description === null ? "" : `\n${description}`;
  return {
    meta: parseCoreMetadata(`Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n${header}${body}`),
    file,
  };
};

const codes = async (items: ReturnType<typeof item>[], python = PYTHON) =>
  (await checkDescriptions(items, python)).map((finding) => finding.code);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "description-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(bareVenv, { recursive: true, force: true });
});

describe("Description-Content-Type", () => {
  const values = [
    "text/markdown",
    "text/markdown; charset=UTF-8; variant=GFM",
    'text/x-rst; charset="UTF-8"',
    "Text/Plain ;  Charset = UTF-8 ",
    'text/markdown; note="a;b"; variant=CommonMark',
    "text/markdown;;variant=GFM",
    "text/html; flag",
    "",
  ];

  test("parameters are read like cgi.parse_header", async () => {
    const script =
      "import json, sys, warnings\nwarnings.simplefilter('ignore')\nimport cgi\n" +
      "json.dump([cgi.parse_header(v) for v in json.load(sys.stdin)], sys.stdout)";
    const expected = await new Promise<[string, Record<string, string>][]>((resolve, reject) => {
      const child = spawn(PYTHON, ["-c", script], { stdio: ["pipe", "pipe", "inherit"] });
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk;
      });
      child.on("close", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(code)));
      child.stdin.end(JSON.stringify(values));
    });
    expect(values.map(parseContentType)).toEqual(
      expected.map(([type, params]) => ({ type: type.toLowerCase(), params })),
    );
  });

  test.each([
    ["text/plain", undefined],
    ["text/x-rst; charset=UTF-8", undefined],
    ["TEXT/MARKDOWN; variant=CommonMark", undefined],
    ["text/markdown; variant=GFM; other=ignored", undefined],
    ["text/html", "is not one of"],
    ["markdown", "is not one of"],
    ["", "is not one of"],
    ["text/markdown; charset=latin-1", "charset 'latin-1'"],
    ["text/plain; charset=utf-8", "charset 'utf-8'"],
    ["text/markdown; variant=gfm", "variant 'gfm'"],
    ["text/markdown; variant=Pandoc", "variant 'Pandoc'"],
  ])("%j", (value, problem) => {
    if (problem === undefined) expect(contentTypeProblem(value)).toBeUndefined();
    else expect(contentTypeProblem(value)).toContain(problem);
  });
});

describe("checkDescriptions", () => {
  test("codes and severities", () => {
    expect(Object.values(descriptionChecks).map((check) => [check.code, check.severity])).toEqual([
      ["D001", "error"],
      ["D002", "warning"],
      ["D003", "warning"],
      ["D004", "error"],
      ["D005", "notice"],
    ]);
  });

  test("valid rst, markdown and plain text pass", async () => {
    expect(
      await codes([
        item("text/x-rst", validRst),
        item("text/markdown", "# Title\n"),
        item("text/plain", "text"),
      ]),
    ).toEqual([]);
  });

  test("D001: an invalid type is an error, on its header line, and is rendered as rst", async () => {
    const findings = await checkDescriptions([item("text/html", brokenRst)], PYTHON);
    expect(findings.map((finding) => [finding.code, finding.line])).toEqual([
      ["D001", 4],
      ["D004", 9],
    ]);
  });

  test("D002: a missing type warns, and the description is rendered as rst", async () => {
    expect(await codes([item(null, validRst)])).toEqual(["D002"]);
    expect(await codes([item(null, brokenRst)])).toEqual(["D002", "D004"]);
  });

  test.each([
    ["no body", null],
    ["an empty body", ""],
    ["whitespace", "\n   \n"],
    ["UNKNOWN", "UNKNOWN\n"],
  ])("D003: %s is a missing description, whatever the type", async (_what, description) => {
    expect(await codes([item("text/markdown", description)])).toEqual(["D003"]);
    expect(await codes([item("text/x-rst", description)])).toEqual(["D003"]);
  });

  test("D004: docutils messages with their lines, as twine prints them", async () => {
    const [found] = await checkDescriptions([item("text/x-rst", brokenRst)], PYTHON);
    expect(found.code).toBe("D004");
    expect(found.severity).toBe("error");
    expect(found.message).toContain(
      "line 4: Warning: Inline interpreted text or phrase reference start-string without end-string.",
    );
    // Line 4 of the description is line 9 of the metadata (the body starts on line 6).
    expect(found.line).toBe(9);
  });

  test("D004: a description that renders to nothing fails, as in twine", async () => {
    const [found] = await checkDescriptions([item("text/x-rst", ".. just a comment\n")], PYTHON);
    expect(found.code).toBe("D004");
    expect(found.message).toContain("No content rendered");
  });

  test("a Description header is rendered too", async () => {
    const meta = parseCoreMetadata(
      "Metadata-Version: 1.2\nName: demo\nVersion: 1.0\nDescription: Title\n        =====\n        \n        A `broken reference.\n",
    );
    const findings = await checkDescriptions([{ meta, file: "demo.tar.gz" }], PYTHON);
    expect(findings.map((finding) => finding.code)).toEqual(["D002", "D004"]);
  });

  test("non-ASCII text goes through intact", async () => {
    expect(await codes([item("text/x-rst", "Café ☕\n=======\n\nnaïve — ok\n")])).toEqual([]);
  });

  test("markdown and plain text are never rendered, so never fail", async () => {
    // The python does not exist: had it been needed, there would be a D005.
    expect(
      await codes(
        [item("text/markdown", brokenRst), item("text/plain", brokenRst)],
        MISSING_PYTHON,
      ),
    ).toEqual([]);
  });

  test("D005: one notice per call when python lacks readme_renderer", async () => {
    const findings = await checkDescriptions(
      [item("text/x-rst", brokenRst, "a.whl"), item(null, validRst, "b.tar.gz")],
      BARE_PYTHON,
    );
    expect(findings.map((finding) => finding.code)).toEqual(["D002", "D005"]);
    const notice = findings[1];
    expect(notice.severity).toBe("notice");
    expect(notice.message).toContain("a.whl, b.tar.gz");
    expect(notice.message).toContain("readme_renderer");
  });

  test("D005 when python cannot run, or does not finish", async () => {
    const [missing] = await checkDescriptions([item("text/x-rst", validRst)], MISSING_PYTHON);
    expect(missing).toEqual(expect.objectContaining({ code: "D005" }));
    expect(missing.message).toContain("cannot run");

    const hang = path.join(dir, "hang.sh");
    writeFileSync(hang, "#!/bin/sh\nexec sleep 60\n");
    chmodSync(hang, 0o755);
    const [stuck] = await checkDescriptions([item("text/x-rst", validRst)], hang, {
      timeoutMs: 200,
    });
    expect(stuck.code).toBe("D005");
    expect(stuck.message).toContain("did not finish");
  });

  test("one python run per call; each distinct text once, on stdin, never in argv", async () => {
    const log = path.join(dir, "log");
    const wrapper = path.join(dir, "python-wrapper.sh");
    writeFileSync(
      wrapper,
      `#!/bin/sh\nprintf 'run %s\\n' "$*" >> "${log}.args"\ntee -a "${log}.stdin" | exec ${PYTHON} "$@"\n`,
    );
    chmodSync(wrapper, 0o755);
    const findings = await checkDescriptions(
      [
        item("text/x-rst", validRst, "a.whl"),
        item("text/x-rst", validRst, "a.tar.gz"),
        item("text/x-rst", brokenRst, "b.whl"),
        item(null, brokenRst, "b.tar.gz"),
        item("text/markdown", "# md\n", "c.whl"),
      ],
      wrapper,
    );
    expect(findings.map((finding) => [finding.code, finding.file])).toEqual([
      ["D002", "b.tar.gz"],
      ["D004", "b.whl"],
      ["D004", "b.tar.gz"],
    ]);
    const args = readFileSync(`${log}.args`, "utf8");
    expect(args.match(/^run -c/gm)).toHaveLength(1);
    expect(args).not.toContain("broken reference");
    expect(JSON.parse(readFileSync(`${log}.stdin`, "utf8"))).toEqual([validRst, brokenRst]);
  });

  test("no rst to render: python is not run at all", async () => {
    expect(await codes([], MISSING_PYTHON)).toEqual([]);
    expect(await codes([item("text/markdown", "# md\n")], MISSING_PYTHON)).toEqual([]);
  });
});
