/** Every code lock-check emits is in its registry, so the README documents it. */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "@jest/globals";
import { type LockCheckDeps, run } from "../../../actions/lock-check/run.js";
import { lockCheckCodes } from "../../../shared/lockcheck/codes.js";
import {
  cooldownCandidates,
  cooldownFindings,
  unknownUploadTimes,
} from "../../../shared/lockcheck/cooldown.js";
import { checkProject, type DriftFinding } from "../../../shared/lockcheck/index.js";
import { parseLock, readLock } from "../../../shared/lockfiles/index.js";
import { excludeNewerSetting } from "../../../shared/project/exclude-newer.js";
import { parseTomlText } from "../../../shared/project/files.js";
import { manifestOf } from "../../../shared/project/pyproject.js";
import { ConfigurationError } from "../../../shared/runtime/errors.js";
import { type Finding, toAnnotation } from "../../../shared/runtime/findings.js";
import type { ActionIo } from "../../../shared/runtime/io.js";
import { repoRoot } from "../../harness/runner.js";

const registered = new Map<string, readonly string[]>(
  Object.values(lockCheckCodes).map((entry) => [
    entry.code,
    [entry.severity, ...(entry.also ?? [])],
  ]),
);

const sourceDirs = ["shared/lockcheck", "actions/lock-check"];

/** Each `code: ...` in lock-check's sources: a string, a template, or an expression. */
function codesInSources() {
  const found: { file: string; kind: "string" | "template" | "expression"; value: string }[] = [];
  for (const dir of sourceDirs) {
    for (const name of readdirSync(path.join(repoRoot, dir), {
      recursive: true,
      encoding: "utf8",
    })) {
      if (!name.endsWith(".ts") || (dir === "shared/lockcheck" && name === "codes.ts")) continue;
      const file = `${dir}/${name}`;
      const text = readFileSync(path.join(repoRoot, file), "utf8");
      for (const match of text.matchAll(
        /\bcode:\s*(?:"([^"]*)"|'([^']*)'|`([^`]*)`|([^,\n}]+),)/g,
      )) {
        const [, double, single, template, expression] = match;
        if (template !== undefined) found.push({ file, kind: "template", value: template });
        else if (expression !== undefined)
          found.push({ file, kind: "expression", value: expression.trim() });
        else found.push({ file, kind: "string", value: double ?? single });
      }
    }
  }
  return found;
}

/** A template literal as a regex: each `${...}` stands for any text. */
const templatePattern = (template: string) =>
  new RegExp(
    `^${template
      .split(/\$\{[^}]*\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
      .join(".+")}$`,
  );

describe("the sources", () => {
  const found = codesInSources();

  test("find the codes at all", () => {
    expect(found.filter((f) => f.kind === "string").length).toBeGreaterThan(20);
  });

  test("pass only registered codes", () => {
    const unregistered = found
      .filter((f) => f.kind === "string" && !registered.has(f.value))
      .map((f) => `${f.file}: ${f.value}`);
    expect(unregistered).toEqual([]);
  });

  test("build codes from templates only where registered codes match", () => {
    const unmatched = found
      .filter((f) => f.kind === "template")
      .filter((f) => ![...registered.keys()].some((code) => templatePattern(f.value).test(code)))
      .map((f) => `${f.file}: ${f.value}`);
    expect(unmatched).toEqual([]);
  });

  test("compute no code, except to pass a finding's own code on", () => {
    const computed = found
      .filter((f) => f.kind === "expression" && !/^\w+\.code$/.test(f.value))
      .map((f) => `${f.file}: ${f.value}`);
    expect(computed).toEqual([]);
  });

  test("emit every registered code somewhere", () => {
    const emitted = (code: string) =>
      found.some(
        (f) =>
          (f.kind === "string" && f.value === code) ||
          (f.kind === "template" && templatePattern(f.value).test(code)),
      );
    expect([...registered.keys()].filter((code) => !emitted(code))).toEqual([]);
  });
});

