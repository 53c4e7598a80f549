/**
 * Runs the Python packaging tools offline against the harness index, either today's releases in the
 * oracle chroot (`toolset: "current"`: Poetry 2.3, PDM 2.29, pipenv 2026.8) or Debian 12's
 * (`"debian12"`, the default: poetry 1.3, pdm 2.2, pipenv 2022.12): an isolated environment (no user config, pip.conf or PIP_* variables, a temporary
 * HOME), a dead proxy so a stray request to pypi.org fails at once instead of hanging, and helpers
 * that lock a project or ask the tool whether its lock is still fresh.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ORACLES_SCRIPT } from "./oracle-script.js";

export const POETRY = "/usr/bin/poetry";
export const PDM = "/usr/bin/pdm";
export const PIPENV = "/usr/bin/pipenv";

/** Generous: the machine is shared, and a first run in the chroot can be slow. */
export const TOOL_TIMEOUT_MS = 600_000;

const debianPackages: Record<string, string> = {
  poetry: "python3-poetry",
  pdm: "python3-pdm",
  pipenv: "pipenv",
  twine: "twine",
  packaging: "python3-packaging",
};

/** "poetry 1.3.2 (Debian 12)": the installed Debian package's upstream version, for test titles. */
export function debianToolName(tool: keyof typeof debianPackages): string {
  let version = "not installed";
  try {
    const full = execFileSync("dpkg-query", ["-W", `-f=\${Version}`, debianPackages[tool]], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    version = full.replace(/^\d+:/, "").replace(/[+-].*$/, "");
  } catch {
    // Not a Debian machine, or the package is absent: the title says so.
  }
  return `${tool} ${version} (Debian 12)`;
}

/** Debian 12's tools on this machine, or today's releases in the oracle chroot. */
export type Toolset = "debian12" | "current";

const debianExecutables = { poetry: POETRY, pdm: PDM, pipenv: PIPENV };

/** The command line that runs `tool args…` in `cwd` with the toolset's release; `binds` are more folders the chroot needs. */
export function toolCommand(
  toolset: Toolset,
  tool: keyof typeof debianExecutables,
  args: string[],
  cwd: string,
  binds: string[] = [],
): [string, string[]] {
  if (toolset === "debian12") return [debianExecutables[tool], args];
  const bindArgs = binds.flatMap((dir) => ["--bind", dir]);
  return ["bash", [ORACLES_SCRIPT, "run", "--cwd", cwd, ...bindArgs, "--", tool, ...args]];
}

export interface ToolResult {
  /** Exit code; null when killed. */
  code: number | null;
  /** stdout and stderr interleaved. */
  output: string;
  durationMs: number;
}

/** A tool exited in a way the helper does not understand; carries the exit code and output. */
export class ToolFailure extends Error {
  constructor(
    readonly command: string,
    readonly result: ToolResult,
  ) {
    super(`${command} exited ${result.code}:\n${result.output.slice(-4000)}`);
    this.name = "ToolFailure";
  }
}

/** Variables of this machine that would point the tools at real indexes or user settings. */
const LEAKY_VARIABLES = new RegExp(
  `^(${[
    "PIP_",
    "PIPENV_",
    "POETRY_",
    "PDM_",
    "UV_",
    "VIRTUAL_ENV",
    "CONDA_",
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONSTARTUP",
    "PYTHONUSERBASE",
    "WORKON_HOME",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "SSL_CERT_",
  ].join("|")}|(http|https|all|no)_proxy$)`,
  "i",
);

/**
 * An environment that keeps poetry, pdm, pipenv and pip away from the user's config, caches and
 * real indexes: a temporary HOME and XDG dirs under `home`, PIP_CONFIG_FILE=/dev/null, no PIP_* /
 * POETRY_* / PDM_* / PIPENV_* variables from outside, and every proxy pointed at a closed port
 * (loopback excepted) so network access fails fast.
 */
export function isolatedToolEnv(
  home: string,
  extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!LEAKY_VARIABLES.test(key)) env[key] = value;
  }
  const tmp = path.join(home, "tmp");
  mkdirSync(tmp, { recursive: true });
  const deadProxy = "http://127.0.0.1:9";
  const noProxy = "127.0.0.1,localhost,::1";
  return {
    ...env,
    TMPDIR: tmp,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, ".config"),
    XDG_CACHE_HOME: path.join(home, ".cache"),
    XDG_DATA_HOME: path.join(home, ".local", "share"),
    PIP_CONFIG_FILE: os.devNull,
    PIP_NO_INPUT: "1",
    PIP_DISABLE_PIP_VERSION_CHECK: "1",
    PYTHON_KEYRING_BACKEND: "keyring.backends.null.Keyring",
    PYTHONDONTWRITEBYTECODE: "1",
    // Rich/click output without colours or spinners, and no terminal width surprises.
    NO_COLOR: "1",
    TERM: "dumb",
    COLUMNS: "200",
    http_proxy: deadProxy,
    https_proxy: deadProxy,
    HTTP_PROXY: deadProxy,
    HTTPS_PROXY: deadProxy,
    no_proxy: noProxy,
    NO_PROXY: noProxy,
    // Poetry
    POETRY_CACHE_DIR: path.join(home, "poetry-cache"),
    POETRY_CONFIG_DIR: path.join(home, "poetry-config"),
    POETRY_VIRTUALENVS_CREATE: "false",
    POETRY_NO_INTERACTION: "1",
    // PDM
    PDM_HOME: path.join(home, "pdm"),
    PDM_CACHE_DIR: path.join(home, "pdm-cache"),
    PDM_CHECK_UPDATE: "false",
    // Pipenv
    WORKON_HOME: path.join(home, "venvs"),
    PIPENV_CACHE_DIR: path.join(home, "pipenv-cache"),
    PIPENV_VENV_IN_PROJECT: "1",
    PIPENV_IGNORE_VIRTUALENVS: "1",
    PIPENV_NOSPIN: "1",
    PIPENV_YES: "1",
    PIPENV_HIDE_EMOJIS: "1",
    PIPENV_DONT_LOAD_ENV: "1",
    ...extra,
  };
}

