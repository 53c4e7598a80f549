import { afterAll, beforeAll, beforeEach, expect, test } from "@jest/globals";
import { Deadline } from "../../../shared/http/deadline.js";
import { refusalLines, refusalMarkdown } from "../../../shared/publish/diagnose.js";
import { exchangeToken, MintRefused } from "../../../shared/publish/oidc.js";
import { registerSecret } from "../../../shared/runtime/redact.js";
import { type PublishWorld, startPublishWorld } from "../../harness/publish-world.js";

let world: PublishWorld;
beforeAll(async () => {
  world = await startPublishWorld({ echo: { form: "raw", place: "message" } });
});
beforeEach(() => world.issuer.resetClaims());
afterAll(() => world?.close());

function exchange(mask: (secret: string) => void) {
  const env = world.issuer.env();
  return exchangeToken({
    repositoryUrl: world.warehouse.legacyUrl,
    idTokenRequest: {
      url: env.ACTIONS_ID_TOKEN_REQUEST_URL,
      token: env.ACTIONS_ID_TOKEN_REQUEST_TOKEN,
    },
    retry: { retries: 0 },
    deadline: new Deadline(120_000, "the token exchange"),
    mask,
  });
}

test("a 422 that echoes the OIDC token: the reasons and the claims table never show it", async () => {
  world.issuer.setClaims({ repository: "someone/else" });
  const masked: string[] = [];
  const refused = await exchange((secret) => masked.push(secret)).catch((error) => error);
  expect(refused).toBeInstanceOf(MintRefused);
  const jwt = world.issuer.tokens.at(-1) ?? "";
  expect(masked).toEqual([world.issuer.requestToken, jwt]);
  const { errors, claims } = refused as MintRefused;
  expect(errors).toEqual([
    {
      code: "invalid-publisher",
      description:
        'you sent {"token":"***"} - valid token, but no corresponding publisher (Publisher with matching claims was not found)',
    },
  ]);
  const shown = [...refusalLines(errors, claims), refusalMarkdown(errors, claims)].join("\n");
  expect(shown).not.toContain(jwt);
  expect(shown).not.toContain(jwt.split(".")[1]);
  expect(shown).toContain("| repository | someone/else |");
});

test("a token service that echoes its bearer token in the status line", async () => {
  world.issuer.injectFault({ path: "/token", kind: "echo", status: 403, form: "raw" });
  const failed = await exchange(registerSecret).catch((error: Error) => error);
  expect(failed).toBeInstanceOf(Error);
  const { message } = failed as Error;
  expect(message).toContain("the runner's token service answered 403 you sent *** - Forbidden.");
  expect(message).not.toContain(world.issuer.requestToken);
});

test("many long reasons are cut: a few, one line of at most 300 characters each", async () => {
  const description = `line one ${"x".repeat(1000)}\nline two`;
  world.warehouse.injectFault({
    path: "/_/oidc/mint-token",
    kind: "status",
    status: 422,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ errors: Array(50).fill({ code: "invalid-publisher", description }) }),
  });
  const refused = (await exchange(() => undefined).catch((error) => error)) as MintRefused;
  expect(refused.errors.length).toBeLessThanOrEqual(5);
  for (const error of refused.errors) {
    expect(error.description.startsWith("line one xxx")).toBe(true);
    expect(error.description.length).toBeLessThanOrEqual(300);
  }
});