const workspaces: string[] = [];
afterAll(() => {
  for (const dir of workspaces) rmSync(dir, { recursive: true, force: true });
});

/** Checks a copy of `source` (outside git, so no history is read), after `edit`. */
function findingsOf(source: string, edit?: (dir: string) => void): DriftFinding[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pyship-codes-"));
  workspaces.push(dir);
  cpSync(source, dir, { recursive: true });
  edit?.(dir);
  try {
    return checkProject({ workingDirectory: dir, workspace: dir }).flatMap((r) => r.findings);
  } catch (error) {
    if (error instanceof ConfigurationError) return []; // a refused project, not a finding
    throw error;
  }
}

const editFile = (name: string, change: (text: string) => string) => (dir: string) =>
  writeFileSync(path.join(dir, name), change(readFileSync(path.join(dir, name), "utf8")));

const lockNames = /^(uv|poetry|pdm|Pipfile)\.lock$|^requirements.*\.txt$/;

/** Every directory below `root` that holds a lockfile. */
function lockDirectories(root: string): string[] {
  if (!existsSync(root)) return [];
  const entries = readdirSync(root, { withFileTypes: true });
  const own = entries.some((e) => e.isFile() && lockNames.test(e.name)) ? [root] : [];
  return [
    ...own,
    ...entries
      .filter((e) => e.isDirectory())
      .flatMap((e) => lockDirectories(path.join(root, e.name))),
  ];
}

const fixtures = path.join(repoRoot, "test/fixtures");
const uvApp = path.join(fixtures, "lock-check/uv-app");
const requirements = path.join(fixtures, "lockfiles/vscode-python-tools-extension-template");
const history = path.resolve(repoRoot, "..", "shared", "fixtures", "lock-history");

/** Edits that make the checks report, beside the fixtures as they are. */
const edits: [string, (dir: string) => void][] = [
  [
    "a changed specifier",
    editFile("pyproject.toml", (p) => p.replace('"requests>=2.31"', '"requests>=2.32.4"')),
  ],
  [
    "a new dependency",
    editFile("pyproject.toml", (p) =>
      p.replace('    "requests>=2.31",', '    "requests>=2.31",\n    "httpx>=0.27",'),
    ),
  ],
  [
    "a removed dependency",
    editFile("pyproject.toml", (p) => p.replace('    "requests>=2.31",\n', "")),
  ],
  [
    "requires-python",
    editFile("pyproject.toml", (p) =>
      p.replace('requires-python = ">=3.11"', 'requires-python = ">=3.12"'),
    ),
  ],
  [
    "an extra",
    editFile("pyproject.toml", (p) =>
      p.replace('cli = ["rich>=13"]', 'cli = ["rich>=13"]\nyaml = ["pyyaml>=6"]'),
    ),
  ],
  [
    "extras of a dependency",
    editFile("pyproject.toml", (p) => p.replace('"requests>=2.31"', '"requests[socks]>=2.31"')),
  ],
  [
    "a source",
    editFile(
      "pyproject.toml",
      (p) =>
        `${p}\n[tool.uv.sources]\nrequests = { git = "https://github.com/psf/requests", tag = "v2.32.3" }\n`,
    ),
  ],
  [
    "a version",
    editFile("pyproject.toml", (p) => p.replace('version = "0.1.0"', 'version = "0.2.0"')),
  ],
  [
    "a marker",
    editFile("pyproject.toml", (p) => p.replace("sys_platform != 'win32'", "os_name != 'nt'")),
  ],
  ["a lock version", editFile("uv.lock", (l) => l.replace("version = 1\n", "version = 2\n"))],
  [
    "constraints",
    editFile("pyproject.toml", (p) => `${p}\n[tool.uv]\nconstraint-dependencies = ["urllib3<2"]\n`),
  ],
  [
    "overrides",
    editFile("pyproject.toml", (p) => `${p}\n[tool.uv]\noverride-dependencies = ["urllib3<2"]\n`),
  ],
  ["workspace members", addMember],
  [
    "an entry that is not valid",
    editFile("uv.lock", (l) => l.replace('version = "2.32.3"', 'version = "banana"')),
  ],
  [
    "no lockfile",
    (dir) => {
      rmSync(path.join(dir, "uv.lock"));
      editFile("pyproject.toml", (p) => `${p}\n[tool.uv]\npackage = true\n`)(dir);
    },
  ],
];

