/**
 * ncc bundles CommonJS packages with webpack's interop: a default import of a module that sets
 * `__esModule` is its `exports.default`, so it is undefined when the package has none (Node's ESM
 * and jest hand over `module.exports` instead, hiding the bug). Every default import in shared/
 * and actions/ must be defined under the bundle's rule.
 */
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, test } from "@jest/globals";
import { repoRoot } from "../harness/runner.js";

const require = createRequire(path.join(repoRoot, "package.json"));

function sources(directory: string): string[] {
  return readdirSync(path.join(repoRoot, directory), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => path.join(directory, file));
}

/** `import name from "package"` (also `import name, { ... } from`), bare specifiers only. */
function defaultImports(text: string): Array<{ binding: string; specifier: string }> {
  const pattern =
    /^import\s+(?!type\s)([A-Za-z_$][\w$]*)\s*(?:,\s*\{[^}]*\})?\s*from\s+"([^"]+)"/gm;
  return [...text.matchAll(pattern)]
    .map((match) => ({ binding: match[1], specifier: match[2] }))
    .filter(({ specifier }) => !specifier.startsWith(".") && !specifier.startsWith("node:"));
}

/** What the bundle's default import yields, or why the package is not CommonJS to check. */
function bundledDefault(specifier: string): { value: unknown } | { skipped: string } {
  let exported: unknown;
  try {
    exported = require(specifier);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ERR_PACKAGE_PATH_NOT_EXPORTED" || code === "ERR_REQUIRE_ESM") {
      return { skipped: `${specifier} is ESM-only (${code})` };
    }
    throw error;
  }
  const esModule = (exported as { __esModule?: boolean } | null)?.__esModule === true;
  return { value: esModule ? (exported as { default?: unknown }).default : exported };
}

const imports = [...sources("shared"), ...sources("actions")].flatMap((file) =>
  defaultImports(readFileSync(path.join(repoRoot, file), "utf8")).map((found) => ({
    file,
    ...found,
  })),
);

describe("default imports survive ncc's CommonJS interop", () => {
  test("the scan finds the default imports", () => {
    expect(imports.length).toBeGreaterThan(0);
  });

  test.each(imports)("$file: import $binding from $specifier", ({ specifier }) => {
    const answer = bundledDefault(specifier);
    if ("skipped" in answer) return;
    expect(answer.value).toBeDefined();
  });

  test("the rule catches a package that sets __esModule without a default", () => {
    expect(defaultImports('import cvss from "ae-cvss-calculator";\n')).toEqual([
      { binding: "cvss", specifier: "ae-cvss-calculator" },
    ]);
    expect(bundledDefault("ae-cvss-calculator")).toEqual({ value: undefined });
  });
});
