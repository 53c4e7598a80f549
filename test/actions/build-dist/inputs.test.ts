import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "@jest/globals";
import { loadInputs } from "../../../actions/build-dist/inputs.js";
import { InputReader } from "../../../shared/runtime/inputs.js";

const w = mkdtempSync(path.join(os.tmpdir(), "pyship-inputs-"));

const bin = mkdtempSync(path.join(os.tmpdir(), "pyship-uv-bin-"));
afterAll(() => rmSync(bin, { recursive: true, force: true }));
writeFileSync(path.join(bin, "uv"), "#!/bin/sh\nexit 0\n");
chmodSync(path.join(bin, "uv"), 0o755);

function inputs(given: Record<string, string>, env: NodeJS.ProcessEnv = {}) {
  const variables: NodeJS.ProcessEnv = { GITHUB_WORKSPACE: `${w}`, PATH: "/usr/bin:/bin", ...env };
  for (const [name, value] of Object.entries(given)) {
    variables[`INPUT_${name.toUpperCase()}`] = value;
  }
  return loadInputs(new InputReader(variables), variables);
}

describe("build-dist inputs", () => {
  test("defaults", () => {
    expect(inputs({})).toEqual({
      workingDirectory: `${w}`,
      workspace: `${w}`,
      outputDir: `${w}/dist`,
      sdist: true,
      wheel: true,
      wheelFromSdist: true,
      builder: "build",
      python: "python3",
      isolation: true,
      tag: undefined,
      expectedVersion: undefined,
      strict: false,
      ignoreChecks: [],
      uploadArtifact: true,
      artifactName: "python-dist",
    });
  });

  test("builder auto picks uv when it is on PATH", () => {
    expect(inputs({}, { PATH: `${bin}:/usr/bin` }).builder).toBe("uv");
    expect(inputs({ builder: "build" }, { PATH: `${bin}:/usr/bin` }).builder).toBe("build");
  });

  test("python defaults to the active venv's", () => {
    expect(inputs({}, { VIRTUAL_ENV: `${w}/.venv` }).python).toBe(`${w}/.venv/bin/python`);
    expect(inputs({ python: "/opt/py/bin/python3" }, { VIRTUAL_ENV: `${w}/.venv` }).python).toBe(
      "/opt/py/bin/python3",
    );
  });

  test("check-tag auto follows GITHUB_REF; false turns it off", () => {
    expect(inputs({}, { GITHUB_REF: "refs/tags/v1.0.0" }).tag).toBe("v1.0.0");
    expect(inputs({}, { GITHUB_REF: "refs/heads/main" }).tag).toBeUndefined();
    expect(
      inputs({ "check-tag": "false" }, { GITHUB_REF: "refs/tags/v1.0.0" }).tag,
    ).toBeUndefined();
  });

  test("ignore-checks takes codes and prefixes, any case, by commas, newlines or spaces", () => {
    expect(inputs({ "ignore-checks": "w002, M0\nd002 F005" }).ignoreChecks).toEqual([
      "W002",
      "M0",
      "D002",
      "F005",
    ]);
  });

  test("wheel-from-sdist is moot without an sdist", () => {
    expect(inputs({ sdist: "false" }).wheelFromSdist).toBe(false);
  });

  test.each([
    [{ "artifact-name": "dist/linux" }, "input 'artifact-name' is 'dist/linux'"],
    [{ strict: "yes" }, "input 'strict' must be true or false, got 'yes'"],
    [{ builder: "pip" }, "input 'builder' must be one of auto, build, uv; got 'pip'"],
  ])("%j is refused", (given, message) => {
    expect(() => inputs(given)).toThrow(message);
  });

  describe("attest-build-provenance", () => {
    const oidc = {
      ACTIONS_ID_TOKEN_REQUEST_URL: "http://127.0.0.1:1/token?api-version=2.0",
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: "request-token",
    };

    test("off by default; on, it carries the OIDC token service and the github-token", () => {
      expect(inputs({}, oidc).provenance).toBeUndefined();
      expect(
        inputs({ "attest-build-provenance": "true", "github-token": "ghs_token" }, oidc).provenance,
      ).toEqual({
        githubToken: "ghs_token",
        idTokenRequest: { url: oidc.ACTIONS_ID_TOKEN_REQUEST_URL, token: "request-token" },
      });
    });

    test("without id-token: write it is a configuration error naming the input and the permissions", () => {
      expect(() => inputs({ "attest-build-provenance": "true", "github-token": "t" })).toThrow(
        /input 'attest-build-provenance' is true, but this job cannot request an OIDC token .*permissions: id-token: write` and `attestations: write`/,
      );
    });

    test("an empty github-token is a configuration error", () => {
      expect(() => inputs({ "attest-build-provenance": "true", "github-token": "" }, oidc)).toThrow(
        /'github-token' is empty/,
      );
    });
  });
});
