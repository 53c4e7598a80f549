import { describe, expect, test } from "@jest/globals";
import {
  PUBLIC_GOOD,
  provenanceInstance,
  sigstoreInstance,
} from "../../../shared/sigstore/instance.js";

describe("the Sigstore instance", () => {
  test("public-good unless PYSHIP_* names another, field by field", () => {
    expect(sigstoreInstance({})).toEqual({
      ...PUBLIC_GOOD,
      tsaUrl: undefined,
      trustedRootPath: undefined,
    });
    expect(sigstoreInstance({ PYSHIP_FULCIO_URL: "http://127.0.0.1:1" })).toMatchObject({
      fulcioUrl: "http://127.0.0.1:1",
      rekorUrl: PUBLIC_GOOD.rekorUrl,
    });
  });

  test("build provenance: public-good for a public repository, GitHub's own for a private or internal one", () => {
    expect(provenanceInstance({}, "public")).toMatchObject(PUBLIC_GOOD);
    const github = {
      fulcioUrl: "https://fulcio.githubapp.com",
      tsaUrl: "https://timestamp.githubapp.com",
    };
    expect(provenanceInstance({}, "private")).toEqual(github);
    expect(provenanceInstance({}, "internal")).toEqual(github);
    expect(provenanceInstance({}, undefined)).toEqual(github);
    expect(provenanceInstance({ GITHUB_SERVER_URL: "https://octo.ghe.com" }, "private")).toEqual({
      fulcioUrl: "https://fulcio.octo.ghe.com",
      tsaUrl: "https://timestamp.octo.ghe.com",
    });
  });

  test("build provenance: the PYSHIP_* variables win over the repository's visibility", () => {
    const env = { PYSHIP_FULCIO_URL: "http://127.0.0.1:1", PYSHIP_REKOR_URL: "http://127.0.0.1:1" };
    expect(provenanceInstance(env, "private")).toMatchObject({
      fulcioUrl: "http://127.0.0.1:1",
      rekorUrl: "http://127.0.0.1:1",
    });
  });
});
