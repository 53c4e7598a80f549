/** The digests an upload reports (SHA-256, MD5, BLAKE2b-256), from one read of the file. */
import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { Transform, type TransformCallback } from "node:stream";
import { Blake2b } from "./blake2b.js";

export interface FileDigests {
  size: number;
  sha256: string;
  md5: string;
  blake2_256: string;
}

/** Reads of 1 MiB: few calls per file, and each hash sees long runs of input. */
const CHUNK = 1024 * 1024;

/** The three hashes and the byte count, fed the same chunks. */
export class Digester {
  private size = 0;
  private readonly sha256: Hash = createHash("sha256");
  private readonly md5: Hash = createHash("md5");
  private readonly blake2b = new Blake2b(32);

  update(chunk: Uint8Array): void {
    this.size += chunk.length;
    this.sha256.update(chunk);
    this.md5.update(chunk);
    this.blake2b.update(chunk);
  }

  finish(): FileDigests {
    return {
      size: this.size,
      sha256: this.sha256.digest("hex"),
      md5: this.md5.digest("hex"),
      blake2_256: this.blake2b.digest().toString("hex"),
    };
  }
}

/**
 * Passes its input through unchanged and hashes it on the way; `digests()` holds the result once
 * the input has ended (from 'end' on the readable side, or 'finish' on the writable side).
 */
export class DigestingStream extends Transform {
  private readonly digester = new Digester();
  private result: FileDigests | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.digester.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.result = this.digester.finish();
    callback();
  }

  digests(): FileDigests {
    if (!this.result) throw new Error("DigestingStream.digests() before the stream ended");
    return { ...this.result };
  }
}

/** The size and digests of a file, read once. */
export async function digestFile(file: string): Promise<FileDigests> {
  const digester = new Digester();
  for await (const chunk of createReadStream(file, { highWaterMark: CHUNK })) {
    digester.update(chunk as Buffer);
  }
  return digester.finish();
}
