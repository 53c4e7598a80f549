import * as core from "@actions/core";
import { ConfigurationError, errorMessage } from "./errors.js";
import { type ActionIo, annotationProperties, runnerIo } from "./io.js";
import { redact } from "./redact.js";
import { describeSystemError, isSystemError } from "./system-errors.js";
import { clipLongWords } from "./text.js";

let abandoned = false;

/** A call given up on past its deadline may still hold sockets open: the step then ends without it. */
export function abandonWork(): void {
  abandoned = true;
}

/**
 * Runs an action's main or post step. A ConfigurationError becomes one
 * `::error::<action>: <message>` line; any other error also fails the step and
 * its stack goes to the debug log. Both are redacted. The exit code is set, never forced.
 */
export async function runAction(
  name: string,
  run: (io: ActionIo) => Promise<void>,
  io: ActionIo = runnerIo,
): Promise<void> {
  const fail = (error: unknown) => reportFailure(name, error);
  process.on("unhandledRejection", fail);
  process.on("uncaughtException", fail);
  try {
    await run(io);
  } catch (error) {
    fail(error);
  }
  if (abandoned) process.stdout.write("", () => process.exit());
}

export function reportFailure(name: string, error: unknown): void {
  process.exitCode = 1;
  if (error instanceof ConfigurationError) {
    core.error(
      clipLongWords(redact(`${name}: ${error.message}`)),
      annotationProperties(error.location),
    );
    return;
  }
  const message = isSystemError(error) ? describeSystemError(error) : errorMessage(error);
  core.error(clipLongWords(redact(`${name}: ${message}`)));
  if (error instanceof Error && error.stack) core.debug(redact(error.stack));
}
