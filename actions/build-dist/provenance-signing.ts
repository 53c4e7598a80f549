/**
 * The signing half of build provenance, imported only when `attest-build-provenance` is true:
 * @actions/attest builds the SLSA predicate; pyship's signer signs against PYSHIP_FULCIO_URL's
 * Sigstore (or public-good, or GitHub's), which @actions/attest's own signer cannot be pointed at.
 */
import { buildSLSAProvenancePredicate } from "@actions/attest";
import { signStatement } from "../../shared/sigstore/sign.js";
import type { ProvenanceSigning } from "./provenance.js";

export const signing: ProvenanceSigning = {
  predicate: buildSLSAProvenancePredicate,
  sign: signStatement,
};
