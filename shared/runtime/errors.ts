/** The errors actions throw: a user's configuration mistake, a failed check. */
/** Where in a user's file a problem was found. */
export interface SourceLocation {
  file?: string;
  line?: number;
  column?: number;
}

/**
 * A mistake the user can fix: a bad input, a malformed file, a missing permission.
 * runAction reports it as one `::error::` line, without a stack trace.
 */
export class ConfigurationError extends Error {
  readonly location: SourceLocation;

  constructor(message: string, location: SourceLocation = {}) {
    super(message);
    this.name = "ConfigurationError";
    this.location = location;
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A check that found problems it has already reported: fails the step with one line, no stack. */
export class CheckFailed extends ConfigurationError {
  constructor(message: string) {
    super(message);
    this.name = "CheckFailed";
  }
}
