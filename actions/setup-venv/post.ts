import { runAction } from "../../shared/runtime/index.js";
import { post } from "./run.js";

await runAction("setup-venv", post);
