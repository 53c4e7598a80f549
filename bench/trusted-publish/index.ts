/**
 * bench/trusted-publish: about 200 MB of dists (a generated 190 MB wheel and a 10 MB sdist)
 * published to the local Warehouse by three clients in the same run, interleaved, medians:
 * - the bundled action, through the OIDC exchange (and once more with verify-metadata off);
 * - Debian's `twine upload` (4.0.2) with an API token, alone and after `twine check` (what
 *   pypa/gh-action-pypi-publish runs, less its container start);
 * - bare `curl -F` multipart POSTs with digests computed beforehand: the floor (no hashing, no
 *   metadata, no start-up).
 * The index is reset before each client, so every client stores the files for real.
 * Goals: the action within 1.15x of curl and faster than twine; peak RSS under 100 MB with a
 * 1 GB wheel (measured with /usr/bin/time for the action and twine).
 *
 * Run: `npm run bench trusted-publish`. Environment: PYSHIP_BENCH_RUNS (default 5),
 * PYSHIP_TEST_NODE (the node that runs the bundle), PYSHIP_BENCH_SKIP_1GB=1,
 * PYSHIP_BENCH_SKIP_200MB=1.
 */
import { createHash } from "node:crypto";
import { createReadStream, linkSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type TarEntry, tarGz } from "../../test/harness/archives.js";
import { startOidcIssuer } from "../../test/harness/oidc-issuer.js";
import { TWINE, twineUploadArgs } from "../../test/harness/publish-tools.js";
import { inheritedEnv } from "../../test/harness/runner.js";
import { startSigstore } from "../../test/harness/sigstore.js";
import { startWarehouse } from "../../test/harness/warehouse.js";
import { writeBigWheel } from "../build-dist/big-wheel.js";
import { actionRunner, exec, snapshotAction } from "../setup-venv/step.js";

const RUNS = Number(process.env.PYSHIP_BENCH_RUNS) || 5;
const node = process.env.PYSHIP_TEST_NODE ?? process.execPath;
const root = mkdtempSync(path.join(os.tmpdir(), "pyship-bench-publish-"));
const TOKEN = "pypi-bench-api-token";
const TIMEOUT_MS = 600_000;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function randomBytes(seed: string, bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  let block = createHash("sha256").update(seed).digest();
  for (let at = 0; at < bytes; at += block.length) {
    block.copy(out, at);
    block = createHash("sha256").update(block).digest();
  }
  return out;
}

/** A 10 MB sdist of the big wheel's project (random data, so gzip cannot shrink it). */
function writeSdist(dir: string): string {
  const top = "big_wheel-1.0.0";
  const metadata =
    "Metadata-Version: 2.1\nName: big-wheel\nVersion: 1.0.0\nSummary: big\nDescription-Content-Type: text/markdown\n\n# big-wheel\n";
  const entries: TarEntry[] = [
    { name: `${top}/PKG-INFO`, data: Buffer.from(metadata) },
    {
      name: `${top}/pyproject.toml`,
      data: Buffer.from('[project]\nname = "big-wheel"\nversion = "1.0.0"\n'),
    },
    { name: `${top}/big_wheel/__init__.py`, data: Buffer.from('"""A big generated wheel."""\n') },
    { name: `${top}/big_wheel/data/blob.bin`, data: randomBytes("sdist", 10 * 1024 * 1024) },
  ];
  const file = path.join(dir, `${top}.tar.gz`);
  writeFileSync(file, tarGz(entries));
  return file;
}

async function sha256(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
  }
  return hash.digest("hex");
}

/** Node flags that print the process's peak RSS (KB) on stderr at exit. */
const reportRss = [
  "--import",
  "data:text/javascript,process.on('exit',()=>process.stderr.write('pyship-maxrss '+process.resourceUsage().maxRSS+'\\n'))",
];

const maxRssMB = (output: string) =>
  Number(/pyship-maxrss (\d+)/.exec(output)?.[1] ?? Number.NaN) / 1024;

