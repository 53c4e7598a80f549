/** Which Sigstore signs and verifies: public-good, or the one PYSHIP_FULCIO_URL and its siblings name. */
import { readFileSync } from "node:fs";
import { ConfigurationError } from "../runtime/errors.js";

export interface SigstoreInstance {
  fulcioUrl: string;
  /** The transparency log; none for GitHub's private instance, which timestamps instead. */
  rekorUrl?: string;
  /** A timestamp authority; none for public-good, whose Rekor entries carry the time. */
  tsaUrl?: string;
  /** The `trusted_root.json` verification uses; undefined means public-good's, through TUF. */
  trustedRootPath?: string;
}

export const PUBLIC_GOOD: SigstoreInstance = {
  fulcioUrl: "https://fulcio.sigstore.dev",
  rekorUrl: "https://rekor.sigstore.dev",
};

/** The instance the environment names, field by field over public-good. */
export function sigstoreInstance(env: NodeJS.ProcessEnv): SigstoreInstance {
  const set = (name: string) => env[name]?.trim() || undefined;
  return {
    fulcioUrl: set("PYSHIP_FULCIO_URL") ?? PUBLIC_GOOD.fulcioUrl,
    rekorUrl: set("PYSHIP_REKOR_URL") ?? PUBLIC_GOOD.rekorUrl,
    tsaUrl: set("PYSHIP_TSA_URL"),
    trustedRootPath: set("PYSHIP_SIGSTORE_TRUSTED_ROOT"),
  };
}

/** Whether any PYSHIP_* Sigstore variable names an instance other than public-good. */
function namesInstance(env: NodeJS.ProcessEnv): boolean {
  return ["PYSHIP_FULCIO_URL", "PYSHIP_REKOR_URL", "PYSHIP_TSA_URL"].some((name) =>
    env[name]?.trim(),
  );
}

/**
 * The instance that signs build provenance. The PYSHIP_* variables first; else, as actions/attest
 * chooses, public-good for a public repository and GitHub's own (a Fulcio and a timestamp
 * authority, no public log) for a private or internal one, so its names stay out of public Rekor.
 */
export function provenanceInstance(
  env: NodeJS.ProcessEnv,
  visibility: string | undefined,
): SigstoreInstance {
  if (namesInstance(env) || visibility === "public") return sigstoreInstance(env);
  const server = new URL(env.GITHUB_SERVER_URL?.trim() || "https://github.com").hostname;
  const host = server === "github.com" ? "githubapp.com" : server;
  return { fulcioUrl: `https://fulcio.${host}`, tsaUrl: `https://timestamp.${host}` };
}

/** The trusted root document at PYSHIP_SIGSTORE_TRUSTED_ROOT, or a ConfigurationError naming it. */
export function readTrustedRoot(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigurationError(
      `PYSHIP_SIGSTORE_TRUSTED_ROOT: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? error})`,
    );
  }
  try {
    const root = JSON.parse(text);
    if (root && typeof root === "object" && Array.isArray(root.certificateAuthorities)) return root;
  } catch {}
  throw new ConfigurationError(
    `PYSHIP_SIGSTORE_TRUSTED_ROOT: ${file} is not a Sigstore trusted_root.json (no certificateAuthorities)`,
  );
}
