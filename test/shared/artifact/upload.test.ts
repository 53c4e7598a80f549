import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import {
  type ArtifactUpload,
  type ArtifactUploadRequest,
  missingArtifactService,
} from "../../../shared/artifact/upload.js";
import { runCommand } from "../../../shared/runtime/command.js";
import {
  type RunningArtifactService,
  startArtifactService,
} from "../../harness/artifact-service.js";
import { repoRoot } from "../../harness/runner.js";
import { craftSdist, craftWheel } from "../dists/craft.js";

// The real @actions/artifact client, in a child process so it reads only the env given to it.

const root = mkdtempSync(path.join(os.tmpdir(), "pyship-artifact-upload-"));
const distDir = path.join(root, "dist");
let service: RunningArtifactService;
let wheel: string;
let sdist: string;

beforeAll(async () => {
  mkdirSync(distDir);
  wheel = craftWheel(distDir, { name: "ship_it", version: "1.2.3" });
  sdist = await craftSdist(distDir, { name: "ship_it", version: "1.2.3" });
  service = await startArtifactService();
});
afterAll(async () => {
  await service?.close();
  rmSync(root, { recursive: true, force: true });
});

interface ChildOutcome {
  result?: ArtifactUpload;
  error?: { configuration: boolean; message: string; stack: string };
}

const MARKER = "@@pyship-upload ";
const uploadModule = pathToFileURL(path.join(repoRoot, "shared/artifact/upload.ts")).href;
const errorsModule = pathToFileURL(path.join(repoRoot, "shared/runtime/errors.ts")).href;
const childScript = `
const { uploadArtifact } = await import(${JSON.stringify(uploadModule)});
const { ConfigurationError } = await import(${JSON.stringify(errorsModule)});
let outcome;
try {
  outcome = { result: await uploadArtifact(JSON.parse(process.env.PYSHIP_UPLOAD_REQUEST)) };
} catch (error) {
  outcome = {
    error: {
      configuration: error instanceof ConfigurationError,
      message: error.message,
      stack: String(error.stack),
    },
  };
}
// An upload given up on may leave a socket open: the outcome is all the test needs.
process.stdout.write("\\n${MARKER}" + JSON.stringify(outcome) + "\\n", () => process.exit(0));
`;

/** Runs uploadArtifact in a fresh node with exactly `env` (plus PATH and HOME). */
async function uploadInChild(
  request: ArtifactUploadRequest,
  env: Record<string, string>,
): Promise<ChildOutcome & { log: string }> {
  const child = await runCommand(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "--eval", childScript],
    {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? os.homedir(),
        PYSHIP_UPLOAD_REQUEST: JSON.stringify(request),
        ...env,
      },
      timeoutMs: 60_000,
    },
  );
  const line = child.stdout.split("\n").find((text) => text.startsWith(MARKER));
  if (!line) throw new Error(`the child printed no outcome (exit ${child.code}):\n${child.output}`);
  return { ...(JSON.parse(line.slice(MARKER.length)) as ChildOutcome), log: child.output };
}

const request = (name: string): ArtifactUploadRequest => ({
  name,
  files: [wheel, sdist],
  rootDirectory: distDir,
});
const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

