import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { describe, expect, test } from "@jest/globals";
import { Blake2b, blake2b256, blake2bUsesWasm } from "../../../shared/digests/blake2b.js";

/** Python's hashlib.blake2b hex digests of each input, in one python3 run. */
function pythonBlake2b(inputs: Uint8Array[], digestSize = 32): string[] {
  const script = [
    "import hashlib, json, sys",
    "data = sys.stdin.buffer.read()",
    "out, at = [], 0",
    "for n in map(int, sys.argv[2:]):",
    "    out.append(hashlib.blake2b(data[at:at + n], digest_size=int(sys.argv[1])).hexdigest())",
    "    at += n",
    "print(json.dumps(out))",
  ].join("\n");
  const args = ["-c", script, String(digestSize), ...inputs.map((input) => String(input.length))];
  const stdout = execFileSync("python3", args, {
    input: Buffer.concat(inputs),
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.toString()) as string[];
}

/** A small deterministic generator (mulberry32), so a failing chunking can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** `data` cut at random places, with empty pieces and pieces around the block size. */
function randomChunks(data: Uint8Array, seed: number): Uint8Array[] {
  const next = random(seed);
  const sizes = [0, 1, 2, 63, 127, 128, 129, 255, 256, 1000, 4096, 65_536 + 5];
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < data.length; ) {
    const size =
      next() < 0.7 ? sizes[Math.floor(next() * sizes.length)] : Math.floor(next() * 300_000);
    chunks.push(data.subarray(at, at + size));
    at += size;
  }
  chunks.push(data.subarray(data.length)); // and an empty one at the very end
  return chunks;
}

const hex = (digest: Buffer) => digest.toString("hex");
const LENGTHS = [0, 1, 3, 64, 111, 112, 127, 128, 129, 255, 256, 257, 1000, 65_536 + 129];
const MIB_PLUS_3 = 1024 * 1024 + 3;

test("BLAKE2b-512 of 'abc' is RFC 7693's Appendix A", () => {
  const digest = new Blake2b(64).update(Buffer.from("abc")).digest();
  expect(hex(digest)).toBe(
    "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1" +
      "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923",
  );
});

test("BLAKE2b-256 of nothing, and it is no truncated BLAKE2b-512", () => {
  expect(blake2b256(new Uint8Array(0))).toBe(
    "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8",
  );
  const full = hex(new Blake2b(64).update(Buffer.from("abc")).digest());
  expect(blake2b256(Buffer.from("abc"))).toBe(
    "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319",
  );
  expect(full.startsWith(blake2b256(Buffer.from("abc")))).toBe(false);
});

test("Node runs the WebAssembly compression function", () => {
  expect(blake2bUsesWasm()).toBe(true);
});

describe.each([
  ["WebAssembly", true],
  ["plain JavaScript", false],
])("%s", (_name, wasm) => {
  const inputs = [...LENGTHS, MIB_PLUS_3].map((length) => randomBytes(length));

  test("agrees with python3's hashlib.blake2b(digest_size=32) at every length", () => {
    const expected = pythonBlake2b(inputs);
    const actual = inputs.map((input) => hex(new Blake2b(32, { wasm }).update(input).digest()));
    expect(actual).toEqual(expected);
  });

  test.each([1, 20, 48, 64])("and with digest_size=%i", (size) => {
    const expected = pythonBlake2b(inputs, size);
    const actual = inputs.map((input) => hex(new Blake2b(size, { wasm }).update(input).digest()));
    expect(actual).toEqual(expected);
  });

  test("every byte of input matters, at every position of the last block", () => {
    const base = randomBytes(3 * 128);
    const seen = new Set<string>();
    for (let at = 128; at < base.length; at += 7) {
      const changed = Buffer.from(base);
      changed[at] ^= 1;
      seen.add(hex(new Blake2b(32, { wasm }).update(changed).digest()));
    }
    seen.add(hex(new Blake2b(32, { wasm }).update(base).digest()));
    expect(seen.size).toBe(1 + Math.ceil((base.length - 128) / 7));
  });

  test("input in random pieces hashes as in one piece", () => {
    const data = randomBytes(MIB_PLUS_3);
    const [expected] = pythonBlake2b([data]);
    for (const seed of [1, 2, 3, 4, 5]) {
      const hash = new Blake2b(32, { wasm });
      for (const chunk of randomChunks(data, seed)) hash.update(chunk);
      expect({ seed, digest: hex(hash.digest()) }).toEqual({ seed, digest: expected });
    }
  });

  test("byte-by-byte and at unaligned offsets", () => {
    const data = randomBytes(1031);
    const [expected] = pythonBlake2b([data]);
    const hash = new Blake2b(32, { wasm });
    for (let i = 0; i < data.length; i++) hash.update(data.subarray(i, i + 1));
    expect(hex(hash.digest())).toBe(expected);
    // A view that starts at an odd byte of its ArrayBuffer.
    const padded = Buffer.concat([Buffer.from([7]), data]);
    expect(hex(new Blake2b(32, { wasm }).update(padded.subarray(1)).digest())).toBe(expected);
  });

  test("the two compression functions agree on random chunkings", () => {
    const data = randomBytes(300_001);
    const other = new Blake2b(32, { wasm: !wasm });
    const hash = new Blake2b(32, { wasm });
    for (const chunk of randomChunks(data, 42)) {
      hash.update(chunk);
      other.update(chunk);
    }
    expect(hex(hash.digest())).toBe(hex(other.digest()));
  });
});

describe("Blake2b", () => {
  test("digest() finalises once: it repeats, and update() after it throws", () => {
    const hash = new Blake2b().update(Buffer.from("abc"));
    const first = hash.digest();
    first.fill(0); // the caller's copy
    expect(hex(hash.digest())).toBe(blake2b256(Buffer.from("abc")));
    expect(() => hash.update(Buffer.from("d"))).toThrow(/after digest/);
  });

  test("update() returns the hash, and takes any Uint8Array", () => {
    const hash = new Blake2b();
    expect(hash.update(new Uint8Array([0x61, 0x62]))).toBe(hash);
    expect(hex(hash.update(Buffer.from("c")).digest())).toBe(blake2b256(Buffer.from("abc")));
  });

  test("digest lengths outside 1 to 64 are refused", () => {
    for (const bad of [0, 65, 1.5, Number.NaN]) expect(() => new Blake2b(bad)).toThrow(RangeError);
    expect(new Blake2b().outputBytes).toBe(32);
    expect(new Blake2b(64).digest()).toHaveLength(64);
  });
});
