/** Finding the Python to use and reading its marker environment. */
export { findInterpreters, type Interpreter, type InterpreterSource } from "./discover.js";
export { type InterpreterInfo, interpreterInfo } from "./info.js";
export {
  readVersionFile,
  readVersionRequest,
  requestSpecifier,
  specifierOf,
  type VersionRequest,
} from "./request.js";
export { selectInterpreter } from "./select.js";
