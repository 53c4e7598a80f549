import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, test } from "@jest/globals";
import { bundleActions } from "../harness/bundle.js";
import { repoRoot, runAction } from "../harness/runner.js";

// The test-only fixture action goes through the whole chain: bundle → harness → outputs, state, post.
const fixtures = path.join(repoRoot, "test/fixtures/actions");
let echo: string;

beforeAll(async () => {
  const root = await bundleActions(fixtures);
  echo = path.join(root, "actions/echo");
}, 120_000);

describe("the runner contract, through a bundled fixture action", () => {
  test("a hyphenated input reaches the action and a multi-line output round-trips", async () => {
    const lines = "first line\nsecond: with colon\n\nfourth, with comma";
    const result = await runAction({
      action: echo,
      inputs: { "greeting-name": "Ada", lines, shout: "TRUE" },
    });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.greeting).toBe("HELLO, ADA!");
    expect(result.outputs.lines).toBe(lines);
    expect(result.outputs["working-directory"]).toBe(result.workspace);
    expect(result.env).toEqual({ ECHO_GREETED: "Ada" });
    expect(result.path).toEqual([result.workspace]);
    expect(result.stdout).toContain("::group::Greeting");
  });

  test("defaults come from action.yml", async () => {
    const result = await runAction({ action: echo, inputs: { "greeting-name": "Bo" } });
    expect(result.outputs.greeting).toBe("Hello, Bo!");
    expect(result.outputs.lines).toBe("");
  });

  test("findings become annotations and a Markdown table in the summary", async () => {
    const result = await runAction({ action: echo, inputs: { "greeting-name": "Cy" } });
    expect(result.annotations).toEqual([
      { level: "warning", title: "echo-note", file: "a.txt", line: 2, message: "a | piped note" },
    ]);
    expect(result.summary).toContain("### echo");
    expect(result.summary).toContain(
      "| ⚠️ warning | `echo-note` | `a.txt:2` | a \\| piped note |  |",
    );
  });

  test("an error with a location is parsed as an annotation at file and line", async () => {
    const result = await runAction({
      action: echo,
      inputs: { "greeting-name": "Di", "fail-at": "pyproject.toml:12" },
    });
    expect(result.exitCode).toBe(1);
    expect(result.annotations).toEqual([
      {
        level: "error",
        file: "pyproject.toml",
        line: 12,
        message: "echo: asked to fail at pyproject.toml:12",
      },
    ]);
    expect(result.stdout).toContain("::error file=pyproject.toml,line=12::");
  });

  test("a bad strict boolean gives ::error:: naming the input, exit 1, no stack trace", async () => {
    const result = await runAction({
      action: echo,
      inputs: { "greeting-name": "Ed", shout: "yes" },
    });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      "::error::echo: input 'shout' must be true or false, got 'yes'",
    );
    const everything = result.stdout + result.stderr;
    expect(everything).not.toMatch(/\n\s+at /);
    expect(everything).not.toContain("ConfigurationError");
    expect(result.outputs).toEqual({});
  });

  test("an unexpected error fails the step, with its stack only in the debug log", async () => {
    const result = await runAction({
      action: echo,
      inputs: { "greeting-name": "Ix", fault: "crash" },
    });
    expect(result.exitCode).toBe(1);
    expect(result.annotations).toEqual([{ level: "error", message: "echo: boom" }]);
    expect(result.debug.join("\n")).toMatch(/Error: boom\n\s+at /);
  });

  test("an unhandled rejection fails the step", async () => {
    const result = await runAction({
      action: echo,
      inputs: { "greeting-name": "Jo", fault: "unhandled" },
    });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain("::error::echo: nobody awaited this");
  });

  test("an enum input lists the allowed values", async () => {
    const result = await runAction({ action: echo, inputs: { "greeting-name": "K", fault: "x" } });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      "::error::echo: input 'fault' must be one of none, crash, unhandled; got 'x'",
    );
  });

  test("a missing required input names it", async () => {
    const result = await runAction({ action: echo });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain("::error::echo: input 'greeting-name' is required");
  });

  test("the underscore form of a hyphenated input reaches the action", async () => {
    const result = await runAction({ action: echo, env: { INPUT_GREETING_NAME: "Flo" } });
    expect(result.outputs.greeting).toBe("Hello, Flo!");
  });

  test("the post step runs with the state the main step saved, and the exported env", async () => {
    const result = await runAction({
      action: echo,
      inputs: { "greeting-name": "Gus" },
      post: true,
    });
    expect(result.state).toEqual({ greeted: "Gus" });
    expect(result.post?.exitCode).toBe(0);
    expect(result.post?.summary).toBe("post step saw state greeted=Gus\n");
  });

  test("post-if: success() skips the post step after a failure", async () => {
    const result = await runAction({
      action: echo,
      inputs: { "greeting-name": "Hal", shout: "nope" },
      post: true,
    });
    expect(result.exitCode).toBe(1);
    expect(result.post).toBeUndefined();
  });

  test("undeclared inputs are refused by the harness, like a typo would be", async () => {
    await expect(runAction({ action: echo, inputs: { greeting_name: "x" } })).rejects.toThrow(
      "inputs not declared in action.yml: greeting_name",
    );
  });
});

describe("bundling", () => {
  test("two builds are byte-identical and carry licenses", async () => {
    const again = await bundleActions(fixtures);
    const first = path.resolve(echo, "../../dist");
    const second = path.join(again, "dist");
    const files = (dir: string) =>
      readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
        .sort();
    expect(files(second)).toEqual(files(first));
    expect(files(first)).toEqual(
      expect.arrayContaining(["echo/index.js", "echo/licenses.txt", "echo-post/index.js"]),
    );
    for (const file of files(first)) {
      expect(readFileSync(path.join(second, file))).toEqual(readFileSync(path.join(first, file)));
    }
    expect(readFileSync(path.join(first, "echo/index.js"), "utf8")).not.toContain(repoRoot);
  }, 120_000);
});