const issuer = await startOidcIssuer({ lifetimeMs: 3_600_000 });
const sigstore = await startSigstore({ jwks: issuer.jwks });
const warehouse = await startWarehouse({
  sigstoreTrustedRoot: sigstore.trustedRoot,
  issuer,
  publishers: [{ repository: "octo-repo", owner: "octo-org", workflow: "release.yml" }],
  apiTokens: [TOKEN],
  maxFileBytes: 2 * 1024 ** 3,
  maxBodyBytes: 3 * 1024 ** 3,
  lifetimeMs: 3_600_000,
});
const env = {
  ...inheritedEnv(),
  HOME: path.join(root, "home"),
  PYTHON_KEYRING_BACKEND: "keyring.backends.null.Keyring",
};
mkdirSync(env.HOME);

type Client = (files: string[], workspace: string) => Promise<{ ms: number; output: string }>;

async function actionClient(
  actionDir: string,
  inputs: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<Client> {
  let round = 0;
  return async (_files, workspace) => {
    const runner = actionRunner({
      action: actionDir,
      node,
      home: path.join(root, `home-action-${round++}`),
      workspace,
      inputs: { "repository-url": warehouse.legacyUrl, "packages-dir": "dist", ...inputs },
      env: { ...env, ...issuer.env(), ...sigstore.env() },
      timeoutMs: TIMEOUT_MS,
    });
    const { main } = await runner.run(nodeArgs);
    if (main.status !== 0) throw new Error(`trusted-publish failed:\n${main.output}`);
    return { ms: main.ms, output: main.output };
  };
}

const twine: Client = async (files) => {
  const args = twineUploadArgs(warehouse.legacyUrl, TOKEN, files);
  const run = await exec("/usr/bin/time", ["-f", "pyship-maxrss %M", TWINE, ...args], {
    env,
    cwd: root,
    timeoutMs: TIMEOUT_MS,
  });
  if (run.status !== 0) throw new Error(`twine failed:\n${run.output}`);
  return run;
};

/** What pypa/gh-action-pypi-publish runs (inside its container): twine check, then twine upload. */
const twineCheckAndUpload: Client = async (files, workspace) => {
  const check = await exec(TWINE, ["check", ...files], {
    env,
    cwd: root,
    timeoutMs: TIMEOUT_MS,
  });
  if (check.status !== 0) throw new Error(`twine check failed:\n${check.output}`);
  const upload = await twine(files, workspace);
  return { ms: check.ms + upload.ms, output: upload.output };
};

function curlClient(digests: Map<string, string>): Client {
  return async (files) => {
    let ms = 0;
    let output = "";
    for (const file of files) {
      const wheel = file.endsWith(".whl");
      const form = [
        ":action=file_upload",
        "protocol_version=1",
        "name=big-wheel",
        "version=1.0.0",
        `filetype=${wheel ? "bdist_wheel" : "sdist"}`,
        `pyversion=${wheel ? "py3" : "source"}`,
        "metadata_version=2.1",
        `sha256_digest=${digests.get(file)}`,
      ].flatMap((field) => ["-F", field]);
      const run = await exec(
        "curl",
        [
          "-sS",
          "--fail-with-body",
          "-u",
          `__token__:${TOKEN}`,
          ...form,
          "-F",
          `content=@${file};type=application/octet-stream`,
          warehouse.legacyUrl,
        ],
        { env, cwd: root, timeoutMs: TIMEOUT_MS },
      );
      if (run.status !== 0) throw new Error(`curl failed:\n${run.output}`);
      ms += run.ms;
      output += run.output;
    }
    return { ms, output };
  };
}

/** A workspace whose dist/ holds hard links to the files. */
function workspaceOf(files: string[], name: string): string {
  const workspace = path.join(root, name);
  mkdirSync(path.join(workspace, "dist"), { recursive: true });
  for (const file of files) linkSync(file, path.join(workspace, "dist", path.basename(file)));
  return workspace;
}

async function compare(
  files: string[],
  clients: Record<string, Client>,
): Promise<Record<string, number[]>> {
  const workspace = workspaceOf(files, "workspace");
  const times: Record<string, number[]> = Object.fromEntries(
    Object.keys(clients).map((name) => [name, []]),
  );
  const names = Object.keys(clients);
  for (let round = 0; round < RUNS; round++) {
    // Rotate the order, so no client always follows the same one.
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const name of order) {
      await warehouse.reset();
      const { ms } = await clients[name](files, workspace);
      if (warehouse.files().length !== files.length) {
        throw new Error(`${name} stored ${warehouse.files().join(", ")}`);
      }
      times[name].push(ms);
    }
  }
  return times;
}

