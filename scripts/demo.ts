/**
 * `npm run demo`: runs each landed action's dist bundle through the test harness on
 * examples/, and prints its job summary. Grows as actions land.
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { runCommand } from "../shared/runtime/command.js";
import { startArtifactService } from "../test/harness/artifact-service.js";
import { startCacheService } from "../test/harness/cache-service.js";
import { startIndex } from "../test/harness/index-server.js";
import { startOidcIssuer } from "../test/harness/oidc-issuer.js";
import { installFromIndex } from "../test/harness/publish-tools.js";
import { type ActionResult, inheritedEnv, repoRoot, runAction } from "../test/harness/runner.js";
import { startWarehouse } from "../test/harness/warehouse.js";

const example = path.join(repoRoot, "examples/hello-pyship");

/** A scratch copy of the example project, so the demo never touches the repository. */
function exampleCopy(edit?: (dir: string) => void): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "pyship-demo-"));
  cpSync(example, dir, { recursive: true });
  edit?.(dir);
  return dir;
}

function show(title: string, result: ActionResult): void {
  const rule = "─".repeat(72);
  console.log(`\n${rule}\n${title}  (exit code ${result.exitCode})\n${rule}`);
  for (const a of result.annotations) {
    const where = a.file ? ` ${a.file}${a.line ? `:${a.line}` : ""}` : "";
    console.log(`${a.level}${where}: ${a.message}`);
  }
  console.log(result.summary.trim() || "(no job summary)");
}

type Demo = () => Promise<void>;

function hasBuild(python: string): boolean {
  return spawnSync(python, ["-c", "import build, setuptools"], { stdio: "ignore" }).status === 0;
}

