/**
 * The trusted-publishing world of the dist and safety tests: the demo project's dists, an OIDC
 * issuer, a Warehouse stand-in that trusts it, and the trusted-publish step run against both.
 */
import { execFileSync } from "node:child_process";
import { cpSync } from "node:fs";
import path from "node:path";
import { type ClaimOverrides, type RunningOidcIssuer, startOidcIssuer } from "./oidc-issuer.js";
import { DEBIAN_PYTHON } from "./publish-tools.js";
import { inheritedEnv, type RunOptions, repoRoot } from "./runner.js";
import { type RunningSigstore, startSigstore } from "./sigstore.js";
import {
  type RunningWarehouse,
  startWarehouse,
  type TrustedPublisher,
  type WarehouseOptions,
} from "./warehouse.js";

export const RELEASE_TAG = "refs/tags/v1.0.0";
/** The publisher the issuer's default claims match. */
export const DEMO_PUBLISHER: TrustedPublisher = {
  repository: "octo-repo",
  owner: "octo-org",
  workflow: "release.yml",
};
const fixture = path.join(repoRoot, "test/fixtures/trusted-publish/publish-demo");

/** Builds the demo project (edited) into `<scratch>/<name>` with Debian's build, offline. */
export function buildDemoDists(scratch: string, name: string, edit?: (dir: string) => void) {
  const source = path.join(scratch, `${name}-src`);
  cpSync(fixture, source, { recursive: true });
  edit?.(source);
  const out = path.join(scratch, name);
  execFileSync(
    DEBIAN_PYTHON,
    ["-m", "build", "--no-isolation", "--skip-dependency-check", "-o", out, source],
    { env: inheritedEnv(), stdio: "pipe" },
  );
  return out;
}

export interface PublishWorld {
  issuer: RunningOidcIssuer;
  warehouse: RunningWarehouse;
  /** The Sigstore stand-in (absent when the world was started with `sigstore: false`). */
  sigstore?: RunningSigstore;
  close(): Promise<void>;
}

export interface PublishWorldOptions extends Partial<WarehouseOptions> {
  /** A Sigstore stand-in trusting the issuer, which the Warehouse verifies attestations against (default true). */
  sigstore?: boolean;
}

/** An issuer and a Warehouse that trusts it, with DEMO_PUBLISHER unless `options` say otherwise. */
export async function startPublishWorld(options: PublishWorldOptions = {}): Promise<PublishWorld> {
  const { sigstore: withSigstore, ...warehouseOptions } = options;
  const issuer = await startOidcIssuer();
  const sigstore = withSigstore !== false ? await startSigstore({ jwks: issuer.jwks }) : undefined;
  const warehouse = await startWarehouse({
    issuer,
    publishers: [DEMO_PUBLISHER],
    sigstoreTrustedRoot: sigstore?.trustedRoot,
    ...warehouseOptions,
  });
  return {
    issuer,
    warehouse,
    sigstore,
    async close() {
      await warehouse.close();
      await sigstore?.close();
      await issuer.close();
    },
  };
}

export interface PublishStepOptions {
  inputs?: Record<string, string>;
  event?: string;
  /** false: the job has no `id-token: write` (no ACTIONS_ID_TOKEN_REQUEST_*). */
  oidc?: boolean;
  /** Overrides of the issuer's claims for this run. */
  claims?: ClaimOverrides;
}

/** The trusted-publish step on a tag push, against the world (the caller adds the workspace). */
export function publishStep(
  world: Pick<PublishWorld, "issuer" | "warehouse" | "sigstore">,
  options: PublishStepOptions = {},
): Omit<RunOptions, "workspace"> {
  world.issuer.resetClaims();
  if (options.claims) world.issuer.setClaims(options.claims);
  return {
    action: "trusted-publish",
    ref: RELEASE_TAG,
    event: { name: options.event ?? "push" },
    env: {
      ...(options.oidc === false ? {} : world.issuer.env()),
      ...world.sigstore?.env(),
    },
    inputs: { "repository-url": world.warehouse.legacyUrl, ...options.inputs },
  };
}
