/** Renders reStructuredText descriptions with python's readme_renderer, one python run per batch. */
import { spawn } from "node:child_process";
import { lastLines } from "../runtime/text.js";

export const renderTimeoutMs = 60_000;

export interface RenderMessage {
  /** Line in the description, when docutils gives one. */
  line?: number;
  /** docutils' level, capitalised as twine prints it: Warning, Error, Severe, ... */
  level: string;
  message: string;
}

export interface RenderResult {
  ok: boolean;
  messages: RenderMessage[];
}

/** Either one result per text, in order, or the reason nothing was rendered. */
export type RenderRun = { results: RenderResult[] } | { results?: undefined; reason: string };

// Mirrors twine check: readme_renderer.rst.render returns None when docutils halts.
const renderScript = String.raw`
import io, json, re, sys
try:
    import readme_renderer.rst as rst
except Exception as error:
    json.dump({"reason": "python cannot import readme_renderer (%s: %s)" % (type(error).__name__, error)}, sys.stdout)
    sys.exit(0)
report = re.compile(r"^<string>:(\d*): \((DEBUG|INFO|WARNING|ERROR|SEVERE)/\d*\) (.*)$", re.M)
results = []
for text in json.load(sys.stdin):
    stream = io.StringIO()
    ok = rst.render(text, stream=stream) is not None
    log = stream.getvalue()
    messages = [{"line": int(m.group(1)) if m.group(1) else None, "level": m.group(2).capitalize(), "message": m.group(3).strip()} for m in report.finditer(log)]
    if not ok and not messages:
        messages = [{"line": None, "level": "Error", "message": log.strip() or "no content rendered"}]
    results.append({"ok": ok, "messages": messages})
json.dump({"results": results}, sys.stdout)
`;

interface RawMessage {
  line: number | null;
  level: string;
  message: string;
}

/** Runs python once over every text. Never throws: problems come back as a reason. */
export async function renderRst(
  texts: string[],
  python: string,
  timeoutMs: number,
): Promise<RenderRun> {
  const run = await runWithInput(python, ["-c", renderScript], JSON.stringify(texts), timeoutMs);
  if (run.error) return { reason: run.error };
  try {
    const parsed = JSON.parse(run.stdout) as
      | { reason: string }
      | { results: { ok: boolean; messages: RawMessage[] }[] };
    if ("reason" in parsed) return { reason: parsed.reason };
    return {
      results: parsed.results.map(({ ok, messages }) => ({
        ok,
        messages: messages.map(({ line, level, message }) => ({
          line: line ?? undefined,
          level,
          message,
        })),
      })),
    };
  } catch {
    const output = lastLines(`${run.stderr}${run.stdout}`, 3).join(" ");
    return { reason: `${python} exited with code ${run.code}: ${output}` };
  }
}

interface InputRun {
  code: number | null;
  stdout: string;
  stderr: string;
  error?: string;
}

function runWithInput(
  file: string,
  args: string[],
  input: string,
  timeoutMs: number,
): Promise<InputRun> {
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      env: { ...process.env, PYTHONIOENCODING: "utf-8", PYTHONUTF8: "1" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    // A python that exits early closes stdin under us; the exit code tells the story.
    child.stdin.on("error", () => {});
    child.on("error", (error) => {
      clearTimeout(timer);
      resolve({
        code: null,
        stdout: "",
        stderr: "",
        error: `cannot run ${file} (${error.message})`,
      });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
        error: timedOut ? `${file} did not finish within ${timeoutMs / 1000} s` : undefined,
      });
    });
    child.stdin.end(input, "utf8");
  });
}
