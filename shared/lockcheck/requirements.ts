/** pip-compile / uv pip compile output against the inputs its header names. */
import { existsSync } from "node:fs";
import path from "node:path";
import type { RequirementsLock } from "../lockfiles/requirements.js";
import {
  type DeclaredDependency,
  declaredSatisfiedBy,
  describeConstraint,
} from "../project/declared.js";
import { readTomlFile } from "../project/files.js";
import { normalizeName } from "../project/names.js";
import { manifestOf, pep621Dependencies } from "../project/pyproject.js";
import { readRequirementsIn } from "../project/requirements-in.js";
import { type DriftFinding, findingsFor, notDeclared } from "./drift.js";

/** Options of pip-compile and uv pip compile that take a value. */
const valued = new Set([
  "-o",
  "--output-file",
  "--extra",
  "-i",
  "--index-url",
  "--extra-index-url",
  "-c",
  "--constraint",
  "-f",
  "--find-links",
  "--pip-args",
  "--resolver",
  "--annotation-style",
  "-p",
  "--python",
  "--python-version",
  "--python-platform",
  "--cache-dir",
  "-P",
  "--upgrade-package",
  "--unsafe-package",
  "--build-deps-for",
  "--override",
  "--group",
  "--custom-compile-command",
  "--no-emit-package",
]);

export interface CompileCommand {
  sources: string[];
  extras: string[];
  allExtras: boolean;
  generateHashes: boolean;
}

export function parseCompileCommand(command: string): CompileCommand {
  const words = shellWords(command).slice(command.startsWith("uv ") ? 3 : 1);
  const parsed: CompileCommand = {
    sources: [],
    extras: [],
    allExtras: false,
    generateHashes: false,
  };
  for (let i = 0; i < words.length; i++) {
    const [option, inline] = words[i].split(/=(.*)/s, 2);
    if (!option.startsWith("-")) {
      parsed.sources.push(words[i]);
      continue;
    }
    const value = valued.has(option) && inline === undefined ? words[++i] : inline;
    if (option === "--extra" && value) parsed.extras.push(...value.split(",").map(normalizeName));
    if (option === "--all-extras") parsed.allExtras = true;
    if (option === "--generate-hashes") parsed.generateHashes = true;
  }
  return parsed;
}

function shellWords(command: string): string[] {
  const words: string[] = [];
  for (const match of command.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)) {
    words.push(match[1] ?? match[2] ?? match[3]);
  }
  return words;
}

export function checkRequirementsLock(
  lock: RequirementsLock,
  lockPath: string,
  display: (absolute: string) => string,
): DriftFinding[] {
  const finding = findingsFor(lock);
  if (!lock.header) return [];
  const command = parseCompileCommand(lock.header.command);
  const directory = path.dirname(lockPath);
  const sources = command.sources.length > 0 ? command.sources : ["requirements.in"];
  const declared: DeclaredDependency[] = [];
  const findings: DriftFinding[] = [];
  for (const source of sources) {
    const file = path.resolve(directory, source);
    if (path.basename(file) === "pyproject.toml") {
      const { data, text } = readTomlFile(file, display(file));
      const all = pep621Dependencies(manifestOf(data, text, display(file)));
      declared.push(
        ...all.filter(
          (d) =>
            d.group === "main" || command.allExtras || command.extras.includes(d.group.slice(6)),
        ),
      );
    } else if (/\.(in|txt)$/.test(file) && existsSync(file)) {
      declared.push(...readRequirementsIn(file, display));
    } else {
      findings.push(
        finding({
          severity: "warning",
          code: "input-not-checked",
          file: lock.file,
          line: lock.header.line,
          message: `${lock.file} was compiled from ${source}, which pyship cannot read statically (or which is missing); its pins were not checked against it.`,
        }),
      );
    }
  }
  findings.push(...checkDirect(lock, declared, finding));
  findings.push(...checkOrphans(lock, declared));
  if (command.generateHashes) findings.push(...checkHashes(lock, finding));
  return findings;
}

type Make = ReturnType<typeof findingsFor>;

function checkDirect(
  lock: RequirementsLock,
  declared: DeclaredDependency[],
  finding: Make,
): DriftFinding[] {
  const findings: DriftFinding[] = [];
  for (const dependency of declared) {
    const pin = lock.packages.find((p) => p.key === dependency.key);
    const base = {
      package: dependency.name,
      declared: dependency.constraint,
      file: dependency.file,
      line: dependency.line,
    };
    if (!pin) {
      findings.push(
        finding({
          ...base,
          severity: "error",
          code: "not-locked",
          message: `${dependency.name}: ${dependency.file} asks for ${describeConstraint(dependency.constraint)}, but ${lock.file} has no pin for it.`,
        }),
      );
    } else if (dependency.direct) {
      if (pin.url !== dependency.direct.location) {
        findings.push(
          finding({
            ...base,
            severity: "error",
            code: "source-changed",
            locked: pin.url ?? pin.version,
            message: `${dependency.name}: ${dependency.file} asks for ${dependency.direct.location}, ${lock.file} pins ${pin.url ?? pin.version}.`,
          }),
        );
      }
    } else if (pin.version && !declaredSatisfiedBy(dependency, pin.version)) {
      findings.push(
        finding({
          ...base,
          severity: "error",
          code: "unsatisfied",
          locked: pin.version,
          message: `${dependency.name}: ${dependency.file} asks for ${dependency.constraint}, ${lock.file} pins ${pin.version}.`,
        }),
      );
    }
  }
  return findings;
}

/** A pin whose `# via` names only input files was a direct requirement; if none declares it now, it is orphaned. */
function checkOrphans(lock: RequirementsLock, declared: DeclaredDependency[]): DriftFinding[] {
  const direct = new Set(declared.map((d) => d.key));
  const fromInput = (via: string) =>
    /^-r\s/.test(via) || /\((pyproject\.toml|setup\.cfg|setup\.py)\)$/.test(via);
  return lock.packages
    .filter((p) => p.via.length > 0 && p.via.every(fromInput) && !direct.has(p.key))
    .map((p) =>
      notDeclared(
        lock,
        p,
        `pins ${p.version ?? "it"} for ${p.via.join(", ")}, which no longer asks for it.`,
      ),
    );
}

function checkHashes(lock: RequirementsLock, finding: Make): DriftFinding[] {
  return lock.packages
    .filter((p) => !p.editable && p.files.every((f) => f.hashes.length === 0))
    .map((p) =>
      finding({
        severity: "error",
        code: "missing-hashes",
        package: p.name,
        locked: p.version,
        file: lock.file,
        line: p.line,
        message: `${p.name}: ${lock.file} was compiled with --generate-hashes, but this pin has no --hash.`,
      }),
    );
}