/** One entry per landed action, keyed by its folder name under actions/. */
const demos: Record<string, Demo> = {
  async audit() {
    const advisories = path.join(repoRoot, "test/fixtures/advisories");
    const offline = { "vulnerability-service": "offline", "advisory-db": advisories };
    show(
      "audit of examples/hello-pyship's uv.lock, offline",
      await runAction({ action: "audit", workspace: exampleCopy(), inputs: offline }),
    );
    const legacy = mkdtempSync(path.join(os.tmpdir(), "pyship-demo-"));
    cpSync(path.join(repoRoot, "examples/legacy-pins"), legacy, { recursive: true });
    show(
      "audit of examples/legacy-pins/requirements.txt, offline, failing on high",
      await runAction({
        action: "audit",
        workspace: legacy,
        inputs: { ...offline, "fail-on": "high", "ignore-vulns": "PYSEC-2023-74:2027-01-31" },
      }),
    );
  },

  async "build-dist"() {
    // Offline: the build backend is the one Debian's python has, without build isolation.
    const python = ["/usr/bin/python3", "python3"].find((candidate) => hasBuild(candidate));
    if (!python) {
      console.log(
        "pyship demo: build-dist needs a python with `build` and setuptools; none found.",
      );
      return;
    }
    const artifacts = await startArtifactService();
    try {
      const inputs = { python, isolation: "false" };
      show(
        "build-dist on examples/hello-pyship (sdist, wheel from the sdist, validated, uploaded)",
        await runAction({
          action: "build-dist",
          workspace: exampleCopy(),
          inputs,
          env: artifacts.env,
        }),
      );
      show(
        "build-dist on a tag push whose tag is not the project's version",
        await runAction({
          action: "build-dist",
          workspace: exampleCopy(),
          inputs: { ...inputs, "upload-artifact": "false" },
          ref: "refs/tags/v0.2.0",
        }),
      );
    } finally {
      await artifacts.close();
    }
  },

  async "trusted-publish"() {
    const python = ["/usr/bin/python3", "python3"].find((candidate) => hasBuild(candidate));
    if (!python) {
      console.log("pyship demo: trusted-publish needs a python with `build` and setuptools.");
      return;
    }
    // Debian's setuptools 66 names the sdist hello-pyship-0.1.0.tar.gz, which PyPI refuses since
    // PEP 625 (build-dist warns F005), so the demo ships the wheel.
    const workspace = exampleCopy();
    const built = await runCommand(
      python,
      ["-m", "build", "--wheel", "--no-isolation", "--skip-dependency-check", "--outdir", "dist"],
      { cwd: workspace, env: inheritedEnv() },
    );
    if (built.code !== 0)
      throw new Error(`building examples/hello-pyship failed:\n${built.output}`);
    const issuer = await startOidcIssuer();
    const warehouse = await startWarehouse({
      issuer,
      publishers: [
        {
          repository: "octo-repo",
          owner: "octo-org",
          workflow: "release.yml",
          environment: "pypi",
        },
      ],
    });
    try {
      const publish = (claims: Record<string, string>) => {
        issuer.resetClaims();
        issuer.setClaims({ ref: "refs/tags/v0.1.0", environment: "pypi", ...claims });
        return runAction({
          action: "trusted-publish",
          workspace,
          ref: "refs/tags/v0.1.0",
          env: issuer.env(),
          inputs: { "repository-url": warehouse.legacyUrl },
        });
      };
      show(
        "trusted-publish from a job whose workflow is not the registered one (release.yml)",
        await publish({
          workflow_ref: "octo-org/octo-repo/.github/workflows/ci.yml@refs/tags/v0.1.0",
          job_workflow_ref: "octo-org/octo-repo/.github/workflows/ci.yml@refs/tags/v0.1.0",
        }),
      );
      show(
        "trusted-publish of examples/hello-pyship on a tag push, through OIDC, to the local index",
        await publish({}),
      );
      const { python: installed, install } = await installFromIndex(
        path.join(workspace, "installed"),
        warehouse.simpleUrl,
        "hello-pyship==0.1.0",
        inheritedEnv(),
      );
      const greet = await runCommand(installed, [
        "-c",
        "import hello_pyship, inspect; print(hello_pyship.__name__, 'installed from', inspect.getfile(hello_pyship))",
      ]);
      console.log(
        `\n$ pip install --index-url ${warehouse.simpleUrl} hello-pyship==0.1.0\n${(install.output + greet.output).trim()}`,
      );
    } finally {
      await warehouse.close();
      await issuer.close();
    }
  },

  async "setup-venv"() {
    // PyPI is out of reach: the build backend for the editable install comes from Debian's wheels.
    const index = await startIndex({ directory: "/usr/share/python-wheels" });
    const cache = await startCacheService();
    try {
      const workspace = exampleCopy();
      const run = () =>
        runAction({
          action: "setup-venv",
          workspace,
          env: { ...cache.env, PIP_INDEX_URL: index.simpleUrl },
          post: true,
        });
      show(
        "setup-venv on examples/hello-pyship (cold: installs, then the post step saves the venv)",
        await run(),
      );
      rmSync(path.join(workspace, ".venv"), { recursive: true });
      const warm = await run();
      show("setup-venv again, as a later job would (warm: restored from the cache)", warm);
      const python = warm.outputs["python-path"];
      const tests = await runCommand(python, ["-m", "unittest", "discover", "-v", "-s", "tests"], {
        cwd: workspace,
      });
      console.log(
        `\n$ python -m unittest discover -s tests   (in ${warm.outputs["venv-path"]})\n${tests.output.trim()}`,
      );
    } finally {
      await cache.close();
      await index.close();
    }
  },

  async "lock-check"() {
    show(
      "lock-check on examples/hello-pyship (clean)",
      await runAction({ action: "lock-check", workspace: exampleCopy() }),
    );
    const drifted = exampleCopy((dir) => {
      const file = path.join(dir, "pyproject.toml");
      writeFileSync(
        file,
        readFileSync(file, "utf8").replace(
          "dependencies = []",
          'dependencies = ["requests>=2.32"]',
        ),
      );
    });
    show(
      'lock-check on a copy that added "requests>=2.32" without re-locking',
      await runAction({ action: "lock-check", workspace: drifted }),
    );
  },
};

const landed = readdirSync(path.join(repoRoot, "actions"))
  .filter((name) => existsSync(path.join(repoRoot, "actions", name, "action.yml")))
  .sort();

if (landed.length === 0) {
  console.log("pyship demo: no action has landed yet, so there is nothing to run.");
} else {
  for (const name of landed) {
    const demo = demos[name];
    if (demo) await demo();
    else console.log(`pyship demo: ${name} has no demo yet.`);
  }
}
