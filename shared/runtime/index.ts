/** The runtime's public surface for actions. */

export { CheckFailed, ConfigurationError, errorMessage, type SourceLocation } from "./errors.js";
export {
  type Annotation,
  type Finding,
  type FindingLevel,
  findingsTable,
  formatLocation,
  markdownCell,
  markdownTable,
  toAnnotation,
} from "./findings.js";
export { InputReader, inputVariable, quoted } from "./inputs.js";
export { type ActionIo, runnerIo, withGroup } from "./io.js";
export { redact, registerSecret, SERVER_TEXT_CHARS, serverText } from "./redact.js";
export { reportFailure, runAction } from "./run-action.js";
export { lastLines } from "./text.js";