describe("uploadArtifact with the real @actions/artifact", () => {
  test("uploads both dists as one zip artifact holding exactly those files", async () => {
    const outcome = await uploadInChild(
      { ...request("python-dist"), retentionDays: 5 },
      service.env,
    );
    expect(outcome.error).toBeUndefined();
    const result = outcome.result;
    if (result?.status !== "uploaded") throw new Error(`not uploaded: ${outcome.log}`);
    expect(result).toEqual({
      status: "uploaded",
      id: expect.any(Number),
      size: expect.any(Number),
      digest: expect.stringMatching(/^[0-9a-f]{64}$/),
    });

    const [stored] = service.artifacts();
    expect(service.artifacts()).toHaveLength(1);
    expect(stored).toMatchObject({
      id: result.id,
      name: "python-dist",
      size: result.size,
      digest: `sha256:${result.digest}`,
      mimeType: "application/zip",
    });
    // retentionDays reaches the service as an expiry date five days out.
    const days = ((stored.expiresAt?.getTime() ?? 0) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(4);
    expect(days).toBeLessThanOrEqual(5);

    const zip = await service.read("python-dist");
    expect(zip.length).toBe(result.size);
    expect(sha256(zip)).toBe(result.digest);
    const files = await service.files("python-dist");
    expect(files.map((file) => file.path).sort()).toEqual(
      [path.basename(sdist), path.basename(wheel)].sort(),
    );
    for (const file of files) {
      expect(file.data.equals(readFileSync(path.join(distDir, file.path)))).toBe(true);
    }
  });

  test("a second artifact with the same name (another matrix leg) is a ConfigurationError", async () => {
    const leg = service.jobEnv();
    const outcome = await uploadInChild(request("python-dist"), leg);
    expect(outcome.result).toBeUndefined();
    expect(outcome.error?.configuration).toBe(true);
    expect(outcome.error?.message).toContain("input 'artifact-name'");
    expect(outcome.error?.message).toContain('"python-dist" already exists');
    expect(outcome.error?.message).toContain("matrix");
    expect(outcome.error?.message).not.toContain(leg.ACTIONS_RUNTIME_TOKEN);
    // The client saw GitHub's own answer: a 409 with its conflict message.
    expect(outcome.log).not.toContain("Retrying request");
    expect(service.artifacts().map((artifact) => artifact.name)).toEqual(["python-dist"]);
  });

  test("other service failures throw a short Error without the token", async () => {
    service.failNext("CreateArtifact", 400);
    const refused = await uploadInChild(request("refused"), service.env);
    expect(refused.error?.configuration).toBe(false);
    expect(refused.error?.message).toBe(
      "uploading the refused artifact failed: Failed to CreateArtifact: Received non-retryable error: Failed request: (400) Bad Request: injected 400",
    );

    service.failNext("BlobUpload", 403);
    const blob = await uploadInChild(request("blob-refused"), service.env);
    expect(blob.error?.configuration).toBe(false);
    expect(blob.error?.message).toBe(
      "uploading the blob-refused artifact failed: injected 403 (HTTP 403)",
    );
    for (const outcome of [refused, blob]) {
      const message = outcome.error?.message ?? "";
      expect(message).not.toContain("\n");
      expect(message).not.toContain(service.env.ACTIONS_RUNTIME_TOKEN);
      expect(message).not.toMatch(/sig=(?!\*\*\*)/);
    }
    const names = service.artifacts().map((artifact) => artifact.name);
    expect(names).not.toContain("refused");
    expect(names).not.toContain("blob-refused");
  });

  test("an unreachable service fails with the network error's first line only", async () => {
    const gone = await startArtifactService();
    await gone.close();
    const outcome = await uploadInChild(request("unreachable"), gone.env);
    expect(outcome.error?.configuration).toBe(false);
    expect(outcome.error?.message).toBe(
      "uploading the unreachable artifact failed: Failed to CreateArtifact: Unable to make request: the connection was refused",
    );
  });

  test("a service that never answers: the upload ends at its timeout with a plain Error", async () => {
    for (const target of ["CreateArtifact", "BlobUpload"] as const) {
      service.stallNext(target, 10);
      const outcome = await uploadInChild(
        { ...request(`stalled-${target}`), timeoutMs: 2000 },
        service.env,
      );
      expect(outcome.error).toMatchObject({
        configuration: false,
        message: `uploading the stalled-${target} artifact did not finish within 2 s`,
      });
      service.stallNext(target, 0);
    }
    expect(service.artifacts().map((artifact) => artifact.name)).toEqual(["python-dist"]);
  });

  test("with no artifact service it answers unavailable and does not throw", async () => {
    const { ACTIONS_RUNTIME_TOKEN: _token, ...noToken } = service.env;
    const outcome = await uploadInChild(request("nowhere"), noToken);
    expect(outcome).toMatchObject({
      result: { status: "unavailable", reason: expect.stringContaining("ACTIONS_RUNTIME_TOKEN") },
    });
    expect(outcome.error).toBeUndefined();
    expect(service.artifacts()).toHaveLength(1);
  });
});

describe("missingArtifactService", () => {
  test("needs the token, the results URL, the results scope and github.com", () => {
    const env = service.env;
    expect(missingArtifactService(env)).toBeUndefined();
    expect(missingArtifactService({})).toMatch(/^ACTIONS_RUNTIME_TOKEN is not set/);
    expect(missingArtifactService({ ...env, ACTIONS_RUNTIME_TOKEN: "" })).toMatch(
      /^ACTIONS_RUNTIME_TOKEN is not set/,
    );
    expect(missingArtifactService({ ...env, ACTIONS_RESULTS_URL: undefined })).toMatch(
      /^ACTIONS_RESULTS_URL is not set/,
    );
    // act's and old runners' tokens carry no Actions.Results scope.
    expect(missingArtifactService({ ...env, ACTIONS_RUNTIME_TOKEN: "token" })).toMatch(
      /no Actions\.Results scope/,
    );
    expect(
      missingArtifactService({ ...env, GITHUB_SERVER_URL: "https://ghes.example.com" }),
    ).toMatch(/not supported on GitHub Enterprise Server \(https:\/\/ghes\.example\.com\)/);
    expect(missingArtifactService({ ...env, GITHUB_SERVER_URL: "https://acme.ghe.com" })).toBe(
      undefined,
    );
  });
});
