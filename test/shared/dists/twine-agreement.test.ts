/**
 * Our strict verdict on crafted metadata and description defects equals real
 * `twine check --strict` (Debian twine 4.0.2, pkginfo 1.8.2), case by case.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { inspectDists } from "../../../shared/dists/inspect.js";
import { runCommand } from "../../../shared/runtime/command.js";
import type { Finding } from "../../../shared/runtime/findings.js";
import { debianToolName } from "../../harness/python-tools.js";
import { type CraftedMetadata, craftSdist, craftWheel } from "./craft.js";

const DEBIAN_PYTHON = "/usr/bin/python3";
/** A venv of Debian's python without its site-packages: it has no readme_renderer. */
let barePython = "";

const validRst = "Crafted\n=======\n\nA *crafted* package.\n\n- one\n- two\n";
const brokenRst = "Crafted\n=======\n\nA `broken reference.\n";

interface AgreementCase {
  /** What the case shows. */
  title: string;
  kind?: "wheel" | "sdist";
  metadata: CraftedMetadata;
  /** Extra files (wheel: library and .dist-info files). */
  files?: Record<string, string>;
  /** Exactly the codes our checks report. */
  codes: string[];
  /** A phrase twine prints when it fails, to show why it fails. */
  twineSays?: string;
  /** Debian twine 4.0.2 lacks this rule (newer twine, via packaging.metadata, has it): it passes. */
  twine402LacksRule?: string;
  /** Render with a python that has no readme_renderer. */
  barePython?: boolean;
}

const v = (version: string, headers: CraftedMetadata["headers"] = {}) => ({
  "Metadata-Version": version,
  ...headers,
});

const noRenderer = "readme_renderer";
const pkginfoUnknownVersion = "missing required fields";

