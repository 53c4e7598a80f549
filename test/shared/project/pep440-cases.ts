/** Inputs for the PEP 440 / 508 differential tests: hand-written cases, strings from every fixture lock and manifest, and a seeded fuzzer. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { seededRandom } from "../../harness/random.js";

/** Versions from PEP 440's examples and packaging's documented normalisations, valid and not. */
export const caseVersions = [
  "1.0",
  "1.0.0",
  "1",
  "1.0.dev0",
  "1.0.dev456",
  "1.0a1",
  "1.0a2.dev456",
  "1.0a12.dev456",
  "1.0a12",
  "1.0b1.dev456",
  "1.0b2",
  "1.0b2.post345.dev456",
  "1.0b2.post345",
  "1.0rc1.dev456",
  "1.0rc1",
  "1.0+abc.5",
  "1.0+abc.7",
  "1.0+5",
  "1.0.post456.dev34",
  "1.0.post456",
  "1.0.15",
  "1.1.dev1",
  "1!1.0",
  "1!1.0a1",
  "0!1.0",
  "1.0-1",
  "1.0-r1",
  "1.0rev1",
  "1.0.post",
  "1.0POST1",
  "v1.0",
  " 1.0 ",
  "1.0-ALPHA.1",
  "1.0_beta_2",
  "1.0.c1",
  "1.0pre1",
  "1.0preview2",
  "1.0.DEV",
  "1.0-dev-3",
  "1.0+UBUNTU-1",
  "1.0+ubuntu_1",
  "1.0+01",
  "1.0+1",
  "1.0+abc.01",
  "2.1.0+cpu",
  "2.1.0+cu121",
  "2.1.0",
  "3a1",
  "3.0.0a8",
  "3.0.0a7",
  "3.0",
  "3.0.0",
  "3.13.0rc2",
  "3.13.0",
  "3.13",
  "1.7",
  "1.7a1",
  "1.7.post1",
  "1.7.1",
  "1.6.9",
  "1.7.dev0",
  "1.7+local",
  "2.0.post1.dev1",
  "0",
  "00.01",
  "1.0.0.0.0",
  "1.0a",
  "1.0b",
  "1.0rc",
  "1.0.dev",
  "1.0-",
  "1.0..0",
  "1.0+",
  "1.0+a..b",
  "foo",
  "",
  " ",
  "1.0 beta",
  "1.0!",
  "!1.0",
  "1.0+abc+def",
  "1.*",
  "3.6.*",
  "1.2.3-4-5",
  "1.0.0-rc.1",
  "20240101",
  "2024.01.15",
  "1.0.2",
  "1.0.1.post2",
  "1.0.1.1",
  "1.0a1.post2.dev3+x.y.z",
  "1.0-a1",
  "1.0.a1",
  "1.0_a1",
];

/** Specifiers from PEP 440's sections on each operator, and the forms found broken before. */
export const caseSpecifiers = [
  "",
  "==1.0",
  "!=1.0",
  "<1.0",
  ">1.0",
  "<=1.0",
  ">=1.0",
  "~=1.0",
  "~=1.0.0",
  "==1.*",
  "!=1.*",
  "==1.0.*",
  "!=1.0.*",
  "===1.0",
  "===foo",
  "===1.0+ABC.5",
  "==1.0+abc.5",
  "!=1.0+abc.5",
  ">=1.0,<2.0",
  ">= 1.0 , < 2.0",
  ">=1.0,!=1.5,<2",
  "~=2.2",
  "~=2.2.0",
  "~=1.4.5a4",
  "~=1!2.2",
  "==1!1.0",
  ">=1!1.0",
  "<1!1.0",
  ">3.0.0a7",
  ">1.7",
  ">1.7.post2",
  "<1.7",
  "<1.7a2",
  "<1.7.post1",
  ">1.7a1",
  ">1.7.dev0",
  "==2.1.0+cu121",
  "==2.1.0",
  "!=3.0.*",
  "==3.0.*",
  ">=3.8,",
  ",>=3.8",
  " >=3.8 ",
  ">=3.8,,<4",
  "<3.13",
  "<=3.13",
  ">=3.13",
  "==3.13.*",
  "<1!0",
  ">=3.8.*",
  "~=3",
  "~=3.*",
  "==1.0a1.*",
  "<1.0+local",
  ">=1.0+local",
  "=1.0",
  "1.0",
  ">=",
  "==",
  ">=v1.0",
  "==v1.*",
  "<2.0.post1",
  ">2.0.post1",
  "==1.0.post1",
  "!=1.0.dev0",
  "<=1.0.dev0",
  ">0",
  "<0",
  "<0.dev0",
  "~=0.9",
  "~=1.0a1",
  "===",
  "=== 1.0",
  ">=1.0;",
  "(>=1.0)",
  ">=1.0 <2.0",
  "~=1.0.1.rev1",
  "~=1.0.1.pre1",
  "~=1.0.1.c1",
  "~=1.0.1-1",
];

