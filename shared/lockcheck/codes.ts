/** Every code lock-check reports, as annotation title and in the `findings` output. */
import { type FindingLevel, keyedByCode } from "../runtime/findings.js";

/** One finding code, as the README documents it. */
export interface FindingCode {
  code: string;
  /** The severity it is reported at. */
  severity: FindingLevel;
  /** Other severities it can have; `meaning` says when. */
  also?: readonly FindingLevel[];
  /** One line: what it means. */
  meaning: string;
  /** One line: what to do about it. */
  fix: string;
}

/** Declares a group of codes keyed by code. */
export function defineCodes<const T extends Record<string, Omit<FindingCode, "code">>>(
  codes: T,
): { [K in keyof T]: FindingCode } {
  return keyedByCode(codes);
}

// A semantic difference is a warning when the content hash still matches.
const demoted = ["warning"] as const;
const doubted =
  " A warning when the lock's content hash still matches the manifest, which makes the difference doubtful.";
const relock = "Re-lock with the command the finding names (such as `uv lock`).";

export const lockCheckCodes = defineCodes({
  "missing-lockfile": {
    severity: "error",
    meaning:
      "The manifest configures uv, Poetry or PDM (or there is a Pipfile), but no lockfile was committed.",
    fix: "Run the tool's lock command (`uv lock`, `poetry lock`, `pdm lock`, `pipenv lock`) and commit the lock.",
  },
  "invalid-entry": {
    severity: "error",
    meaning:
      "A lock entry setup-venv and audit would refuse: a version that is not PEP 440, a marker that does not parse, a name that is not PEP 508, a URL with whitespace, a hash pip refuses.",
    fix: "Fix or re-create the lock; nothing else is compared until it is valid.",
  },
  "unknown-lock-version": {
    severity: "warning",
    meaning:
      "The lock's format version is newer than pyship knows; it is checked on a best-effort basis.",
    fix: "None needed; update pyship when a newer release knows the version.",
  },
  "not-locked": {
    severity: "error",
    also: demoted,
    meaning: `A declared dependency has no entry (or pin) in the lock.${doubted}`,
    fix: relock,
  },
  unsatisfied: {
    severity: "error",
    also: demoted,
    meaning: `The locked version is outside the declared constraint.${doubted}`,
    fix: relock,
  },
  "not-declared": {
    severity: "error",
    also: demoted,
    meaning: `The lock still has a top-level dependency (or a pin from an input) that nothing declares any more.${doubted}`,
    fix: relock,
  },
  "requires-python": {
    severity: "error",
    also: demoted,
    meaning: `The declared requires-python (Pipfile: [requires]) differs from what the lock was locked for.${doubted}`,
    fix: relock,
  },
  "unparsable-constraint": {
    severity: "error",
    meaning:
      "A declared constraint does not parse as a version constraint, so the tools refuse the manifest.",
    fix: "Fix the constraint in the manifest, then re-lock.",
  },
  "content-hash": {
    severity: "error",
    meaning:
      "poetry.lock, pdm.lock or Pipfile.lock: the content hash no longer matches the manifest, though every locked version is in range; the finding names the hashed section that changed.",
    fix: relock,
  },
  "hash-recipe": {
    severity: "error",
    also: ["notice"],
    meaning:
      "The content hash is an older tool's recipe, which today's tool calls out of date. A notice with `hash-recipes: any`, or for a Pipfile.lock only pipenv ≥ 2026.4's canonical names reproduce.",
    fix: "Re-lock with today's tool, or set `hash-recipes: any` to accept older recipes.",
  },
  "lock-format-too-old": {
    severity: "error",
    meaning: "A pdm.lock older than lock_version 4, which PDM 2.29 refuses.",
    fix: "Run `pdm lock` (after moving [tool.pdm] dependencies into [project] if the finding says so).",
  },
  "invalid-source": {
    severity: "error",
    meaning: "A Pipfile `[[source]]` has no name or no url, so pipenv cannot read the Pipfile.",
    fix: "Add the missing field to that `[[source]]`, then run `pipenv lock`.",
  },
  "member-not-locked": {
    severity: "error",
    meaning: "uv.lock has no entry for a workspace member.",
    fix: "Run `uv lock`.",
  },
  "workspace-members": {
    severity: "error",
    meaning: "The uv workspace's members differ from those uv.lock was locked for.",
    fix: "Run `uv lock`.",
  },
  version: {
    severity: "error",
    meaning: "A uv workspace member's static version differs from the one in uv.lock.",
    fix: "Run `uv lock`.",
  },
  extras: {
    severity: "error",
    meaning: "A uv workspace member provides other extras than uv.lock recorded.",
    fix: "Run `uv lock`.",
  },
  "specifier-changed": {
    severity: "error",
    meaning: "uv.lock recorded another specifier for a dependency than the manifest declares.",
    fix: "Run `uv lock`.",
  },
  "extras-changed": {
    severity: "error",
    meaning: "uv.lock recorded other extras of a dependency than the manifest asks for.",
    fix: "Run `uv lock`.",
  },
  "source-changed": {
    severity: "error",
    meaning:
      "The dependency comes from another source (index, git, URL, path) than the lock recorded or pins.",
    fix: relock,
  },
  "marker-changed": {
    severity: "warning",
    meaning:
      "A dependency's marker differs from the one uv.lock recorded; uv simplifies markers, so it may be the same.",
    fix: "Run `uv lock` to be sure.",
  },
  "manifest-constraints": {
    severity: "error",
    meaning: "`tool.uv.constraint-dependencies` differs from the constraints uv.lock recorded.",
    fix: "Run `uv lock`.",
  },
  "manifest-overrides": {
    severity: "error",
    meaning: "`tool.uv.override-dependencies` differs from the overrides uv.lock recorded.",
    fix: "Run `uv lock`.",
  },
  "input-not-checked": {
    severity: "warning",
    meaning:
      "A requirements lock was compiled from an input pyship cannot read statically (or which is missing); its pins were not checked against it.",
    fix: "None needed, or compile from a requirements.in or pyproject.toml.",
  },
  "missing-hashes": {
    severity: "error",
    meaning: "A requirements lock compiled with `--generate-hashes` has a pin without `--hash`.",
    fix: "Re-run the pip-compile command from the lock's header.",
  },
  "hashes-changed": {
    severity: "warning",
    meaning:
      "On a pull request, a package keeps its version but the lock records other file hashes than the base branch's lock: how a rebuilt or tampered artifact shows up.",
    fix: "Compare the hashes with the index's files; re-lock if they are not the index's.",
  },
  "release-too-new": {
    severity: "error",
    meaning:
      "With `min-release-age`, a package the pull request adds or upgrades was uploaded less than that long before the PR's head commit.",
    fix: "Keep the previous version until the new one is old enough, or lock an older release.",
  },
  "exclude-newer": {
    severity: "error",
    meaning:
      "A package the pull request adds or upgrades was uploaded after the cutoff the manifest's `exclude-newer` sets (uv's `[tool.uv]`, PDM's `[tool.pdm.resolution]`).",
    fix: "Re-lock with the tool, which honours exclude-newer (`uv lock`, `pdm lock`).",
  },
  "upload-time-unknown": {
    severity: "notice",
    meaning:
      "The cooldown check could not learn when some added or upgraded packages were uploaded (not in the lock, and the index's JSON API did not say, or could not be reached); they were not checked.",
    fix: "None needed; check them by hand, or set `index-url` to an index with a JSON API.",
  },
  "tool-disagrees": {
    severity: "warning",
    meaning:
      "With `mode: tool`, the format's own check gives another verdict than the static check.",
    fix: "Compare the two; the finding quotes the tool's last line.",
  },
});

export type LockCheckCode = keyof typeof lockCheckCodes;
