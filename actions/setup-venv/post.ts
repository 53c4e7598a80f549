/** setup-venv's post step entry: saves the venv to the cache. */
import { runAction } from "../../shared/runtime/index.js";
import { save } from "./save.js";

await runAction("setup-venv", save);