/** The spec, one row per defect, plus controls that both pass. */
const cases: AgreementCase[] = [
  // Controls.
  { title: "good markdown wheel", metadata: {}, codes: [] },
  {
    title: "good plain-text wheel",
    metadata: {
      headers: { "Description-Content-Type": "text/plain" },
      description: "*plain* `text\n",
    },
    codes: [],
  },
  {
    title: "good reStructuredText wheel",
    metadata: { headers: { "Description-Content-Type": "text/x-rst" }, description: validRst },
    codes: [],
  },
  {
    title: "good markdown with charset and variant",
    metadata: {
      headers: { "Description-Content-Type": "text/markdown; charset=UTF-8; variant=CommonMark" },
    },
    codes: [],
  },
  { title: "good sdist (Metadata-Version 2.2)", kind: "sdist", metadata: {}, codes: [] },
  {
    title: "setuptools-style License-File in 2.1 metadata is tolerated",
    metadata: { headers: { "License-File": "LICENSE" } },
    files: { "craft_pkg-1.0.0.dist-info/LICENSE": "MIT\n" },
    codes: [],
  },
  {
    title: "good 2.2 wheel with a valid Dynamic",
    metadata: { headers: v("2.2", { Dynamic: "Requires-Dist" }) },
    codes: [],
  },
  {
    title: "M006 (notice): sdist PKG-INFO 2.1, below the sdist format's 2.2",
    kind: "sdist",
    metadata: { headers: v("2.1") },
    codes: ["M006"],
  },
  {
    title: "D005 (notice): rst not rendered without readme_renderer",
    metadata: { headers: { "Description-Content-Type": "text/x-rst" }, description: validRst },
    barePython: true,
    codes: ["D005"],
  },

  // Metadata defects.
  {
    title: "M001: Name missing",
    metadata: { headers: { Name: null } },
    codes: ["M001"],
    twineSays: pkginfoUnknownVersion,
  },
  {
    title: "M001: Version empty",
    metadata: { headers: { Version: "" } },
    codes: ["M001"],
    twineSays: pkginfoUnknownVersion,
  },
  {
    title: "M001: Metadata-Version missing",
    metadata: { headers: { "Metadata-Version": null } },
    codes: ["M001"],
    twineSays: "No METADATA in archive",
  },
  {
    title: "M002: invalid name",
    metadata: { headers: { Name: "craft pkg!" } },
    // The file is still named craft_pkg, so the name in it no longer matches either.
    codes: ["M002", "F003"],
    twine402LacksRule:
      "twine 4.0.2 does not validate names (newer twine does, via packaging.metadata)",
  },
  {
    title: "M003: invalid PEP 440 version",
    metadata: { headers: { Version: "1.0.0-final-really" } },
    codes: ["M003", "F004"],
    twine402LacksRule:
      "twine 4.0.2 does not validate versions (newer twine does, via packaging.metadata)",
  },
  {
    title: "M004: Metadata-Version of a newer major",
    metadata: { headers: v("3.0") },
    codes: ["M004"],
    twineSays: pkginfoUnknownVersion,
  },
  {
    title: "M004: Metadata-Version garbage",
    metadata: { headers: v("two point one") },
    codes: ["M004"],
    twineSays: pkginfoUnknownVersion,
  },
  {
    title: "M005 (warning): Metadata-Version of a newer minor",
    metadata: { headers: v("2.9") },
    codes: ["M005"],
    twineSays: pkginfoUnknownVersion,
  },
  // License rules exist from 2.4, which pkginfo 1.8.2 cannot read: twine fails on the version.
  {
    title: "M007: License and License-Expression both set (2.4)",
    metadata: { headers: v("2.4", { License: "MIT", "License-Expression": "MIT" }) },
    codes: ["M007"],
    twineSays: pkginfoUnknownVersion,
  },
  {
    title: "M008: License-File not in the wheel (2.4)",
    metadata: { headers: v("2.4", { "License-Expression": "MIT", "License-File": "LICENSE" }) },
    codes: ["M008"],
    twineSays: pkginfoUnknownVersion,
  },
  {
    title: "M009: Dynamic names Version (2.2)",
    metadata: { headers: v("2.2", { Dynamic: "Version" }) },
    codes: ["M009"],
    twine402LacksRule:
      "pkginfo 1.8.2 reads Dynamic without validating it (packaging.metadata does)",
  },
  {
    title: "M016: Provides-Extra not normalised (2.3), a warning",
    metadata: { headers: v("2.3", { "Provides-Extra": "Fancy_Extra" }) },
    codes: ["M016"],
    twineSays: pkginfoUnknownVersion,
  },
  {
    title: "M011: unknown field",
    metadata: { headers: { "Home-Town": "Springfield" } },
    codes: ["M011"],
    twine402LacksRule:
      "pkginfo ignores unknown fields (packaging.metadata reports them as unparsed)",
  },
  {
    title: "M012: License-Expression in 2.1 metadata (Debian's hatchling 1.12 writes this)",
    metadata: { headers: { "License-Expression": "MIT" } },
    codes: ["M012"],
    twine402LacksRule:
      "pkginfo ignores fields it does not know for 2.1 (packaging.metadata rejects them)",
  },
  {
    title: "M013: Requires-Dist not PEP 508",
    metadata: { headers: { "Requires-Dist": "requests (>=2" } },
    codes: ["M013"],
    twine402LacksRule: "twine 4.0.2 does not parse requirements (packaging.metadata does)",
  },
  {
    title: "M014: Requires-Python not a specifier",
    metadata: { headers: { "Requires-Python": "3.8" } },
    codes: ["M014"],
    twine402LacksRule: "twine 4.0.2 does not parse Requires-Python (packaging.metadata does)",
  },

  // Description defects.
  {
    title: "D001: Description-Content-Type not allowed",
    metadata: { headers: { "Description-Content-Type": "text/html" } },
    codes: ["D001"],
    twine402LacksRule:
      "twine 4.0.2 renders unknown types as rst without judging the type (packaging.metadata rejects it)",
  },
  {
    title: "D002 (warning): Description-Content-Type missing",
    metadata: { headers: { "Description-Content-Type": null }, description: validRst },
    codes: ["D002"],
    twineSays: "long_description_content_type` missing",
  },
  // twine 4.0.2 reads a wheel's empty body as an empty description, not a missing one; its
  // sdist reader keeps the rule, so the case is an sdist.
  {
    title: "D003 (warning): no description",
    kind: "sdist",
    metadata: { description: null },
    codes: ["D003"],
    twineSays: "long_description` missing",
  },
  {
    title: "D003 (warning): description UNKNOWN",
    metadata: { description: "UNKNOWN\n" },
    codes: ["D003"],
    twineSays: "long_description` missing",
  },
  {
    title: "D004: rst that does not render",
    metadata: { headers: { "Description-Content-Type": "text/x-rst" }, description: brokenRst },
    codes: ["D004"],
    twineSays: "syntax errors in markup",
  },
  {
    title: "D004: missing type renders as rst, and fails",
    metadata: { headers: { "Description-Content-Type": null }, description: brokenRst },
    codes: ["D002", "D004"],
    twineSays: "syntax errors in markup",
  },
  {
    title: "D004: sdist with rst that does not render",
    kind: "sdist",
    metadata: { headers: { "Description-Content-Type": "text/x-rst" }, description: brokenRst },
    codes: ["D004"],
    twineSays: "syntax errors in markup",
  },
];