/** Poetry constraints from poetry-core's documented forms and the real locks that broke before. */
export const casePoetryConstraints = [
  "*",
  "^1.2.3",
  "^1.2",
  "^1",
  "^0.2.3",
  "^0.0.3",
  "^0.0",
  "^0",
  "~1.2.3",
  "~1.2",
  "~1",
  "~=1.2",
  "~=1.2.3",
  "~=1.2.3.4",
  "1.2.*",
  "3.*",
  "1.*.*",
  "x",
  "1.2.3",
  "==1.2.3",
  "=1.2.3",
  "!=1.2.3",
  "!=1.2.*",
  ">=1.2,<2.0",
  ">=1.2 <2.0",
  ">= 1.2, < 2.0",
  ">=1.2,",
  "^1.0 || ^2.0",
  "^1.0 | ^2.0",
  ">=20.4.3,<20.4.5 || >=20.4.7",
  "(>=20.4.3,<20.4.5 || >=20.4.7)",
  "(>=1.0)",
  "(^1.0)",
  ">=3.8,<4.0",
  ">=2.7,!=3.0.*,!=3.1.*,!=3.2.*",
  "<3.10",
  ">1.0",
  ">1.0a1",
  "<2.0a1",
  "!=2.0a1",
  "!=2.0+local",
  "v1.2.3",
  "^v1.2",
  "1.2.3+local",
  ">=dev",
  "nonsense",
  "^",
  ">=1.0 || nonsense",
  "1.2.3.4.5",
  "^1.2.3a1",
  "~1.2.3rc1",
];

/** Environments the markers are evaluated in, with one extra or none. */
export const markerEnvironments: Array<{
  env: Record<string, string>;
  extras: string[];
  groups: string[];
}> = [
  env("3.8", "3.8.18", "linux", "Linux", "CPython", "cpython", "x86_64", "6.8.0-45-generic", []),
  env("3.12", "3.12.4", "win32", "Windows", "CPython", "cpython", "AMD64", "10", ["Tests"]),
  env("3.13", "3.13.0rc2", "darwin", "Darwin", "CPython", "cpython", "arm64", "23.6.0", ["socks"]),
  env("3.10", "3.10.14", "linux", "Linux", "PyPy", "pypy", "aarch64", "5.15.0", []),
  env("3.14", "3.14.0+", "linux", "Linux", "CPython", "cpython", "x86_64", "6.1.0", ["dev_tools"]),
  env(
    "3.6",
    "3.6.15",
    "cygwin",
    "CYGWIN_NT-10.0",
    "CPython",
    "cpython",
    "i686",
    "3.5.4(0.339/5/3)",
    [],
  ),
];

function env(
  pythonVersion: string,
  full: string,
  sysPlatform: string,
  system: string,
  implementation: string,
  implementationName: string,
  machine: string,
  release: string,
  extras: string[],
  groups: string[] = extras.length > 0 ? ["dev"] : [],
) {
  return {
    env: {
      python_version: pythonVersion,
      python_full_version: full,
      implementation_version: full.replace("+", ""),
      sys_platform: sysPlatform,
      platform_system: system,
      platform_python_implementation: implementation,
      implementation_name: implementationName,
      platform_machine: machine,
      platform_release: release,
      platform_version: `#1 SMP ${system} ${release}`,
      os_name: sysPlatform === "win32" ? "nt" : "posix",
    },
    extras,
    groups,
  };
}

