import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { parse } from "smol-toml";
import {
  changedHashedSections,
  type HashCandidate,
  hashedSections,
  matchingCandidate,
  PDM_RECIPES,
  PIPFILE_RECIPES,
  POETRY_RECIPES,
  parseManifest,
  pdmContentHashes,
  pdmRecipesFor,
  pipfileHashes,
  poetryContentHashes,
  poetryGeneratorVersion,
  poetryRecipesFor,
  pythonFloatRepr,
  pythonJsonDumps,
} from "../../../shared/lockcheck/content-hashes.js";
import { type RunningIndex, startIndex } from "../../harness/index-server.js";
import {
  checkWithPdm,
  checkWithPoetry,
  debianToolName,
  lockWithPdm,
  lockWithPipenv,
  lockWithPoetry,
  makeToolHome,
  pdmSourceToml,
  pipfileSourceToml,
  poetrySourceToml,
  verifyWithPipenv,
} from "../../harness/python-tools.js";
import { repoRoot } from "../../harness/runner.js";
import { buildPackages, type PackageSpec } from "../../harness/wheels.js";

const TOOL_TIMEOUT_MS = 600_000; // generous: the machine is shared
const fixtures = path.join(repoRoot, "test/fixtures/lockfiles");
const readFixture = (...parts: string[]) => readFileSync(path.join(fixtures, ...parts), "utf8");
const hashes = (candidates: HashCandidate[]) => candidates.map((candidate) => candidate.hash);

describe("pythonJsonDumps", () => {
  test("matches json.dumps(sort_keys=True) for strings, numbers and nesting", () => {
    const value = {
      b: [1, 2.5, 'é😀\u007f\n\t"\\\u0001', true, false, null],
      a: { z: null, "😀": 1n, "\uffff": 2, A: [] },
      c: {},
    };
    expect(pythonJsonDumps(value)).toBe(
      '{"a": {"A": [], "z": null, "\\uffff": 2, "\\ud83d\\ude00": 1}, ' +
        '"b": [1, 2.5, "\\u00e9\\ud83d\\ude00\\u007f\\n\\t\\"\\\\\\u0001", true, false, null], "c": {}}',
    );
    expect(pythonJsonDumps({ b: 1, a: [1, 2] }, [",", ":"])).toBe('{"a":[1,2],"b":1}');
  });

  test("prints floats as Python's repr does", () => {
    const cases: Array<[number, string]> = [
      [1, "1.0"],
      [0.1, "0.1"],
      [-0, "-0.0"],
      [1e16, "1e+16"],
      [1e15, "1000000000000000.0"],
      [1e-4, "0.0001"],
      [1e-5, "1e-05"],
      [-2.5e-7, "-2.5e-07"],
      [1.5e300, "1.5e+300"],
      [123.456, "123.456"],
      [Number.POSITIVE_INFINITY, "Infinity"],
      [Number.NaN, "NaN"],
    ];
    for (const [value, repr] of cases) expect(pythonFloatRepr(value)).toBe(repr);
    // Integer-valued numbers are ints unless integers were parsed as bigint.
    expect(pythonJsonDumps([1, 1.5])).toBe("[1, 1.5]");
    expect(pythonJsonDumps([1n, 1], undefined, { numbers: "float" })).toBe("[1, 1.0]");
  });

  test("rejects TOML dates like Python, or writes them as text on request", () => {
    const manifest = parse("d = 1979-05-27\nt = 07:32:00\n");
    expect(() => pythonJsonDumps(manifest)).toThrow("Object of type date is not JSON serializable");
    expect(pythonJsonDumps(manifest, undefined, { unserializable: "string" })).toBe(
      '{"d": "1979-05-27", "t": "07:32:00.000"}',
    );
    // A date where a tool hashes it: that tool would crash, so there is no candidate.
    const pyproject = parse('[tool.poetry.dependencies]\npython = "^3.11"\nwhen = 2020-01-01\n');
    expect(poetryContentHashes(pyproject)).toEqual([]);
    expect(hashedSections("poetry", pyproject)["tool.poetry.dependencies"]).toContain("2020-01-01");
  });

  test("agrees with python3 json.dumps on parsed TOML", () => {
    const toml = [
      'name = "Prüfung ✓ 😀"',
      "int = 42",
      "big = 9223372036854775807",
      "float = 1.0",
      "floats = [0.1, 1e16, 1e-7, -0.0, 3.14159, 1e15, inf, nan]",
      'ctrl = "tab\\tnl\\nbell\\u0007del\\u007f"',
      "[table]",
      '"😀" = 1',
      '"\uffee" = 2',
      "b = { x = [1, 2.5, true] }",
      "[[aot]]",
      'k = "v"',
      "",
    ].join("\n");
    const python = spawnSync(
      "python3",
      [
        "-c",
        "import json,sys,tomllib; d=tomllib.loads(sys.stdin.read());" +
          "print(json.dumps(d, sort_keys=True)); print(json.dumps(d, sort_keys=True, separators=(',', ':')))",
      ],
      { input: toml, encoding: "utf8" },
    );
    expect(python.status).toBe(0);
    const [spaced, compact] = python.stdout.trim().split("\n");
    const manifest = parseManifest(toml);
    expect(pythonJsonDumps(manifest, undefined, { numbers: "float" })).toBe(spaced);
    expect(pythonJsonDumps(manifest, [",", ":"], { numbers: "float" })).toBe(compact);
  });
});

