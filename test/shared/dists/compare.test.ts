import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { compareChecks, compareMetadata } from "../../../shared/dists/compare.js";
import { parseCoreMetadata } from "../../../shared/dists/metadata.js";
import { runCommand } from "../../../shared/runtime/command.js";
import { readTarGzMember, readZipMember } from "../../harness/archives.js";

const context = { sdistFile: "dist/demo-1.0.tar.gz", wheelFile: "dist/demo-1.0-py3-none-any.whl" };

const head = (version: string) => `Metadata-Version: ${version}\nName: demo\nVersion: 1.0\n`;

function compare(sdist: string, wheel: string) {
  return compareMetadata(parseCoreMetadata(sdist), parseCoreMetadata(wheel), context);
}

describe("compareMetadata", () => {
  test("C001 is a warning: PyPI accepts such a pair", () => {
    expect(compareChecks.C001.severity).toBe("warning");
  });

  test("identical metadata agrees", () => {
    const text = `${head("2.2")}Summary: s\nClassifier: A\nClassifier: B\n\nBody\n`;
    expect(compare(text, text)).toEqual([]);
  });

  test("one finding per differing field, naming it, on the wheel's line", () => {
    const found = compare(
      `${head("2.2")}Summary: one\n`,
      `${head("2.2")}Author: me\nSummary: two\n`,
    );
    expect(found).toEqual([
      expect.objectContaining({
        code: "C001",
        severity: "warning",
        file: context.wheelFile,
        line: 5,
      }),
      expect.objectContaining({ code: "C001", file: context.wheelFile, line: 4 }),
    ]);
    expect(found[0].message).toContain("Summary differs from the sdist dist/demo-1.0.tar.gz");
    expect(found[0].message).toContain("the sdist has 'one', the wheel has 'two'");
    expect(found[1].message).toContain("Author is in the wheel ('me') but not in the sdist");
  });

  test("a field only the sdist has differs too", () => {
    const [found] = compare(`${head("2.2")}Requires-Python: >=3.9\n`, head("2.2"));
    expect(found.message).toContain("Requires-Python differs");
    expect(found.message).toContain("the wheel has nothing");
  });

  test("multiple-use fields compare as lists, in any order", () => {
    const sdist = `${head("2.2")}Classifier: A\nClassifier: B\n`;
    expect(compare(sdist, `${head("2.2")}Classifier: B\nClassifier: A\n`)).toEqual([]);
    const [found, ...rest] = compare(sdist, `${head("2.2")}Classifier: A\nClassifier: C\n`);
    expect(rest).toEqual([]);
    expect(found.message).toContain("Classifier differs");
    expect(found.message).toContain("'A', 'B'");
    expect(found.message).toContain("'A', 'C'");
  });

  test("Dynamic fields may differ or appear, matched case-insensitively", () => {
    const sdist = `${head("2.2")}Dynamic: summary\nDynamic: Requires-Dist\nSummary: one\n`;
    expect(compare(sdist, `${head("2.2")}Summary: two\nRequires-Dist: attrs\n`)).toEqual([]);
  });

  test("below 2.2 every field counts as Dynamic", () => {
    expect(compare(`${head("2.1")}Summary: one\n`, `${head("2.1")}Summary: two\n`)).toEqual([]);
    expect(compare(`${head("1.0")}Summary: one\n`, `${head("2.2")}Summary: two\n`)).toEqual([]);
  });

  test("Metadata-Version itself and the sdist's Dynamic are not compared", () => {
    expect(compare(`${head("2.2")}Dynamic: Summary\n`, head("2.4"))).toEqual([]);
  });

  test("spelling that does not change meaning is normalised", () => {
    const sdist =
      "Metadata-Version: 2.2\nName: Demo.Pkg\nVersion: 1.0.0-RC.1\nProvides-Extra: Test_Extra\n" +
      'Requires-Dist: attrs (>=20) ; extra == "test"\nLicense: MIT\n  second line\n\nBody\n\n';
    const wheel =
      "Metadata-Version: 2.4\nName: demo_pkg\nVersion: 1.0.0rc1\nProvides-Extra: test-extra\n" +
      "Requires-Dist: attrs>=20; extra == 'test'\nLicense: MIT\n        second line\n\nBody\n";
    expect(compare(sdist, wheel)).toEqual([]);
  });

  test("a different version is a difference", () => {
    const [found] = compare(head("2.2"), "Metadata-Version: 2.2\nName: demo\nVersion: 1.0.1\n");
    expect(found.message).toContain("Version differs");
  });

  test("the description: header or body alike, trailing whitespace ignored, else the first differing line", () => {
    const asHeader = `${head("2.2")}Description: Title\n        \n        text\n`;
    expect(compare(asHeader, `${head("2.2")}\nTitle\n\ntext\n\n`)).toEqual([]);
    const [found] = compare(`${head("2.2")}\nTitle\n\ntext\n`, `${head("2.2")}\nTitle\n\nother\n`);
    expect(found.message).toContain("The description differs");
    expect(found.message).toContain("description line 3");
    expect(found.line).toBe(5);
    expect(compare(`${head("2.2")}Dynamic: Description\n\nA\n`, `${head("2.2")}\nB\n`)).toEqual([]);
  });
});