/** A fresh directory for `isolatedToolEnv`; reuse one across runs to share the tools' caches. */
export function makeToolHome(parent: string = os.tmpdir()): string {
  return mkdtempSync(path.join(parent, "pyship-tools-"));
}

/** Runs a command and resolves with its exit code and output (it never rejects on exit codes). */
export function runTool(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ToolResult> {
  const started = Date.now();
  return new Promise<ToolResult>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? TOOL_TIMEOUT_MS);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output, durationMs: Date.now() - started });
    });
  });
}

export interface ToolOptions {
  /**
   * Home for `isolatedToolEnv`. Default: one temporary home shared by this process (so the tools'
   * caches are reused) and removed when it exits.
   */
  home?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Which releases run: Debian 12's (default) or today's in the oracle chroot. */
  toolset?: Toolset;
}

let sharedHome: string | undefined;

function defaultHome(): string {
  if (!sharedHome) {
    const home = makeToolHome();
    sharedHome = home;
    process.once("exit", () => rmSync(home, { recursive: true, force: true }));
  }
  return sharedHome;
}

function toolEnv(options: ToolOptions, extra: Record<string, string> = {}) {
  return isolatedToolEnv(options.home ?? defaultHome(), { ...extra, ...options.env });
}

/** Runs one of the three tools in `cwd` with the toolset `options` names. */
function runPythonTool(
  tool: keyof typeof debianExecutables,
  args: string[],
  cwd: string,
  options: ToolOptions,
  extra: Record<string, string> = {},
): Promise<ToolResult> {
  const [command, argv] = toolCommand(options.toolset ?? "debian12", tool, args, cwd);
  return runTool(command, argv, {
    cwd,
    env: toolEnv(options, extra),
    timeoutMs: options.timeoutMs,
  });
}

async function mustSucceed(command: string, result: Promise<ToolResult>): Promise<ToolResult> {
  const done = await result;
  if (done.code !== 0) throw new ToolFailure(command, done);
  return done;
}

/**
 * TOML for a `[[tool.poetry.source]]` that makes the index Poetry's only source: `default = true`
 * for Poetry 1.3, `priority = "primary"` for Poetry 2 (which removed `default`; a primary source
 * turns the implicit PyPI off).
 */
export function poetrySourceToml(
  indexUrl: string,
  name = "local",
  toolset: Toolset = "debian12",
): string {
  const only = toolset === "debian12" ? "default = true" : 'priority = "primary"';
  return `[[tool.poetry.source]]\nname = "${name}"\nurl = "${indexUrl}"\n${only}\n`;
}

/** TOML for a `[[tool.pdm.source]]` named pypi, which replaces PDM's default index. */
export function pdmSourceToml(indexUrl: string): string {
  return `[[tool.pdm.source]]\nname = "pypi"\nurl = "${indexUrl}"\nverify_ssl = false\n`;
}

/** TOML for a Pipfile `[[source]]` pointing at the index. */
export function pipfileSourceToml(indexUrl: string, name = "local"): string {
  return `[[source]]\nname = "${name}"\nurl = "${indexUrl}"\nverify_ssl = false\n`;
}

/**
 * Poetry 1.3 has no environment variable for its default index, so the pyproject itself must
 * declare the index (see `poetrySourceToml`); this refuses to run otherwise rather than let Poetry
 * wait on pypi.org.
 */
function assertPoetryUsesIndex(projectDir: string, indexUrl: string) {
  const pyproject = readFileSync(path.join(projectDir, "pyproject.toml"), "utf8");
  const bare = indexUrl.replace(/\/$/, "");
  if (!pyproject.includes(bare) || !/default\s*=\s*true|priority\s*=\s*"primary"/.test(pyproject)) {
    throw new Error(
      `pyproject.toml in ${projectDir} must declare ${indexUrl} as the default or primary [[tool.poetry.source]]`,
    );
  }
}