/** Markers from PEP 508's examples, the legacy names, and the forms found broken before. */
export const caseMarkers = [
  'python_version >= "3.6.*"',
  "python_full_version < '3.13'",
  "python_full_version >= '3.13.0rc1'",
  "python_version < '3.13'",
  "python_version == '3.1*'",
  "python_version ~= '3.8'",
  "python_version === '3.8'",
  "python_version in '3.8 3.9'",
  "python_version not in '3.8 3.9'",
  "'3.9' <= python_version",
  "python_implementation == 'CPython'",
  "os.name == 'nt'",
  "sys.platform == 'linux'",
  "platform.version != ''",
  "platform.machine == 'x86_64'",
  "platform.python_implementation == 'PyPy'",
  "platform_release >= '6'",
  "platform_release < '6.1'",
  "platform_release == '10'",
  "platform_system < 'Linux'",
  "platform_system >= 'Linux'",
  "platform_version ~= '1'",
  "extra == 'tests'",
  "extra == 'Tests'",
  "extra != 'socks'",
  "'dev-tools' == extra",
  "'dev' in extra",
  "'dev' not in extra",
  "'dev' in dependency_groups",
  "'Dev' not in dependency_groups",
  "'socks' in extras",
  "'tests' not in extras",
  "extra == 'dev.tools'",
  "sys_platform == 'win32' and python_version < '3.10' or extra == 'socks'",
  "(os_name == 'nt' or sys_platform == 'darwin') and implementation_name == 'cpython'",
  "implementation_version >= '3.13.0rc1'",
  "python_full_version == '3.14.0+local'",
  "python_full_version > '3.14.0'",
  "python_version > '3.8'",
  "python_version < '3'",
  "python_version >= '3.8' and python_version < '4'",
  "unknown_var == '1'",
  "python_version == ",
  "python_version = '3.8'",
  "PYTHON_VERSION == '3.8'",
  "python_version == '3.8' and",
  "(python_version == '3.8'",
  "'a' == 'a'",
  "os_name in 'posix nt'",
  "platform_machine in 'x86_64 aarch64'",
];

const fixtureRoots = [
  "/work/main/test/fixtures",
  "/work/shared/fixtures/lockfiles",
  "/work/shared/fixtures/lock-history",
];

const lockNames = /(\.lock|pyproject\.toml|Pipfile|pylock[^/]*\.toml|requirements[^/]*\.(txt|in))$/;

function fixtureFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of entries) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (lockNames.test(name)) files.push(full);
    }
  };
  for (const root of fixtureRoots) walk(root);
  return files.sort();
}

export interface FixtureStrings {
  files: number;
  versions: string[];
  specifiers: string[];
  markers: string[];
  poetry: string[];
}

const requirementPattern =
  /^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?\s*\(?\s*((?:[<>=!~]=?|===)[^;()]*)\)?\s*(?:;(.*))?$/;

/** Versions, specifiers, markers and Poetry constraints as written in every fixture lock and manifest. */
export function fixtureStrings(): FixtureStrings {
  const sets = {
    versions: new Set<string>(),
    specifiers: new Set<string>(),
    markers: new Set<string>(),
    poetry: new Set<string>(),
  };
  const files = fixtureFiles();
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const poetryFile = /poetry\.lock$/.test(file) || /\[tool\.poetry/.test(text);
    for (const m of text.matchAll(/"?\b([A-Za-z_.-]+)"?\s*[=:]\s*"((?:[^"\\\n]|\\.)*)"/g)) {
      const [key, value] = [m[1], m[2].replace(/\\"/g, '"')];
      if (/^markers?$/.test(key)) sets.markers.add(value);
      else if (/^(requires-python|requires_python|specifier)$/.test(key))
        sets.specifiers.add(value);
      else if (/^(python-versions|python)$/.test(key) && poetryFile) sets.poetry.add(value);
      else if (key === "version") {
        if (/^[<>=!~]/.test(value)) sets.specifiers.add(value);
        else sets.versions.add(value);
        if (poetryFile) sets.poetry.add(value);
      } else if (poetryFile && /^[\^~<>=!*\d]/.test(value) && !/^\d{4}-\d\d-\d\d/.test(value)) {
        sets.poetry.add(value);
      }
    }
    for (const m of text.matchAll(/"([^"\n]+)"/g)) {
      const requirement = requirementPattern.exec(m[1]);
      if (!requirement) continue;
      sets.specifiers.add(requirement[1].trim());
      if (requirement[2]) sets.markers.add(requirement[2].trim());
    }
  }
  return {
    files: files.length,
    versions: [...sets.versions],
    specifiers: [...sets.specifiers],
    markers: [...sets.markers],
    poetry: [...sets.poetry],
  };
}

