/** Keyless Sigstore signing of an in-toto statement: a Fulcio certificate, a Rekor entry, a TSA timestamp when set. */
import { bundleToJSON } from "@sigstore/bundle";
import { DSSEBundleBuilder, FulcioSigner, RekorWitness, TSAWitness } from "@sigstore/sign";
import { serverText } from "../runtime/redact.js";
import type { SigstoreInstance } from "./instance.js";
import type { DsseBundle, Statement } from "./pep740.js";

export interface SignOptions {
  instance: SigstoreInstance;
  /** A GitHub OIDC token with audience `sigstore`. */
  idToken: string;
  /** Attempts after the first, per Fulcio, Rekor or TSA request. */
  retries: number;
  /** One request's longest wait, in milliseconds. */
  timeoutMs: number;
}

/** The Sigstore or network failure that stopped a signature, said in one line. */
export class SigningFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SigningFailed";
  }
}

/** A DSSE bundle (v0.3 JSON) of `statement`, signed with a short-lived Fulcio certificate. */
export async function signStatement(
  statement: Statement,
  options: SignOptions,
): Promise<DsseBundle> {
  const { instance } = options;
  const fetchOptions = {
    retry: { retries: options.retries, factor: 2, minTimeout: 500, maxTimeout: 5_000 },
    timeout: options.timeoutMs,
  };
  const witnesses = [
    ...(instance.rekorUrl
      ? [new RekorWitness({ rekorBaseURL: instance.rekorUrl, entryType: "dsse", ...fetchOptions })]
      : []),
    ...(instance.tsaUrl ? [new TSAWitness({ tsaBaseURL: instance.tsaUrl, ...fetchOptions })] : []),
  ];
  const builder = new DSSEBundleBuilder({
    signer: new FulcioSigner({
      identityProvider: { getToken: async () => options.idToken },
      fulcioBaseURL: instance.fulcioUrl,
      ...fetchOptions,
    }),
    witnesses,
  });
  try {
    const bundle = await builder.create({
      data: Buffer.from(JSON.stringify(statement)),
      type: "application/vnd.in-toto+json",
    });
    return bundleToJSON(bundle) as unknown as DsseBundle;
  } catch (error) {
    throw new SigningFailed(describe(error, instance));
  }
}

/** `@sigstore/sign`'s error and its cause, with the service it was talking to. */
function describe(error: unknown, instance: SigstoreInstance): string {
  const { code, message, cause } = error as { code?: string; message?: string; cause?: unknown };
  const service = code?.startsWith("TLOG")
    ? `Rekor at ${instance.rekorUrl}`
    : code?.startsWith("TSA")
      ? `the timestamp authority at ${instance.tsaUrl}`
      : `Fulcio at ${instance.fulcioUrl}`;
  const reason = cause instanceof Error ? `: ${cause.message}` : "";
  return `${service}: ${serverText(`${message ?? String(error)}${reason}`)}`;
}
