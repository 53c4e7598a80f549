/** The README tables of the actions: inputs and outputs from action.yml, codes from their registries. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { auditCodes } from "../shared/audit/codes.js";
import { allChecks } from "../shared/dists/checks.js";
import { lockCheckCodes } from "../shared/lockcheck/codes.js";
import { refusalCodes } from "../shared/publish/diagnose.js";
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

/** An action's finding codes as a README table, rendered from its code registry. */
export function codesTable(
  codes: readonly {
    code: string;
    severity: string;
    also?: readonly string[];
    meaning: string;
    fix: string;
  }[],
): string {
  return [
    "| code | severity | what it means | fix |",
    "|---|---|---|---|",
    ...codes.map(
      (entry) =>
        `| \`${entry.code}\` | ${[entry.severity, ...(entry.also ?? [])].join(", ")} | ${oneLine(entry.meaning)} | ${oneLine(entry.fix)} |`,
    ),
  ].join("\n");
}

/** trusted-publish's table of the codes an index gives a refused token. */
export function refusalTable(codes: readonly { code: string; meaning: string }[]): string {
  const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
  return [
    "| code | what it usually means |",
    "|---|---|",
    ...codes.map((entry) => `| \`${entry.code}\` | ${oneLine(sentence(entry.meaning))} |`),
  ].join("\n");
}

/** The code table of an action's own README, for the actions that have a code registry. */
export function codeTable(name: string): string | undefined {
  if (name === "audit") return codesTable(Object.values(auditCodes));
  if (name === "build-dist") return checksTable(allChecks);
  if (name === "lock-check") return codesTable(Object.values(lockCheckCodes));
  if (name === "trusted-publish") return refusalTable(refusalCodes);
  return undefined;
}
