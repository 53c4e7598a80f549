/** PEP 740 publish attestations for the dists an upload sends, kept outside packages-dir. */
import { writeFileSync } from "node:fs";
import path from "node:path";
import {
  type Attestation,
  attestationSummary,
  type DsseBundle,
  publishStatement,
  type Statement,
  toAttestation,
} from "../sigstore/pep740.js";
import type { SignOptions } from "../sigstore/sign.js";

/** Signs a statement keyless (shared/sigstore/sign.ts's signStatement, or a test's stand-in). */
export type StatementSigner = (statement: Statement, options: SignOptions) => Promise<DsseBundle>;

export interface AttestedDist {
  file: string;
  /** `<directory>/<dist file name>.publish.attestation`, as twine names them. */
  attestationFile: string;
  attestation: Attestation;
  identity: string;
  logIndex: string;
}

export interface AttestOptions extends Omit<SignOptions, "idToken"> {
  /** Where the attestation files go (under RUNNER_TEMP, never packages-dir). */
  directory: string;
  /** A fresh `sigstore`-audience OIDC token, one per certificate. */
  idToken(): Promise<string>;
  sign: StatementSigner;
}

/** One signed publish attestation per dist, in order; the first failure stops and is thrown. */
export async function attestDists(
  dists: { file: string; sha256: string }[],
  options: AttestOptions,
): Promise<AttestedDist[]> {
  const attested: AttestedDist[] = [];
  for (const { file, sha256 } of dists) {
    const filename = path.basename(file);
    const idToken = await options.idToken();
    const bundle = await options.sign(publishStatement(filename, sha256), { ...options, idToken });
    const attestation = toAttestation(bundle);
    const attestationFile = path.join(options.directory, `${filename}.publish.attestation`);
    writeFileSync(attestationFile, `${JSON.stringify(attestation)}\n`);
    attested.push({ file, attestationFile, attestation, ...attestationSummary(attestation) });
  }
  return attested;
}