/** A workspace member uv.lock does not know. */
function addMember(dir: string) {
  editFile("pyproject.toml", (p) => `${p}\n[tool.uv.workspace]\nmembers = ["packages/*"]\n`)(dir);
  mkdirSync(path.join(dir, "packages/extra"), { recursive: true });
  const member = '[project]\nname = "extra-member"\nversion = "0.1.0"\ndependencies = []\n';
  writeFileSync(path.join(dir, "packages/extra/pyproject.toml"), member);
}

const requirementsEdits: [string, (text: string) => string][] = [
  [
    "a pin without hashes",
    (t) =>
      t.replace(/^attrs==23\.2\.0 \\\n(\s+--hash=\S+ \\\n)*\s+--hash=\S+\n/m, "attrs==23.2.0\n"),
  ],
  ["an input it cannot read", (t) => t.replace("./requirements.in", "./setup.cfg")],
];

const lockfiles = path.join(fixtures, "lockfiles");
/** Edits of the poetry, pdm and Pipfile fixtures, by directory and file. */
const hashedEdits: [string, string, string, (text: string) => string][] = [
  [
    "a hashed section",
    "resume-cli",
    "pyproject.toml",
    (t) => t.replace('Flask = ">=3.0.3"', 'Flask = ">=3.0.2"'),
  ],
  [
    "a constraint that does not parse",
    "resume-cli",
    "pyproject.toml",
    (t) => t.replace('Flask = ">=3.0.3"', 'Flask = ">=3.0.3!!"'),
  ],
  [
    "an old lock format",
    "gilded-rose-python",
    "pdm.lock",
    (t) => t.replace('lock_version = "4.4.1"', 'lock_version = "3.1"'),
  ],
  [
    "a source without a name",
    "gilded-rose-python",
    "Pipfile",
    (t) => t.replace('name = "pypi"\n', ""),
  ],
];

/** Every case: the fixtures as they are, edited, and the lock-history corpus where it is. */
const cases: [string, () => DriftFinding[]][] = [
  ...lockDirectories(fixtures).map((dir): [string, () => DriftFinding[]] => [
    path.relative(repoRoot, dir),
    () => findingsOf(dir),
  ]),
  ...edits.map(([name, edit]): [string, () => DriftFinding[]] => [
    `uv-app with ${name}`,
    () => findingsOf(uvApp, edit),
  ]),
  ...requirementsEdits.map(([name, edit]): [string, () => DriftFinding[]] => [
    `requirements.txt with ${name}`,
    () => findingsOf(requirements, editFile("requirements.txt", edit)),
  ]),
  ...hashedEdits.map(([name, fixture, file, edit]): [string, () => DriftFinding[]] => [
    `${fixture} with ${name}`,
    () => findingsOf(path.join(lockfiles, fixture), editFile(file, edit)),
  ]),
  ...lockDirectories(history).map((dir): [string, () => DriftFinding[]] => [
    `lock-history ${path.relative(history, dir)}`,
    () => findingsOf(dir),
  ]),
  ["cooldown: too new, after exclude-newer, and unknown", cooldownCase],
];

