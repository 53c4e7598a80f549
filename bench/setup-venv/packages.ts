/**
 * The generated project for bench/setup-venv: about 60 wheels, about 40 MB in all, shaped like a
 * real application's dependencies (a few large packages with compiled-extension-sized payloads,
 * some pure-Python packages with hundreds of modules, many small ones), locked in a pip-compile
 * `--generate-hashes` requirements.txt that names the local index.
 */
import { statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pipCompileFile, sha256Of } from "../../test/harness/pip-compile.js";
import { seededRandom } from "../../test/harness/random.js";
import { type PackageSpec, wheelFilename } from "../../test/harness/wheels.js";

const WORDS = (
  "acorn basalt cedar delta ember fjord garnet harbor iris juniper kelp lumen maple nimbus onyx " +
  "prism quartz raven sable tundra umber vortex willow xenon yarrow zephyr atlas beacon cobalt dune"
).split(" ");

const KINDS = ["core", "io", "http", "schema", "utils", "async", "cli", "types"];

export interface BenchProject {
  specs: PackageSpec[];
  /** Total size of the built wheels, in bytes (filled in by `lockProject`). */
  wheelBytes: number;
  /** `.py` modules across all wheels. */
  modules: number;
}

/**
 * 60 packages: 8 large ones (2-5 MB of stored payload, a few dozen modules), 14 pure-Python ones
 * with 150-400 small modules each, 38 small ones; each depends on up to 3 earlier packages.
 */
export function benchPackages(): BenchProject {
  const next = seededRandom(20240601);
  const between = (low: number, high: number) => Math.floor(low + next() * (high - low + 1));
  const specs: PackageSpec[] = [];
  let modules = 0;
  for (let i = 0; i < 60; i++) {
    const name = `${WORDS[i % WORDS.length]}-${KINDS[Math.floor(i / WORDS.length) * 3 + (i % 3)]}`;
    const importName = name.replace(/-/g, "_");
    const large = i % 7 === 3 && specs.filter((s) => (s.sizeBytes ?? 0) > 1e6).length < 8;
    const many = !large && i % 4 === 1;
    const moduleCount = large ? between(20, 60) : many ? between(150, 400) : between(3, 30);
    const sizeBytes = large ? between(2_000_000, 5_000_000) : between(20_000, 300_000);
    const files: Record<string, string> = {};
    for (let m = 0; m < moduleCount; m++) {
      const sub = many ? `${KINDS[m % KINDS.length]}/` : "";
      if (many && m < KINDS.length)
        files[`${importName}/${sub}__init__.py`] = '"""Subpackage."""\n';
      files[`${importName}/${sub}mod_${m}.py`] = pythonModule(next, between(20, 160));
    }
    modules += Object.keys(files).length + 1;
    const dependencies: string[] = [];
    for (let d = 0; d < Math.min(i, between(0, 3)); d++) {
      const parent = specs[between(0, i - 1)];
      const requirement = `${parent.name}>=${parent.version.split(".").slice(0, 2).join(".")}`;
      if (!dependencies.some((r) => r.startsWith(`${parent.name}>=`)))
        dependencies.push(requirement);
    }
    specs.push({
      name,
      version: `${between(0, 9)}.${between(0, 30)}.${between(0, 12)}`,
      requiresPython: ">=3.8",
      dependencies,
      files,
      sizeBytes,
    });
  }
  return { specs, wheelBytes: 0, modules };
}

/** A plausible module: functions and classes with docstrings (compresses about 4:1, like code). */
function pythonModule(next: () => number, lines: number): string {
  const word = () => WORDS[Math.floor(next() * WORDS.length)];
  const out = [
    '"""Generated module."""',
    "from __future__ import annotations",
    "",
    "import os",
    "",
  ];
  while (out.length < lines) {
    const fn = `${word()}_${word()}_${Math.floor(next() * 1000)}`;
    if (next() < 0.3) {
      out.push(`class ${fn[0].toUpperCase()}${fn.slice(1).replace(/_/g, "")}:`);
      out.push(`    """The ${word()} of a ${word()}."""`, "");
      out.push(`    def ${word()}(self, ${word()}: int = ${Math.floor(next() * 100)}) -> int:`);
      out.push(`        return ${word()} * ${Math.floor(next() * 100)} + len(os.sep)`, "");
    } else {
      out.push(`def ${fn}(${word()}, ${word()}=None):`);
      out.push(`    """Return the ${word()} ${word()} for ${word()}."""`);
      out.push(`    if ${word()} is None:`, `        return ${JSON.stringify(word())}`);
      out.push(`    return f"{${word()}}-${Math.floor(next() * 1e6)}"`, "");
    }
  }
  return `${out.join("\n")}\n`;
}

/**
 * requirements.txt as `pip-compile --generate-hashes --emit-index-url requirements.in` writes it:
 * every package pinned with the sha256 of its wheel, `# via` comments, the index URL first.
 */
export function lockProject(project: BenchProject, wheelDir: string, indexUrl: string): string {
  const parents = new Map<string, string[]>();
  for (const spec of project.specs) {
    for (const requirement of spec.dependencies ?? []) {
      const parent = requirement.split(">=")[0];
      parents.set(parent, [...(parents.get(parent) ?? []), spec.name]);
    }
  }
  project.wheelBytes = 0;
  const sorted = [...project.specs].sort((a, b) => a.name.localeCompare(b.name));
  const pins = sorted.map((spec) => {
    const wheel = path.join(wheelDir, wheelFilename(spec));
    project.wheelBytes += statSync(wheel).size;
    return {
      requirement: `${spec.name}==${spec.version}`,
      hashes: [sha256Of(wheel)],
      via: [...(parents.get(spec.name) ?? []), "-r requirements.in"],
    };
  });
  return pipCompileFile(pins, indexUrl);
}

/** The project: requirements.in (every package, as an application pins them), the lock, and a pyproject.toml with no build system. */
export function writeProject(dir: string, project: BenchProject, lock: string): void {
  writeFileSync(
    path.join(dir, "pyproject.toml"),
    '[project]\nname = "bench-app"\nversion = "0.1.0"\nrequires-python = ">=3.8"\n',
  );
  const names = project.specs.map((s) => s.name).sort();
  writeFileSync(path.join(dir, "requirements.in"), `${names.join("\n")}\n`);
  writeFileSync(path.join(dir, "requirements.txt"), lock);
}
