/** The runtime's public surface for actions. */
export { reportFailure, runAction } from "./action.js";
export { CheckFailed, ConfigurationError, errorMessage, type SourceLocation } from "./errors.js";
export {
  type Annotation,
  type Finding,
  findingsTable,
  formatLocation,
  markdownCell,
  markdownTable,
  type Severity,
  toAnnotation,
} from "./findings.js";
export { InputReader, inputVariable, quoted } from "./inputs.js";
export { type ActionIo, runnerIo, withGroup } from "./io.js";
export { redact, registerSecret, SERVER_TEXT_CHARS, serverText } from "./redact.js";