/** The cooldown findings of an upgrade uploaded a day before the head commit, one not known. */
function cooldownCase(): DriftFinding[] {
  const lock = readLock(path.join(fixtures, "cooldown/uv.lock"), "uv.lock");
  const changes = ["certifi", "idna"].map((name) => ({
    kind: "added" as const,
    key: name,
    name,
    to: lock.packages.find((p) => p.key === name)?.version,
    line: 1,
    direct: true,
    pulledInBy: [],
    groups: [],
  }));
  const [certifi, idna] = cooldownCandidates(changes, lock);
  const text = '[tool.uv]\nexclude-newer = "2026-11-01T00:00:00Z"\n';
  const excludeNewer = excludeNewerSetting(
    manifestOf(parseTomlText(text, "pyproject.toml"), text, "pyproject.toml"),
  );
  const reference = Date.parse("2026-12-01T18:05:42Z");
  const dated = [{ candidate: certifi, uploadTime: certifi.uploadTime as string }];
  return [
    ...cooldownFindings(lock, dated, { minReleaseAgeMs: 7 * 86_400_000, excludeNewer }, reference),
    unknownUploadTimes(lock, [{ candidate: idna, reason: "offline" }], 2) as DriftFinding,
  ];
}

/** The codes of lock-check's annotations and `findings` output, run in-process with a tool that disagrees. */
async function actionCodes(source: string, deps: Partial<LockCheckDeps> = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pyship-codes-"));
  workspaces.push(dir);
  cpSync(source, dir, { recursive: true });
  const reported: Finding[] = [];
  const outputs = new Map<string, string>();
  const io = {
    info() {},
    debug() {},
    warning() {},
    notice() {},
    setOutput: (name: string, value: string) => outputs.set(name, value),
    async summary() {},
    async report(_: string, findings: readonly Finding[]) {
      reported.push(...findings);
    },
    async group<T>(_: string, fn: () => Promise<T>) {
      return fn();
    },
  } as unknown as ActionIo;
  const inputs = {
    workingDirectory: dir,
    workspace: dir,
    mode: "tool",
    hashRecipes: "current",
    failOnDrift: false,
    comment: false,
    githubToken: "",
  } as const;
  const toolCheck = async () => ({ command: "uv lock --check", fresh: false, output: "stale" });
  await run(inputs, io, { env: {}, toolCheck, ...deps });
  const output = JSON.parse(outputs.get("findings") ?? "[]") as { code: string }[];
  return {
    annotations: reported.map((f) => [toAnnotation(f).title, f.severity]),
    output: output.map((f) => f.code),
  };
}

describe("every finding lock-check reports has a registered code and severity", () => {
  const seen = new Set<string>();

  test.each(cases)("%s", (_, check) => {
    for (const finding of check()) {
      seen.add(finding.code);
      expect([finding.code, registered.get(finding.code)]).toEqual([
        finding.code,
        expect.arrayContaining([finding.severity]),
      ]);
    }
  });

  test("the action's annotation titles and findings output, with a tool that disagrees", async () => {
    const { annotations, output } = await actionCodes(uvApp);
    expect(annotations).toEqual([["tool-disagrees", "warning"]]);
    expect(output).toEqual(["tool-disagrees"]);
    for (const [title, severity] of annotations) {
      seen.add(title);
      expect(registered.get(title)).toContain(severity);
    }
  });

  test("on a pull request, against a base with other hashes for a version", async () => {
    const base = path.join(repoRoot, "test/fixtures/lock-diff/uv/uv.lock");
    const { annotations, output } = await actionCodes(uvApp, {
      baseRevision: () => ({ sha: "0".repeat(40), repository: "o/r", apiUrl: "", token: "" }),
      readBaseLock: async (_, file) => ({
        status: "read",
        lock: parseLock(readFileSync(base, "utf8"), file),
        via: "git",
      }),
    });
    expect(output).toContain("hashes-changed");
    for (const [title, severity] of annotations) {
      seen.add(title);
      expect(registered.get(title)).toContain(severity);
    }
  });

  test("the cases above reach every registered code", () => {
    expect([...registered.keys()].filter((code) => !seen.has(code))).toEqual([]);
  });
});
