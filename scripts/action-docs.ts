/** The inputs and outputs tables of an action's README section, rendered from its action.yml. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { markdownCell } from "../shared/runtime/findings.js";
import { repoRoot } from "./sources-stamp.mjs";

const readActionMetadata = (directory: string): unknown =>
  parseYaml(readFileSync(path.join(directory, "action.yml"), "utf8"));

interface Described {
  description?: string;
  default?: string;
}

const oneLine = (text = "") => markdownCell(text.replace(/\s+/g, " ").trim());

export function actionTables(name: string): string {
  const metadata = readActionMetadata(path.join(repoRoot, "actions", name)) as {
    inputs?: Record<string, Described>;
    outputs?: Record<string, Described>;
  };
  const inputs = Object.entries(metadata.inputs ?? {}).map(
    ([input, spec]) =>
      `| \`${input}\` | ${spec.default ? `\`${spec.default}\`` : '`""`'} | ${oneLine(spec.description)} |`,
  );
  const outputs = Object.entries(metadata.outputs ?? {}).map(
    ([output, spec]) => `| \`${output}\` | ${oneLine(spec.description)} |`,
  );
  return [
    "| input | default | description |",
    "|---|---|---|",
    ...inputs,
    "",
    "| output | description |",
    "|---|---|",
    ...outputs,
  ].join("\n");
}

/** build-dist's check codes as a README table, rendered from the checks themselves. */
export function checksTable(
  checks: readonly { code: string; severity: string; title: string; rule?: string }[],
): string {
  const rule = (id?: string) => (id ? `[${id}](../../docs/pypi-upload-rules.md#${id})` : "");
  return [
    "| code | severity | what it means | who refuses it |",
    "|---|---|---|---|",
    ...checks.map(
      (check) =>
        `| \`${check.code}\` | ${check.severity} | ${oneLine(check.title)} | ${rule(check.rule)} |`,
    ),
  ].join("\n");
}
