/**
 * Acceptance of lock-check against the real tools. Today's releases (the oracle chroot: Poetry 2.3,
 * PDM 2.29, pipenv 2026.8) lock small projects once against the harness index; every mutation then
 * edits only the manifest of a copy (never re-locking), and the bundled action's verdict must equal
 * today's tool's own check (`poetry check --lock`, `pdm lock --check`, `pipenv verify`), with the
 * finding on the right package, file and line. Debian 12's poetry 1.3.2, pdm 2.2.1 and pipenv
 * 2022.12 check the same copies as a second, named expectation; a second suite has them write the
 * locks, which today's tools then judge.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { type RunningIndex, startIndex } from "../../harness/index-server.js";
import { describeWithOracles, oracleName } from "../../harness/oracles.js";
import {
  checkWithPdm,
  checkWithPoetry,
  type FreshnessVerdict,
  lockWithPdm,
  lockWithPipenv,
  lockWithPoetry,
  makeToolHome,
  pdmSourceToml,
  pipfileSourceToml,
  poetrySourceToml,
  TOOL_TIMEOUT_MS,
  type ToolOptions,
  type Toolset,
  verifyWithPipenv,
} from "../../harness/python-tools.js";
import { runAction } from "../../harness/runner.js";
import { buildPackages, type PackageSpec } from "../../harness/wheels.js";

// ---------------------------------------------------------------------------------------------
// The index and the three base projects
// ---------------------------------------------------------------------------------------------

const packages: PackageSpec[] = [
  { name: "alpha", version: "1.0" },
  { name: "alpha", version: "1.5" },
  { name: "alpha", version: "2.0" },
  { name: "beta", version: "1.0" },
  { name: "beta", version: "2.0", extras: { fast: ["delta>=1.0"], slow: ["gamma"] } },
  { name: "gamma", version: "1.0" },
  { name: "delta", version: "1.0" },
  { name: "epsilon", version: "1.0", summary: "A dev tool" },
  { name: "zeta", version: "1.0", dependencies: ["alpha>=1.0"] },
  // Never in a base project, so adding it is always "not locked".
  { name: "kappa", version: "1.0" },
];

type ToolName = "poetry" | "pdm" | "pipenv";

interface Tool {
  manifest: string;
  lockfile: string;
  /** The base manifest, locked once in beforeAll. */
  base: (indexUrl: string, toolset: Toolset) => string;
  lock: (dir: string, indexUrl: string, options: ToolOptions) => Promise<unknown>;
  check: (dir: string, options: ToolOptions) => Promise<FreshnessVerdict>;
  /** What pyship must tell the user to run. */
  fix: string;
}

const tools: Record<ToolName, Tool> = {
  poetry: {
    manifest: "pyproject.toml",
    lockfile: "poetry.lock",
    base: (indexUrl, toolset) =>
      [
        "[tool.poetry]",
        'name = "consumer"',
        'version = "0.1.0"',
        'description = "A consumer of the harness index"',
        'authors = ["Test <test@example.com>"]',
        "",
        "[tool.poetry.dependencies]",
        'python = "^3.9"',
        'alpha = "^1.0"',
        'beta = { version = ">=1.0", extras = ["fast"] }',
        'gamma = { version = "*", optional = true }',
        'zeta = "*"',
        "",
        "[tool.poetry.extras]",
        'g = ["gamma"]',
        "",
        "[tool.poetry.group.dev.dependencies]",
        'epsilon = "*"',
        "",
        poetrySourceToml(indexUrl, "local", toolset),
      ].join("\n"),
    lock: lockWithPoetry,
    check: checkWithPoetry,
    // Poetry 2 writes its version in the lock, 1.3 does not: neither names a Poetry 1.x.
    fix: "poetry lock",
  },
  pdm: {
    manifest: "pyproject.toml",
    lockfile: "pdm.lock",
    base: (indexUrl) =>
      [
        "[project]",
        'name = "consumer"',
        'version = "0.1.0"',
        'description = "A consumer of the harness index"',
        'requires-python = ">=3.9"',
        "dependencies = [",
        '    "alpha>=1.0,<2",',
        '    "beta[fast]>=1.0",',
        '    "zeta",',
        "]",
        "",
        "[project.optional-dependencies]",
        'g = ["gamma"]',
        "",
        "[tool.pdm.dev-dependencies]",
        'dev = ["epsilon"]',
        "",
        pdmSourceToml(indexUrl),
      ].join("\n"),
    lock: lockWithPdm,
    check: checkWithPdm,
    fix: "pdm lock",
  },
  pipenv: {
    manifest: "Pipfile",
    lockfile: "Pipfile.lock",
    base: (indexUrl) =>
      [
        pipfileSourceToml(indexUrl),
        "[packages]",
        'alpha = ">=1.0,<2"',
        'beta = { version = ">=1.0", extras = ["fast"] }',
        'gamma = "*"',
        'zeta = "*"',
        "",
        "[dev-packages]",
        'epsilon = "*"',
        "",
        "[requires]",
        'python_version = "3.11"',
        "",
        "[scripts]",
        'hello = "echo hi"',
        "",
      ].join("\n"),
    lock: lockWithPipenv,
    check: verifyWithPipenv,
    fix: "pipenv lock",
  },
};