describe("stored hashes of the real-world fixtures", () => {
  test("resume-cli poetry.lock (Poetry 1.8.4, lock-version 2.0)", () => {
    const lock = parse(readFixture("resume-cli", "poetry.lock"));
    const stored = (lock.metadata as Record<string, string>)["content-hash"];
    const generator = readFixture("resume-cli", "poetry.lock").split("\n")[0];
    expect(poetryGeneratorVersion(generator)).toBe("1.8.4");
    const recipes = poetryRecipesFor(generator, "2.0");
    expect(recipes).toEqual([POETRY_RECIPES.v1_2]);
    for (const manifest of [
      parseManifest(readFixture("resume-cli", "pyproject.toml")),
      parse(readFixture("resume-cli", "pyproject.toml")),
    ]) {
      const candidates = poetryContentHashes(manifest);
      expect(matchingCandidate(candidates, stored, recipes)?.recipe).toBe(POETRY_RECIPES.v1_2);
      // A [tool.poetry]-only project hashes the same under every Poetry version.
      expect(new Set(hashes(candidates))).toEqual(new Set([stored]));
    }
  });

  test("gilded-rose pdm.lock (lock_version 4.4.1): only the <=2.15 overrides layout", () => {
    const lock = parse(readFixture("gilded-rose-python", "pdm.lock"));
    const metadata = lock.metadata as Record<string, string>;
    const pyproject = parseManifest(readFixture("gilded-rose-python", "pyproject.toml"));
    const applicable = pdmContentHashes(pyproject, metadata.lock_version);
    expect(applicable).toEqual([{ recipe: PDM_RECIPES.v2_3, hash: metadata.content_hash }]);
    const all = pdmContentHashes(pyproject);
    const resolution = all.filter((c) => c.recipe === PDM_RECIPES.v2_16);
    expect(hashes(resolution)).not.toContain(metadata.content_hash);
  });

  test("gilded-rose Pipfile.lock: plette's recipe", () => {
    const lock = JSON.parse(readFixture("gilded-rose-python", "Pipfile.lock"));
    const stored = lock._meta.hash.sha256;
    const candidates = pipfileHashes(parseManifest(readFixture("gilded-rose-python", "Pipfile")));
    expect(matchingCandidate(candidates, stored)?.recipe).toBe(PIPFILE_RECIPES.raw);
    // No package-name spelling to canonicalize here, so both recipes agree.
    expect(hashes(candidates)).toEqual([stored, stored]);
  });
});

