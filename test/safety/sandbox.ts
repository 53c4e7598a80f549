/**
 * The safety suite's world: a runner home whose every corner outside the workspace and
 * RUNNER_TEMP is watched, and the checks every case must pass however it ends.
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "@jest/globals";
import { type ActionResult, type RunOptions, runAction } from "../harness/runner.js";
import { withoutMaskCommands } from "../harness/step.js";

export interface Sandbox {
  root: string;
  /** The runner's own folder: step files, temp, tool cache. */
  home: string;
  workspace: string;
  runnerTemp: string;
  /** Beside the workspace, full of files nothing may touch. */
  outside: string;
  /** The job's HOME: the tools' own (pip asks rustc its version, which writes ~/.rustup). */
  userHome: string;
  /** The job's TMPDIR: an action may leave nothing there. */
  tmp: string;
}

export function makeSandbox(prefix = "pyship-safety-"): Sandbox {
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  const sandbox: Sandbox = {
    root,
    home: path.join(root, "runner"),
    workspace: path.join(root, "runner", "workspace"),
    runnerTemp: path.join(root, "runner", "temp"),
    outside: path.join(root, "outside"),
    userHome: path.join(root, "home"),
    tmp: path.join(root, "tmp"),
  };
  for (const dir of [sandbox.workspace, sandbox.outside, sandbox.userHome, sandbox.tmp]) {
    mkdirSync(dir, { recursive: true });
  }
  mkdirSync(path.join(sandbox.outside, "etc"), { recursive: true });
  writeFileSync(path.join(sandbox.outside, "etc", "passwd"), "root:x:0:0\n");
  writeFileSync(path.join(sandbox.outside, "precious.txt"), "do not delete\n");
  return sandbox;
}

/** Every path below `root` with its kind and size (symlinks are not followed). */
export function snapshot(root: string, skip: readonly string[] = []): Map<string, string> {
  const entries = new Map<string, string>();
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (skip.includes(full)) continue;
      const stat = lstatSync(full);
      const kind = stat.isSymbolicLink() ? "link" : stat.isDirectory() ? "dir" : "file";
      entries.set(path.relative(root, full), kind === "file" ? `file ${stat.size}` : kind);
      if (kind === "dir") walk(full);
    }
  };
  walk(root);
  return entries;
}

export interface Watched {
  /** Outside the workspace and RUNNER_TEMP: must not change at all. */
  outside: Map<string, string>;
  /** The workspace before the run: nothing of it may disappear. */
  workspace: Map<string, string>;
}

/** What the checks compare against, taken just before the action runs. */
export function watch(sandbox: Sandbox): Watched {
  return {
    outside: outsideSnapshot(sandbox),
    workspace: snapshot(sandbox.workspace),
  };
}

function outsideSnapshot(sandbox: Sandbox): Map<string, string> {
  // The runner's step files and the event payload are the runner's, not the action's.
  const runnerOwn = ["main", "post", "event.json", "toolcache"].map((name) =>
    path.join(sandbox.home, name),
  );
  const skipped = [sandbox.workspace, sandbox.runnerTemp, sandbox.userHome, ...runnerOwn];
  return snapshot(sandbox.root, skipped);
}

export interface SafeRunOptions extends Omit<RunOptions, "workspace" | "home"> {}

/** Runs an action inside the sandbox, with HOME and TMPDIR pointing into it. */
export async function runSafely(
  sandbox: Sandbox,
  options: SafeRunOptions,
): Promise<{ result: ActionResult; before: Watched }> {
  const before = watch(sandbox);
  const result = await runAction({
    ...options,
    home: sandbox.home,
    workspace: sandbox.workspace,
    env: { HOME: sandbox.userHome, TMPDIR: sandbox.tmp, ...options.env },
  });
  return { result, before };
}

/**
 * The forms in which a secret can leak: raw, base64 (any alignment, also URL-encoded), URL- and
 * JSON-escaped.
 */
export function secretForms(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]);
  for (const pad of ["", "x", "xx"]) {
    // The middle of the base64 of `pad + secret` appears in any base64 text that holds the secret
    // at that alignment, whatever precedes it (a Basic credential's `user:`).
    const encoded = Buffer.from(pad + secret)
      .toString("base64")
      .replace(/=+$/, "");
    const start = Math.ceil((pad.length * 4) / 3);
    const end = Math.floor(((pad.length + Buffer.byteLength(secret)) * 4) / 3);
    const middle = encoded.slice(start, end);
    if (middle.length >= 8) {
      forms.add(middle);
      forms.add(middle.replace(/\+/g, "-").replace(/\//g, "_"));
      forms.add(encodeURIComponent(middle));
    }
  }
  return [...forms];
}

const stackLine = /^\s+at .+(:\d+:\d+\)?|\(native\)|<anonymous>)$/m;
const rawErrno =
  /\b(ENOENT|ENOTDIR|EISDIR|EEXIST|ENAMETOOLONG|EACCES|EPERM|ELOOP|EMFILE|ENOSPC|EROFS|ENOTEMPTY|EINVAL|EBADF|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EPIPE|ECONNABORTED|EHOSTUNREACH)\b|Unknown error|, (scandir|lstat|stat|open|mkdir|rmdir|unlink|readdir) '/;
const jsErrors =
  /\b(TypeError|ReferenceError|RangeError|SyntaxError|AssertionError)\b|\bundefined is not\b|Cannot read properties of/;

