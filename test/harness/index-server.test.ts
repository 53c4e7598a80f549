import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { compareVersions, type RunningIndex, startIndex } from "./index-server.js";
import { isolatedToolEnv } from "./python-tools.js";
import { readBody, startServer } from "./server.js";
import { buildPackages, buildSdist, buildWheel, type PackageSpec } from "./wheels.js";

const TOOL_TIMEOUT_MS = 180_000;
const root = mkdtempSync(path.join(os.tmpdir(), "pyship-index-"));
const packagesDir = path.join(root, "packages");

// alpha-lib -> beta-pkg[speedups]>=1.0 -> delta; gamma only on win32; beta-pkg 2.0 needs a
// future Python, so every resolver must settle on beta-pkg 1.1.
const specs: PackageSpec[] = [
  {
    name: "Alpha_Lib",
    version: "1.0",
    dependencies: ["beta-pkg[speedups]>=1.0", 'gamma; sys_platform == "win32"'],
    extras: { docs: ["epsilon-docs"] },
  },
  { name: "beta-pkg", version: "1.0" },
  { name: "beta-pkg", version: "1.1", extras: { speedups: ['delta>=1.0; python_version >= "3"'] } },
  { name: "beta-pkg", version: "2.0", requiresPython: ">=3.99" },
  { name: "gamma", version: "1.0" },
  { name: "delta", version: "1.0" },
  { name: "delta", version: "1.2", requiresPython: ">=3.8,<4" },
];
const sdistOnly: PackageSpec = { name: "Zeta.Tool", version: "0.3", dependencies: ["delta<1.2"] };

let index: RunningIndex;

beforeAll(async () => {
  await buildPackages(specs, packagesDir, { sdists: true });
  await buildSdist(sdistOnly, packagesDir);
  index = await startIndex({ directory: packagesDir });
});
afterAll(async () => {
  await index?.close();
  rmSync(root, { recursive: true, force: true });
});

interface Fetched {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function fetchRaw(
  url: string,
  headers: Record<string, string> = {},
  method = "GET",
): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

interface RunResult {
  code: number | null;
  output: string;
}

/** Runs a command; rejects with its output on failure or timeout. */
function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
) {
  return new Promise<RunResult>((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), TOOL_TIMEOUT_MS - 10_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve({ code, output });
      else
        reject(new Error(`${command} ${args.join(" ")} exited ${code}:\n${output.slice(-4000)}`));
    });
  });
}

const lockedVersions = (entries: Array<{ name: string; version: string }>) =>
  Object.fromEntries(entries.map((entry) => [entry.name, entry.version]));

/** name → version of every [[package]] in a poetry.lock or pdm.lock. */
const tomlLockVersions = (lock: string) =>
  lockedVersions(
    [...lock.matchAll(/\[\[package\]\]\nname = "([^"]+)"\nversion = "([^"]+)"/g)].map(
      ([, name, version]) => ({ name, version }),
    ),
  );

describe("startServer", () => {
  test("turns handler errors into 500s and caps request bodies", async () => {
    const server = await startServer(
      async (req, res) => {
        if (req.url === "/boom") throw new Error("kaboom");
        const body = await readBody(req, req.url === "/small" ? 4 : 1024 * 1024);
        res.end(`got ${body.length}`);
      },
      { maxBodyBytes: 10 },
    );
    try {
      const boom = await fetchRaw(`${server.url}/boom`);
      expect(boom.status).toBe(500);
      expect(boom.body.toString()).toContain("kaboom");
      const post = (size: number, route = "/upload") =>
        new Promise<number>((resolve, reject) => {
          const req = http.request(
            `${server.url}${route}`,
            { method: "POST", agent: false },
            (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            },
          );
          req.on("error", reject);
          req.end(Buffer.alloc(size));
        });
      expect(await post(10)).toBe(200);
      expect(await post(11)).toBe(413);
      expect(await post(5, "/small")).toBe(413); // readBody's own limit
    } finally {
      await server.close();
    }
  });

  test("closes itself after its lifetime, keep-alive clients included", async () => {
    const server = await startServer((_req, res) => res.end("ok"), { lifetimeMs: 300 });
    const agent = new http.Agent({ keepAlive: true });
    const first = await new Promise<number>((resolve) =>
      http.get(`${server.url}/`, { agent }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }),
    );
    expect(first).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 600));
    await expect(fetchRaw(`${server.url}/`)).rejects.toThrow(/ECONNREFUSED/);
    agent.destroy();
    await server.close(); // idempotent
  });
});