describe("recipe selection and variants", () => {
  test("poetryRecipesFor reads the generator comment, then lock-version", () => {
    const comment = (v: string) =>
      `# This file is automatically @generated by Poetry${v} and should not be changed by hand.`;
    expect(poetryRecipesFor(comment(" 2.1.3"), "2.1")).toEqual([POETRY_RECIPES.v2_0]);
    expect(poetryRecipesFor(comment(" 2.3.0b1"), "2.1")).toEqual([POETRY_RECIPES.v2_0]);
    expect(poetryRecipesFor(comment(" 2.3.1"), "2.1")).toEqual([POETRY_RECIPES.v2_3]);
    expect(poetryRecipesFor("1.4.0", "2.0")).toEqual([POETRY_RECIPES.v1_2]);
    expect(poetryRecipesFor(comment(""), "2.0")).toEqual([POETRY_RECIPES.v1_2]); // Poetry 1.3
    expect(poetryRecipesFor(undefined, "1.1")).toEqual([POETRY_RECIPES.v1_2, POETRY_RECIPES.v1_1]);
    expect(poetryRecipesFor(undefined, "2.1")).toEqual([POETRY_RECIPES.v2_3, POETRY_RECIPES.v2_0]);
    expect(poetryRecipesFor(undefined, "2.0")).toContain(POETRY_RECIPES.v2_3);
    expect(poetryRecipesFor(undefined, undefined)).toHaveLength(4);
  });

  test("Poetry recipes diverge on [project], groups and [dependency-groups]", () => {
    const pyproject = parseManifest(
      [
        "[project]",
        'name = "x"',
        'requires-python = ">=3.11"',
        'dependencies = ["flask>=3"]',
        "[dependency-groups]",
        'test = ["pytest"]',
        "[tool.poetry.group.dev.dependencies]",
        'black = "*"',
        "",
      ].join("\n"),
    );
    const byRecipe = Object.fromEntries(
      poetryContentHashes(pyproject).map((c) => [c.recipe, c.hash]),
    );
    expect(new Set(Object.values(byRecipe)).size).toBe(4);
    // Without [dependency-groups], >=2.3 and 2.0-2.2 agree.
    delete pyproject["dependency-groups"];
    const [v23, v20] = poetryContentHashes(pyproject);
    expect(v23.hash).toBe(v20.hash);
  });

  test("pdmRecipesFor follows lock_version", () => {
    expect(pdmRecipesFor("4.4.1")).toEqual([PDM_RECIPES.v2_3]);
    expect(pdmRecipesFor("4.4.2")).toEqual([PDM_RECIPES.v2_16]);
    expect(pdmRecipesFor("4.5.0")).toEqual([PDM_RECIPES.v2_20, PDM_RECIPES.v2_16]);
    expect(pdmRecipesFor("4.5.1")).toEqual([PDM_RECIPES.v2_20]);
    expect(pdmRecipesFor("4.0")).toHaveLength(4);
    expect(pdmRecipesFor(undefined)).toHaveLength(4);
    expect(pdmRecipesFor("4.2")).not.toContain(PDM_RECIPES.v2_0);
  });

  test("PDM >= 2.20 merges [dependency-groups] into normalized dev groups", () => {
    const pyproject = parseManifest(
      [
        "[project]",
        'name = "x"',
        "[dependency-groups]",
        'Lint_Tools = ["ruff"]',
        "[tool.pdm.dev-dependencies]",
        '"lint.tools" = ["black"]',
        "[tool.pdm.resolution]",
        'overrides = { delta = "1.0" }',
        "",
      ].join("\n"),
    );
    const expected = pythonJsonDumps({
      sources: [],
      dependencies: [],
      "dev-dependencies": { "lint-tools": ["ruff", "black"] },
      "optional-dependencies": {},
      "requires-python": "",
      resolution: { overrides: { delta: "1.0" } },
    });
    const [latest] = pdmContentHashes(pyproject, "4.5.1");
    expect(latest.hash).toBe(`sha256:${createHash("sha256").update(expected).digest("hex")}`);
    // PDM 2.2 ignores tool.pdm.resolution.overrides; 2.3-2.15 reads it.
    const old = Object.fromEntries(pdmContentHashes(pyproject, "4.0").map((c) => [c.recipe, c]));
    expect(old[PDM_RECIPES.v2_0].hash).not.toBe(old[PDM_RECIPES.v2_3].hash);
    // Duplicate normalized groups make PDM fail, so that recipe gives nothing.
    pyproject["dependency-groups"] = { a_b: [], "A-B": [] };
    expect(pdmContentHashes(pyproject, "4.5.1")).toEqual([]);
  });

  test("Pipfile: default source, custom categories, raw vs canonical names", () => {
    const pipfile = parseManifest(
      ["[packages]", 'Alpha_Lib = "*"', "[docs]", 'Sphinx = "*"', "[scripts]", 'x = "y"', ""].join(
        "\n",
      ),
    );
    const [raw, canonical] = pipfileHashes(pipfile);
    expect(raw.recipe).toBe(PIPFILE_RECIPES.raw);
    expect(raw.hash).not.toBe(canonical.hash);
    const withSource = parseManifest(
      [
        "[[source]]",
        'name = "pypi"',
        'url = "https://pypi.org/simple"',
        "verify_ssl = true",
        "[packages]",
        'alpha-lib = "*"',
        "[docs]",
        'sphinx = "*"',
        "",
      ].join("\n"),
    );
    // The default source is implied, scripts are not hashed, canonical names ignore spelling.
    expect(pipfileHashes(withSource)[1].hash).toBe(canonical.hash);
    expect(changedHashedSections("pipfile", pipfile, withSource)).toEqual(["packages", "docs"]);
  });

  test("hashedSections lists what each format hashes", () => {
    const pyproject = parseManifest(
      '[tool.poetry.dependencies]\npython = "^3.11"\n[tool.poetry.group.dev.dependencies]\nx = "*"\n',
    );
    const sections = hashedSections("poetry", pyproject);
    expect(sections["tool.poetry.dependencies"]).toBe('{"python": "^3.11"}');
    expect(sections["project.dependencies"]).toBe("null");
    const head = structuredClone(pyproject) as Record<string, unknown>;
    (head.tool as { poetry: { dependencies: Record<string, string> } }).poetry.dependencies.y = "1";
    expect(changedHashedSections("poetry", pyproject, head)).toEqual(["tool.poetry.dependencies"]);
    expect(Object.keys(hashedSections("pdm", pyproject))).toContain("tool.pdm.resolution");
  });
});

