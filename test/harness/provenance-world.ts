/** Locked files with PEP 740 provenance on a harness index: signed through the Sigstore stand-in, in a uv.lock that points at the index. */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { publishStatement, toAttestation } from "../../shared/sigstore/pep740.js";
import type { ProvenancePublisher, ProvenanceStore } from "./integrity-api.js";
import { provenanceKey } from "./integrity-api.js";
import type { RunningOidcIssuer } from "./oidc-issuer.js";
import { idToken, type RunningSigstore, signWithStandIn } from "./sigstore.js";

export interface WorldPackage {
  name: string;
  version: string;
  /** File names; each gets a made-up sha256 of its name. */
  files: string[];
}

export const fakeSha256 = (filename: string) => createHash("sha256").update(filename).digest("hex");

/** The publisher of the OIDC issuer's default claims: octo-org/octo-repo's release.yml. */
export const githubPublisher: ProvenancePublisher = {
  kind: "GitHub",
  repository: "octo-org/octo-repo",
  workflow: "release.yml",
  environment: "pypi",
};

/** Signs a publish attestation of each file of `pkg` and serves it from `store`. */
export async function attestPackage(
  store: ProvenanceStore,
  sigstore: RunningSigstore,
  issuer: RunningOidcIssuer,
  pkg: WorldPackage,
  publisher = githubPublisher,
): Promise<void> {
  const token = await idToken(issuer, "sigstore");
  for (const filename of pkg.files) {
    const statement = publishStatement(filename, fakeSha256(filename));
    const attestation = toAttestation(await signWithStandIn(sigstore, token, statement));
    store.set(provenanceKey(pkg.name, pkg.version, filename), [
      { publisher, attestations: [attestation] },
    ]);
  }
}

/** A uv.lock of a virtual project depending on every package, each from `simpleUrl`, each file hashed. */
export function uvLockText(simpleUrl: string, packages: WorldPackage[]): string {
  const entries = packages.map((pkg) => {
    const url = (file: string) => `${simpleUrl.replace(/\/simple\/?$/, "")}/files/${file}`;
    const line = (file: string) => `{ url = "${url(file)}", hash = "sha256:${fakeSha256(file)}" }`;
    const wheels = pkg.files.filter((file) => file.endsWith(".whl"));
    const sdist = pkg.files.find((file) => file.endsWith(".tar.gz"));
    return [
      "[[package]]",
      `name = "${pkg.name}"`,
      `version = "${pkg.version}"`,
      `source = { registry = "${simpleUrl}" }`,
      ...(sdist ? [`sdist = ${line(sdist)}`] : []),
      ...(wheels.length > 0
        ? [`wheels = [\n${wheels.map((w) => `    ${line(w)},`).join("\n")}\n]`]
        : []),
      "",
    ].join("\n");
  });
  return [
    "version = 1",
    "revision = 2",
    'requires-python = ">=3.9"',
    "",
    "[[package]]",
    'name = "provenance-demo"',
    'version = "0.1.0"',
    'source = { virtual = "." }',
    `dependencies = [\n${packages.map((pkg) => `    { name = "${pkg.name}" },`).join("\n")}\n]`,
    "",
    "[package.metadata]",
    `requires-dist = [\n${packages.map((pkg) => `    { name = "${pkg.name}", specifier = "==${pkg.version}" },`).join("\n")}\n]`,
    "",
    ...entries,
  ].join("\n");
}

/** A project directory with a pyproject.toml and that uv.lock. */
export function writeLockedProject(
  dir: string,
  simpleUrl: string,
  packages: WorldPackage[],
): string {
  mkdirSync(dir, { recursive: true });
  const pins = packages.map((pkg) => `"${pkg.name}==${pkg.version}"`).join(", ");
  writeFileSync(
    path.join(dir, "pyproject.toml"),
    `[project]\nname = "provenance-demo"\nversion = "0.1.0"\nrequires-python = ">=3.9"\ndependencies = [${pins}]\n`,
  );
  writeFileSync(path.join(dir, "uv.lock"), uvLockText(simpleUrl, packages));
  return dir;
}
