import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, test } from "@jest/globals";
import { loadInputs } from "../../../actions/trusted-publish/inputs.js";
import { InputReader } from "../../../shared/runtime/inputs.js";
import { actionDirectory, inputEnv, readActionMetadata } from "../../harness/runner.js";

const w = mkdtempSync(path.join(os.tmpdir(), "pyship-inputs-"));

const metadata = readActionMetadata(actionDirectory("trusted-publish"));

/** The inputs as the runner sets them: every declared one, with its default when not given. */
function inputs(given: Record<string, string>, env: NodeJS.ProcessEnv = {}) {
  const variables = { GITHUB_WORKSPACE: `${w}`, ...env, ...inputEnv(metadata, given) };
  return loadInputs(new InputReader(variables), variables);
}

/** The inputs as a composite's `run:` step passes them: only those given, in underscore form. */
function scriptInputs(given: Record<string, string>) {
  const variables: NodeJS.ProcessEnv = { GITHUB_WORKSPACE: `${w}` };
  for (const [name, value] of Object.entries(given)) {
    variables[`INPUT_${name.replace(/-/g, "_").toUpperCase()}`] = value;
  }
  return loadInputs(new InputReader(variables), variables);
}

describe("trusted-publish inputs", () => {
  test("defaults", () => {
    expect(inputs({})).toEqual({
      repositoryUrl: "https://upload.pypi.org/legacy/",
      packagesDir: `${w}/dist`,
      packagesDirInput: "packages-dir",
      workspace: `${w}`,
      skipExisting: false,
      verifyMetadata: true,
      ignoreChecks: [],
      printHash: true,
      user: "__token__",
      password: "",
      retries: 3,
      requestTimeoutMs: 600_000,
      dryRun: false,
      python: "python3",
      eventName: "",
      idTokenRequest: undefined,
      oldSpellings: [],
      attestations: true,
      attestationsRequested: false,
      sigstore: {
        fulcioUrl: "https://fulcio.sigstore.dev",
        rekorUrl: "https://rekor.sigstore.dev",
      },
      tempDir: os.tmpdir(),
    });
  });

  test("attestations: on with trusted publishing, off with a notice for a password, refused when asked for with one", () => {
    expect(inputs({ attestations: "false" }).attestations).toBe(false);
    expect(inputs({ attestations: "TRUE" }).attestationsRequested).toBe(true);
    const withPassword = inputs({ password: "pypi-token" });
    expect(withPassword.attestations).toBe(false);
    expect(withPassword.attestationsOff).toContain("attestations are off");
    expect(
      inputs({ password: "pypi-token", attestations: "false" }).attestationsOff,
    ).toBeUndefined();
    expect(() => inputs({ password: "pypi-token", attestations: "true" })).toThrow(
      "input 'attestations' is true, but attestations need trusted publishing",
    );
  });

  test("the Sigstore instance and its trust root come from PYSHIP_ variables", () => {
    const given = inputs(
      {},
      {
        PYSHIP_FULCIO_URL: "http://127.0.0.1:1",
        PYSHIP_REKOR_URL: "http://127.0.0.1:2",
        PYSHIP_TSA_URL: "http://127.0.0.1:3",
        PYSHIP_SIGSTORE_TRUSTED_ROOT: "/tmp/root.json",
        RUNNER_TEMP: w,
      },
    );
    expect(given.sigstore).toEqual({
      fulcioUrl: "http://127.0.0.1:1",
      rekorUrl: "http://127.0.0.1:2",
      tsaUrl: "http://127.0.0.1:3",
      trustedRootPath: "/tmp/root.json",
    });
    expect(given.tempDir).toBe(w);
  });

  test("pypa's underscore spellings are read, with a warning naming the new one", () => {
    const given = inputs({ repository_url: "https://test.pypi.org/legacy/", packages_dir: "out" });
    expect(given.repositoryUrl).toBe("https://test.pypi.org/legacy/");
    expect(given.packagesDir).toBe(`${w}/out`);
    expect(given.oldSpellings).toEqual([
      "input 'repository_url' is deprecated: it was read as 'repository-url', the spelling to use",
      "input 'packages_dir' is deprecated: it was read as 'packages-dir', the spelling to use",
    ]);
    expect(inputs({ skip_existing: "true" }).skipExisting).toBe(true);
    expect(inputs({ verify_metadata: "false" }).verifyMetadata).toBe(false);
    expect(inputs({ print_hash: "false" }).printHash).toBe(false);
  });

  test("a composite's run step passing the underscore form gets no deprecation warning", () => {
    const given = scriptInputs({
      "repository-url": "https://test.pypi.org/legacy/",
      "skip-existing": "true",
    });
    expect(given.repositoryUrl).toBe("https://test.pypi.org/legacy/");
    expect(given.skipExisting).toBe(true);
    expect(given.oldSpellings).toEqual([]);
  });

  test("both spellings set is refused", () => {
    expect(() => inputs({ "packages-dir": "a", packages_dir: "b" })).toThrow(
      "inputs 'packages-dir' and 'packages_dir' are both set",
    );
  });

  test("the OIDC request comes from the runner's variables", () => {
    const given = inputs(
      {},
      {
        ACTIONS_ID_TOKEN_REQUEST_URL: "https://t/x?a=1",
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: "tok",
        GITHUB_EVENT_NAME: "push",
      },
    );
    expect(given.idTokenRequest).toEqual({ url: "https://t/x?a=1", token: "tok" });
    expect(given.eventName).toBe("push");
  });

  test("values", () => {
    const given = inputs({
      "repository-url": "https://test.pypi.org/legacy/",
      "packages-dir": "out",
      "skip-existing": "true",
      password: "pypi-secret",
      retries: "0",
      "request-timeout": "90s",
      "dry-run": "TRUE",
    });
    expect(given).toMatchObject({
      repositoryUrl: "https://test.pypi.org/legacy/",
      packagesDir: `${w}/out`,
      skipExisting: true,
      password: "pypi-secret",
      retries: 0,
      requestTimeoutMs: 90_000,
      dryRun: true,
    });
  });

  test.each([
    [{ "repository-url": "upload.pypi.org/legacy/" }, "input 'repository-url' is not a URL"],
    [{ "repository-url": "ftp://x/legacy/" }, "must be an http(s) URL"],
    [{ "repository-url": "https://u:p@x/legacy/" }, "must not hold credentials"],
    [{ retries: "11" }, "input 'retries' must be a whole number from 0 to 10"],
    [{ "skip-existing": "yes" }, "input 'skip-existing' must be true or false"],
  ])("refuses %j", (given, message) => {
    expect(() => inputs(given)).toThrow(message);
  });
});
