import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, test } from "@jest/globals";
import { invalidUtf8Offset, readText } from "../../../shared/project/text.js";
import { ConfigurationError } from "../../../shared/runtime/errors.js";

const dir = mkdtempSync(path.join(os.tmpdir(), "pyship-text-"));
const fileWith = (bytes: number[] | Buffer) => {
  const file = path.join(dir, `f${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, Buffer.from(bytes));
  return file;
};

describe("readText", () => {
  test("reads UTF-8 as it is, a byte-order mark included", () => {
    const text = '\uFEFFname = "caf\u00e9 \u{1F600}"\n';
    expect(readText(fileWith(Buffer.from(text, "utf8")), "pyproject.toml")).toBe(text);
  });

  test("invalid UTF-8 is an error naming the file, the byte offset and its line", () => {
    const bytes = Buffer.concat([
      Buffer.from('a = 1\nname = "caf'),
      Buffer.from([0xe9]),
      Buffer.from('"\n'),
    ]);
    let error: unknown;
    try {
      readText(fileWith(bytes), "uv.lock");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).message).toBe(
      "uv.lock is not valid UTF-8: byte 0xE9 at offset 17 (line 2)",
    );
    expect((error as ConfigurationError).location).toEqual({ file: "uv.lock", line: 2 });
  });

  test("a missing file says so", () => {
    expect(() => readText(path.join(dir, "nope"), "Pipfile")).toThrow("Pipfile does not exist");
  });
});

describe("invalidUtf8Offset", () => {
  test.each([
    ["valid text", [0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80], 10],
    ["a stray continuation byte", [0x61, 0x80], 1],
    ["0xFF", [0x61, 0x62, 0xff], 2],
    ["an overlong two-byte form", [0xc0, 0x80], 0],
    ["an overlong three-byte form", [0x61, 0xe0, 0x80, 0x80], 1],
    ["a surrogate", [0xed, 0xa0, 0x80], 0],
    ["past U+10FFFF", [0xf4, 0x90, 0x80, 0x80], 0],
    ["a sequence cut short by the end", [0x61, 0xe2, 0x82], 1],
    ["a sequence cut short by ASCII", [0xe2, 0x82, 0x41], 0],
  ])("%s", (_, bytes, offset) => {
    expect(invalidUtf8Offset(Uint8Array.from(bytes))).toBe(offset);
  });

  test("agrees with a fatal TextDecoder on every two-byte sequence", () => {
    const decoder = new TextDecoder("utf-8", { fatal: true });
    const disagreements: number[][] = [];
    for (let a = 0; a < 256; a++)
      for (let b = 0; b < 256; b++) {
        const bytes = Uint8Array.from([a, b]);
        let valid = true;
        try {
          decoder.decode(bytes);
        } catch {
          valid = false;
        }
        if ((invalidUtf8Offset(bytes) === 2) !== valid) disagreements.push([a, b]);
      }
    expect(disagreements).toEqual([]);
  });
});
