import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync,
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
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "@jest/globals";
import { Blake2b } from "../../shared/digests/blake2b.js";
import { type Attestation, publishStatement, toAttestation } from "../../shared/sigstore/pep740.js";
import { type ClaimOverrides, type RunningOidcIssuer, startOidcIssuer } from "./oidc-issuer.js";
import { installFromIndex, TWINE, twineUploadArgs } from "./publish-tools.js";
import { isolatedToolEnv, runTool } from "./python-tools.js";
import { type RunningSigstore, signWithStandIn, startSigstore } from "./sigstore.js";
import { type RunningWarehouse, startWarehouse } from "./warehouse.js";
import { buildSdist, buildWheel } from "./wheels.js";

const PYTHON = "/usr/bin/python3";
const root = mkdtempSync(path.join(os.tmpdir(), "pyship-warehouse-test-"));
const toolHome = path.join(root, "home");
const toolEnv = isolatedToolEnv(toolHome, { TWINE_NON_INTERACTIVE: "1" });
const project = "pyshipdemo";
const version = "0.1.0";
const wheelName = `${project}-${version}-py3-none-any.whl`;
const sdistName = `${project}-${version}.tar.gz`;

let issuer: RunningOidcIssuer;
let sigstore: RunningSigstore;
let warehouse: RunningWarehouse;
/** The real dists, built by Debian's setuptools through `python3 -m build`. */
let dists: { wheel: string; sdist: string };

/** A tiny setuptools project, built offline with Debian's build and setuptools. */
function buildProject(name: string, projectVersion: string, outDir: string): string[] {
  const source = mkdtempSync(path.join(root, "project-"));
  writeFileSync(
    path.join(source, "pyproject.toml"),
    [
      "[build-system]",
      'requires = ["setuptools>=61"]',
      'build-backend = "setuptools.build_meta"',
      "",
      "[project]",
      `name = "${name}"`,
      `version = "${projectVersion}"`,
      'description = "A tiny package for the Warehouse harness"',
      'requires-python = ">=3.8"',
      "",
      "[tool.setuptools]",
      `py-modules = ["${name.replace(/-/g, "_")}"]`,
      "",
    ].join("\n"),
  );
  writeFileSync(path.join(source, `${name.replace(/-/g, "_")}.py`), "VALUE = 42\n");
  execFileSync(
    PYTHON,
    ["-m", "build", "--no-isolation", "--skip-dependency-check", "--outdir", outDir, source],
    { env: toolEnv, stdio: "pipe" },
  );
  return readdirSync(outDir).map((file) => path.join(outDir, file));
}

beforeAll(async () => {
  mkdirSync(toolHome, { recursive: true });
  issuer = await startOidcIssuer();
  sigstore = await startSigstore({ jwks: issuer.jwks });
  warehouse = await startWarehouse({
    issuer,
    sigstoreTrustedRoot: sigstore.trustedRoot,
    publishers: [
      { repository: "octo-repo", owner: "octo-org", ownerId: "5000001", workflow: "release.yml" },
      { repository: "octo-repo", owner: "octo-org", workflow: "deploy.yml", environment: "PyPI" },
      { repository: "scoped", owner: "octo-org", workflow: "release.yml", project: "only-this" },
    ],
    apiTokens: ["pypi-static-api-token"],
  });
  const built = buildProject(project, version, path.join(root, "dist"));
  dists = {
    wheel: built.find((file) => file.endsWith(".whl")) ?? "",
    sdist: built.find((file) => file.endsWith(".tar.gz")) ?? "",
  };
});
afterAll(async () => {
  await warehouse?.close();
  await sigstore?.close();
  await issuer?.close();
  rmSync(root, { recursive: true, force: true });
});

/** A fresh OIDC token from the issuer's /token endpoint, with claim overrides for this one. */
async function oidcToken(overrides: ClaimOverrides = {}, audience = "pypi"): Promise<string> {
  issuer.setClaims(overrides);
  try {
    const env = issuer.env();
    const res = await fetch(`${env.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=${audience}`, {
      headers: { authorization: `Bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` },
    });
    return ((await res.json()) as { value: string }).value;
  } finally {
    issuer.resetClaims();
  }
}

interface MintBody {
  success?: boolean;
  token: string;
  expires: number;
  message?: string;
  errors: Array<{ code: string; description: string }>;
}