export interface SafeEndOptions {
  /** Secrets that must not appear anywhere, in any form. */
  secrets?: readonly string[];
  /** The exit code the case expects, when it is known. */
  exitCode?: 0 | 1;
  /** Text the `::error::` must contain (the input's name, say). */
  errorNames?: string | RegExp;
  /**
   * Also fail on pieces of each secret form this long (taken this far apart), so that a cut
   * leak of twice this length is caught too.
   */
  fragments?: number;
}

/** Pieces of `form`, `size` long and `size` apart: any 2×size−1 characters of it hold one. */
export function secretFragments(form: string, size: number): string[] {
  const pieces: string[] = [];
  for (let start = 0; start + size <= form.length; start += size) {
    pieces.push(form.slice(start, start + size));
  }
  return pieces;
}

/** Every file's text below `dir`, for the secret scan. */
function filesText(dir: string): string {
  let text = "";
  const walk = (at: string) => {
    if (!existsSync(at)) return;
    for (const name of readdirSync(at)) {
      const full = path.join(at, name);
      const stat = lstatSync(full);
      if (stat.isDirectory()) walk(full);
      else if (stat.isFile() && stat.size < 4 * 1024 * 1024)
        text += `\n${readFileSync(full, "latin1")}`;
    }
  };
  walk(dir);
  return text;
}

/**
 * The checks every safety case ends with: exit 0, or exit 1 with an `::error::`; no stack, no raw
 * errno, no JavaScript error; nothing written outside the workspace and RUNNER_TEMP; nothing of
 * the workspace deleted; no secret in any channel.
 */
export function expectSafeEnd(
  sandbox: Sandbox,
  run: { result: ActionResult; before: Watched },
  options: SafeEndOptions = {},
): void {
  const { result, before } = run;
  const steps = [result, ...(result.post ? [result.post] : [])];
  const said = steps.map((step) => `${step.stdout}\n${step.stderr}`).join("\n");
  const context = `\n--- stdout/stderr ---\n${said.slice(-3000)}`;

  const fail = (why: string) => {
    throw new Error(`${why}${context}`);
  };
  if (result.exitCode !== 0 && result.exitCode !== 1) fail(`exit code ${result.exitCode}`);
  if (options.exitCode !== undefined && result.exitCode !== options.exitCode) {
    fail(`exit code ${result.exitCode}, expected ${options.exitCode}`);
  }
  const errors = steps.flatMap((step) => step.annotations.filter((a) => a.level === "error"));
  if (result.exitCode !== 0 && errors.length === 0) fail("a failure without an ::error::");
  if (options.errorNames && result.exitCode !== 0) {
    expect(errors.map((e) => e.message).join("\n")).toMatch(options.errorNames);
  }
  for (const error of errors) {
    expect(error.message.length).toBeLessThan(2000);
  }
  if (stackLine.test(said)) fail("a stack trace reached the user");
  const errno = rawErrno.exec(said);
  if (errno) fail(`raw system error text '${errno[0]}' reached the user`);
  const jsError = jsErrors.exec(said);
  if (jsError) fail(`a JavaScript error '${jsError[0]}' reached the user`);

  const after = outsideSnapshot(sandbox);
  const changed = [...new Set([...before.outside.keys(), ...after.keys()])].filter(
    (entry) => before.outside.get(entry) !== after.get(entry),
  );
  expect({ changedOutsideWorkspaceAndRunnerTemp: changed }).toEqual({
    changedOutsideWorkspaceAndRunnerTemp: [],
  });
  const workspaceNow = snapshot(sandbox.workspace);
  const lost = [...before.workspace.keys()].filter((entry) => !workspaceNow.has(entry));
  expect({ deletedFromWorkspace: lost }).toEqual({ deletedFromWorkspace: [] });

  if (options.secrets?.length) {
    const channels = {
      "stdout and stderr": withoutMaskCommands(said),
      outputs: JSON.stringify(steps.map((step) => step.outputs)),
      env: JSON.stringify(steps.map((step) => step.env)),
      state: JSON.stringify(steps.map((step) => step.state)),
      summary: steps.map((step) => step.summary).join("\n"),
      "workspace files": filesText(sandbox.workspace),
    };
    const fragments = (form: string) =>
      options.fragments ? secretFragments(form, options.fragments) : [];
    for (const secret of options.secrets) {
      for (const form of secretForms(secret).flatMap((form) => [form, ...fragments(form)])) {
        for (const [channel, text] of Object.entries(channels)) {
          if (text.includes(form)) {
            throw new Error(`a form of a secret ('${form.slice(0, 6)}…') leaked into ${channel}`);
          }
        }
      }
    }
  }
}

/** A uv project with nothing to install: pyproject.toml, uv.lock, a README and a src folder. */
export function writeEmptyUvProject(directory: string): void {
  mkdirSync(path.join(directory, "src"), { recursive: true });
  writeFileSync(path.join(directory, "src", "code.py"), "x = 1\n");
  writeFileSync(path.join(directory, "README.md"), "# demo\n");
  writeFileSync(
    path.join(directory, "pyproject.toml"),
    '[project]\nname = "demo"\nversion = "0.1.0"\n',
  );
  writeFileSync(
    path.join(directory, "uv.lock"),
    'version = 1\nrequires-python = ">=3.8"\n\n[[package]]\nname = "demo"\nversion = "0.1.0"\nsource = { virtual = "." }\n',
  );
}
