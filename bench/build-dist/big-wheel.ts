/**
 * A generated wheel of about `megabytes` MB, shaped like a big real one: a few thousand small
 * modules (deflated) and large stored data files, with a correct RECORD.
 */
import { createCipheriv, createHash } from "node:crypto";
import path from "node:path";
import { writeZip, type ZipEntry } from "../../test/harness/archives.js";

const BLOB_MB = 10;

function* blobChunks(seed: string, bytes: number): Generator<Buffer> {
  const key = createHash("sha256").update(seed).digest();
  const cipher = createCipheriv("aes-128-ctr", key.subarray(0, 16), key.subarray(16));
  const zeros = Buffer.alloc(1024 * 1024);
  for (let left = bytes; left > 0; left -= zeros.length) {
    yield cipher.update(left >= zeros.length ? zeros : zeros.subarray(0, left));
  }
}

export function writeBigWheel(dir: string, megabytes: number, modules = 3000): string {
  const name = "big_wheel";
  const version = "1.0.0";
  const distInfo = `${name}-${version}.dist-info`;
  const entries: ZipEntry[] = [];
  const record: string[] = [];
  const add = (file: string, data: Buffer) => {
    entries.push({ name: file, data });
    record.push(
      `${file},sha256=${createHash("sha256").update(data).digest("base64url")},${data.length}`,
    );
  };
  add(`${name}/__init__.py`, Buffer.from('"""A big generated wheel."""\n'));
  for (let i = 0; i < modules; i++) {
    add(
      `${name}/part${i % 30}/mod${i}.py`,
      Buffer.from(`VALUE = ${i}\n\ndef f():\n    return VALUE * ${i}\n`),
    );
  }
  for (let i = 0; i < 30; i++) add(`${name}/part${i}/__init__.py`, Buffer.from(`PART = ${i}\n`));
  for (let i = 0; i < Math.floor(megabytes / BLOB_MB); i++) {
    const file = `${name}/data/blob${i}.bin`;
    const seed = `${megabytes}-${i}`;
    const hash = createHash("sha256");
    for (const chunk of blobChunks(seed, BLOB_MB * 1024 * 1024)) hash.update(chunk);
    entries.push({ name: file, chunks: () => blobChunks(seed, BLOB_MB * 1024 * 1024) });
    record.push(`${file},sha256=${hash.digest("base64url")},${BLOB_MB * 1024 * 1024}`);
  }
  add(
    `${distInfo}/METADATA`,
    Buffer.from(
      `Metadata-Version: 2.1\nName: big-wheel\nVersion: ${version}\nSummary: big\nDescription-Content-Type: text/markdown\n\n# big-wheel\n`,
    ),
  );
  add(
    `${distInfo}/WHEEL`,
    Buffer.from("Wheel-Version: 1.0\nGenerator: bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
  );
  record.push(`${distInfo}/RECORD,,`);
  entries.push({ name: `${distInfo}/RECORD`, data: Buffer.from(`${record.join("\n")}\n`) });
  const file = path.join(dir, `${name}-${version}-py3-none-any.whl`);
  writeZip(file, entries);
  return file;
}
