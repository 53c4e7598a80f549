/** audit's provenance check: each locked file's PEP 740 attestations, from its index, verified. */
import type { TrustMaterial } from "@sigstore/verify";
import { indexRoot } from "../lockfiles/indexes.js";
import type { Lock, LockedFile, LockedPackage } from "../lockfiles/model.js";
import type {
  IntegrityClient,
  ProvenanceAnswer,
  ProvenancePublisher,
} from "../sigstore/integrity-api.js";
import { type SignerIdentity, verifyAttestation } from "../sigstore/verify.js";
import type { AuditedPackage } from "./model.js";

export const PYPI = "https://pypi.org";

export type ProvenanceMode = "off" | "report" | "require";

/** A locked file the Integrity API can be asked about. */
export interface LockedDist {
  filename: string;
  /** Lower-case hex. */
  sha256: string;
}

export type FileOutcome =
  | { status: "verified"; publisher: ProvenancePublisher; signer: SignerIdentity }
  /** The index has no provenance for the file. */
  | { status: "missing"; reason: string }
  /** Provenance that does not verify: a finding apart from having none. */
  | { status: "invalid"; reason: string }
  /** The Integrity API could not be asked. */
  | { status: "unavailable"; reason: string };

export interface FileProvenance extends LockedDist {
  outcome: FileOutcome;
}

export interface PackageProvenance {
  package: AuditedPackage;
  /** The index asked: the lock's registry for the package, or PyPI. */
  index: string;
  files: FileProvenance[];
  /** sha256 hashes the lock records without a file name (Pipfile.lock, requirements): not asked. */
  unnamed: number;
}

export interface ProvenanceResult {
  packages: PackageProvenance[];
  /** Integrity API requests made. */
  requests: number;
}

/** Where an index's Integrity API lives: its root (indexRoot), PyPI's for pypi.org and its file host. */
export const integrityIndex = (registry: string | undefined): string => indexRoot(registry, PYPI);

/** A file's name: as the lock writes it, else the last segment of its URL. */
function fileName(file: LockedFile): string | undefined {
  if (file.name) return file.name;
  if (!file.url) return undefined;
  try {
    return decodeURIComponent(new URL(file.url).pathname.split("/").at(-1) ?? "") || undefined;
  } catch {
    return undefined;
  }
}

const sha256Of = (file: LockedFile) =>
  file.hashes
    .find((hash) => hash.toLowerCase().startsWith("sha256:"))
    ?.slice(7)
    .toLowerCase();

/** One audited package's files to ask about, and the index to ask. */
export interface PackageDists {
  package: AuditedPackage;
  index: string;
  files: Map<string, LockedDist>;
  unnamed: Set<string>;
}

/** Each audited package's hashed files, from the lock entries with its name and version. */
export function lockedDists(lock: Lock, packages: readonly AuditedPackage[]): PackageDists[] {
  const byId = new Map<string, PackageDists>();
  for (const pkg of packages)
    byId.set(`${pkg.key}==${pkg.version}`, {
      package: pkg,
      index: PYPI,
      files: new Map(),
      unnamed: new Set(),
    });
  const seen = new Set<PackageDists>();
  for (const locked of lock.packages) {
    const candidate = byId.get(`${locked.key}==${locked.version ?? ""}`);
    if (!candidate || locked.source.kind !== "registry") continue;
    if (!seen.has(candidate)) candidate.index = integrityIndex(registryOf(locked));
    seen.add(candidate);
    for (const file of locked.files) addFile(candidate, file);
  }
  return [...byId.values()];
}

const registryOf = (locked: LockedPackage) =>
  locked.source.kind === "registry" ? locked.source.url : undefined;

function addFile(candidate: PackageDists, file: LockedFile): void {
  const filename = fileName(file);
  const hashes = file.hashes.filter((hash) => hash.toLowerCase().startsWith("sha256:"));
  if (!filename) {
    for (const hash of hashes) candidate.unnamed.add(hash.toLowerCase());
    return;
  }
  const sha256 = sha256Of(file);
  if (sha256) candidate.files.set(filename, { filename, sha256 });
}

/** Asks the Integrity API about every file (batched and cached by the client), then verifies. */
export async function checkProvenance(
  candidates: readonly PackageDists[],
  client: IntegrityClient,
  trust: TrustMaterial,
): Promise<ProvenanceResult> {
  const jobs = candidates.flatMap((candidate) =>
    [...candidate.files.values()].map((dist) => ({ candidate, dist })),
  );
  const answers = await client.lookupAll(
    jobs.map(({ candidate, dist }) => ({
      index: candidate.index,
      project: candidate.package.key,
      version: candidate.package.version,
      filename: dist.filename,
    })),
  );
  const files = new Map<PackageDists, FileProvenance[]>();
  jobs.forEach(({ candidate, dist }, index) => {
    const list = files.get(candidate) ?? [];
    list.push({ ...dist, outcome: outcomeOf(answers[index], dist, trust) });
    files.set(candidate, list);
  });
  return {
    packages: candidates.map((candidate) => ({
      package: candidate.package,
      index: candidate.index,
      files: files.get(candidate) ?? [],
      unnamed: candidate.unnamed.size,
    })),
    requests: client.requests,
  };
}

/** Verified when the provenance has attestations and every one of them verifies. */
function outcomeOf(answer: ProvenanceAnswer, dist: LockedDist, trust: TrustMaterial): FileOutcome {
  if (answer.kind === "none") return { status: "missing", reason: answer.reason };
  if (answer.kind !== "provenance") return { status: answer.kind, reason: answer.reason };
  let verified: FileOutcome | undefined;
  for (const bundle of answer.bundles) {
    for (const attestation of bundle.attestations) {
      const check = verifyAttestation(attestation, trust, dist);
      if (!check.verified) return { status: "invalid", reason: check.reason };
      const mismatch = publisherMismatch(bundle.publisher, check.signer);
      if (mismatch) return { status: "invalid", reason: mismatch };
      verified ??= { status: "verified", publisher: bundle.publisher, signer: check.signer };
    }
  }
  return verified ?? { status: "missing", reason: "its provenance holds no attestation" };
}

/**
 * Why a GitHub publisher the index names is not the one the certificate vouches for, as
 * Warehouse checks it at upload: the certificate's source repository, and its top-level
 * workflow file. The provenance's publisher is the index's word; the certificate is signed.
 */
export function publisherMismatch(
  publisher: ProvenancePublisher,
  signer: SignerIdentity,
): string | undefined {
  if (publisher.kind !== "GitHub") return undefined;
  const repository = `https://github.com/${publisher.repository ?? ""}`;
  if (signer.sourceRepository?.toLowerCase() !== repository.toLowerCase())
    return `its certificate's source repository is ${signer.sourceRepository ?? "not named"}, not the publisher's ${repository}`;
  const workflow = /\/\.github\/workflows\/([^@]+)@/.exec(signer.buildConfig ?? "")?.[1];
  if (workflow !== publisher.workflow)
    return `its certificate's workflow is ${workflow ?? "not named"}, not the publisher's ${publisher.workflow ?? "(none)"}`;
  return undefined;
}