/** `poetry lock --no-interaction` (resolves and writes poetry.lock). */
export function lockWithPoetry(projectDir: string, indexUrl: string, options: ToolOptions = {}) {
  assertPoetryUsesIndex(projectDir, indexUrl);
  return mustSucceed(
    "poetry lock",
    runPythonTool("poetry", ["lock", "--no-interaction"], projectDir, options),
  );
}

/** `pdm lock`; PDM_PYPI_URL points PDM's default source at the index too. */
export function lockWithPdm(
  projectDir: string,
  indexUrl: string,
  options: ToolOptions = {},
  args: string[] = [],
) {
  return mustSucceed(
    "pdm lock",
    runPythonTool("pdm", ["lock", ...args], projectDir, options, { PDM_PYPI_URL: indexUrl }),
  );
}

/** `pipenv lock` (creates `.venv` in the project); PIPENV_PYPI_MIRROR stands in for pypi.org. */
export function lockWithPipenv(projectDir: string, indexUrl: string, options: ToolOptions = {}) {
  return mustSucceed(
    "pipenv lock",
    runPythonTool("pipenv", ["lock"], projectDir, options, {
      PIPENV_PYPI_MIRROR: indexUrl,
      // The chroot has only its own Python; pipenv warns about [requires] and locks with it.
      ...(options.toolset === "current" ? { PIPENV_PYTHON: "/usr/bin/python3" } : {}),
    }),
  );
}

export interface FreshnessVerdict {
  /** The tool's own verdict on whether the lock matches the manifest. */
  fresh: boolean;
  code: number | null;
  output: string;
  durationMs: number;
}

/** Maps a check's exit code and message to a verdict; anything else is a ToolFailure. */
function verdict(
  command: string,
  result: ToolResult,
  freshPattern: RegExp,
  stalePattern: RegExp,
): FreshnessVerdict {
  if (result.code === 0 && freshPattern.test(result.output)) return { fresh: true, ...result };
  if (result.code === 1 && stalePattern.test(result.output)) return { fresh: false, ...result };
  throw new ToolFailure(command, result);
}

/**
 * Debian 12: `poetry lock --check` (Poetry 1.2-1.8): exit 0 "poetry.lock is consistent with
 * pyproject.toml.", exit 1 "…is not consistent with…" (also when there is no lock).
 * Current: `poetry check --lock` (Poetry 2 removed `lock --check`); only its freshness message
 * counts ("pyproject.toml changed significantly since poetry.lock was last generated"), since it
 * also exits 1 on other pyproject warnings.
 */
export async function checkWithPoetry(
  projectDir: string,
  options: ToolOptions = {},
): Promise<FreshnessVerdict> {
  if ((options.toolset ?? "debian12") === "debian12") {
    const result = await runPythonTool("poetry", ["lock", "--check", "-n"], projectDir, options);
    return verdict("poetry lock --check", result, /is consistent with/, /is not consistent with/);
  }
  const result = await runPythonTool("poetry", ["check", "--lock", "-n"], projectDir, options);
  const stale = /changed significantly since poetry\.lock|poetry\.lock was not found/;
  // Killed, or a pyproject Poetry 2 refuses (e.g. 1.x's `default = true` source): no verdict.
  if (result.code === null || /configuration is invalid/.test(result.output))
    throw new ToolFailure("poetry check --lock", result);
  return { fresh: !stale.test(result.output), ...result };
}

/**
 * `pdm lock --check -v` (PDM 2.2 and 2.29 alike): exit 0 "Lockfile is up to date.", exit 1 "Lockfile is out of
 * date." after a warning naming the cause ("Lock file hash doesn't match pyproject.toml, packages
 * may be outdated", "Lock file version is not compatible with PDM, installation may fail", "Lock
 * file does not exist"). Only the hash and lock_version are checked, nothing is resolved.
 */
export async function checkWithPdm(
  projectDir: string,
  options: ToolOptions = {},
): Promise<FreshnessVerdict> {
  const result = await runPythonTool("pdm", ["lock", "--check", "-v"], projectDir, options);
  return verdict("pdm lock --check", result, /Lockfile is up to date/, /Lockfile is out of date/);
}

/**
 * `pipenv verify`: exit 0 "Pipfile.lock is up-to-date.", exit 1 "Pipfile.lock is out-of-date. Run
 * $ pipenv lock to update." (also when Pipfile.lock is missing).
 */
export async function verifyWithPipenv(
  projectDir: string,
  options: ToolOptions = {},
): Promise<FreshnessVerdict> {
  const result = await runPythonTool("pipenv", ["verify"], projectDir, options);
  return verdict("pipenv verify", result, /Pipfile\.lock is up-to-date/, /is out-of-date/);
}