// ---------------------------------------------------------------------------------------------
// Mutations
// ---------------------------------------------------------------------------------------------

interface ExpectedFinding {
  code: string;
  /** null for findings about the whole lock (content-hash). */
  package: string | null;
  /** Where the finding must point: the (mutated) manifest or the lockfile. */
  in: "manifest" | "lock";
  /** The first line matching this is the expected line. */
  at: RegExp;
  /** Text the message must contain, e.g. the hashed section that changed. */
  mentions?: string;
}

interface Mutation {
  name: string;
  /** Rewrites the manifest text; `indexUrl` for source changes. */
  apply: (manifest: string, indexUrl: string) => string;
  /** Today's tool's expected verdict, so a mutation that does not do what it says fails loudly. */
  toolFresh: boolean;
  /** Debian 12's tool's verdict, where it differs from today's. */
  debian12Fresh?: boolean;
  /** The one finding pyship must report (none when fresh). */
  finding?: ExpectedFinding;
}

/** `text` with `search` replaced once; throws when `search` is missing (a stale mutation). */
function replaceOnce(text: string, search: string | RegExp, replacement: string): string {
  const found = typeof search === "string" ? text.includes(search) : search.test(text);
  if (!found) throw new Error(`mutation target ${search} not in the manifest`);
  return text.replace(search, replacement);
}

const unchanged: Mutation = { name: "unchanged", apply: (text) => text, toolFresh: true };

/** The content hash changed while every declared dependency is still locked in range. */
const hashOnly = (section: string): ExpectedFinding => ({
  code: "content-hash",
  package: null,
  in: "lock",
  at: /content[-_]hash|"sha256": /,
  // Only the one section: "the hashed section <name> changed".
  mentions: `section ${section} changed`,
});

const notLocked = (pkg: string, at: RegExp): ExpectedFinding => ({
  code: "not-locked",
  package: pkg,
  in: "manifest",
  at,
});

const changeSourceUrl = (text: string, indexUrl: string) =>
  replaceOnce(
    text,
    `url = "${indexUrl}"`,
    `url = "${indexUrl.replace(/simple\/?$/, "mirror/simple/")}"`,
  );