export function fuzzer(seed: number) {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const chance = (p: number) => random() < p;
  const number = () => pick([0, 0, 1, 1, 2, 3, 10]);
  const separator = () => pick(["", ".", "-", "_"]);

  const release = (parts = 1 + Math.floor(random() * 4)) =>
    Array.from({ length: parts }, number).join(".");
  const suffix = (local: boolean) => {
    let text = "";
    if (chance(0.3))
      text += `${separator()}${pick(["a", "b", "rc", "c", "alpha", "beta", "pre", "preview"])}${chance(0.8) ? number() : ""}`;
    if (chance(0.2))
      text += chance(0.2)
        ? `-${number()}`
        : `${separator()}${pick(["post", "r", "rev"])}${chance(0.8) ? number() : ""}`;
    if (chance(0.2)) text += `${separator()}dev${chance(0.8) ? number() : ""}`;
    if (local && chance(0.15))
      text += `+${pick(["cpu", "cu121", "1.2", "abc.5", "ABC-5", "01", "x_y"])}`;
    return text;
  };
  const version = (): string => {
    if (chance(0.04))
      return pick(["1.0+", "1..0", "x1", "1.0-", "1.0 2", "*", "1.0+a+b", "01.0beta"]);
    let text = `${chance(0.08) ? `${pick([1, 2])}!` : ""}${release()}${suffix(true)}`;
    if (chance(0.08)) text = text.toUpperCase();
    if (chance(0.04)) text = `v${text}`;
    if (chance(0.03)) text = ` ${text} `;
    return text;
  };
  const clause = (): string => {
    const operator = pick(["==", "!=", "<", ">", "<=", ">=", "~=", "==", "!=", "==="]);
    const space = chance(0.2) ? " " : "";
    if (operator === "===")
      return `===${space}${chance(0.5) ? version().trim() : pick(["foo", "1.0"])}`;
    if ((operator === "==" || operator === "!=") && chance(0.3)) {
      return `${operator}${space}${chance(0.1) ? "1!" : ""}${release()}.*`;
    }
    if (operator === "~=")
      return `~=${space}${chance(0.1) ? "1!" : ""}${release(2 + Math.floor(random() * 2))}${suffix(false)}`;
    const local = operator === "==" || operator === "!=";
    if (chance(0.03)) return `${operator}${release()}.*`;
    return `${operator}${space}${chance(0.08) ? "1!" : ""}${release()}${suffix(local)}`;
  };
  const specifier = (): string => {
    const count = 1 + Math.floor(random() * 3);
    const text = Array.from({ length: count }, clause).join(pick([",", ", ", " ,"]));
    return chance(0.03) ? `${text},` : text;
  };

  const markerValue = (variable: string): string => {
    if (/python|implementation_version/.test(variable) && !/implementation$/.test(variable)) {
      return pick([
        "3",
        "3.8",
        "3.10",
        "3.13",
        "3.13.0",
        "3.13.0rc1",
        "3.14.0",
        "3.6.*",
        "3.*",
        "2.7",
        "3.12.4",
      ]);
    }
    if (variable === "platform_release")
      return pick(["6", "6.1", "10", "5.15.0", "6.8.0-45-generic", "23"]);
    if (variable === "extra")
      return pick(["tests", "Tests", "socks", "dev-tools", "dev_tools", "dev"]);
    return pick([
      "linux",
      "win32",
      "darwin",
      "Linux",
      "Windows",
      "CPython",
      "PyPy",
      "cpython",
      "nt",
      "posix",
      "x86_64",
      "arm64",
      "",
    ]);
  };
  const markerVariables = [
    "python_version",
    "python_full_version",
    "implementation_version",
    "platform_release",
    "sys_platform",
    "sys.platform",
    "platform_system",
    "os_name",
    "os.name",
    "platform_machine",
    "platform.machine",
    "implementation_name",
    "platform_python_implementation",
    "python_implementation",
    "platform.python_implementation",
    "platform_version",
    "platform.version",
    "extra",
  ];
  const comparison = (): string => {
    const variable = pick(markerVariables);
    const versionLike = /python|implementation_version|platform_release/.test(variable);
    const undefinedOps = versionLike || chance(0.05) ? ["~=", "==="] : [];
    const operator = pick(["==", "!=", "<", "<=", ">", ">=", "in", "not in", ...undefinedOps]);
    const value = markerValue(variable.replace(/\./g, "_"));
    const quote = pick(["'", '"']);
    return chance(0.2)
      ? `${quote}${value}${quote} ${operator} ${variable}`
      : `${variable} ${operator} ${quote}${value}${quote}`;
  };
  const marker = (depth = 0): string => {
    if (depth > 1 || chance(0.5)) return comparison();
    const text = `${marker(depth + 1)} ${pick(["and", "or"])} ${marker(depth + 1)}`;
    return chance(0.4) ? `(${text})` : text;
  };
  return { version, specifier, marker, pick, chance };
}
