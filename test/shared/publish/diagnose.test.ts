import { expect, test } from "@jest/globals";
import { refusalCodes, refusalLines, refusalMarkdown } from "../../../shared/publish/diagnose.js";

const unknown = "see the index's documentation.";

test.each(refusalCodes.map((entry) => [entry.code, entry.meaning]))(
  "the refusal %s is explained with its registered meaning",
  (code, meaning) => {
    const errors = [{ code, description: "refused" }];
    expect(refusalLines(errors, {})).toContainEqual(
      expect.stringMatching(`^\\* ${code}: ${meaning.replace(/[.()]/g, "\\$&")}`),
    );
    expect(refusalMarkdown(errors, {})).toContain(`* \`${code}\`: ${meaning}`);
  },
);

test.each(["unheard-of", "toString"])(
  "the unregistered code %s points to the index's docs",
  (code) => {
    expect(refusalLines([{ code, description: "refused" }], {}).at(-1)).toBe(
      `* ${code}: ${unknown}`,
    );
  },
);