const mutations: Record<ToolName, Mutation[]> = {
  poetry: [
    unchanged,
    {
      name: "change the description (not hashed)",
      apply: (t) => replaceOnce(t, "A consumer of the harness index", "Another description"),
      toolFresh: true,
    },
    {
      name: "add a dependency",
      apply: (t) => replaceOnce(t, 'zeta = "*"\n', 'zeta = "*"\nkappa = "^1.0"\n'),
      toolFresh: false,
      finding: notLocked("kappa", /^kappa = "\^1\.0"/),
    },
    {
      name: "remove a dependency",
      apply: (t) => replaceOnce(t, 'zeta = "*"\n', ""),
      toolFresh: false,
      finding: { code: "not-declared", package: "zeta", in: "lock", at: /^name = "zeta"$/ },
    },
    {
      name: "tighten a constraint beyond the locked version",
      apply: (t) => replaceOnce(t, 'alpha = "^1.0"', 'alpha = "^2.0"'),
      toolFresh: false,
      finding: { code: "unsatisfied", package: "alpha", in: "manifest", at: /^alpha = "\^2\.0"/ },
    },
    {
      name: "loosen a constraint that still admits the locked version",
      apply: (t) => replaceOnce(t, 'alpha = "^1.0"', 'alpha = ">=1.0"'),
      toolFresh: false,
      finding: hashOnly("tool.poetry.dependencies"),
    },
    {
      name: "change requires-python",
      apply: (t) => replaceOnce(t, 'python = "^3.9"', 'python = "^3.10"'),
      toolFresh: false,
      finding: {
        code: "requires-python",
        package: "python",
        in: "manifest",
        at: /^python = "\^3\.10"/,
      },
    },
    {
      name: "add a group with a new dependency",
      apply: (t) => `${t}\n[tool.poetry.group.docs.dependencies]\nkappa = "*"\n`,
      toolFresh: false,
      finding: notLocked("kappa", /^kappa = "\*"/),
    },
    {
      name: "add a group with an already locked dependency",
      apply: (t) => `${t}\n[tool.poetry.group.docs.dependencies]\ndelta = "*"\n`,
      toolFresh: false,
      finding: hashOnly("tool.poetry.group"),
    },
    {
      name: "add an extra with a new optional dependency",
      apply: (t) =>
        replaceOnce(
          replaceOnce(
            t,
            'zeta = "*"\n',
            'zeta = "*"\nkappa = { version = "^1.0", optional = true }\n',
          ),
          'g = ["gamma"]\n',
          'g = ["gamma"]\nk = ["kappa"]\n',
        ),
      toolFresh: false,
      finding: notLocked("kappa", /^kappa = \{/),
    },
    {
      name: "add an extra of an already locked dependency",
      apply: (t) => replaceOnce(t, 'g = ["gamma"]\n', 'g = ["gamma"]\nall = ["gamma"]\n'),
      toolFresh: false,
      finding: hashOnly("tool.poetry.extras"),
    },
    {
      name: "request another extra of a dependency",
      apply: (t) => replaceOnce(t, 'extras = ["fast"]', 'extras = ["fast", "slow"]'),
      toolFresh: false,
      finding: hashOnly("tool.poetry.dependencies"),
    },
    {
      name: "change the source URL",
      apply: changeSourceUrl,
      toolFresh: false,
      finding: hashOnly("tool.poetry.source"),
    },
    {
      name: "remove the dev group",
      apply: (t) => replaceOnce(t, '[tool.poetry.group.dev.dependencies]\nepsilon = "*"\n', ""),
      toolFresh: false,
      finding: { code: "not-declared", package: "epsilon", in: "lock", at: /^name = "epsilon"$/ },
    },
    {
      name: "tighten a dev dependency beyond the locked version",
      apply: (t) => replaceOnce(t, 'epsilon = "*"', 'epsilon = ">=2.0"'),
      toolFresh: false,
      finding: {
        code: "unsatisfied",
        package: "epsilon",
        in: "manifest",
        at: /^epsilon = ">=2\.0"/,
      },
    },
    {
      name: "rewrite requires-python as an equivalent range",
      apply: (t) => replaceOnce(t, 'python = "^3.9"', 'python = ">=3.9,<4.0"'),
      toolFresh: false,
      finding: hashOnly("tool.poetry.dependencies"),
    },
    {
      name: "respell a dependency name",
      apply: (t) => replaceOnce(t, 'alpha = "^1.0"', 'Alpha = "^1.0"'),
      toolFresh: false,
      finding: hashOnly("tool.poetry.dependencies"),
    },
    {
      name: "make the dev group optional",
      apply: (t) =>
        replaceOnce(
          t,
          "[tool.poetry.group.dev.dependencies]",
          "[tool.poetry.group.dev]\noptional = true\n\n[tool.poetry.group.dev.dependencies]",
        ),
      toolFresh: false,
      finding: hashOnly("tool.poetry.group"),
    },
    {
      name: "add a legacy dev-dependencies section",
      apply: (t) => `${t}\n[tool.poetry.dev-dependencies]\nkappa = "*"\n`,
      toolFresh: false,
      finding: notLocked("kappa", /^kappa = "\*"/),
    },
    {
      name: "reformat and comment (not hashed)",
      apply: (t) => replaceOnce(t, 'alpha = "^1.0"', 'alpha   =   "^1.0"  # pinned by hand'),
      toolFresh: true,
    },
  ],
  pdm: [
    unchanged,
    {
      name: "change the description (not hashed)",
      apply: (t) => replaceOnce(t, "A consumer of the harness index", "Another description"),
      toolFresh: true,
    },
    {
      name: "add a dependency",
      apply: (t) => replaceOnce(t, '    "zeta",\n', '    "zeta",\n    "kappa>=1.0",\n'),
      toolFresh: false,
      finding: notLocked("kappa", /^ {4}"kappa>=1\.0",/),
    },
    {
      name: "remove a dependency",
      apply: (t) => replaceOnce(t, '    "zeta",\n', ""),
      toolFresh: false,
      finding: { code: "not-declared", package: "zeta", in: "lock", at: /^name = "zeta"$/ },
    },
    {
      name: "tighten a constraint beyond the locked version",
      apply: (t) => replaceOnce(t, '"alpha>=1.0,<2"', '"alpha>=2.0"'),
      toolFresh: false,
      finding: { code: "unsatisfied", package: "alpha", in: "manifest", at: /^ {4}"alpha>=2\.0",/ },
    },
    {
      name: "loosen a constraint that still admits the locked version",
      apply: (t) => replaceOnce(t, '"alpha>=1.0,<2"', '"alpha>=1.0"'),
      toolFresh: false,
      finding: hashOnly("project.dependencies"),
    },
    {
      // PDM 2.2's lock records no requires_python, so only the hash can tell.
      name: "change requires-python",
      apply: (t) => replaceOnce(t, 'requires-python = ">=3.9"', 'requires-python = ">=3.10"'),
      toolFresh: false,
      finding: hashOnly("project.requires-python"),
    },
    {
      name: "add a dev-dependency group with a new dependency",
      apply: (t) => replaceOnce(t, 'dev = ["epsilon"]\n', 'dev = ["epsilon"]\ndocs = ["kappa"]\n'),
      toolFresh: false,
      finding: notLocked("kappa", /^docs = \["kappa"\]/),
    },
    {
      name: "add a dev-dependency group with an already locked dependency",
      apply: (t) => replaceOnce(t, 'dev = ["epsilon"]\n', 'dev = ["epsilon"]\ndocs = ["delta"]\n'),
      toolFresh: false,
      finding: hashOnly("tool.pdm.dev-dependencies"),
    },
    {
      name: "add an extra with a new dependency",
      apply: (t) => replaceOnce(t, 'g = ["gamma"]\n', 'g = ["gamma"]\nk = ["kappa"]\n'),
      toolFresh: false,
      // `pdm lock` (2.29) locks no extra unless -G names it, so kappa is not owed a lock entry.
      finding: hashOnly("project.optional-dependencies"),
    },
    {
      name: "add an extra of an already locked dependency",
      apply: (t) => replaceOnce(t, 'g = ["gamma"]\n', 'g = ["gamma"]\nall = ["gamma"]\n'),
      toolFresh: false,
      finding: hashOnly("project.optional-dependencies"),
    },
    {
      name: "request another extra of a dependency",
      apply: (t) => replaceOnce(t, '"beta[fast]>=1.0"', '"beta[fast,slow]>=1.0"'),
      toolFresh: false,
      finding: hashOnly("project.dependencies"),
    },
    {
      name: "change the source URL",
      apply: changeSourceUrl,
      toolFresh: false,
      finding: hashOnly("tool.pdm.source"),
    },
    {
      name: "remove an extra",
      apply: (t) => replaceOnce(t, '[project.optional-dependencies]\ng = ["gamma"]\n', ""),
      toolFresh: false,
      finding: hashOnly("project.optional-dependencies"),
    },
    {
      name: "tighten a dev dependency beyond the locked version",
      apply: (t) => replaceOnce(t, 'dev = ["epsilon"]', 'dev = ["epsilon>=2.0"]'),
      toolFresh: false,
      finding: {
        code: "unsatisfied",
        package: "epsilon",
        in: "manifest",
        at: /^dev = \["epsilon>=2\.0"\]/,
      },
    },
    {
      name: "add tool.pdm.resolution.overrides (hashed since PDM 2.16, not by 2.2)",
      apply: (t) => `${t}\n[tool.pdm.resolution.overrides]\ngamma = "1.0"\n`,
      toolFresh: false,
      debian12Fresh: true,
      finding: hashOnly("tool.pdm.resolution"),
    },
    {
      name: "add tool.pdm.overrides (hashed by PDM 2.2, not since 2.16)",
      apply: (t) => `${t}\n[tool.pdm.overrides]\ngamma = "1.0"\n`,
      toolFresh: true,
      debian12Fresh: false,
    },
    {
      name: "reorder dependencies",
      apply: (t) =>
        replaceOnce(
          t,
          '    "alpha>=1.0,<2",\n    "beta[fast]>=1.0",\n',
          '    "beta[fast]>=1.0",\n    "alpha>=1.0,<2",\n',
        ),
      toolFresh: false,
      finding: hashOnly("project.dependencies"),
    },
  ],
  pipenv: [
    unchanged,
    {
      name: "change [scripts] (not hashed)",
      apply: (t) => replaceOnce(t, 'hello = "echo hi"', 'hello = "echo bye"'),
      toolFresh: true,
    },
    {
      name: "add a package",
      apply: (t) => replaceOnce(t, 'zeta = "*"\n', 'zeta = "*"\nkappa = ">=1.0"\n'),
      toolFresh: false,
      finding: notLocked("kappa", /^kappa = ">=1\.0"/),
    },
    {
      // Pipfile.lock records no edges, so a leftover top-level entry is indistinguishable from a
      // transitive one: only the hash can tell.
      name: "remove a package",
      apply: (t) => replaceOnce(t, 'zeta = "*"\n', ""),
      toolFresh: false,
      finding: hashOnly("packages"),
    },
    {
      name: "tighten a constraint beyond the locked version",
      apply: (t) => replaceOnce(t, 'alpha = ">=1.0,<2"', 'alpha = ">=2.0"'),
      toolFresh: false,
      finding: { code: "unsatisfied", package: "alpha", in: "manifest", at: /^alpha = ">=2\.0"/ },
    },
    {
      name: "loosen a constraint that still admits the locked version",
      apply: (t) => replaceOnce(t, 'alpha = ">=1.0,<2"', 'alpha = ">=1.0"'),
      toolFresh: false,
      finding: hashOnly("packages"),
    },
    {
      name: "change [requires] python_version",
      apply: (t) => replaceOnce(t, 'python_version = "3.11"', 'python_version = "3.12"'),
      toolFresh: false,
      finding: {
        code: "requires-python",
        package: "python_version",
        in: "manifest",
        at: /^python_version = "3\.12"/,
      },
    },
    {
      name: "add a dev package",
      apply: (t) => replaceOnce(t, 'epsilon = "*"\n', 'epsilon = "*"\nkappa = "*"\n'),
      toolFresh: false,
      finding: notLocked("kappa", /^kappa = "\*"/),
    },
    {
      name: "add an already locked package to dev-packages",
      apply: (t) => replaceOnce(t, 'epsilon = "*"\n', 'epsilon = "*"\ndelta = "*"\n'),
      toolFresh: false,
      finding: hashOnly("dev-packages"),
    },
    {
      name: "request another extra of a package",
      apply: (t) => replaceOnce(t, 'extras = ["fast"]', 'extras = ["fast", "slow"]'),
      toolFresh: false,
      finding: hashOnly("packages"),
    },
    {
      name: "change the source URL",
      apply: changeSourceUrl,
      toolFresh: false,
      finding: hashOnly("source"),
    },
    {
      name: "add a custom category",
      apply: (t) => replaceOnce(t, "[requires]", '[docs]\nkappa = "*"\n\n[requires]'),
      toolFresh: false,
      finding: notLocked("kappa", /^kappa = "\*"/),
    },
    {
      name: "add [pipenv] allow_prereleases (not hashed)",
      apply: (t) => `${t}\n[pipenv]\nallow_prereleases = true\n`,
      toolFresh: true,
    },
    {
      name: "add [requires] python_full_version",
      apply: (t) =>
        replaceOnce(
          t,
          'python_version = "3.11"\n',
          'python_version = "3.11"\npython_full_version = "3.11.7"\n',
        ),
      toolFresh: false,
      finding: {
        code: "requires-python",
        package: "python_full_version",
        in: "manifest",
        at: /^python_full_version = /,
      },
    },
    {
      name: "reorder packages and comment (not hashed)",
      apply: (t) =>
        replaceOnce(
          t,
          'alpha = ">=1.0,<2"\nbeta = { version = ">=1.0", extras = ["fast"] }\n',
          'beta = { version = ">=1.0", extras = ["fast"] }  # speedy\nalpha = ">=1.0,<2"\n',
        ),
      toolFresh: true,
    },
    {
      name: "change the source name",
      apply: (t) => replaceOnce(t, 'name = "local"', 'name = "mirror"'),
      toolFresh: false,
      finding: hashOnly("source"),
    },
  ],
};

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** 1-based number of the first line matching `pattern`; throws when none does. */
function lineOf(text: string, pattern: RegExp): number {
  const index = text.split("\n").findIndex((line) => pattern.test(line));
  if (index < 0) throw new Error(`no line matches ${pattern}`);
  return index + 1;
}

/** A git repository with the locked base as its first commit and the mutation as the second, as in a PR. */
function commitAll(dir: string, message: string) {
  const git = (...args: string[]) =>
    execFileSync(
      "git",
      ["-c", "user.name=pyship-test", "-c", "user.email=test@example.com", ...args],
      {
        cwd: dir,
        stdio: ["ignore", "ignore", "pipe"],
        env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: os.devNull },
      },
    );
  git("add", "-A");
  git("commit", "-q", "--no-gpg-sign", "--allow-empty", "-m", message);
}

