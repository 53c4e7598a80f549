import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { DigestingStream, digestFile, type FileDigests } from "../../../shared/digests/digests.js";

/** What python3's hashlib says about a file. */
function pythonDigests(file: string): FileDigests {
  const script = [
    "import hashlib, json, os, sys",
    "data = open(sys.argv[1], 'rb').read()",
    "print(json.dumps({'size': os.path.getsize(sys.argv[1]),",
    "  'sha256': hashlib.sha256(data).hexdigest(), 'md5': hashlib.md5(data).hexdigest(),",
    "  'blake2_256': hashlib.blake2b(data, digest_size=32).hexdigest()}))",
  ].join("\n");
  return JSON.parse(execFileSync("python3", ["-c", script, file]).toString()) as FileDigests;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "pyship-digests-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeRandom(name: string, size: number): { file: string; data: Buffer } {
  const file = path.join(dir, name);
  const data = randomBytes(size);
  writeFileSync(file, data);
  return { file, data };
}

describe("digestFile", () => {
  test.each([
    ["a few MiB, not a whole number of reads", 3 * 1024 * 1024 + 17],
    ["exactly one read", 1024 * 1024],
    ["a few bytes", 5],
    ["empty", 0],
  ])("agrees with python3's hashlib: %s", async (_name, size) => {
    const { file } = writeRandom(`file-${size}.whl`, size);
    expect(await digestFile(file)).toEqual(pythonDigests(file));
  });

  test("a missing file rejects", async () => {
    await expect(digestFile(path.join(dir, "missing.whl"))).rejects.toThrow(/ENOENT/);
  });
});

describe("DigestingStream", () => {
  test("passes its input through unchanged and digests it", async () => {
    const { file, data } = writeRandom("through.tar.gz", 2 * 1024 * 1024 + 333);
    const pieces: Buffer[] = [];
    let at = 0;
    for (const size of [0, 1, 127, 128, 129, 70_000, 1_000_000]) {
      pieces.push(data.subarray(at, at + size));
      at += size;
    }
    pieces.push(data.subarray(at));
    const hashing = new DigestingStream();
    const out: Buffer[] = [];
    await pipeline(
      Readable.from(pieces, { objectMode: false }),
      hashing,
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          out.push(chunk);
          callback();
        },
      }),
    );
    expect(Buffer.concat(out).equals(data)).toBe(true);
    expect(hashing.digests()).toEqual(pythonDigests(file));
  });

  test("digests() is ready when the readable side ends, as an upload body reads it", async () => {
    const { file, data } = writeRandom("async.whl", 300_000);
    const hashing = new DigestingStream();
    Readable.from([data.subarray(0, 1000), data.subarray(1000)]).pipe(hashing);
    let length = 0;
    expect(() => hashing.digests()).toThrow(/before the stream ended/);
    for await (const chunk of hashing) length += (chunk as Buffer).length;
    expect(length).toBe(data.length);
    expect(hashing.digests()).toEqual(pythonDigests(file));
  });

  test("digests() is ready at 'finish' on the writable side too", async () => {
    const hashing = new DigestingStream();
    hashing.resume();
    const finished = new Promise<FileDigests>((resolve) => {
      hashing.on("finish", () => resolve(hashing.digests()));
    });
    hashing.end(Buffer.from("abc"));
    expect(await finished).toEqual({
      size: 3,
      sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      md5: "900150983cd24fb0d6963f7d28e17f72",
      blake2_256: "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319",
    });
  });
});
