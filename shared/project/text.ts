/** Reading a manifest or lock as text: strict UTF-8, so no name is read garbled. */
import { readFileSync } from "node:fs";
import { ConfigurationError } from "../runtime/errors.js";

/** A manifest or lock as text: invalid UTF-8 is an error at its byte offset, never replaced. */
export function readText(file: string, display: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "does not exist" : `cannot be read (${code})`;
    throw new ConfigurationError(`${display} ${why}`, { file: display });
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const offset = invalidUtf8Offset(bytes);
    const line = bytes.subarray(0, offset).filter((byte) => byte === 0x0a).length + 1;
    const byte = (bytes[offset] ?? 0).toString(16).toUpperCase().padStart(2, "0");
    throw new ConfigurationError(
      `${display} is not valid UTF-8: byte 0x${byte} at offset ${offset} (line ${line})`,
      { file: display, line },
    );
  }
}

/** The offset where the first invalid UTF-8 sequence starts (RFC 3629: no overlongs, no surrogates). */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const [length, low, high] = utf8Lead(bytes[i]);
    if (length === 0 || i + length > bytes.length) return i;
    if (length > 1 && (bytes[i + 1] < low || bytes[i + 1] > high)) return i;
    for (let k = 2; k < length; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    i += length;
  }
  return bytes.length;
}

/** A lead byte's sequence length and the range its second byte must be in; length 0 for no lead. */
function utf8Lead(lead: number): [number, number, number] {
  if (lead < 0x80) return [1, 0, 0];
  if (lead >= 0xc2 && lead <= 0xdf) return [2, 0x80, 0xbf];
  if (lead === 0xe0) return [3, 0xa0, 0xbf];
  if (lead === 0xed) return [3, 0x80, 0x9f];
  if (lead >= 0xe1 && lead <= 0xef) return [3, 0x80, 0xbf];
  if (lead === 0xf0) return [4, 0x90, 0xbf];
  if (lead >= 0xf1 && lead <= 0xf3) return [4, 0x80, 0xbf];
  if (lead === 0xf4) return [4, 0x80, 0x8f];
  return [0, 0, 0];
}
