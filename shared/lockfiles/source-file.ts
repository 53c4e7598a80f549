/** What every reader records of the lockfile itself: its name, digest and text. */
import { createHash } from "node:crypto";
import { lineOf } from "./toml-lines.js";

export const sourceFile = (text: string, file: string) => ({
  file,
  digest: createHash("sha256").update(text).digest("hex"),
  text,
});

/** The stored hash's line: `content-hash`/`content_hash`, or Pipfile.lock's first `"sha256":`. */
export const contentHashLine = (text: string) => lineOf(text, /content[-_]hash|"sha256":/);
