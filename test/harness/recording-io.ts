/** An ActionIo that records what an action does, for in-process tests of actions' run(). */

import type { SourceLocation } from "../../shared/runtime/errors.js";
import type { Finding } from "../../shared/runtime/findings.js";
import type { ActionIo } from "../../shared/runtime/io.js";
import { runAction } from "../../shared/runtime/run-action.js";

export interface Recorded {
  message: string;
  location?: SourceLocation;
}

export interface RecordingIo extends ActionIo {
  infos: string[];
  debugs: string[];
  errors: Recorded[];
  warnings: Recorded[];
  notices: Recorded[];
  outputs: Record<string, string>;
  variables: Record<string, string>;
  paths: string[];
  state: Record<string, string>;
  secrets: string[];
  summaries: string[];
  reports: { title: string; findings: Finding[]; clean?: string }[];
  /** Every finding annotated, by report() or annotate(). */
  findings: Finding[];
  groups: string[];
}

export function recordingIo(state: Record<string, string> = {}): RecordingIo {
  const io: RecordingIo = {
    infos: [],
    debugs: [],
    errors: [],
    warnings: [],
    notices: [],
    outputs: {},
    variables: {},
    paths: [],
    state: { ...state },
    secrets: [],
    summaries: [],
    reports: [],
    findings: [],
    groups: [],
    info: (message) => void io.infos.push(message),
    debug: (message) => void io.debugs.push(message),
    error: (message, location) => void io.errors.push({ message, location }),
    warning: (message, location) => void io.warnings.push({ message, location }),
    notice: (message, location) => void io.notices.push({ message, location }),
    setOutput(name, value) {
      io.outputs[name] = value;
    },
    exportVariable(name, value) {
      io.variables[name] = value;
    },
    addPath: (directory) => void io.paths.push(directory),
    saveState(name, value) {
      io.state[name] = value;
    },
    getState: (name) => io.state[name] ?? "",
    setSecret: (secret) => void io.secrets.push(secret),
    summary: async (markdown) => void io.summaries.push(markdown),
    annotate: (findings) => void io.findings.push(...findings),
    async report(title, findings, clean) {
      io.annotate(findings);
      io.reports.push({ title, findings: [...findings], clean });
    },
    async group(title, fn) {
      io.groups.push(title);
      return fn();
    },
  };
  return io;
}

/** All the summary Markdown written, joined. */
export const summaryText = (io: RecordingIo) => io.summaries.join("\n");

/**
 * Runs `fn` through runAction with a recording io; gives back the io and the exit code,
 * restoring process.exitCode and removing the listeners runAction added.
 */
export async function runInProcess<T extends ActionIo = RecordingIo>(
  name: string,
  fn: (io: ActionIo) => Promise<void>,
  given?: T,
): Promise<{ io: T; exitCode: number }> {
  const io = given ?? (recordingIo() as unknown as T);
  const events = ["unhandledRejection", "uncaughtException"];
  const listeners = (event: string) => process.listeners(event as "uncaughtException");
  const before = new Map(events.map((event) => [event, listeners(event)]));
  const streams = [process.stdout, process.stderr].map((stream) => ({
    stream,
    listeners: stream.listeners("error"),
  }));
  const saved = process.exitCode;
  process.exitCode = undefined;
  try {
    await runAction(name, fn, io);
    return { io, exitCode: Number(process.exitCode ?? 0) };
  } finally {
    process.exitCode = saved;
    for (const event of events) {
      for (const listener of listeners(event)) {
        if (!before.get(event)?.includes(listener)) process.off(event, listener);
      }
    }
    for (const { stream, listeners } of streams) {
      for (const listener of stream.listeners("error")) {
        if (!listeners.includes(listener))
          stream.off("error", listener as (...args: unknown[]) => void);
      }
    }
  }
}