try {
  const dir = path.join(root, "dists");
  mkdirSync(dir);
  const files = [writeBigWheel(dir, 190), writeSdist(dir)];
  const digests = new Map(await Promise.all(files.map(async (f) => [f, await sha256(f)] as const)));
  const actionDir = await snapshotAction("trusted-publish", path.join(root, "bundle"));
  const clients: Record<string, Client> = {
    "trusted-publish action (OIDC, attestations, verify-metadata, print-hash)": await actionClient(
      actionDir,
      {},
    ),
    "trusted-publish action, attestations: false": await actionClient(actionDir, {
      attestations: "false",
    }),
    "trusted-publish action, verify-metadata: false": await actionClient(actionDir, {
      "verify-metadata": "false",
    }),
    "twine upload (Debian 4.0.2)": twine,
    "twine check + twine upload (pypa's action, without its container)": twineCheckAndUpload,
    "curl -F (floor)": curlClient(digests),
  };
  if (!process.env.PYSHIP_BENCH_SKIP_200MB) {
    const times = await compare(files, clients);
    const floor = median(times["curl -F (floor)"]);
    const twineMs = median(times["twine upload (Debian 4.0.2)"]);
    console.log(`\n(a) publishing 200 MB (190 MB wheel + 10 MB sdist), ${RUNS} rounds, medians`);
    console.log("| client | median | vs curl | vs twine |\n|---|---|---|---|");
    for (const [name, values] of Object.entries(times)) {
      const ms = median(values);
      console.log(
        `| ${name} | ${seconds(ms)} | ${(ms / floor).toFixed(2)}x | ${(ms / twineMs).toFixed(2)}x |`,
      );
    }
    const action = median(
      times["trusted-publish action (OIDC, attestations, verify-metadata, print-hash)"],
    );
    const unattested = median(times["trusted-publish action, attestations: false"]);
    console.log(
      `attestations (signing both dists against the local Sigstore stand-in) add ${seconds(action - unattested)}: ${(action / unattested).toFixed(2)}x the same upload without them`,
    );
    const unverified = median(times["trusted-publish action, verify-metadata: false"]);
    console.log(
      `goal <= 1.15x curl: ${action / floor <= 1.15 ? "met" : "NOT met"} (${(action / floor).toFixed(2)}x; verify-metadata false ${(unverified / floor).toFixed(2)}x)`,
    );
    console.log(
      `goal faster than twine: ${action < twineMs ? "met" : "NOT met"} (${(action / twineMs).toFixed(2)}x)`,
    );
  }

  if (!process.env.PYSHIP_BENCH_SKIP_1GB) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    const big = [writeBigWheel(dir, 1000)];
    const rss: Record<string, number> = {};
    const measured = {
      action: await actionClient(actionDir, {}, reportRss),
      "action, verify-metadata: false": await actionClient(
        actionDir,
        { "verify-metadata": "false" },
        reportRss,
      ),
      twine,
    };
    for (const [name, client] of Object.entries(measured)) {
      await warehouse.reset();
      const { output } = await client(big, workspaceOf(big, `workspace-1gb-${name}`));
      rss[name] = maxRssMB(output);
    }
    console.log("\n(b) peak RSS publishing a 1 GB wheel");
    console.log("| client | peak RSS |\n|---|---|");
    for (const [name, mb] of Object.entries(rss)) console.log(`| ${name} | ${mb.toFixed(0)} MB |`);
    console.log(
      `goal < 100 MB: ${rss.action < 100 ? "met" : "NOT met"} (${rss.action.toFixed(0)} MB)`,
    );
  }
} finally {
  await warehouse.close();
  await sigstore.close();
  await issuer.close();
  rmSync(root, { recursive: true, force: true });
}