interface FindingJson {
  lockfile: string;
  code: string;
  package: string | null;
  declared: string | null;
  locked: string | null;
  file: string | null;
  line: number | null;
  message: string;
  fix: string | null;
}

interface MatrixRow {
  tool: ToolName;
  mutation: string;
  toolFresh: boolean;
  debian12Fresh?: boolean;
  pyshipDrift: string;
  findings: string;
  toolMs: number;
  actionMs: number;
}

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

const debian12Names = "Debian 12's poetry 1.3.2, pdm 2.2.1, pipenv 2022.12";
const currentNames = () =>
  `today's ${oracleName("poetry")}, ${oracleName("pdm")}, ${oracleName("pipenv")}`;

/** Today's tool's verdict on a copy of a lock `maker` wrote: PDM 2.29 refuses PDM 2.2's hash. */
function expectedToday(maker: Toolset, toolName: ToolName, mutation: Mutation): boolean {
  if (maker === "debian12" && toolName === "pdm") return false;
  return mutation.toolFresh;
}

/**
 * Debian 12's tool's verdict: on its own locks, the mutation's; on today's, PDM 2.2 calls every
 * PDM 2.29 lock out of date, and Poetry 1.3 cannot read Poetry 2's `priority` source (undefined).
 */
function expectedDebian12(
  maker: Toolset,
  toolName: ToolName,
  mutation: Mutation,
): boolean | undefined {
  if (maker === "debian12") return mutation.debian12Fresh ?? mutation.toolFresh;
  if (toolName === "pdm") return false;
  if (toolName === "poetry") return undefined;
  return mutation.debian12Fresh ?? mutation.toolFresh;
}

