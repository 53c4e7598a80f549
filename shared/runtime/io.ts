/** ActionIo: everything an action does to the runner, redacted, bound to @actions/core. */
import * as core from "@actions/core";
import type { SourceLocation } from "./errors.js";
import { type Finding, findingsTable, toAnnotation } from "./findings.js";
import { redact, registerSecret } from "./redact.js";
import { clipLongWords } from "./text.js";

/** An annotation's text: redacted, no echoed word longer than 200 characters. */
const shown = (message: string) => clipLongWords(redact(message));

/**
 * What an action may do to the runner. Actions receive it in run(), so tests can
 * record it; `runnerIo` is the only binding to @actions/core, and redacts all it shows.
 */
export interface ActionIo {
  info(message: string): void;
  debug(message: string): void;
  /** An `::error::` annotation; runAction's failure path reports through it. */
  error(message: string, location?: SourceLocation): void;
  warning(message: string, location?: SourceLocation): void;
  notice(message: string, location?: SourceLocation): void;
  setOutput(name: string, value: string): void;
  exportVariable(name: string, value: string): void;
  addPath(directory: string): void;
  saveState(name: string, value: string): void;
  getState(name: string): string;
  /** Masks a secret in the log and redacts it (in all its encodings) from all the action shows. */
  setSecret(secret: string): void;
  /** Appends Markdown to the job summary. */
  summary(markdown: string): Promise<void>;
  /**
   * Annotates each finding, and appends a table of them to the job summary under `title`
   * (or `clean` when there are none).
   */
  report(title: string, findings: readonly Finding[], clean?: string): Promise<void>;
  /** Annotates each finding, for an action that shows them in its own summary table. */
  annotate(findings: readonly Finding[]): void;
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
}

/** Annotation properties with the unset ones left out, so core prints `::error::`, not `::error ::`. */
export function annotationProperties(
  location: SourceLocation = {},
  title?: string,
): core.AnnotationProperties {
  const properties: core.AnnotationProperties = {
    title,
    file: location.file,
    startLine: location.line,
    startColumn: location.line ? location.column : undefined,
  };
  for (const key of Object.keys(properties) as (keyof core.AnnotationProperties)[]) {
    if (properties[key] === undefined || properties[key] === "") delete properties[key];
  }
  return properties;
}

export async function withGroup<T>(title: string, fn: () => Promise<T>): Promise<T> {
  core.startGroup(title);
  try {
    return await fn();
  } finally {
    core.endGroup();
  }
}

async function appendSummary(markdown: string): Promise<void> {
  await core.summary.addRaw(redact(markdown), true).write();
}

const annotate = { error: core.error, warning: core.warning, notice: core.notice };

export const runnerIo: ActionIo = {
  info: (message) => core.info(redact(message)),
  debug: (message) => core.debug(redact(message)),
  error: (message, location) => core.error(shown(message), annotationProperties(location)),
  warning: (message, location) => core.warning(shown(message), annotationProperties(location)),
  notice: (message, location) => core.notice(shown(message), annotationProperties(location)),
  setOutput: (name, value) => core.setOutput(name, redact(value)),
  exportVariable: (name, value) => core.exportVariable(name, value),
  addPath: (directory) => core.addPath(directory),
  saveState: (name, value) => core.saveState(name, value),
  getState: (name) => core.getState(name),
  setSecret(secret) {
    core.setSecret(secret);
    registerSecret(secret);
  },
  summary: appendSummary,
  annotate(findings) {
    for (const finding of findings) {
      const { level, message, location, title } = toAnnotation(finding);
      annotate[level](shown(message), annotationProperties(location, redact(title)));
    }
  },
  async report(title, findings, clean = "✅ no findings") {
    runnerIo.annotate(findings);
    const body = findings.length === 0 ? clean : findingsTable(findings);
    await appendSummary(`### ${title}\n\n${body}\n`);
  },
  group: (title, fn) => withGroup(redact(title), fn),
};
