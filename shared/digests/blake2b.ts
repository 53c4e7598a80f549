/** BLAKE2b (RFC 7693) with any digest length, for PyPI's blake2_256_digest; WebAssembly or JS. */

/** The initialisation vector (the SHA-512 IV), as [low, high] halves of eight words. */
const IV = new Int32Array([
  0xf3bcc908, 0x6a09e667, 0x84caa73b, 0xbb67ae85, 0xfe94f82b, 0x3c6ef372, 0x5f1d36f1, 0xa54ff53a,
  0xade682d1, 0x510e527f, 0x2b3e6c1f, 0x9b05688c, 0xfb41bd6b, 0x1f83d9ab, 0x137e2179, 0x5be0cd19,
]);

/** The message schedule σ of RFC 7693 §2.7, one row of 16 word indexes per round. */
const SIGMA_ROWS = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
  [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
  [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
  [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
  [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
  [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
  [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
  [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
];

const ROUNDS = 12;

/**
 * σ for all 12 rounds (rounds 10 and 11 reuse rows 0 and 1), flattened, and with every word
 * index doubled so that it points straight at the low half of that word in the message.
 */
const SIGMA = new Uint8Array(ROUNDS * 16);
for (let round = 0; round < ROUNDS; round++) {
  for (let i = 0; i < 16; i++) SIGMA[round * 16 + i] = SIGMA_ROWS[round % 10][i] * 2;
}

const BLOCK = 128;
const TWO_32 = 0x100000000;

/**
 * The compression function F of RFC 7693 §3.2: mixes one 128-byte block `m` (16 words as 32
 * halves) into the state `h`. `tLow`/`tHigh` are the low 64 bits of the byte counter t (the
 * high 64 bits are always zero here) and `final` is the final-block flag f: -1 (all bits set)
 * for the last block, else 0. (A mask rather than a boolean and a branch: the optimised code
 * for a branch that was never taken before the first digest() is thrown away by V8 when it is,
 * and Node 20 then sometimes never optimises the function again, which makes it 5 times slower.)
 *
 * Each round applies G to the four columns and then the four diagonals of the 4×4 working
 * vector v. G is written out in place, eight times per round, as two lines per step of
 * RFC 7693 §3.1:
 *
 *     a = a + b + m[x]        d = (d ^ a) >>> 32
 *     c = c + d               b = (b ^ c) >>> 24
 *     a = a + b + m[y]        d = (d ^ a) >>> 16
 *     c = c + d               b = (b ^ c) >>> 63
 *
 * A 64-bit addition is `t = (al + bl) | 0` for the low half, plus a carry into the high half
 * when the unsigned low sum wrapped around, that is when `t >>> 0 < al >>> 0`.
 */
// biome-ignore format: each step of G is kept on one line, so that the eight calls read alike
function compress(h: Int32Array, m: Int32Array, tLow: number, tHigh: number, final: number): void {
  let v0l = h[0], v0h = h[1], v1l = h[2], v1h = h[3], v2l = h[4], v2h = h[5], v3l = h[6], v3h = h[7];
  let v4l = h[8], v4h = h[9], v5l = h[10], v5h = h[11], v6l = h[12], v6h = h[13], v7l = h[14], v7h = h[15];
  let v8l = IV[0], v8h = IV[1], v9l = IV[2], v9h = IV[3], v10l = IV[4], v10h = IV[5], v11l = IV[6], v11h = IV[7];
  let v12l = IV[8] ^ tLow, v12h = IV[9] ^ tHigh, v13l = IV[10], v13h = IV[11];
  let v14l = IV[12] ^ final, v14h = IV[13] ^ final, v15l = IV[14], v15h = IV[15];
  let t = 0, u = 0, x = 0, y = 0;
  for (let s = 0; s < ROUNDS * 16; s += 16) {
    // G(v0, v4, v8, v12, m[σ0], m[σ1])
    x = SIGMA[s]; y = SIGMA[s + 1];
    t = (v0l + v4l) | 0; v0h = (v0h + v4h + +(t >>> 0 < v0l >>> 0)) | 0; v0l = t;
    t = (v0l + m[x]) | 0; v0h = (v0h + m[x + 1] + +(t >>> 0 < v0l >>> 0)) | 0; v0l = t;
    t = v12l ^ v0l; v12l = v12h ^ v0h; v12h = t;
    t = (v8l + v12l) | 0; v8h = (v8h + v12h + +(t >>> 0 < v8l >>> 0)) | 0; v8l = t;
    t = v4l ^ v8l; u = v4h ^ v8h; v4l = (t >>> 24) | (u << 8); v4h = (u >>> 24) | (t << 8);
    t = (v0l + v4l) | 0; v0h = (v0h + v4h + +(t >>> 0 < v0l >>> 0)) | 0; v0l = t;
    t = (v0l + m[y]) | 0; v0h = (v0h + m[y + 1] + +(t >>> 0 < v0l >>> 0)) | 0; v0l = t;
    t = v12l ^ v0l; u = v12h ^ v0h; v12l = (t >>> 16) | (u << 16); v12h = (u >>> 16) | (t << 16);
    t = (v8l + v12l) | 0; v8h = (v8h + v12h + +(t >>> 0 < v8l >>> 0)) | 0; v8l = t;
    t = v4l ^ v8l; u = v4h ^ v8h; v4l = (t << 1) | (u >>> 31); v4h = (u << 1) | (t >>> 31);

    // G(v1, v5, v9, v13, m[σ2], m[σ3])
    x = SIGMA[s + 2]; y = SIGMA[s + 3];
    t = (v1l + v5l) | 0; v1h = (v1h + v5h + +(t >>> 0 < v1l >>> 0)) | 0; v1l = t;
    t = (v1l + m[x]) | 0; v1h = (v1h + m[x + 1] + +(t >>> 0 < v1l >>> 0)) | 0; v1l = t;
    t = v13l ^ v1l; v13l = v13h ^ v1h; v13h = t;
    t = (v9l + v13l) | 0; v9h = (v9h + v13h + +(t >>> 0 < v9l >>> 0)) | 0; v9l = t;
    t = v5l ^ v9l; u = v5h ^ v9h; v5l = (t >>> 24) | (u << 8); v5h = (u >>> 24) | (t << 8);
    t = (v1l + v5l) | 0; v1h = (v1h + v5h + +(t >>> 0 < v1l >>> 0)) | 0; v1l = t;
    t = (v1l + m[y]) | 0; v1h = (v1h + m[y + 1] + +(t >>> 0 < v1l >>> 0)) | 0; v1l = t;
    t = v13l ^ v1l; u = v13h ^ v1h; v13l = (t >>> 16) | (u << 16); v13h = (u >>> 16) | (t << 16);
    t = (v9l + v13l) | 0; v9h = (v9h + v13h + +(t >>> 0 < v9l >>> 0)) | 0; v9l = t;
    t = v5l ^ v9l; u = v5h ^ v9h; v5l = (t << 1) | (u >>> 31); v5h = (u << 1) | (t >>> 31);

    // G(v2, v6, v10, v14, m[σ4], m[σ5])
    x = SIGMA[s + 4]; y = SIGMA[s + 5];
    t = (v2l + v6l) | 0; v2h = (v2h + v6h + +(t >>> 0 < v2l >>> 0)) | 0; v2l = t;
    t = (v2l + m[x]) | 0; v2h = (v2h + m[x + 1] + +(t >>> 0 < v2l >>> 0)) | 0; v2l = t;
    t = v14l ^ v2l; v14l = v14h ^ v2h; v14h = t;
    t = (v10l + v14l) | 0; v10h = (v10h + v14h + +(t >>> 0 < v10l >>> 0)) | 0; v10l = t;
    t = v6l ^ v10l; u = v6h ^ v10h; v6l = (t >>> 24) | (u << 8); v6h = (u >>> 24) | (t << 8);
    t = (v2l + v6l) | 0; v2h = (v2h + v6h + +(t >>> 0 < v2l >>> 0)) | 0; v2l = t;
    t = (v2l + m[y]) | 0; v2h = (v2h + m[y + 1] + +(t >>> 0 < v2l >>> 0)) | 0; v2l = t;
    t = v14l ^ v2l; u = v14h ^ v2h; v14l = (t >>> 16) | (u << 16); v14h = (u >>> 16) | (t << 16);
    t = (v10l + v14l) | 0; v10h = (v10h + v14h + +(t >>> 0 < v10l >>> 0)) | 0; v10l = t;
    t = v6l ^ v10l; u = v6h ^ v10h; v6l = (t << 1) | (u >>> 31); v6h = (u << 1) | (t >>> 31);

    // G(v3, v7, v11, v15, m[σ6], m[σ7])
    x = SIGMA[s + 6]; y = SIGMA[s + 7];
    t = (v3l + v7l) | 0; v3h = (v3h + v7h + +(t >>> 0 < v3l >>> 0)) | 0; v3l = t;
    t = (v3l + m[x]) | 0; v3h = (v3h + m[x + 1] + +(t >>> 0 < v3l >>> 0)) | 0; v3l = t;
    t = v15l ^ v3l; v15l = v15h ^ v3h; v15h = t;
    t = (v11l + v15l) | 0; v11h = (v11h + v15h + +(t >>> 0 < v11l >>> 0)) | 0; v11l = t;
    t = v7l ^ v11l; u = v7h ^ v11h; v7l = (t >>> 24) | (u << 8); v7h = (u >>> 24) | (t << 8);
    t = (v3l + v7l) | 0; v3h = (v3h + v7h + +(t >>> 0 < v3l >>> 0)) | 0; v3l = t;
    t = (v3l + m[y]) | 0; v3h = (v3h + m[y + 1] + +(t >>> 0 < v3l >>> 0)) | 0; v3l = t;
    t = v15l ^ v3l; u = v15h ^ v3h; v15l = (t >>> 16) | (u << 16); v15h = (u >>> 16) | (t << 16);
    t = (v11l + v15l) | 0; v11h = (v11h + v15h + +(t >>> 0 < v11l >>> 0)) | 0; v11l = t;
    t = v7l ^ v11l; u = v7h ^ v11h; v7l = (t << 1) | (u >>> 31); v7h = (u << 1) | (t >>> 31);

    // G(v0, v5, v10, v15, m[σ8], m[σ9])
    x = SIGMA[s + 8]; y = SIGMA[s + 9];
    t = (v0l + v5l) | 0; v0h = (v0h + v5h + +(t >>> 0 < v0l >>> 0)) | 0; v0l = t;
    t = (v0l + m[x]) | 0; v0h = (v0h + m[x + 1] + +(t >>> 0 < v0l >>> 0)) | 0; v0l = t;
    t = v15l ^ v0l; v15l = v15h ^ v0h; v15h = t;
    t = (v10l + v15l) | 0; v10h = (v10h + v15h + +(t >>> 0 < v10l >>> 0)) | 0; v10l = t;
    t = v5l ^ v10l; u = v5h ^ v10h; v5l = (t >>> 24) | (u << 8); v5h = (u >>> 24) | (t << 8);
    t = (v0l + v5l) | 0; v0h = (v0h + v5h + +(t >>> 0 < v0l >>> 0)) | 0; v0l = t;
    t = (v0l + m[y]) | 0; v0h = (v0h + m[y + 1] + +(t >>> 0 < v0l >>> 0)) | 0; v0l = t;
    t = v15l ^ v0l; u = v15h ^ v0h; v15l = (t >>> 16) | (u << 16); v15h = (u >>> 16) | (t << 16);
    t = (v10l + v15l) | 0; v10h = (v10h + v15h + +(t >>> 0 < v10l >>> 0)) | 0; v10l = t;
    t = v5l ^ v10l; u = v5h ^ v10h; v5l = (t << 1) | (u >>> 31); v5h = (u << 1) | (t >>> 31);

    // G(v1, v6, v11, v12, m[σ10], m[σ11])
    x = SIGMA[s + 10]; y = SIGMA[s + 11];
    t = (v1l + v6l) | 0; v1h = (v1h + v6h + +(t >>> 0 < v1l >>> 0)) | 0; v1l = t;
    t = (v1l + m[x]) | 0; v1h = (v1h + m[x + 1] + +(t >>> 0 < v1l >>> 0)) | 0; v1l = t;
    t = v12l ^ v1l; v12l = v12h ^ v1h; v12h = t;
    t = (v11l + v12l) | 0; v11h = (v11h + v12h + +(t >>> 0 < v11l >>> 0)) | 0; v11l = t;
    t = v6l ^ v11l; u = v6h ^ v11h; v6l = (t >>> 24) | (u << 8); v6h = (u >>> 24) | (t << 8);
    t = (v1l + v6l) | 0; v1h = (v1h + v6h + +(t >>> 0 < v1l >>> 0)) | 0; v1l = t;
    t = (v1l + m[y]) | 0; v1h = (v1h + m[y + 1] + +(t >>> 0 < v1l >>> 0)) | 0; v1l = t;
    t = v12l ^ v1l; u = v12h ^ v1h; v12l = (t >>> 16) | (u << 16); v12h = (u >>> 16) | (t << 16);
    t = (v11l + v12l) | 0; v11h = (v11h + v12h + +(t >>> 0 < v11l >>> 0)) | 0; v11l = t;
    t = v6l ^ v11l; u = v6h ^ v11h; v6l = (t << 1) | (u >>> 31); v6h = (u << 1) | (t >>> 31);

    // G(v2, v7, v8, v13, m[σ12], m[σ13])
    x = SIGMA[s + 12]; y = SIGMA[s + 13];
    t = (v2l + v7l) | 0; v2h = (v2h + v7h + +(t >>> 0 < v2l >>> 0)) | 0; v2l = t;
    t = (v2l + m[x]) | 0; v2h = (v2h + m[x + 1] + +(t >>> 0 < v2l >>> 0)) | 0; v2l = t;
    t = v13l ^ v2l; v13l = v13h ^ v2h; v13h = t;
    t = (v8l + v13l) | 0; v8h = (v8h + v13h + +(t >>> 0 < v8l >>> 0)) | 0; v8l = t;
    t = v7l ^ v8l; u = v7h ^ v8h; v7l = (t >>> 24) | (u << 8); v7h = (u >>> 24) | (t << 8);
    t = (v2l + v7l) | 0; v2h = (v2h + v7h + +(t >>> 0 < v2l >>> 0)) | 0; v2l = t;
    t = (v2l + m[y]) | 0; v2h = (v2h + m[y + 1] + +(t >>> 0 < v2l >>> 0)) | 0; v2l = t;
    t = v13l ^ v2l; u = v13h ^ v2h; v13l = (t >>> 16) | (u << 16); v13h = (u >>> 16) | (t << 16);
    t = (v8l + v13l) | 0; v8h = (v8h + v13h + +(t >>> 0 < v8l >>> 0)) | 0; v8l = t;
    t = v7l ^ v8l; u = v7h ^ v8h; v7l = (t << 1) | (u >>> 31); v7h = (u << 1) | (t >>> 31);

    // G(v3, v4, v9, v14, m[σ14], m[σ15])
    x = SIGMA[s + 14]; y = SIGMA[s + 15];
    t = (v3l + v4l) | 0; v3h = (v3h + v4h + +(t >>> 0 < v3l >>> 0)) | 0; v3l = t;
    t = (v3l + m[x]) | 0; v3h = (v3h + m[x + 1] + +(t >>> 0 < v3l >>> 0)) | 0; v3l = t;
    t = v14l ^ v3l; v14l = v14h ^ v3h; v14h = t;
    t = (v9l + v14l) | 0; v9h = (v9h + v14h + +(t >>> 0 < v9l >>> 0)) | 0; v9l = t;
    t = v4l ^ v9l; u = v4h ^ v9h; v4l = (t >>> 24) | (u << 8); v4h = (u >>> 24) | (t << 8);
    t = (v3l + v4l) | 0; v3h = (v3h + v4h + +(t >>> 0 < v3l >>> 0)) | 0; v3l = t;
    t = (v3l + m[y]) | 0; v3h = (v3h + m[y + 1] + +(t >>> 0 < v3l >>> 0)) | 0; v3l = t;
    t = v14l ^ v3l; u = v14h ^ v3h; v14l = (t >>> 16) | (u << 16); v14h = (u >>> 16) | (t << 16);
    t = (v9l + v14l) | 0; v9h = (v9h + v14h + +(t >>> 0 < v9l >>> 0)) | 0; v9l = t;
    t = v4l ^ v9l; u = v4h ^ v9h; v4l = (t << 1) | (u >>> 31); v4h = (u << 1) | (t >>> 31);
  }
  h[0] ^= v0l ^ v8l; h[1] ^= v0h ^ v8h; h[2] ^= v1l ^ v9l; h[3] ^= v1h ^ v9h;
  h[4] ^= v2l ^ v10l; h[5] ^= v2h ^ v10h; h[6] ^= v3l ^ v11l; h[7] ^= v3h ^ v11h;
  h[8] ^= v4l ^ v12l; h[9] ^= v4h ^ v12h; h[10] ^= v5l ^ v13l; h[11] ^= v5h ^ v13h;
  h[12] ^= v6l ^ v14l; h[13] ^= v6h ^ v14h; h[14] ^= v7l ^ v15l; h[15] ^= v7h ^ v15h;
}

/** Reads the 128-byte block at `bytes[offset]` into `words` as 32 little-endian halves. */
function loadBlock(words: Int32Array, bytes: Uint8Array, offset: number): void {
  for (let i = 0, p = offset; i < 32; i++, p += 4) {
    words[i] = bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16) | (bytes[p + 3] << 24);
  }
}

/**
 * Compresses `blocks` consecutive blocks of `data`, from `offset`, into the chain value `h`
 * ([low, high] halves). `counter` is t for the first of them and grows by 128 for each next
 * one; `final` marks the last block of the message (then `blocks` is 1).
 */
type CompressBlocks = (
  h: Int32Array,
  data: Uint8Array,
  offset: number,
  blocks: number,
  counter: number,
  final: boolean,
) => void;

/** The message block being compressed, shared: hashing never yields between load and use. */
const jsWords = new Int32Array(32);

const compressBlocksJs: CompressBlocks = (h, data, offset, blocks, counter, final) => {
  const flag = final ? -1 : 0;
  for (const end = offset + blocks * BLOCK; offset < end; offset += BLOCK, counter += BLOCK) {
    loadBlock(jsWords, data, offset);
    compress(h, jsWords, counter | 0, (counter / TWO_32) | 0, flag);
  }
};

/*
 * The WebAssembly version: one exported function, `compress(ptr, blocks, tLow, tHigh, final)`,
 * that compresses `blocks` blocks from memory at `ptr` into the chain value held at memory
 * [0, 64), with the IV at [64, 128). Input is copied to STAGE in runs of up to STAGE_BLOCKS.
 */
const STAGE = 128;
const STAGE_BLOCKS = 512;
const WASM_PAGES = 2; // 64 KiB each: room for STAGE + STAGE_BLOCKS * BLOCK

/** The WebAssembly opcodes used, from the core specification's binary format. */
const Op = {
  Loop: 0x03,
  End: 0x0b,
  BrIf: 0x0d,
  LocalGet: 0x20,
  LocalSet: 0x21,
  LocalTee: 0x22,
  I64Load: 0x29,
  I64Store: 0x37,
  I32Const: 0x41,
  I64Const: 0x42,
  I32Add: 0x6a,
  I32Sub: 0x6b,
  I64Add: 0x7c,
  I64Sub: 0x7d,
  I64Or: 0x84,
  I64Xor: 0x85,
  I64Shl: 0x86,
  I64Rotr: 0x8a,
  I64ExtendI32U: 0xad,
} as const;
const I32 = 0x7f;
const I64 = 0x7e;

function unsignedLeb(value: number): number[] {
  const out: number[] = [];
  do {
    const low = value & 0x7f;
    value >>>= 7;
    out.push(value === 0 ? low : low | 0x80);
  } while (value !== 0);
  return out;
}

/** Signed LEB128 of a small integer (the constants here fit in 32 bits). */
function signedLeb(value: number): number[] {
  const out: number[] = [];
  for (;;) {
    const low = value & 0x7f;
    value >>= 7;
    const done = (value === 0 && (low & 0x40) === 0) || (value === -1 && (low & 0x40) !== 0);
    out.push(done ? low : low | 0x80);
    if (done) return out;
  }
}

function vector(items: number[][]): number[] {
  return [...unsignedLeb(items.length), ...items.flat()];
}

function section(id: number, content: number[]): number[] {
  return [id, ...unsignedLeb(content.length), ...content];
}

function name(text: string): number[] {
  return vector([...text].map((c) => [c.charCodeAt(0)]));
}

/** The binary WebAssembly module holding F, with its 12 rounds unrolled. */
function assemble(): Uint8Array {
  // Parameters 0-4, then the 64-bit locals: t, f, v0..v15, m0..m15.
  const [ptr, blocks, tLow, tHigh, final] = [0, 1, 2, 3, 4];
  const [t, f] = [5, 6];
  const v = (i: number) => 7 + i;
  const m = (i: number) => 23 + i;
  const get = (local: number) => [Op.LocalGet, ...unsignedLeb(local)];
  const set = (local: number) => [Op.LocalSet, ...unsignedLeb(local)];
  const load = (offset: number) => [Op.I64Load, 3, ...unsignedLeb(offset)];
  const i64 = (value: number) => [Op.I64Const, ...signedLeb(value)];
  // a = a + b (+ x)
  const add = (a: number, b: number, x?: number) => [
    ...get(a),
    ...get(b),
    Op.I64Add,
    ...(x === undefined ? [] : [...get(x), Op.I64Add]),
    ...set(a),
  ];
  // a = (a ^ b) >>> bits
  const xorRotate = (a: number, b: number, bits: number) => [
    ...get(a),
    ...get(b),
    Op.I64Xor,
    ...i64(bits),
    Op.I64Rotr,
    ...set(a),
  ];

  const code: number[] = [];
  // t = tHigh << 32 | tLow; f = -final, all ones for the last block
  code.push(...get(tLow), Op.I64ExtendI32U, ...get(tHigh), Op.I64ExtendI32U, ...i64(32));
  code.push(Op.I64Shl, Op.I64Or, ...set(t));
  code.push(...i64(0), ...get(final), Op.I64ExtendI32U, Op.I64Sub, ...set(f));
  code.push(Op.Loop, 0x40);
  for (let i = 0; i < 16; i++) code.push(...get(ptr), ...load(8 * i), ...set(m(i)));
  for (let i = 0; i < 8; i++) code.push(Op.I32Const, 0, ...load(8 * i), ...set(v(i)));
  for (let i = 0; i < 8; i++) {
    code.push(Op.I32Const, 0, ...load(64 + 8 * i));
    if (i === 4) code.push(...get(t), Op.I64Xor);
    if (i === 6) code.push(...get(f), Op.I64Xor);
    code.push(...set(v(8 + i)));
  }
  const columnsThenDiagonals = [
    [0, 4, 8, 12],
    [1, 5, 9, 13],
    [2, 6, 10, 14],
    [3, 7, 11, 15],
    [0, 5, 10, 15],
    [1, 6, 11, 12],
    [2, 7, 8, 13],
    [3, 4, 9, 14],
  ];
  for (let round = 0; round < ROUNDS; round++) {
    const sigma = SIGMA_ROWS[round % 10];
    columnsThenDiagonals.forEach(([a, b, c, d], i) => {
      const [va, vb, vc, vd] = [v(a), v(b), v(c), v(d)];
      code.push(...add(va, vb, m(sigma[2 * i])), ...xorRotate(vd, va, 32));
      code.push(...add(vc, vd), ...xorRotate(vb, vc, 24));
      code.push(...add(va, vb, m(sigma[2 * i + 1])), ...xorRotate(vd, va, 16));
      code.push(...add(vc, vd), ...xorRotate(vb, vc, 63));
    });
  }
  // h[i] ^= v[i] ^ v[i + 8]
  for (let i = 0; i < 8; i++) {
    code.push(Op.I32Const, 0, Op.I32Const, 0, ...load(8 * i), ...get(v(i)), Op.I64Xor);
    code.push(...get(v(8 + i)), Op.I64Xor, Op.I64Store, 3, ...unsignedLeb(8 * i));
  }
  // the next block: t += 128, ptr += 128, loop while --blocks
  code.push(...get(t), ...i64(BLOCK), Op.I64Add, ...set(t));
  code.push(...get(ptr), Op.I32Const, ...signedLeb(BLOCK), Op.I32Add, ...set(ptr));
  code.push(...get(blocks), Op.I32Const, 1, Op.I32Sub, Op.LocalTee, ...unsignedLeb(blocks));
  code.push(Op.BrIf, 0, Op.End, Op.End);

  const body = [...vector([[...unsignedLeb(34), I64]]), ...code];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
    ...section(1, vector([[0x60, ...vector([[I32], [I32], [I32], [I32], [I32]]), 0]])), // types
    ...section(3, vector([[0]])), // functions: one, of type 0
    ...section(5, vector([[0x00, WASM_PAGES]])), // memory
    ...section(
      7,
      vector([
        [...name("compress"), 0x00, 0],
        [...name("memory"), 0x02, 0],
      ]),
    ),
    ...section(10, vector([[...unsignedLeb(body.length), ...body]])), // code
  ]);
}

/** As much of the WebAssembly JS API as is used here (the project's lib has no DOM types). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

function instantiateWasm(): CompressBlocks {
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (!api) throw new Error("no WebAssembly");
  const { exports } = new api.Instance(new api.Module(assemble()));
  const run = exports.compress as (...args: number[]) => void;
  const buffer = (exports.memory as { buffer: ArrayBuffer }).buffer; // fixed: it never grows
  const bytes = new Uint8Array(buffer);
  // [low, high] Int32 halves are the 64-bit words' little-endian bytes (on little-endian hosts).
  const state = new Int32Array(buffer, 0, 16);
  new Int32Array(buffer, 64, 16).set(IV);
  return (h, data, offset, blocks, counter, final) => {
    state.set(h);
    while (blocks > 0) {
      const n = Math.min(blocks, STAGE_BLOCKS);
      bytes.set(data.subarray(offset, offset + n * BLOCK), STAGE);
      run(STAGE, n, counter | 0, (counter / TWO_32) | 0, final ? 1 : 0);
      blocks -= n;
      offset += n * BLOCK;
      counter += n * BLOCK;
    }
    h.set(state);
  };
}

let wasmCompressBlocks: CompressBlocks | null | undefined;

/** The WebAssembly F, built on first use, or null where it cannot be. */
function wasmCompressor(): CompressBlocks | null {
  if (wasmCompressBlocks === undefined) {
    try {
      wasmCompressBlocks = LITTLE_ENDIAN ? instantiateWasm() : null;
    } catch {
      wasmCompressBlocks = null;
    }
  }
  return wasmCompressBlocks;
}

/** Whether `new Blake2b()` uses WebAssembly here (else the slower plain JavaScript). */
export function blake2bUsesWasm(): boolean {
  return wasmCompressor() !== null;
}

export interface Blake2bOptions {
  /** Use WebAssembly where it is available (the default), or false for plain JavaScript. */
  wasm?: boolean;
}

/** Streaming, unkeyed BLAKE2b. `new Blake2b()` is BLAKE2b-256, PyPI's `blake2_256_digest`. */
export class Blake2b {
  readonly outputBytes: number;
  /** The chain value h, as [low, high] halves. */
  private readonly h = new Int32Array(16);
  private readonly compressBlocks: CompressBlocks;
  /**
   * Up to one whole block of input not yet compressed. A full block is held back until more
   * input arrives, since the last block must be compressed with the final flag set.
   */
  private readonly pending = new Uint8Array(BLOCK);
  private pendingLength = 0;
  /** Bytes compressed so far, the counter t. */
  private compressed = 0;
  private result: Buffer | undefined;

  constructor(outputBytes = 32, options: Blake2bOptions = {}) {
    if (!Number.isInteger(outputBytes) || outputBytes < 1 || outputBytes > 64) {
      throw new RangeError(`BLAKE2b digest length must be 1 to 64 bytes, not ${outputBytes}`);
    }
    this.outputBytes = outputBytes;
    this.compressBlocks = (options.wasm !== false && wasmCompressor()) || compressBlocksJs;
    this.h.set(IV);
    // The parameter block's first word: digest length, key length 0, fanout 1, depth 1.
    this.h[0] ^= 0x01010000 | outputBytes;
  }

  update(data: Uint8Array): this {
    if (this.result) throw new Error("Blake2b.update() after digest()");
    const length = data.length;
    let offset = 0;
    if (this.pendingLength > 0) {
      offset = Math.min(BLOCK - this.pendingLength, length);
      this.pending.set(data.subarray(0, offset), this.pendingLength);
      this.pendingLength += offset;
      if (offset === length) return this; // the block may still be the last one
      this.compress(this.pending, 0, 1);
      this.pendingLength = 0;
    }
    // Whole blocks straight from `data`, all but the last since `data` may end on a boundary.
    const blocks = Math.floor((length - offset - 1) / BLOCK);
    if (blocks > 0) {
      this.compress(data, offset, blocks);
      offset += blocks * BLOCK;
    }
    this.pending.set(data.subarray(offset), 0);
    this.pendingLength = length - offset;
    return this;
  }

  /** Finalises (once; later calls return the same digest) and returns the digest. */
  digest(): Buffer {
    if (!this.result) {
      // The last block, padded with zeros; the counter counts only the message bytes.
      this.pending.fill(0, this.pendingLength);
      const counter = this.compressed + this.pendingLength;
      this.compressBlocks(this.h, this.pending, 0, 1, counter, true);
      const out = Buffer.alloc(this.outputBytes);
      for (let i = 0; i < this.outputBytes; i++) out[i] = this.h[i >> 2] >>> ((i & 3) * 8);
      this.result = out;
    }
    return Buffer.from(this.result);
  }

  /** Compresses blocks that are known not to be the last. */
  private compress(data: Uint8Array, offset: number, blocks: number): void {
    this.compressBlocks(this.h, data, offset, blocks, this.compressed + BLOCK, false);
    this.compressed += blocks * BLOCK;
  }
}

/** BLAKE2b-256 of `data`, in hex: PyPI's `blake2_256_digest`. */
export function blake2b256(data: Uint8Array): string {
  return new Blake2b(32).update(data).digest().toString("hex");
}
