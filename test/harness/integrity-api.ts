/** PyPI's Integrity API as the Warehouse and index stand-ins serve it: a file's PEP 740 provenance. */
import type http from "node:http";
import type { Attestation } from "../../shared/sigstore/pep740.js";
import { sendJson } from "./warehouse-responses.js";

/** A GitHub trusted publisher as a provenance object names it. */
export interface ProvenancePublisher {
  kind: "GitHub";
  repository: string;
  workflow: string;
  environment: string | null;
}

/** One publisher's attestations of a file. */
export interface AttestationBundle {
  publisher: ProvenancePublisher;
  attestations: Attestation[];
}

/** Provenance by `<project>/<version>/<filename>` (project normalized). */
export type ProvenanceStore = Map<string, AttestationBundle[]>;

const ROUTE = /^\/integrity\/([^/]+)\/([^/]+)\/([^/]+)\/provenance$/;

export const provenanceKey = (project: string, version: string, filename: string) =>
  `${project.toLowerCase().replace(/[-_.]+/g, "-")}/${version}/${filename}`;

/** Answers `GET /integrity/<project>/<version>/<filename>/provenance`; false when the path is not that route. */
export function answerIntegrity(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  store: ProvenanceStore,
): boolean {
  const match = ROUTE.exec(new URL(req.url ?? "/", "http://x").pathname);
  if (!match) return false;
  const [project, version, filename] = match.slice(1).map(decodeURIComponent);
  const bundles = store.get(provenanceKey(project, version, filename));
  if (req.method !== "GET") sendJson(res, 405, { message: "Method Not Allowed" });
  else if (!bundles) sendJson(res, 404, { message: `No provenance available for ${filename}` });
  else sendJson(res, 200, { version: 1, attestation_bundles: bundles });
  return true;
}