/** Real sdists and wheels from Debian's pure-Python backends, built offline. */
describe("real backends agree with themselves", () => {
  const projects: Record<string, Record<string, string>> = {
    setuptools: {
      "pyproject.toml": `[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"
[project]
name = "Tiny.ST"
version = "0.1.0"
description = "tiny setuptools"
readme = "README.md"
license = {text = "MIT License\\nsecond line"}
requires-python = ">=3.8"
dependencies = ["requests>=2; python_version>'3.6'", "attrs"]
classifiers = ["Programming Language :: Python :: 3.11"]
[project.optional-dependencies]
Test_Extra = ["pytest"]
[project.urls]
Home = "https://example.com"
`,
      "tiny_st/__init__.py": "",
      "README.md": "Tiny *readme*\n\n- item\n",
      LICENSE: "MIT\n",
    },
    hatchling: {
      "pyproject.toml": `[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"
[project]
name = "tiny-hatch"
version = "1.0.0rc1"
description = "tiny hatch"
readme = "README.rst"
license = {text = "MIT"}
authors = [{name = "A B", email = "a@example.com"}]
dependencies = ["attrs"]
[project.optional-dependencies]
dev = ["pytest"]
`,
      "tiny_hatch/__init__.py": "",
      "README.rst": "Tiny\n====\n\nrst readme\n",
      "LICENSE.txt": "MIT\n",
    },
    flit: {
      "pyproject.toml": `[build-system]
requires = ["flit_core"]
build-backend = "flit_core.buildapi"
[project]
name = "tiny_flit"
dynamic = ["version", "description"]
readme = "README.md"
dependencies = ["attrs >=20"]
[project.optional-dependencies]
test = ["pytest"]
`,
      "tiny_flit/__init__.py": '"""Tiny flit."""\n__version__ = "0.2.0"\n',
      "README.md": "# Flit readme\n",
    },
    poetry: {
      "pyproject.toml": `[build-system]
requires = ["poetry-core"]
build-backend = "poetry.core.masonry.api"
[tool.poetry]
name = "tiny-poetry"
version = "0.3.0"
description = "tiny poetry"
authors = ["A B <a@example.com>"]
readme = "README.md"
license = "MIT"
[tool.poetry.dependencies]
python = "^3.8"
attrs = {version = ">=20", optional = true}
[tool.poetry.extras]
Fancy = ["attrs"]
`,
      "tiny_poetry/__init__.py": "",
      "README.md": "# Poetry readme\n",
    },
    pdm: {
      "pyproject.toml": `[build-system]
requires = ["pdm-pep517"]
build-backend = "pdm.pep517.api"
[project]
name = "tiny-pdm"
version = "0.4.0"
description = "tiny pdm"
readme = "README.md"
license = {text = "MIT"}
dependencies = ["attrs>=20"]
[project.optional-dependencies]
dev = ["pytest"]
`,
      "tiny_pdm/__init__.py": "",
      "README.md": "# pdm readme\n",
    },
  };
  /** Their sdists are Metadata-Version 2.1 and leave Requires-Dist to the wheel. */
  const sdistLacksRequiresDist = new Set(["setuptools", "pdm"]);

  let root: string;
  const built = new Map<string, { sdist: string; wheel: string }>();

  async function build(backend: string): Promise<void> {
    const project = path.join(root, backend);
    for (const [file, text] of Object.entries(projects[backend])) {
      mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
      writeFileSync(path.join(project, file), text);
    }
    const env: NodeJS.ProcessEnv = { ...process.env, PIP_CONFIG_FILE: "/dev/null" };
    for (const name of Object.keys(env))
      if (name.startsWith("PIP_") && name !== "PIP_CONFIG_FILE") delete env[name];
    // --skip-dependency-check: hatchling 1.12 asks for editables, which Debian does not ship.
    const result = await runCommand(
      "/usr/bin/python3",
      ["-m", "build", "--no-isolation", "--skip-dependency-check"],
      {
        cwd: project,
        env,
        timeoutMs: 120_000,
      },
    );
    if (result.code !== 0) throw new Error(`${backend} build failed:\n${result.output}`);
    const files = readdirSync(path.join(project, "dist")).map((file) =>
      path.join(project, "dist", file),
    );
    const sdist = files.find((file) => file.endsWith(".tar.gz")) as string;
    const wheel = files.find((file) => file.endsWith(".whl")) as string;
    const pkgInfo = readTarGzMember(readFileSync(sdist), (name) => /^[^/]+\/PKG-INFO$/.test(name));
    const metadata = readZipMember(wheel, statSync(wheel).size, (name) =>
      /^[^/]+\.dist-info\/METADATA$/.test(name),
    );
    built.set(backend, { sdist: String(pkgInfo), wheel: String(metadata) });
  }

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), "compare-backends-"));
    await Promise.all(Object.keys(projects).map(build));
  }, 240_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test.each(Object.keys(projects))("%s: sdist and wheel agree", (backend) => {
    const { sdist, wheel } = built.get(backend) as { sdist: string; wheel: string };
    expect(sdist).toMatch(/^Metadata-Version: 2\.1$/m);
    expect(compare(sdist, wheel)).toEqual([]);
  });

  test.each(Object.keys(projects))(
    "%s: read as 2.2, the normal forms agree on every field the sdist has",
    (backend) => {
      const { sdist, wheel } = built.get(backend) as { sdist: string; wheel: string };
      const as22 = sdist.replace(/^Metadata-Version: 2\.1$/m, "Metadata-Version: 2.2");
      const fields = compare(as22, wheel).map((found) => found.message.split(" ")[0]);
      expect(fields).toEqual(sdistLacksRequiresDist.has(backend) ? ["Requires-Dist"] : []);
    },
  );
});
