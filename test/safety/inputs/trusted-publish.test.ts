import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DEBIAN_PYTHON } from "../../harness/publish-tools.js";
import { inheritedEnv, repoRoot } from "../../harness/runner.js";
import { describeInputCases, publishWorld } from "../input-cases.js";

const wheels = mkdtempSync(path.join(os.tmpdir(), "pyship-input-wheels-"));
const publish = publishWorld(() => wheels);
describeInputCases("trusted-publish", publish.world, {
  start: async () => {
    const source = path.join(repoRoot, "test/fixtures/trusted-publish/publish-demo");
    execFileSync(
      DEBIAN_PYTHON,
      ["-m", "build", "--no-isolation", "--wheel", "-o", wheels, source],
      {
        env: inheritedEnv(),
        stdio: "pipe",
      },
    );
    await publish.start();
  },
  stop: publish.stop,
});
