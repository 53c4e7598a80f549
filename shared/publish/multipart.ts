/** A streamed multipart/form-data body for one upload: fields, the file, then its digests. */
import { randomBytes } from "node:crypto";
import { open } from "node:fs/promises";
import path from "node:path";
import type { Writable } from "node:stream";
import { Digester, type FileDigests } from "../digests/digests.js";
import type { FormField } from "./form.js";

export interface MultipartBody {
  contentType: string;
  /** The exact byte length, known before the file is read. */
  length: number;
  /** Writes the whole body (not ending `sink`); resolves to the file's digests. */
  write(sink: Writable): Promise<FileDigests>;
}

const CHUNK = 1024 * 1024;

/** Resolves once `chunk` has been handed to the OS, so its memory may be reused. */
function written(sink: Writable, chunk: Buffer): Promise<void> {
  const done = new Promise<void>((resolve, reject) =>
    sink.write(chunk, (error) => (error ? reject(error) : resolve())),
  );
  done.catch(() => undefined); // awaited later; a failure then ends the attempt
  return done;
}

/**
 * Streams the file through two reused buffers: one is being sent while the other is read and
 * hashed. No memory is allocated per chunk, so the peak RSS does not grow with the file.
 */
async function writeFile(sink: Writable, file: string, digester: Digester): Promise<void> {
  const handle = await open(file, "r");
  const buffers = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
  const sending: Array<Promise<void> | undefined> = [undefined, undefined];
  try {
    for (let index = 0, position = 0; ; index++) {
      const slot = index % 2;
      await sending[slot];
      const { bytesRead } = await handle.read(buffers[slot], 0, CHUNK, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const chunk = buffers[slot].subarray(0, bytesRead);
      digester.update(chunk);
      sending[slot] = written(sink, chunk);
    }
    await Promise.all(sending);
  } finally {
    await handle.close();
  }
}

/** A name or file name inside the header's quotes, escaped as the WHATWG form-data encoding does. */
export function escapeFormDataName(value: string): string {
  return value.replace(/"/g, "%22").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function part(boundary: string, name: string, value: string): Buffer {
  return Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${escapeFormDataName(name)}"\r\n\r\n${value}\r\n`,
    "utf8",
  );
}

function digestFields(digests: Pick<FileDigests, "sha256" | "blake2_256">): FormField[] {
  return [
    ["sha256_digest", digests.sha256],
    ["blake2_256_digest", digests.blake2_256],
  ];
}

function trailer(boundary: string, digests: Pick<FileDigests, "sha256" | "blake2_256">): Buffer {
  const parts = digestFields(digests).map(([name, value]) => part(boundary, name, value));
  return Buffer.concat([Buffer.from("\r\n"), ...parts, Buffer.from(`--${boundary}--\r\n`)]);
}

export function multipartBody(
  fields: readonly FormField[],
  file: string,
  size: number,
): MultipartBody {
  const boundary = `pyship-${randomBytes(16).toString("hex")}`;
  const filename = path.basename(file);
  const head = Buffer.concat([
    ...fields.map(([name, value]) => part(boundary, name, value)),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="content"; filename="${escapeFormDataName(filename)}"\r\n` +
        "Content-Type: application/octet-stream\r\n\r\n",
      "utf8",
    ),
  ]);
  // Hex digests have a fixed length, so the trailer's length is known up front.
  const placeholder = { sha256: "0".repeat(64), blake2_256: "0".repeat(64) };
  const length = head.length + size + trailer(boundary, placeholder).length;

  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    length,
    async write(sink) {
      await written(sink, head);
      const digester = new Digester();
      await writeFile(sink, file, digester);
      const digests = digester.finish();
      if (digests.size !== size)
        throw new Error(`${filename} changed size while it was being uploaded`);
      await written(sink, trailer(boundary, digests));
      return digests;
    },
  };
}
