/** setup-venv's entry point: reads the inputs and runs the action. */
import { runAction } from "../../shared/runtime/index.js";
import { loadInputs } from "./inputs.js";
import { run } from "./run.js";

await runAction("setup-venv", (io) => run(loadInputs(), io));