/** Strict mode: any error or warning fails; notices do not count. */
const strictVerdict = (findings: Finding[]): "pass" | "fail" =>
  findings.some((finding) => finding.severity !== "notice") ? "fail" : "pass";

/** Our verdict: the whole validation build-dist runs on the file, in strict mode. */
async function verdictOf(file: string, python: string) {
  const { findings } = await inspectDists([file], { python, shownAs: (shown) => shown });
  return { verdict: strictVerdict(findings), findings };
}

function twineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NO_COLOR: "1",
    COLUMNS: "500",
    PIP_CONFIG_FILE: "/dev/null",
  };
  for (const name of Object.keys(env))
    if (name.startsWith("PIP_") && name !== "PIP_CONFIG_FILE") delete env[name];
  return env;
}

async function twineCheck(file: string) {
  const result = await runCommand(DEBIAN_PYTHON, ["-m", "twine", "check", "--strict", file], {
    env: twineEnv(),
    timeoutMs: 60_000,
  });
  return { verdict: result.code === 0 ? "pass" : "fail", output: result.output };
}

interface Outcome {
  ours: Awaited<ReturnType<typeof verdictOf>>;
  twine: Awaited<ReturnType<typeof twineCheck>>;
}

let dir: string;
const outcomes = new Map<string, Outcome>();

async function craft(one: AgreementCase, into: string): Promise<string> {
  if (one.kind === "sdist") {
    return craftSdist(into, one.metadata); // PKG-INFO defaults to Metadata-Version 2.2
  }
  const files = { "craft_pkg/__init__.py": '__version__ = "1.0.0"\n', ...one.files };
  return craftWheel(into, { ...one.metadata, files });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "twine-agreement-"));
  execFileSync(DEBIAN_PYTHON, ["-m", "venv", "--without-pip", path.join(dir, "bare")]);
  barePython = path.join(dir, "bare/bin/python");
  const queue = cases.map((one, index) => ({ one, index }));
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const into = mkdtempSync(path.join(dir, `case-${next.index}-`));
      const file = await craft(next.one, into);
      const [ours, twine] = await Promise.all([
        verdictOf(file, next.one.barePython ? barePython : DEBIAN_PYTHON),
        twineCheck(file),
      ]);
      outcomes.set(next.one.title, { ours, twine });
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}, 240_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe(`our strict verdict equals twine check --strict: ${debianToolName("twine")}`, () => {
  test("the bare python really lacks readme_renderer", async () => {
    const result = await runCommand(barePython, ["-c", `import ${noRenderer}`]);
    expect(result.code).not.toBe(0);
  });

  test.each(cases.map((one) => [one.title, one] as const))("%s", (_title, one) => {
    const outcome = outcomes.get(one.title) as Outcome;
    expect(outcome.ours.findings.map((finding) => finding.code).sort()).toEqual(
      [...one.codes].sort(),
    );
    if (one.twineSays) expect(outcome.twine.output).toContain(one.twineSays);
    if (one.twine402LacksRule) {
      // An explicit divergence: flags it if Debian's twine ever learns the rule.
      expect({ twine: outcome.twine.verdict, ours: outcome.ours.verdict }).toEqual({
        twine: "pass",
        ours: "fail",
      });
    } else {
      expect(outcome.ours.verdict).toBe(outcome.twine.verdict);
    }
  });
});