async function mint(body: unknown, mintPath = "/_/oidc/mint-token") {
  const res = await fetch(`${warehouse.url}${mintPath}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as MintBody };
}

/** The 422 error of a refused mint. */
async function mintError(token: string) {
  const res = await mint({ token });
  expect(res.status).toBe(422);
  expect(res.body.message).toBe("Token request failed");
  expect(res.body.errors).toHaveLength(1);
  return res.body.errors[0] as { code: string; description: string };
}

async function mintedToken(): Promise<string> {
  const res = await mint({ token: await oidcToken() });
  expect(res.status).toBe(200);
  return res.body.token;
}

const hex = (algorithm: string, data: Buffer) => createHash(algorithm).update(data).digest("hex");
const blake2 = (data: Buffer) => new Blake2b(32).update(data).digest().toString("hex");
const basic = (password: string, user = "__token__") =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

/** The form twine sends for a file (metadata trimmed to what matters here). */
function formFor(file: string, data: Buffer, overrides: Record<string, string | null> = {}) {
  const wheel = file.endsWith(".whl");
  const [name, fileVersion] = path
    .basename(file)
    .replace(/\.tar\.gz$/, "")
    .split("-");
  const fields: Record<string, string | null> = {
    ":action": "file_upload",
    protocol_version: "1",
    metadata_version: "2.1",
    name,
    version: fileVersion,
    filetype: wheel ? "bdist_wheel" : "sdist",
    pyversion: wheel ? "py3" : "source",
    md5_digest: hex("md5", data),
    sha256_digest: hex("sha256", data),
    blake2_256_digest: blake2(data),
    ...overrides,
  };
  return Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== null);
}

interface UploadOptions {
  fields?: Record<string, string | null>;
  password?: string;
  filename?: string;
  data?: Buffer;
  accept?: string;
  urlPath?: string;
}

/** One multipart upload with fetch; resolves status, reason and body (status 0: no answer). */
async function upload(file: string, options: UploadOptions = {}) {
  const data = options.data ?? readFileSync(file);
  const form = new FormData();
  for (const [key, value] of formFor(file, data, options.fields)) form.append(key, value);
  form.append(
    "content",
    new Blob([data], { type: "application/octet-stream" }),
    options.filename ?? path.basename(file),
  );
  const headers: Record<string, string> = {};
  if (options.password !== "")
    headers.authorization = basic(options.password ?? (await mintedToken()));
  if (options.accept) headers.accept = options.accept;
  try {
    const res = await fetch(`${warehouse.url}${options.urlPath ?? "/legacy/"}`, {
      method: "POST",
      body: form,
      headers,
      redirect: "manual",
    });
    return {
      status: res.status,
      reason: res.statusText,
      body: await res.text(),
      location: res.headers.get("location"),
    };
  } catch {
    return { status: 0, reason: "", body: "", location: null };
  }
}

function twine(args: string[], password: string) {
  return runTool(TWINE, twineUploadArgs(warehouse.legacyUrl, password, args), {
    env: toolEnv,
    timeoutMs: 60_000,
  });
}

describe("OIDC endpoints", () => {
  afterEach(() => warehouse.setOidc("enabled"));

  test("the audience, or 403 when trusted publishing is disabled, or 404 when unsupported", async () => {
    let res = await fetch(`${warehouse.url}/_/oidc/audience`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ audience: "pypi" });

    warehouse.setOidc("disabled");
    res = await fetch(`${warehouse.url}/_/oidc/audience`);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ message: "Trusted publishing functionality not enabled" });
    expect(await mintError(await oidcToken())).toEqual({
      code: "not-enabled",
      description: "GitHub trusted publishing functionality not enabled",
    });

    warehouse.setOidc("unsupported");
    expect((await fetch(`${warehouse.url}/_/oidc/audience`)).status).toBe(404);
    expect((await mint({ token: await oidcToken() })).status).toBe(404);
  });

  test("a matching token mints a 900 s API token, on both mint paths", async () => {
    for (const mintPath of ["/_/oidc/mint-token", "/_/oidc/github/mint-token"]) {
      const res = await mint({ token: await oidcToken() }, mintPath);
      expect(res.status).toBe(200);
      expect(res.body.success).toBe(true);
      expect(res.body.token).toMatch(/^pypi-[A-Za-z0-9_-]{100,}$/);
      expect(Math.abs(res.body.expires - (Date.now() / 1000 + 900))).toBeLessThan(5);
      expect(warehouse.mintedTokens.at(-1)).toBe(res.body.token);
    }
  });

  test("invalid-payload: not JSON, no token, not a JWT, another issuer", async () => {
    let res = await mint("{not json");
    expect(res.status).toBe(422);
    expect(res.body.errors[0].code).toBe("invalid-payload");
    expect(res.body.errors[0].description).toMatch(
      /^1 validation error for TokenPayload\n.*json_invalid/s,
    );
    res = await mint({ jwt: "x" });
    expect(res.body.errors[0].description).toMatch(
      /^1 validation error for TokenPayload\ntoken\n {2}Field required/,
    );
    res = await mint({ token: 42 });
    expect(res.body.errors[0].description).toContain("Input should be a valid string");
    expect(await mintError("not-a-jwt")).toEqual({
      code: "invalid-payload",
      description: "malformed JWT",
    });
    const foreign = await issuer.sign({ ...issuer.claimsFor("pypi"), iss: "https://gitlab.com" });
    expect(await mintError(foreign)).toEqual({
      code: "invalid-payload",
      description: "unknown trusted publishing issuer",
    });
  });

  test("invalid-token: wrong audience, expired, not yet valid, signed by another key", async () => {
    const invalid = { code: "invalid-token", description: "malformed or invalid token" };
    expect(await mintError(await oidcToken({}, "testpypi"))).toEqual(invalid);
    const now = Math.floor(Date.now() / 1000);
    const expired = await issuer.sign({
      ...issuer.claimsFor("pypi"),
      iat: now - 900,
      exp: now - 600,
    });
    expect(await mintError(expired)).toEqual(invalid);
    const early = await issuer.sign({ ...issuer.claimsFor("pypi"), nbf: now + 600 });
    expect(await mintError(early)).toEqual(invalid);
    const impostor = await startOidcIssuer();
    try {
      expect(await mintError(await impostor.sign(impostor.claimsFor("pypi")))).toEqual(invalid);
    } finally {
      await impostor.close();
    }
  });

  test("invalid-reuse-token: a JWT mints once", async () => {
    const token = await oidcToken();
    expect((await mint({ token })).status).toBe(200);
    expect(await mintError(token)).toEqual({
      code: "invalid-reuse-token",
      description: "invalid token: already used",
    });
  });

  test("invalid-publisher: no publisher for the repository, workflow, owner id or event", async () => {
    const notFound = {
      code: "invalid-publisher",
      description:
        "valid token, but no corresponding publisher (Publisher with matching claims was not found)",
    };
    expect(await mintError(await oidcToken({ repository: "octo-org/other" }))).toEqual(notFound);
    expect(await mintError(await oidcToken({ repository_owner_id: "999" }))).toEqual(notFound);
    expect(
      await mintError(
        await oidcToken({
          workflow_ref: "octo-org/octo-repo/.github/workflows/ci.yml@refs/tags/v1.0.0",
        }),
      ),
    ).toEqual(notFound);
    expect((await mintError(await oidcToken({ event_name: "pull_request_target" }))).code).toBe(
      "invalid-publisher",
    );
    const missing = await mintError(await oidcToken({ repository_owner_id: null }));
    expect(missing.description).toBe(
      "valid token, but no corresponding publisher (Missing claim 'repository_owner_id')",
    );
    const otherRef = await mintError(
      await oidcToken({
        job_workflow_ref: "octo-org/octo-repo/.github/workflows/release.yml@refs/heads/dev",
      }),
    );
    expect(otherRef.description).toContain(
      "The job_workflow_ref claim does not match, expecting one of",
    );
  });

  test("a reusable workflow only matches under its own file name", async () => {
    const reusable = "octo-org/octo-repo/.github/workflows/publish-reusable.yml@refs/tags/v1.0.0";
    const error = await mintError(await oidcToken({ job_workflow_ref: reusable }));
    expect(error.code).toBe("invalid-publisher");
    expect(error.description).toContain("Publisher with matching claims was not found");
  });

  test("environments compare case-insensitively; a publisher without one accepts any", async () => {
    const deploy = "octo-org/octo-repo/.github/workflows/deploy.yml@refs/tags/v1.0.0";
    const withEnvironment = await mint({
      token: await oidcToken({ workflow_ref: deploy, environment: "pypi" }),
    });
    expect(withEnvironment.status).toBe(200);
    const other = await mintError(
      await oidcToken({ workflow_ref: deploy, environment: "staging" }),
    );
    expect(other.code).toBe("invalid-publisher");
    const none = await mintError(await oidcToken({ workflow_ref: deploy }));
    expect(none.code).toBe("invalid-publisher");
    const anyEnvironment = await mint({ token: await oidcToken({ environment: "Whatever" }) });
    expect(anyEnvironment.status).toBe(200);
  });
});

describe("uploads with twine and installs with pip", () => {
  beforeEach(() => warehouse.reset());

  test("twine uploads the wheel and sdist; pip installs the wheel from /simple/", async () => {
    const token = await mintedToken();
    const result = await twine([dists.wheel, dists.sdist], token);
    expect(result.code).toBe(0);
    expect(warehouse.files()).toEqual([wheelName, sdistName]);
    expect(readdirSync(warehouse.directory).sort()).toEqual(
      [".incoming", wheelName, sdistName].sort(),
    );

    const [wheelUpload, sdistUpload] = warehouse.uploads;
    expect(wheelUpload).toMatchObject({
      filename: wheelName,
      status: 200,
      stored: true,
      authUser: "__token__",
    });
    expect(sdistUpload).toMatchObject({ filename: sdistName, status: 200, stored: true });
    const wheelBytes = readFileSync(dists.wheel);
    expect(wheelUpload.sha256).toBe(hex("sha256", wheelBytes));
    expect(wheelUpload.size).toBe(wheelBytes.length);
    const fields = new Map(wheelUpload.fields);
    expect(wheelUpload.fields).toContainEqual([":action", "file_upload"]);
    expect(wheelUpload.contentType).toBe("application/octet-stream");
    expect(fields.get("protocol_version")).toBe("1");
    expect(fields.get("name")).toBe(project);
    expect(fields.get("filetype")).toBe("bdist_wheel");
    expect(fields.get("pyversion")).toBe("py3");
    expect(fields.get("blake2_256_digest")).toBe(blake2(wheelBytes));
    // twine 4 sends an empty pyversion for an sdist; Warehouse takes that as "source".
    expect(new Map(sdistUpload.fields).get("pyversion")).toBe("");
    expect(new Map(sdistUpload.fields).get("filetype")).toBe("sdist");

    const res = await fetch(`${warehouse.url}/pypi/${project}/json`);
    const json = (await res.json()) as { urls: Array<{ filename: string }> };
    expect(json.urls.map((file: { filename: string }) => file.filename).sort()).toEqual([
      wheelName,
      sdistName,
    ]);

    const venv = path.join(root, "venv");
    rmSync(venv, { recursive: true, force: true });
    const { python: venvPython, install } = await installFromIndex(
      venv,
      warehouse.simpleUrl,
      `${project}==${version}`,
      toolEnv,
    );
    expect(install.output).toContain(`Successfully installed ${project}-${version}`);
    expect(
      execFileSync(venvPython, ["-c", `import ${project}; print(${project}.VALUE)`], {
        encoding: "utf8",
      }).trim(),
    ).toBe("42");
  });

  test("identical re-upload is a 200 no-op; changed content under the same name is refused", async () => {
    const token = await mintedToken();
    expect((await twine([dists.wheel], token)).code).toBe(0);
    const again = await twine([dists.wheel], token);
    expect(again.code).toBe(0);
    expect(warehouse.uploads.at(-1)).toMatchObject({ status: 200, stored: false });
    expect(warehouse.files()).toEqual([wheelName]);

    const changedDir = path.join(root, "changed");
    const changed = await buildWheel(
      { name: project, version, files: { [`${project}/extra.py`]: "CHANGED = True\n" } },
      changedDir,
    );
    expect(path.basename(changed)).toBe(wheelName);
    const refused = await twine([changed], token);
    expect(refused.code).not.toBe(0);
    const hash = blake2(readFileSync(changed));
    const message = `File already exists ('${wheelName}', with blake2_256 hash '${hash}'). See https://pypi.org/help/#file-name-reuse for more information.`;
    expect(refused.output.replace(/\s+/g, " ")).toContain(message);
    expect(warehouse.uploads.at(-1)).toMatchObject({ status: 400, message, stored: false });
    const skipped = await twine(["--skip-existing", changed], token);
    expect(skipped.code).toBe(0);
    expect(skipped.output).toContain("Skipping");
    expect(warehouse.files()).toEqual([wheelName]);
  });

  test("a second sdist for the same release is refused", async () => {
    const token = await mintedToken();
    expect((await twine([dists.sdist], token)).code).toBe(0);
    // Same release (0.1 == 0.1.0), another file name.
    const other = await buildSdist(
      { name: project, version: "0.1" },
      path.join(root, "second-sdist"),
    );
    const refused = await twine([other], token);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain("Only one sdist may be uploaded per release.");
    expect(warehouse.files()).toEqual([sdistName]);
  });

  test("bad credentials get a 403 from twine's point of view", async () => {
    const result = await twine([dists.wheel], "pypi-not-a-real-token");
    expect(result.code).not.toBe(0);
    expect(result.output.replace(/\s+/g, " ")).toContain(
      "Invalid or non-existent authentication information. See https://pypi.org/help/#invalid-auth for more information.",
    );
    expect(warehouse.uploads.at(-1)).toMatchObject({ status: 403, stored: false });
    expect(warehouse.files()).toEqual([]);
  });
});