// ---------------------------------------------------------------------------------------------
// The Debian tools, offline against the harness index
// ---------------------------------------------------------------------------------------------

const specs: PackageSpec[] = [
  {
    name: "Alpha_Lib",
    version: "1.0",
    dependencies: ["beta-pkg[speedups]>=1.0", 'gamma; sys_platform == "win32"'],
    extras: { docs: ["epsilon-docs"] },
  },
  { name: "beta-pkg", version: "1.0" },
  { name: "beta-pkg", version: "1.1", extras: { speedups: ["delta>=1.0"] } },
  { name: "gamma", version: "1.0" },
  { name: "delta", version: "1.0" },
  { name: "delta", version: "1.2", requiresPython: ">=3.8,<4" },
  { name: "epsilon-docs", version: "1.0" },
  { name: "Dev_Tool", version: "0.5" },
];

describe(`hashes written by the installed tools: ${debianToolName("poetry")}, ${debianToolName("pdm")}, ${debianToolName("pipenv")}`, () => {
  let root: string;
  let index: RunningIndex;
  let home: string;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), "pyship-hashes-"));
    await buildPackages(specs, path.join(root, "packages"));
    index = await startIndex({ directory: path.join(root, "packages") });
    home = makeToolHome(root);
  });
  afterAll(async () => {
    await index?.close();
    if (Object.keys(timings).length) console.log("tool timings (ms)", timings);
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const project = (name: string, files: Record<string, string>) => {
    const dir = path.join(root, name);
    mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
    return dir;
  };
  const timed = async <T extends { durationMs: number }>(label: string, run: Promise<T>) => {
    const result = await run;
    timings[label] = result.durationMs;
    return result;
  };
  const edit = (file: string, change: (text: string) => string) =>
    writeFileSync(file, change(readFileSync(file, "utf8")));

  test(
    "poetry 1.3.2: content-hash reproduces, and drifts after a dependency is added",
    async () => {
      const dir = project("poetry", {
        "pyproject.toml": [
          "[tool.poetry]",
          'name = "consumer"',
          'version = "0.1.0"',
          'description = "Prüfprojekt ✓"',
          'authors = ["Test <test@example.com>"]',
          "",
          "[tool.poetry.dependencies]",
          'python = "^3.11"',
          'Alpha_Lib = { version = "1.0", extras = ["docs"] }',
          'gamma = { version = "*", optional = true, markers = "platform_machine != \'ünknown\'" }',
          "",
          "[tool.poetry.extras]",
          'gfx = ["gamma"]',
          "",
          "[tool.poetry.group.dev.dependencies]",
          'Dev_Tool = "^0.5"',
          "",
          "[tool.poetry.group.docs]",
          "optional = true",
          "",
          "[tool.poetry.group.docs.dependencies]",
          'delta = ">=1.0"',
          "",
          poetrySourceToml(index.simpleUrl, "lökal"),
        ].join("\n"),
      });
      await timed("poetry lock", lockWithPoetry(dir, index.simpleUrl, { home }));
      const lockText = readFileSync(path.join(dir, "poetry.lock"), "utf8");
      const metadata = parse(lockText).metadata as Record<string, string>;
      expect(metadata["lock-version"]).toBe("2.0");
      const recipes = poetryRecipesFor(lockText.split("\n")[0], metadata["lock-version"]);
      expect(recipes).toEqual([POETRY_RECIPES.v1_2]); // 1.3 writes the comment without a version

      const pyprojectPath = path.join(dir, "pyproject.toml");
      const current = () => parseManifest(readFileSync(pyprojectPath, "utf8"));
      const stored = metadata["content-hash"];
      expect(matchingCandidate(poetryContentHashes(current()), stored, recipes)?.recipe).toBe(
        POETRY_RECIPES.v1_2,
      );
      expect((await timed("poetry lock --check", checkWithPoetry(dir, { home }))).fresh).toBe(true);

      // Not hashed: the description. Still fresh, for Poetry and for us.
      edit(pyprojectPath, (text) => text.replace("Prüfprojekt ✓", "Another description"));
      expect(hashes(poetryContentHashes(current()))).toContain(stored);
      expect((await checkWithPoetry(dir, { home })).fresh).toBe(true);

      const base = current();
      edit(pyprojectPath, (text) =>
        text.replace('python = "^3.11"', 'python = "^3.11"\nbeta-pkg = "^1.0"'),
      );
      expect(hashes(poetryContentHashes(current()))).not.toContain(stored);
      expect(changedHashedSections("poetry", base, current())).toEqual([
        "tool.poetry.dependencies",
      ]);
      const stale = await checkWithPoetry(dir, { home });
      expect(stale.fresh).toBe(false);
      expect(stale.output).toContain("poetry.lock is not consistent with pyproject.toml");
    },
    TOOL_TIMEOUT_MS,
  );

  test(
    "pdm 2.2.1: content_hash reproduces (lock_version 4.0), and drifts after a dependency is added",
    async () => {
      const dir = project("pdm", {
        "pyproject.toml": [
          "[project]",
          'name = "consumer"',
          'version = "0.1.0"',
          'description = "Prüfprojekt ✓"',
          'requires-python = ">=3.11"',
          "dependencies = [",
          '  "Alpha_Lib[docs]==1.0",',
          "  \"gamma; platform_machine != 'ünknown'\",",
          "]",
          "",
          "[project.optional-dependencies]",
          'speed = ["beta-pkg[speedups]>=1.0"]',
          "",
          "[tool.pdm.dev-dependencies]",
          'dev = ["Dev_Tool>=0.5"]',
          "",
          "[tool.pdm.overrides]",
          'delta = "1.0"',
          "",
          pdmSourceToml(index.simpleUrl),
        ].join("\n"),
      });
      await timed("pdm lock", lockWithPdm(dir, index.simpleUrl, { home }));
      const lockText = readFileSync(path.join(dir, "pdm.lock"), "utf8");
      const metadata = parse(lockText).metadata as Record<string, string>;
      expect(metadata.lock_version).toBe("4.0");
      expect(lockText).toMatch(/name = "delta"\nversion = "1.0"/); // the override took effect

      const pyprojectPath = path.join(dir, "pyproject.toml");
      const current = () => parseManifest(readFileSync(pyprojectPath, "utf8"));
      const stored = metadata.content_hash;
      const candidates = pdmContentHashes(current(), metadata.lock_version);
      expect(
        candidates
          .filter((c) => c.hash === stored)
          .map((c) => c.recipe)
          .sort(),
      ).toEqual([PDM_RECIPES.v2_0, PDM_RECIPES.v2_3].sort());
      expect((await timed("pdm lock --check", checkWithPdm(dir, { home }))).fresh).toBe(true);

      // Not hashed by PDM 2.2: the description, and [tool.pdm.resolution.overrides] (2.3 renamed
      // tool.pdm.overrides to it). Still fresh for PDM 2.2 and for the 2.0-2.2 recipe.
      edit(pyprojectPath, (text) => text.replace("Prüfprojekt ✓", "Another description"));
      edit(pyprojectPath, (text) => `${text}\n[tool.pdm.resolution.overrides]\ngamma = "1.0"\n`);
      expect(matchingCandidate(pdmContentHashes(current(), "4.0"), stored)?.recipe).toBe(
        PDM_RECIPES.v2_0,
      );
      expect((await checkWithPdm(dir, { home })).fresh).toBe(true);

      const base = current();
      edit(pyprojectPath, (text) =>
        text.replace('"Alpha_Lib[docs]==1.0",', '"Alpha_Lib[docs]==1.0", "delta",'),
      );
      expect(hashes(pdmContentHashes(current()))).not.toContain(stored);
      expect(changedHashedSections("pdm", base, current())).toEqual(["project.dependencies"]);
      const stale = await checkWithPdm(dir, { home });
      expect(stale.fresh).toBe(false);
      expect(stale.output).toContain("Lockfile is out of date");
    },
    TOOL_TIMEOUT_MS,
  );

  test(
    "pipenv 2022.12.19: _meta.hash reproduces with plette's recipe, and drifts after a change",
    async () => {
      const dir = project("pipenv", {
        Pipfile: [
          pipfileSourceToml(index.simpleUrl, "lökal"),
          "[packages]",
          'Alpha_Lib = { version = "==1.0", extras = ["docs"] }',
          'gamma = { version = "*", markers = "platform_machine != \'ünknown\'" }',
          "",
          "[dev-packages]",
          'Dev_Tool = ">=0.5"',
          "",
          "[requires]",
          'python_version = "3.11"',
          "",
          "[scripts]",
          'hello = "echo hi"',
          "",
        ].join("\n"),
      });
      await timed("pipenv lock", lockWithPipenv(dir, index.simpleUrl, { home }));
      const pipfilePath = path.join(dir, "Pipfile");
      const current = () => parseManifest(readFileSync(pipfilePath, "utf8"));
      const lock = JSON.parse(readFileSync(path.join(dir, "Pipfile.lock"), "utf8"));
      const stored = lock._meta.hash.sha256;
      expect(Object.keys(lock.default).sort()).toEqual([
        "alpha-lib",
        "beta-pkg",
        "delta",
        "epsilon-docs",
        "gamma",
      ]);
      const candidates = pipfileHashes(current());
      expect(matchingCandidate(candidates, stored)?.recipe).toBe(PIPFILE_RECIPES.raw);
      // Alpha_Lib / Dev_Tool are not canonical, so pipenv >= 2026.4 would hash differently.
      expect(candidates.find((c) => c.recipe === PIPFILE_RECIPES.canonical)?.hash).not.toBe(stored);
      expect((await timed("pipenv verify", verifyWithPipenv(dir, { home }))).fresh).toBe(true);

      // Scripts are not hashed.
      edit(pipfilePath, (text) => text.replace('hello = "echo hi"', 'hello = "echo bye"'));
      expect(hashes(pipfileHashes(current()))).toContain(stored);
      expect((await verifyWithPipenv(dir, { home })).fresh).toBe(true);

      const base = current();
      edit(pipfilePath, (text) =>
        text.replace('Dev_Tool = ">=0.5"', 'Dev_Tool = ">=0.5"\ndelta = "*"'),
      );
      expect(hashes(pipfileHashes(current()))).not.toContain(stored);
      expect(changedHashedSections("pipfile", base, current())).toEqual(["dev-packages"]);
      const stale = await verifyWithPipenv(dir, { home });
      expect(stale.fresh).toBe(false);
      expect(stale.output).toContain("Pipfile.lock is out-of-date");
    },
    TOOL_TIMEOUT_MS,
  );
});
