/** The trust material audit verifies against: PYSHIP_SIGSTORE_TRUSTED_ROOT's, or public-good's through TUF. */
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { type TrustMaterial, toTrustMaterial } from "@sigstore/verify";
import { within } from "../http/deadline.js";
import { serverText } from "../runtime/redact.js";
import { readTrustedRoot, type SigstoreInstance } from "./instance.js";

export const PUBLIC_GOOD_TUF = "https://tuf-repo-cdn.sigstore.dev";

export interface Trust {
  material: TrustMaterial;
  /** Where it came from, for the summary. */
  source: string;
}

/** public-good's trusted root could not be fetched or checked through TUF. */
export class TrustRootUnavailable extends Error {
  constructor(reason: string) {
    super(
      `could not get the public-good Sigstore trusted root from ${PUBLIC_GOOD_TUF} (${reason})`,
    );
    this.name = "TrustRootUnavailable";
  }
}

/** Trust material from a `trusted_root.json` document. */
export function trustFromDocument(root: Record<string, unknown>): TrustMaterial {
  return toTrustMaterial(TrustedRoot.fromJSON(root));
}

/**
 * The instance's trust: its `trusted_root.json` when PYSHIP_SIGSTORE_TRUSTED_ROOT names one,
 * else public-good's, refreshed through TUF from @sigstore/tuf's embedded root into `cacheDir`.
 */
export async function loadTrust(instance: SigstoreInstance, cacheDir: string): Promise<Trust> {
  if (instance.trustedRootPath) {
    return {
      material: trustFromDocument(readTrustedRoot(instance.trustedRootPath)),
      source: `the trusted root at PYSHIP_SIGSTORE_TRUSTED_ROOT (${instance.trustedRootPath})`,
    };
  }
  try {
    // Loaded only here: TUF is needed only for public-good.
    const { getTrustedRoot } = await import("@sigstore/tuf");
    const root = await within(
      getTrustedRoot({ cachePath: cacheDir, mirrorURL: PUBLIC_GOOD_TUF, timeout: 20_000 }),
      120_000,
      "the TUF refresh",
    );
    return { material: toTrustMaterial(root), source: "public-good Sigstore (through TUF)" };
  } catch (error) {
    throw new TrustRootUnavailable(serverText(withCause(error)));
  }
}

/** An error's message, and its cause's (TUF wraps the network error). */
function withCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}
