/** The built version against the pushed tag and the expected version. */
import { normalizeVersion } from "../project/pep440.js";
import type { Finding } from "../runtime/findings.js";
import { defineChecks, finding } from "./model.js";

export const versionChecks = defineChecks({
  T001: {
    severity: "error",
    title: "The built version is not the version of the pushed tag",
    rule: "release-gates",
  },
  T002: {
    severity: "error",
    title: "The built version is not `expected-version`",
    rule: "release-gates",
  },
});

/** The tag name of a `refs/tags/…` ref, else undefined. */
export function tagOf(ref: string | undefined): string | undefined {
  return ref?.startsWith("refs/tags/") ? ref.slice("refs/tags/".length) : undefined;
}

/** The tag as a version: one leading `v` stripped, then PEP 440 normalised. */
export function tagVersion(tag: string): string | undefined {
  return normalizeVersion(tag.replace(/^[vV]/, ""));
}

const fromUntaggedCheckout = /\.dev\d+|\+/;

export function checkTag(version: string, tag: string, shownAs: string): Finding[] {
  const expected = tagVersion(tag);
  const built = normalizeVersion(version) ?? version;
  if (expected === built) return [];
  const message =
    expected === undefined
      ? `The tag ${tag} is not a PEP 440 version, so it cannot match the built version ${built}.`
      : `The tag ${tag} is version ${expected}, but the build made version ${built}.`;
  const fix = fromUntaggedCheckout.test(built)
    ? "The version looks made up from an untagged or dirty checkout: check out with `fetch-depth: 0`, and tag the commit you build."
    : "Bump the version in the project, or push the tag that matches it.";
  return [finding(versionChecks.T001, shownAs, message, { fix })];
}

export function checkExpectedVersion(
  version: string,
  expected: string,
  shownAs: string,
): Finding[] {
  const wanted = normalizeVersion(expected) ?? expected;
  const built = normalizeVersion(version) ?? version;
  if (wanted === built) return [];
  return [
    finding(
      versionChecks.T002,
      shownAs,
      `expected-version is ${wanted}, but the build made version ${built}.`,
    ),
  ];
}