function agreementSuite(maker: Toolset) {
  const title =
    maker === "current"
      ? `lock-check agrees with ${currentNames()} on manifest mutations (${debian12Names} second)`
      : `on locks ${debian12Names} wrote, lock-check agrees with ${currentNames()}`;
  describeWithOracles(title, () => {
    let root: string;
    let index: RunningIndex;
    let home: string;
    const bases = {} as Record<ToolName, { manifest: string; lock: string }>;
    const matrix: MatrixRow[] = [];
    const lockMs: Record<string, number> = {};
    let caseNumber = 0;

    beforeAll(async () => {
      root = mkdtempSync(path.join(os.tmpdir(), "pyship-lock-agreement-"));
      await buildPackages(packages, path.join(root, "packages"));
      index = await startIndex({ directory: path.join(root, "packages") });
      home = makeToolHome(root);
      await Promise.all(
        (Object.keys(tools) as ToolName[]).map(async (name) => {
          const tool = tools[name];
          const dir = path.join(root, "base", name);
          mkdirSync(dir, { recursive: true });
          const manifest = tool.base(index.simpleUrl, maker);
          writeFileSync(path.join(dir, tool.manifest), manifest);
          const started = Date.now();
          await tool.lock(dir, index.simpleUrl, { home, toolset: maker });
          lockMs[name] = Date.now() - started;
          bases[name] = { manifest, lock: readFileSync(path.join(dir, tool.lockfile), "utf8") };
        }),
      );
    }, TOOL_TIMEOUT_MS);

    afterAll(async () => {
      await index?.close();
      if (matrix.length > 0) {
        const table = matrix
          .map(
            (r) =>
              `${r.tool.padEnd(7)} ${r.mutation.padEnd(62)} tool=${r.toolFresh ? "fresh" : "stale"} debian12=${r.debian12Fresh === undefined ? "-" : r.debian12Fresh ? "fresh" : "stale"} pyship=${r.pyshipDrift === "false" ? "fresh" : "drift"} ${r.findings} (tool ${r.toolMs} ms, action ${r.actionMs} ms)`,
          )
          .join("\n");
        console.log(`${maker} locks; lock timings (ms) ${JSON.stringify(lockMs)}\n${table}`);
      }
      if (root) rmSync(root, { recursive: true, force: true });
    });

    /** A fresh copy of the locked base with the mutation applied to the manifest, committed. */
    function mutatedProject(toolName: ToolName, mutation: Mutation) {
      const tool = tools[toolName];
      const dir = path.join(root, "cases", `${toolName}-${++caseNumber}`);
      mkdirSync(dir, { recursive: true });
      const base = bases[toolName];
      writeFileSync(path.join(dir, tool.manifest), base.manifest);
      writeFileSync(path.join(dir, tool.lockfile), base.lock);
      execFileSync("git", ["init", "-q", "-b", "main"], { cwd: dir, stdio: "ignore" });
      commitAll(dir, "locked base");
      const manifest = mutation.apply(base.manifest, index.simpleUrl);
      writeFileSync(path.join(dir, tool.manifest), manifest);
      commitAll(dir, mutation.name);
      return { dir, manifest, lock: base.lock };
    }

    async function checkMutation(toolName: ToolName, mutation: Mutation) {
      const tool = tools[toolName];
      const { dir, manifest, lock } = mutatedProject(toolName, mutation);

      // The checks only read the project (none of the three writes a file), so run them together.
      const started = Date.now();
      const [{ result, actionMs }, verdict, debian12] = await Promise.all([
        runAction({ action: "lock-check", workspace: dir }).then((result) => ({
          result,
          actionMs: Date.now() - started,
        })),
        tool.check(dir, { home, toolset: "current" }),
        expectedDebian12(maker, toolName, mutation) === undefined
          ? undefined
          : tool.check(dir, { home, toolset: "debian12" }),
      ]);
      const findings = JSON.parse(result.outputs.findings ?? "[]") as FindingJson[];
      matrix.push({
        tool: toolName,
        mutation: mutation.name,
        toolFresh: verdict.fresh,
        debian12Fresh: debian12?.fresh,
        pyshipDrift: result.outputs.drift,
        findings: findings
          .map((f) => `${f.code}:${f.package ?? "-"}@${f.file}:${f.line}`)
          .join(" "),
        toolMs: verdict.durationMs,
        actionMs,
      });

      // The mutation does what it says, and pyship's verdict equals today's tool's.
      expect({ [oracleName(toolName)]: verdict.fresh }).toEqual({
        [oracleName(toolName)]: expectedToday(maker, toolName, mutation),
      });
      expect({ debian12: debian12?.fresh }).toEqual({
        debian12: expectedDebian12(maker, toolName, mutation),
      });
      expect({ drift: result.outputs.drift, exitCode: result.exitCode }).toEqual({
        drift: String(!verdict.fresh),
        exitCode: verdict.fresh ? 0 : 1,
      });
      expect(result.outputs.lockfiles).toBe(tool.lockfile);
      if (maker === "debian12") {
        // Another tool's lock: the verdict is the contract; a drift names where.
        if (!verdict.fresh)
          expect(result.annotations.some((a) => a.level === "error" && a.file)).toBe(true);
        return;
      }

      if (!mutation.finding) {
        expect(findings).toEqual([]);
        expect(result.annotations.filter((a) => a.level === "error")).toEqual([]);
        return;
      }
      const wanted = mutation.finding;
      const file = wanted.in === "manifest" ? tool.manifest : tool.lockfile;
      const line = lineOf(wanted.in === "manifest" ? manifest : lock, wanted.at);
      // Exactly the one finding: right code, package, file and line.
      expect(
        findings.map((f) => ({ code: f.code, package: f.package, file: f.file, line: f.line })),
      ).toEqual([{ code: wanted.code, package: wanted.package, file, line }]);
      const [finding] = findings;
      expect(finding.lockfile).toBe(tool.lockfile);
      expect(finding.fix).toBe(`Run: ${tool.fix}`);
      if (wanted.mentions) expect(finding.message).toContain(wanted.mentions);
      if (wanted.package) expect(finding.message).toContain(wanted.package);

      // Its annotation is an error at that file and line, and tells the user what to run.
      const annotations = result.annotations.filter((a) => a.title === wanted.code);
      expect(annotations).toHaveLength(1);
      expect(annotations[0]).toMatchObject({ level: "error", file, line });
      expect(annotations[0].message).toContain(tool.fix);
    }

    for (const toolName of Object.keys(tools) as ToolName[]) {
      if (maker === "debian12" && toolName === "poetry") {
        // Poetry 1.3 needs `default = true` on the source, which Poetry 2 refuses outright.
        console.warn(`skipped poetry on ${debian12Names} locks: Poetry 2 refuses 1.3's source`);
        continue;
      }
      describe(`${toolName}`, () => {
        const cases = mutations[toolName];
        test.each(cases)("$name", (mutation) => checkMutation(toolName, mutation), TOOL_TIMEOUT_MS);
      });
    }

    // Pipfile.lock does not say which pipenv wrote it, and pipenv ≥ 2026.4 hashes canonical names:
    // respelling `alpha` as `Alpha` keeps today's hash, but not the raw-name one Debian's pipenv
    // computes. pyship follows today's pipenv and says so in a notice.
    if (maker === "current")
      test(
        `pipenv: a respelled name keeps ${oracleName("pipenv")}'s hash: fresh, with a notice (Debian 12's pipenv 2022.12: stale)`,
        async () => {
          const mutation: Mutation = {
            name: "respell a package name",
            apply: (t) => replaceOnce(t, 'alpha = ">=1.0,<2"', 'Alpha = ">=1.0,<2"'),
            toolFresh: true,
            debian12Fresh: false,
          };
          const { dir } = mutatedProject("pipenv", mutation);
          const [result, verdict, debian12] = await Promise.all([
            runAction({ action: "lock-check", workspace: dir }),
            tools.pipenv.check(dir, { home, toolset: "current" }),
            tools.pipenv.check(dir, { home, toolset: "debian12" }),
          ]);
          expect(verdict.fresh).toBe(true);
          expect(debian12.fresh).toBe(false);
          expect(result.outputs.drift).toBe("false");
          expect(JSON.parse(result.outputs.findings)).toEqual([
            expect.objectContaining({ code: "hash-recipe", file: "Pipfile.lock" }),
          ]);
          expect(result.annotations).toEqual([
            expect.objectContaining({ level: "notice", title: "hash-recipe" }),
          ]);
        },
        TOOL_TIMEOUT_MS,
      );
  });
}

agreementSuite("current");
agreementSuite("debian12");
