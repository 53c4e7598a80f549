/** Reads only a dist's core metadata member (METADATA or PKG-INFO), not the rest of the archive. */
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import tar from "tar-stream";
import yauzl from "yauzl";
import { BlockReader, distKind, MAX_TEXT_BYTES, readZipDirectory } from "./archive.js";
import { type CoreMetadata, parseCoreMetadata } from "./metadata.js";

async function collect(stream: AsyncIterable<unknown>, what: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > MAX_TEXT_BYTES) throw new Error(`${what} is larger than ${MAX_TEXT_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Walks the central directory through cached blocks: a few reads, not two per member. A zip
 * whose entries overlap (R014) is refused before anything is inflated.
 */
async function wheelMetadata(file: string): Promise<string | undefined> {
  const handle = await open(file, "r");
  const { size } = await handle.stat();
  const zip = await yauzl.fromRandomAccessReaderPromise(new BlockReader(handle), size, {
    lazyEntries: true,
    autoClose: false,
  });
  try {
    const { entries, overlapping } = await readZipDirectory(zip);
    if (overlapping.length > 0) {
      throw new Error("its zip entries overlap or share data (R014, a zip bomb)");
    }
    for (const entry of entries) {
      if (/^[^/]+\.dist-info\/METADATA$/.test(entry.fileName)) {
        return await collect(await zip.openReadStreamPromise(entry), entry.fileName);
      }
    }
    return undefined;
  } finally {
    zip.close();
    await handle.close();
  }
}

/** Stops the tar stream at PKG-INFO: sdists list it first, so little is read. */
async function sdistMetadata(file: string): Promise<string | undefined> {
  const extract = tar.extract();
  let found: string | undefined;
  const reading = (async () => {
    for await (const entry of extract) {
      if (/^[^/]+\/PKG-INFO$/.test(entry.header.name)) {
        found = await collect(entry, entry.header.name);
        extract.destroy();
        return;
      }
      entry.resume();
    }
  })();
  // Both settle before either's failure counts: one error, never an unhandled second one.
  const outcomes = await Promise.allSettled([
    pipeline(createReadStream(file), createGunzip(), extract),
    reading,
  ]);
  if (found !== undefined) return found; // destroying the extractor after PKG-INFO is expected
  const failed = outcomes.find((outcome) => outcome.status === "rejected");
  if (failed) throw failed.reason;
  return undefined;
}

/** The dist's core metadata; throws, naming the file, when it cannot be read. */
export async function readDistMetadata(file: string): Promise<CoreMetadata> {
  const name = file.split(/[\\/]/).pop() ?? file;
  let text: string | undefined;
  try {
    text = distKind(file) === "wheel" ? await wheelMetadata(file) : await sdistMetadata(file);
  } catch (error) {
    throw new Error(`Cannot read ${name}: ${error instanceof Error ? error.message : error}`);
  }
  if (text === undefined) throw new Error(`${name} has no core metadata (METADATA or PKG-INFO)`);
  return parseCoreMetadata(text);
}