describe("simple index endpoints", () => {
  test("lists normalized projects and redirects other spellings", async () => {
    const listing = await fetchRaw(index.simpleUrl);
    expect(listing.status).toBe(200);
    for (const name of ["alpha-lib", "beta-pkg", "delta", "gamma", "zeta-tool"]) {
      expect(listing.body.toString()).toContain(`<a href="/simple/${name}/">${name}</a>`);
    }
    const redirect = await fetchRaw(`${index.simpleUrl}Alpha_Lib/`);
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe("/simple/alpha-lib/");
    expect((await fetchRaw(`${index.simpleUrl}no-such-project/`)).status).toBe(404);
  });

  test("project pages carry hashes, escaped requires-python and PEP 658 metadata", async () => {
    const page = (await fetchRaw(`${index.simpleUrl}delta/`)).body.toString();
    const wheelBytes = readFileSync(path.join(packagesDir, "delta-1.2-py3-none-any.whl"));
    const link =
      page.split("\n").find((line) => line.includes(">delta-1.2-py3-none-any.whl<")) ?? "";
    expect(link).toContain(`/files/delta-1.2-py3-none-any.whl#sha256=${sha256(wheelBytes)}"`);
    expect(link).toContain('data-requires-python="&gt;=3.8,&lt;4"');
    const metadataHash = /data-core-metadata="sha256=([0-9a-f]{64})"/.exec(link)?.[1];
    expect(link).toContain(`data-dist-info-metadata="sha256=${metadataHash}"`);

    const href = /href="([^"#]+)/.exec(link)?.[1] ?? "";
    const metadata = await fetchRaw(`${href}.metadata`);
    expect(sha256(metadata.body)).toBe(metadataHash);
    expect(metadata.body.toString()).toContain("Requires-Python: >=3.8,<4");
    const file = await fetchRaw(href);
    expect(file.body.equals(wheelBytes)).toBe(true);
    expect((await fetchRaw(href, {}, "HEAD")).headers["content-length"]).toBe(
      String(wheelBytes.length),
    );
    // sdists get no metadata file.
    expect(page).not.toMatch(/delta-1\.2\.tar\.gz#sha256=[0-9a-f]+" data-core-metadata/);
  });

  test("serves PEP 691 JSON when asked for it", async () => {
    const accept = "application/vnd.pypi.simple.v1+json, text/html;q=0.01";
    const projects = await fetchRaw(index.simpleUrl, { accept });
    expect(projects.headers["content-type"]).toBe("application/vnd.pypi.simple.v1+json");
    expect(JSON.parse(projects.body.toString()).projects).toContainEqual({ name: "Alpha_Lib" });
    const beta = JSON.parse(
      (await fetchRaw(`${index.simpleUrl}beta-pkg/`, { accept })).body.toString(),
    );
    expect(beta.meta["api-version"]).toBe("1.0");
    const newest = beta.files.find(
      (file: { filename: string }) => file.filename === "beta_pkg-2.0-py3-none-any.whl",
    );
    expect(newest).toMatchObject({ "requires-python": ">=3.99", yanked: false });
    expect(newest["core-metadata"].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(newest).not.toHaveProperty("dist-info-metadata");
    const html = await fetchRaw(`${index.simpleUrl}beta-pkg/`, { accept: "text/html" });
    expect(html.headers["content-type"]).toContain("text/html");
  });

  test("serves a PyPI-shaped JSON API", async () => {
    const latest = JSON.parse((await fetchRaw(`${index.url}/pypi/Beta_Pkg/json`)).body.toString());
    expect(latest.info).toMatchObject({
      name: "beta-pkg",
      version: "2.0",
      requires_python: ">=3.99",
    });
    expect(Object.keys(latest.releases)).toEqual(["1.0", "1.1", "2.0"]);
    const release = JSON.parse(
      (await fetchRaw(`${index.url}/pypi/beta-pkg/1.1/json`)).body.toString(),
    );
    expect(release.info.requires_dist).toEqual([
      'delta>=1.0; (python_version >= "3") and extra == "speedups"',
    ]);
    expect(release.urls.map((file: { packagetype: string }) => file.packagetype)).toEqual([
      "bdist_wheel",
      "sdist",
    ]);
    const wheel = release.urls[0];
    const bytes = readFileSync(path.join(packagesDir, wheel.filename));
    expect(wheel.digests.sha256).toBe(sha256(bytes));
    expect((await fetchRaw(wheel.url)).body.equals(bytes)).toBe(true);
    expect((await fetchRaw(`${index.url}/pypi/beta-pkg/9.9/json`)).status).toBe(404);
  });

  test("refresh() picks up new files", async () => {
    const extraDir = path.join(root, "refresh");
    const local = await startIndex({ directory: extraDir }).catch(() => undefined);
    expect(local).toBeUndefined(); // a missing directory is an error
    mkdirSync(extraDir);
    const fresh = await startIndex({ directory: extraDir });
    try {
      expect((await fetchRaw(`${fresh.simpleUrl}late/`)).status).toBe(404);
      await buildWheel({ name: "late", version: "0.1" }, extraDir);
      await fresh.refresh();
      expect((await fetchRaw(`${fresh.simpleUrl}late/`)).body.toString()).toContain(
        "late-0.1-py3-none-any.whl",
      );
    } finally {
      await fresh.close();
    }
  });

  test("compares versions the PEP 440 way", () => {
    const sorted = ["1.0", "1.0.post1", "1.0rc1", "1.0.dev1", "0.9", "1.0a2", "1.10", "1.2"].sort(
      compareVersions,
    );
    expect(sorted).toEqual([
      "0.9",
      "1.0.dev1",
      "1.0a2",
      "1.0rc1",
      "1.0",
      "1.0.post1",
      "1.2",
      "1.10",
    ]);
  });
});

describe("real installers against the index", () => {
  let venv: string;
  let venvEnv: NodeJS.ProcessEnv;
  const pip = (...args: string[]) =>
    run(
      path.join(venv, "bin", "python"),
      ["-m", "pip", ...args, "--no-cache-dir", "--disable-pip-version-check"],
      {
        env: venvEnv,
      },
    );

  beforeAll(async () => {
    venv = path.join(root, "venv");
    venvEnv = isolatedToolEnv(path.join(root, "pip-home"));
    await run("python3", ["-m", "venv", venv], { env: venvEnv });
  }, TOOL_TIMEOUT_MS);

  test(
    "pip resolves the graph: extras, markers and requires-python",
    async () => {
      await pip("install", "--index-url", index.simpleUrl, "alpha.lib");
      const freeze = (await pip("freeze", "--all")).output;
      const installed = Object.fromEntries(
        freeze
          .trim()
          .split("\n")
          .map((line) => line.split("=="))
          .map(([name, version]) => [name.toLowerCase().replace(/[-_.]+/g, "-"), version]),
      );
      expect(installed).toMatchObject({ "alpha-lib": "1.0", "beta-pkg": "1.1", delta: "1.2" });
      expect(installed).not.toHaveProperty("gamma");
      expect(installed).not.toHaveProperty("epsilon-docs");
    },
    TOOL_TIMEOUT_MS,
  );

  test(
    "pip builds an sdist-only package offline (--no-build-isolation)",
    async () => {
      // setuptools.build_meta needs setuptools, and `wheel` too before setuptools 70.1.
      for (const module of ["setuptools", "wheel"]) {
        const present = await run(path.join(venv, "bin", "python"), ["-c", `import ${module}`], {
          env: venvEnv,
        }).then(
          () => true,
          () => false,
        );
        if (present) continue;
        const seeds = existsSync("/usr/share/python-wheels")
          ? readdirSync("/usr/share/python-wheels").filter((file) => file.startsWith(`${module}-`))
          : [];
        if (!seeds.length) {
          console.warn(
            `skipping the sdist install: ${module} is missing and there is no wheel to seed it from`,
          );
          return;
        }
        await pip("install", "--no-index", path.join("/usr/share/python-wheels", seeds[0]));
      }
      await pip("install", "--no-build-isolation", "--index-url", index.simpleUrl, "zeta-tool");
      const show = (await pip("show", "zeta-tool")).output;
      expect(show).toContain("Version: 0.3");
      const freeze = (await pip("freeze")).output;
      expect(freeze).toContain("delta==1.0"); // zeta-tool pins delta<1.2
      expect(freeze.toLowerCase()).toContain("zeta.tool==0.3");
    },
    TOOL_TIMEOUT_MS,
  );

  test(
    "poetry lock resolves against the index",
    async () => {
      const project = path.join(root, "poetry-project");
      mkdirSync(project);
      writeFileSync(
        path.join(project, "pyproject.toml"),
        [
          "[tool.poetry]",
          'name = "consumer"',
          'version = "0.1.0"',
          'description = "index test"',
          'authors = ["Test <test@example.com>"]',
          "",
          "[tool.poetry.dependencies]",
          'python = "^3.11"',
          'Alpha_Lib = "1.0"',
          "",
          "[[tool.poetry.source]]",
          'name = "local"',
          `url = "${index.simpleUrl}"`,
          "default = true",
          "",
        ].join("\n"),
      );
      const home = path.join(root, "poetry-home");
      const env = isolatedToolEnv(home, {
        POETRY_CACHE_DIR: path.join(home, "cache"),
        POETRY_CONFIG_DIR: path.join(home, "config"),
        POETRY_VIRTUALENVS_CREATE: "false",
      });
      await run("/usr/bin/poetry", ["lock", "--no-interaction", "-v"], { cwd: project, env });
      const lock = readFileSync(path.join(project, "poetry.lock"), "utf8");
      // Poetry locks for every platform, so the win32-only gamma is listed (with its marker).
      expect(tomlLockVersions(lock)).toEqual({
        "alpha-lib": "1.0",
        "beta-pkg": "1.1",
        delta: "1.2",
        gamma: "1.0",
      });
      expect(lock).toContain('gamma = {version = "*", markers = "sys_platform == \\"win32\\""}');
      expect(lock).toContain(`url = "${index.simpleUrl.replace(/\/$/, "")}"`);
    },
    TOOL_TIMEOUT_MS,
  );

  test(
    "pdm lock resolves against the index",
    async () => {
      const project = path.join(root, "pdm-project");
      mkdirSync(project);
      writeFileSync(
        path.join(project, "pyproject.toml"),
        [
          "[project]",
          'name = "consumer"',
          'version = "0.1.0"',
          'requires-python = ">=3.11"',
          'dependencies = ["Alpha_Lib==1.0"]',
          "",
          "[[tool.pdm.source]]",
          'name = "pypi"',
          `url = "${index.simpleUrl}"`,
          "verify_ssl = false",
          "",
        ].join("\n"),
      );
      const home = path.join(root, "pdm-home");
      const env = isolatedToolEnv(home, {
        PDM_HOME: path.join(home, "pdm"),
        PDM_CACHE_DIR: path.join(home, "cache"),
        PDM_CHECK_UPDATE: "false",
      });
      await run("/usr/bin/pdm", ["lock", "-v"], { cwd: project, env });
      const lock = readFileSync(path.join(project, "pdm.lock"), "utf8");
      expect(tomlLockVersions(lock)).toEqual({
        "alpha-lib": "1.0",
        "beta-pkg": "1.1",
        delta: "1.2",
        gamma: "1.0",
      });
      expect(lock).toContain('extras = ["speedups"]');
      expect(lock).toContain(
        `{url = "${index.url}/files/beta_pkg-1.1-py3-none-any.whl", hash = "sha256:`,
      );
    },
    TOOL_TIMEOUT_MS,
  );

  test(
    "pipenv lock resolves against the index",
    async () => {
      const project = path.join(root, "pipenv-project");
      mkdirSync(project);
      writeFileSync(
        path.join(project, "Pipfile"),
        [
          "[[source]]",
          'name = "local"',
          `url = "${index.simpleUrl}"`,
          "verify_ssl = false",
          "",
          "[packages]",
          'alpha-lib = "==1.0"',
          "",
          "[requires]",
          'python_version = "3.11"',
          "",
        ].join("\n"),
      );
      const home = path.join(root, "pipenv-home");
      const env = isolatedToolEnv(home, {
        WORKON_HOME: path.join(home, "venvs"),
        PIPENV_CACHE_DIR: path.join(home, "cache"),
        PIPENV_VENV_IN_PROJECT: "1",
        PIPENV_IGNORE_VIRTUALENVS: "1",
        PIPENV_NOSPIN: "1",
        PIPENV_YES: "1",
      });
      await run("/usr/bin/pipenv", ["lock"], { cwd: project, env });
      const lock = JSON.parse(readFileSync(path.join(project, "Pipfile.lock"), "utf8"));
      // pipenv resolves for this machine only, so the win32-only gamma is left out.
      const versions = Object.fromEntries(
        Object.entries(lock.default as Record<string, { version: string }>).map(([name, entry]) => [
          name,
          entry.version,
        ]),
      );
      expect(versions).toEqual({ "alpha-lib": "==1.0", "beta-pkg": "==1.1", delta: "==1.2" });
      expect(lock.default["beta-pkg"].extras).toEqual(["speedups"]);
      expect(lock._meta.sources[0].url).toBe(index.simpleUrl);
    },
    TOOL_TIMEOUT_MS,
  );
});