describe("upload validation", () => {
  beforeEach(() => warehouse.reset());

  test("a wrong digest is refused with Warehouse's message in the status line", async () => {
    const res = await upload(dists.wheel, { fields: { sha256_digest: "0".repeat(64) } });
    const message =
      "The digest supplied does not match a digest calculated from the uploaded file.";
    expect(res).toMatchObject({ status: 400, reason: message });
    expect(res.body).toContain(message);
    const blake2Only = await upload(dists.wheel, {
      fields: { md5_digest: null, sha256_digest: null, blake2_256_digest: "a".repeat(64) },
    });
    expect(blake2Only.reason).toBe(message);
    expect(warehouse.files()).toEqual([]);
    expect(readdirSync(path.join(warehouse.directory, ".incoming"))).toEqual([]);
  });

  test("JSON errors when the client asks for them", async () => {
    const res = await upload(dists.wheel, {
      fields: { protocol_version: "2" },
      accept: "application/json;q=0.9, text/plain;q=0.8, text/html;q=0.7",
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({
      message: "Unknown protocol version.",
      code: "400 Unknown protocol version.",
      title: "Bad Request",
    });
  });

  test.each([
    [
      { name: null },
      "'' is an invalid value for Name. Error: This field is required. See https://packaging.python.org/specifications/core-metadata for more information.",
    ],
    [
      { version: "1.0+local" },
      "The use of local versions in '1.0+local' is not allowed. See https://packaging.python.org/specifications/core-metadata for more information.",
    ],
    [
      { metadata_version: "2.0" },
      "'2.0' is not a valid metadata version. See https://packaging.python.org/specifications/core-metadata for more information.",
    ],
    [
      { metadata_version: "2.1", license_file: "LICENSE" },
      "license-file introduced in metadata version 2.4, not 2.1. See https://packaging.python.org/specifications/core-metadata for more information.",
    ],
    [
      { metadata_version: "2.4", license: "MIT", license_expression: "MIT" },
      "License is deprecated when License-Expression is present. Only License-Expression should be present. See https://packaging.python.org/specifications/core-metadata for more information.",
    ],
    [
      { metadata_version: "2.4", license_expression: "MIT ANDD Apache-2.0" },
      "'MIT ANDD Apache-2.0' is invalid for 'license-expression'. See https://packaging.python.org/specifications/core-metadata for more information.",
    ],
    [
      { classifiers: "Programming Language :: Cobol :: 2099" },
      "'Programming Language :: Cobol :: 2099' is not a valid classifier. See https://packaging.python.org/specifications/core-metadata for more information.",
    ],
    [
      { summary: "x".repeat(513) },
      "'summary' field must be 512 characters or less. See https://packaging.python.org/specifications/core-metadata for more information.",
    ],
    [{ filetype: "bdist_egg" }, "Invalid value for filetype. Error: Use a known file type."],
    [{ pyversion: null }, "Error: Python version is required for binary distribution uploads."],
    [
      { md5_digest: null, sha256_digest: null, blake2_256_digest: null },
      "Error: Include at least one message digest.",
    ],
    [
      { sha256_digest: "xyz" },
      "Invalid value for sha256_digest. Error: Use a valid, hex-encoded, SHA256 message digest.",
    ],
    [{ version: "0.2.0" }, "Version in filename should be '0.2.0' not '0.1.0'."],
    [{ name: "other-project" }, "Start filename for 'other-project' with 'other_project'."],
  ])("wheel form %j is refused", async (fields, message) => {
    const res = await upload(dists.wheel, { fields });
    expect(res).toMatchObject({ status: 400, reason: message });
  });

  test("sdists: pyversion must be source, and the file name must be normalized (PEP 625)", async () => {
    let res = await upload(dists.sdist, { fields: { pyversion: "3.11" } });
    expect(res.reason).toBe("Error: Use 'source' as Python version for an sdist.");
    const data = readFileSync(dists.sdist);
    res = await upload(dists.sdist, { data, filename: "PyShipDemo-0.1.0.tar.gz" });
    expect(res).toMatchObject({
      status: 400,
      reason: "Filename 'PyShipDemo-0.1.0.tar.gz' is invalid, should be 'pyshipdemo-0.1.0.tar.gz'.",
    });
    res = await upload(dists.sdist, { data, fields: { pyversion: null } });
    expect(res.status).toBe(200);
  });

  test("a dotted, dashed project name needs an underscored sdist name", async () => {
    const built = await buildSdist(
      { name: "Pyship.Demo-Two", version: "1.0" },
      path.join(root, "dashed"),
    );
    const data = readFileSync(built);
    const res = await upload(built, {
      data,
      filename: "Pyship.Demo-Two-1.0.tar.gz",
      fields: { name: "Pyship.Demo-Two", version: "1.0" },
    });
    expect(res.reason).toBe(
      "Filename 'Pyship.Demo-Two-1.0.tar.gz' is invalid, should be 'pyship_demo_two-1.0.tar.gz'.",
    );
    expect(
      (await upload(built, { data, fields: { name: "Pyship.Demo-Two", version: "1.0" } })).status,
    ).toBe(200);
    expect(warehouse.files()).toEqual(["pyship_demo_two-1.0.tar.gz"]);
  });

  test("Metadata-Version 2.5 is accepted; UNKNOWN and empty fields are dropped as Warehouse drops them", async () => {
    const res = await upload(dists.wheel, {
      fields: { metadata_version: "2.5", home_page: "UNKNOWN", author_email: "" },
    });
    expect(res.status).toBe(200);
  });

  test("a License-File must be in the wheel", async () => {
    const res = await upload(dists.wheel, {
      fields: { metadata_version: "2.4", license_file: "COPYING" },
    });
    expect(res.status).toBe(400);
    expect(res.reason).toMatch(
      /^License-File COPYING does not exist in distribution file .*\.dist-info\/licenses\/COPYING$/,
    );
  });

  test("a file that is not a wheel is refused", async () => {
    const res = await upload(dists.wheel, { data: Buffer.from("not a zip file at all") });
    expect(res.reason).toBe("Invalid distribution file.");
  });

  test("authentication: static API tokens, scoped publishers, missing and expired credentials", async () => {
    expect((await upload(dists.wheel, { password: "pypi-static-api-token" })).status).toBe(200);
    const invalidAuth =
      "Invalid or non-existent authentication information. See https://pypi.org/help/#invalid-auth for more information.";
    expect(await upload(dists.sdist, { password: "" })).toMatchObject({
      status: 403,
      reason: invalidAuth,
    });
    expect(await upload(dists.sdist, { password: "pypi-static-api-token-x" })).toMatchObject({
      status: 403,
    });

    const scoped = await mint({
      token: await oidcToken({ repository: "octo-org/scoped" }),
    });
    expect(scoped.status).toBe(200);
    expect(await upload(dists.sdist, { password: scoped.body.token })).toMatchObject({
      status: 403,
      reason:
        "The given token isn't allowed to upload to project 'pyshipdemo'. See https://pypi.org/help/#project-name for more information.",
    });

    const shortLived = await startWarehouse({
      issuer,
      publishers: warehouse.publishers,
      tokenLifetimeSeconds: 0,
    });
    try {
      const res = await fetch(`${shortLived.url}/_/oidc/mint-token`, {
        method: "POST",
        body: JSON.stringify({ token: await oidcToken() }),
      });
      const { token } = (await res.json()) as MintBody;
      const form = new FormData();
      for (const [key, value] of formFor(dists.sdist, readFileSync(dists.sdist)))
        form.append(key, value);
      form.append("content", new Blob([readFileSync(dists.sdist)]), sdistName);
      const expired = await fetch(shortLived.legacyUrl, {
        method: "POST",
        body: form,
        headers: { authorization: basic(token) },
      });
      expect(expired.status).toBe(403);
    } finally {
      await shortLived.close();
    }
  });

  test("/legacy without the slash is a 308 to /legacy/; unknown actions are 404 and 410", async () => {
    const res = await upload(dists.wheel, { urlPath: "/legacy" });
    expect(res.status).toBe(308);
    expect(res.location).toBe("/legacy/");
    expect(res.reason).toContain("expected upload URL is /legacy/");
    expect((await upload(dists.wheel, { fields: { ":action": null } })).status).toBe(404);
    expect((await upload(dists.wheel, { fields: { ":action": "submit" } })).status).toBe(410);
    expect(warehouse.files()).toEqual([]);
  });
});

describe("PEP 740 attestations", () => {
  beforeEach(() => warehouse.reset());

  const wheelSha256 = () => hex("sha256", readFileSync(dists.wheel));
  /** A publish attestation of `filename` with `sha256`, signed with a sigstore token with these claims. */
  const attest = async (filename: string, sha256: string, claims: ClaimOverrides = {}) => {
    const token = await oidcToken(claims, "sigstore");
    return toAttestation(
      await signWithStandIn(sigstore, token, publishStatement(filename, sha256)),
    );
  };
  const withAttestations = (attestations: unknown[], password?: string) => ({
    fields: { attestations: JSON.stringify(attestations) },
    password,
  });
  const invalid = (reason: string) => `Invalid attestations supplied during upload: ${reason}`;
  const unverified = (reason: string) =>
    invalid(
      `Could not verify the uploaded artifact using the included attestation: Verification failed: ${reason}`,
    );
  const provenanceOf = (filename: string) =>
    fetch(`${warehouse.url}/integrity/${project}/${version}/${filename}/provenance`);

  test("a valid attestation is accepted, kept on the upload record and served by the Integrity API", async () => {
    const attestation = await attest(wheelName, wheelSha256());
    const res = await upload(dists.wheel, withAttestations([attestation]));
    expect(res.status).toBe(200);
    expect(warehouse.uploads.at(-1)).toMatchObject({ stored: true, attestations: [attestation] });

    const served = await provenanceOf(wheelName);
    expect(served.status).toBe(200);
    expect(await served.json()).toEqual({
      version: 1,
      attestation_bundles: [
        {
          publisher: {
            kind: "GitHub",
            repository: "octo-org/octo-repo",
            workflow: "release.yml",
            environment: null,
          },
          attestations: [attestation],
        },
      ],
    });
    expect((await upload(dists.sdist)).status).toBe(200);
    expect((await provenanceOf(sdistName)).status).toBe(404);
  });

  test("a subject digest that is not the file's, or a statement changed after signing, is refused", async () => {
    const otherDigest = hex("sha256", readFileSync(dists.sdist));
    const res = await upload(dists.wheel, withAttestations([await attest(wheelName, otherDigest)]));
    expect(res).toMatchObject({
      status: 400,
      reason: unverified("subject does not match distribution digest"),
    });

    const tampered = structuredClone(await attest(wheelName, otherDigest));
    const forged = publishStatement(wheelName, wheelSha256());
    tampered.envelope.statement = Buffer.from(JSON.stringify(forged)).toString("base64");
    const forgedRes = await upload(dists.wheel, withAttestations([tampered]));
    expect(forgedRes.status).toBe(400);
    // @sigstore/verify's words: the Rekor entry's payload hash no longer matches.
    expect(forgedRes.reason).toMatch(
      /^Invalid attestations supplied during upload: Could not verify .*: Verification failed: DSSE payload hash mismatch$/,
    );
    expect(warehouse.files()).toEqual([]);
    expect(warehouse.provenance.size).toBe(0);
  });

  test("a subject naming another file is refused", async () => {
    const res = await upload(
      dists.wheel,
      withAttestations([await attest(sdistName, wheelSha256())]),
    );
    expect(res).toMatchObject({
      status: 400,
      reason: unverified(`subject does not match distribution name: ${sdistName} != ${wheelName}`),
    });
  });

  test("another workflow's identity is refused; so is a reusable workflow's, as PyPI refuses it", async () => {
    const ci = "octo-org/octo-repo/.github/workflows/ci.yml@refs/tags/v1.0.0";
    const expected = "Trusted Publisher (release.yml @ octo-org/octo-repo)";
    const other = await attest(wheelName, wheelSha256(), { workflow_ref: ci });
    expect((await upload(dists.wheel, withAttestations([other]))).reason).toBe(
      unverified(
        `Certificate's Build Config URI (https://github.com/${ci}) does not match expected ${expected}`,
      ),
    );

    // Called from ci.yml, release.yml mints the upload token, but the certificate's Build Config URI names ci.yml.
    const called = "octo-org/octo-repo/.github/workflows/release.yml@refs/tags/v1.0.0";
    const reusable = { workflow_ref: ci, job_workflow_ref: called };
    const minted = await mint({ token: await oidcToken(reusable) });
    expect(minted.status).toBe(200);
    const fromReusable = await attest(wheelName, wheelSha256(), reusable);
    const res = await upload(dists.wheel, withAttestations([fromReusable], minted.body.token));
    expect(res.reason).toBe(
      unverified(
        `Certificate's Build Config URI (https://github.com/${ci}) does not match expected ${expected}`,
      ),
    );

    const shared = "octo-org/shared/.github/workflows/publish.yml@refs/heads/main";
    const signedElsewhere = await attest(wheelName, wheelSha256(), { job_workflow_ref: shared });
    expect((await upload(dists.wheel, withAttestations([signedElsewhere]))).reason).toBe(
      unverified(
        `Certificate's SAN (https://github.com/${shared}) does not match expected ${expected}`,
      ),
    );
    expect(warehouse.files()).toEqual([]);
  });

  test("1 or 2 attestations, one per predicate type, well-formed", async () => {
    const attestation = await attest(wheelName, wheelSha256());
    const three = await upload(
      dists.wheel,
      withAttestations([attestation, attestation, attestation]),
    );
    expect(three).toMatchObject({
      status: 400,
      reason: invalid("A maximum of 2 attestations per file are supported"),
    });
    expect(warehouse.uploads.at(-1)?.attestations).toHaveLength(3);
    const twice = await upload(dists.wheel, withAttestations([attestation, attestation]));
    expect(twice.reason).toBe(
      invalid(
        "Multiple attestations for the same file with the same predicate type (https://docs.pypi.org/attestations/publish/v1) are not supported",
      ),
    );
    expect((await upload(dists.wheel, withAttestations([]))).reason).toBe(
      invalid("Malformed attestations: an empty attestation set is not permitted"),
    );
    const { version: _, ...unversioned } = attestation;
    expect((await upload(dists.wheel, withAttestations([unversioned]))).reason).toBe(
      invalid(
        "Malformed attestations: 1 validation error for list[Attestation] 0.version Input should be 1 [type=literal_error]",
      ),
    );
    expect(warehouse.uploads.at(-1)?.attestations).toBeUndefined();
    expect(warehouse.files()).toEqual([]);
  });

  test("attestations with a password (an API token) are refused", async () => {
    const attestation: Attestation = await attest(wheelName, wheelSha256());
    const res = await upload(dists.wheel, withAttestations([attestation], "pypi-static-api-token"));
    expect(res).toMatchObject({
      status: 400,
      reason: invalid("Attestations are only supported when using Trusted Publishing"),
    });
    expect(warehouse.uploads.at(-1)?.attestations).toEqual([attestation]);
    expect(warehouse.files()).toEqual([]);
  });
});

describe("faults", () => {
  beforeEach(() => warehouse.reset());

  test("a 503 for one request, then success", async () => {
    warehouse.injectFault({ path: "/legacy/", kind: "status", status: 503 });
    const password = await mintedToken();
    expect((await upload(dists.wheel, { password })).status).toBe(503);
    expect(warehouse.files()).toEqual([]);
    expect((await upload(dists.wheel, { password })).status).toBe(200);
    expect(warehouse.files()).toEqual([wheelName]);
    expect(warehouse.requests.filter((r) => r.path === "/legacy/").map((r) => r.status)).toEqual([
      503, 200,
    ]);
  });

  test("reset-after-store stores the file but the client never hears; the retry is a no-op", async () => {
    warehouse.faults("/legacy/").push({ kind: "reset-after-store" });
    const password = await mintedToken();
    expect((await upload(dists.wheel, { password })).status).toBe(0);
    expect(warehouse.uploads.at(-1)).toMatchObject({ status: 200, stored: true, answered: false });
    expect((await upload(dists.wheel, { password })).status).toBe(200);
    expect(warehouse.uploads.at(-1)).toMatchObject({ status: 200, stored: false, answered: true });
    expect(warehouse.files()).toEqual([wheelName]);
    expect(readdirSync(warehouse.directory).filter((name) => !name.startsWith("."))).toEqual([
      wheelName,
    ]);
  });

  test("reset, rate-limit and slow faults on the OIDC endpoints; the alias shares the queue", async () => {
    warehouse.injectFault({ path: "/_/oidc/audience", kind: "reset" });
    warehouse.injectFault({ path: "/_/oidc/audience", kind: "rate-limit", retryAfterSeconds: 3 });
    await expect(fetch(`${warehouse.url}/_/oidc/audience`)).rejects.toThrow();
    const limited = await fetch(`${warehouse.url}/_/oidc/audience`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("3");
    expect((await fetch(`${warehouse.url}/_/oidc/audience`)).status).toBe(200);

    warehouse.injectFault({ path: "/_/oidc/mint-token", kind: "slow", delayMs: 300 });
    const started = Date.now();
    expect((await mint({ token: await oidcToken() }, "/_/oidc/github/mint-token")).status).toBe(
      200,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });
});

describe("echo mode", () => {
  beforeEach(() => warehouse.reset());
  afterEach(() => warehouse.setEcho(undefined));

  const password = 'wrong"pass\\word/+&';
  const credential = `__token__:${password}`;
  const invalidAuth = "Invalid or non-existent authentication information.";
  const json = "application/json;q=0.9, text/plain;q=0.8, text/html;q=0.7";

  test("an upload refusal echoes the credential first, in each form, in the JSON message", async () => {
    const shown = {
      headers: `you sent authorization: ${basic(password)} host: `,
      "json-headers": `you sent {"authorization":${JSON.stringify(basic(password))},"host"`,
      raw: `you sent ${credential} - ${invalidAuth}`,
      base64: `you sent ${Buffer.from(credential).toString("base64")} - ${invalidAuth}`,
      url: `you sent credential=${encodeURIComponent(credential)} - ${invalidAuth}`,
      json: `you sent ${JSON.stringify({ credential })} - ${invalidAuth}`,
    } as const;
    for (const [form, start] of Object.entries(shown)) {
      warehouse.setEcho({ form: form as keyof typeof shown, place: "message" });
      const res = await upload(dists.wheel, { password, accept: json });
      expect(res.status).toBe(403);
      const { message } = JSON.parse(res.body) as { message: string };
      expect(message.slice(0, start.length)).toBe(start);
      expect(message).toContain(invalidAuth);
    }
  });

  test("in the status line, or in the body behind a plain reason", async () => {
    warehouse.setEcho({ form: "raw", place: "status-line" });
    const inReason = await upload(dists.wheel, { password, accept: json });
    expect(inReason.reason).toBe(
      `you sent ${credential} - ${invalidAuth} See https://pypi.org/help/#invalid-auth for more information.`,
    );
    expect(() => JSON.parse(inReason.body)).toThrow();

    warehouse.setEcho({ form: "raw", place: "body" });
    const inBody = await upload(dists.wheel, { password, accept: json });
    expect(inBody).toMatchObject({ status: 403, reason: "Forbidden" });
    expect(inBody.body.split("\n")[0]).toContain(`you sent ${credential} - ${invalidAuth}`);
    expect(warehouse.uploads.map((record) => record.status)).toEqual([403, 403]);
  });

  test("uploads it accepts are not echoed", async () => {
    warehouse.setEcho({ form: "headers", place: "message" });
    const res = await upload(dists.wheel);
    expect(res.status).toBe(200);
    expect(res.body).toBe("");
  });

  test("a mint-token 422 echoes the request, the OIDC token in it", async () => {
    warehouse.setEcho({ form: "raw", place: "message" });
    const token = await oidcToken({ repository: "someone/else" });
    const error = await mintError(token);
    expect(error.code).toBe("invalid-publisher");
    expect(error.description).toBe(
      `you sent ${JSON.stringify({ token })} - valid token, but no corresponding publisher (Publisher with matching claims was not found)`,
    );
  });

  test("an echo fault answers with the request in the status line, on the issuer too", async () => {
    const env = issuer.env();
    issuer.injectFault({ path: "/token", kind: "echo", status: 403, form: "raw" });
    const res = await fetch(`${env.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=pypi`, {
      headers: { authorization: `Bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` },
    });
    expect(res.status).toBe(403);
    expect(res.statusText).toBe(`you sent ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN} - Forbidden`);
  });
});

describe("store", () => {
  test("files already in the directory count as uploaded; close keeps a given directory", async () => {
    const directory = mkdtempSync(path.join(root, "store-"));
    copyFileSync(dists.wheel, path.join(directory, wheelName));
    const seeded = await startWarehouse({
      issuer,
      publishers: warehouse.publishers,
      directory,
      apiTokens: ["t"],
    });
    try {
      expect(seeded.files()).toEqual([wheelName]);
      const form = new FormData();
      const data = readFileSync(dists.wheel);
      for (const [key, value] of formFor(dists.wheel, data)) form.append(key, value);
      form.append("content", new Blob([data]), wheelName);
      const res = await fetch(seeded.legacyUrl, {
        method: "POST",
        body: form,
        headers: { authorization: basic("t") },
      });
      expect(res.status).toBe(200);
      expect(seeded.uploads[0].stored).toBe(false);
      const page = await (await fetch(`${seeded.simpleUrl}${project}/`)).text();
      expect(page).toContain(wheelName);
    } finally {
      await seeded.close();
    }
    expect(readdirSync(directory)).toEqual([wheelName]);
  });

  test("files past the size limit are refused without being kept", async () => {
    const limited = await startWarehouse({ issuer, maxFileBytes: 1024 * 1024, apiTokens: ["t"] });
    try {
      const big = await buildWheel(
        { name: "bigpkg", version: "1.0", sizeBytes: 3 * 1024 * 1024 },
        path.join(root, "big"),
      );
      const data = readFileSync(big);
      const form = new FormData();
      for (const [key, value] of formFor(big, data)) form.append(key, value);
      form.append("content", new Blob([data]), path.basename(big));
      const res = await fetch(limited.legacyUrl, {
        method: "POST",
        body: form,
        headers: { authorization: basic("t") },
      });
      expect(res.status).toBe(400);
      expect(res.statusText).toBe(
        "File too large. Limit for project 'bigpkg' is 1 MB. See https://pypi.org/help/#file-size-limit for more information.",
      );
      expect(limited.uploads[0].size).toBe(1024 * 1024);
      expect(readdirSync(limited.directory)).toEqual([".incoming"]);
      expect(readdirSync(path.join(limited.directory, ".incoming"))).toEqual([]);
    } finally {
      await limited.close();
    }
  });

  test("a client that disconnects mid-upload leaves no temp file behind", async () => {
    const boundary = "----pyship-boundary";
    const req = http.request(warehouse.legacyUrl, {
      method: "POST",
      headers: {
        "content-type": `multipart/form-data; boundary=${boundary}`,
        "content-length": 10 * 1024 * 1024,
        authorization: basic("pypi-static-api-token"),
      },
    });
    req.on("error", () => undefined);
    req.write(
      `--${boundary}\r\nContent-Disposition: form-data; name="content"; filename="${wheelName}"\r\n` +
        "Content-Type: application/octet-stream\r\n\r\n",
    );
    req.write(Buffer.alloc(256 * 1024, 1));
    const incoming = path.join(warehouse.directory, ".incoming");
    for (let i = 0; i < 50 && readdirSync(incoming).length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(readdirSync(incoming)).toHaveLength(1);
    req.destroy();
    for (let i = 0; i < 50 && readdirSync(incoming).length > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(readdirSync(incoming)).toEqual([]);
    expect((await fetch(`${warehouse.url}/_/oidc/audience`)).status).toBe(200);
  });

  test("close removes its own temp directory", async () => {
    const own = await startWarehouse({ issuer });
    expect(existsSync(own.directory)).toBe(true);
    await own.close();
    expect(existsSync(own.directory)).toBe(false);
  });
});
