/** scripts/oracles.sh, which builds and enters the oracle chroot (free of jest, for scripts too). */
import path from "node:path";
import { repoRoot } from "./action-metadata.js";

export const ORACLES_SCRIPT = path.join(repoRoot, "scripts", "oracles.sh");
