/** Runs an action's step: errors become ::error:: annotations and the exit code. */
import { ConfigurationError, errorMessage } from "./errors.js";
import { type ActionIo, runnerIo } from "./io.js";
import { describeSystemError, isSystemError } from "./system-errors.js";

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
  let reporting = false;
  const fail = (error: unknown) => {
    // A failure while reporting one (the log itself broken) must not loop: end the step.
    if (reporting) exitNow();
    reporting = true;
    reportFailure(name, error, io);
    reporting = false;
  };
  process.stdout.on("error", exitNow);
  process.stderr.on("error", exitNow);
  process.on("unhandledRejection", fail);
  process.on("uncaughtException", fail);
  try {
    await run(io);
  } catch (error) {
    fail(error);
  }
  if (abandoned) process.stdout.write("", () => process.exit());
}

/** The runner stopped reading the step's output (a closed pipe): nothing can be reported, so end failed. */
function exitNow(): never {
  process.exit(1);
}

/** Fails the step through `io`: one redacted `::error::` line, a stack only in the debug log. */
export function reportFailure(name: string, error: unknown, io: ActionIo = runnerIo): void {
  process.exitCode = 1;
  if (error instanceof ConfigurationError) {
    io.error(`${name}: ${error.message}`, error.location);
    return;
  }
  const message = isSystemError(error) ? describeSystemError(error) : errorMessage(error);
  io.error(`${name}: ${message}`);
  if (error instanceof Error && error.stack) io.debug(error.stack);
}
