export const id = 812;
export const ids = [812];
export const modules = {

/***/ 10812:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  attestDists: () => (/* binding */ attestDists),
  provenanceSummary: () => (/* binding */ provenanceSummary),
  signingIdentity: () => (/* binding */ signingIdentity)
});

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(48161);
var external_node_os_default = /*#__PURE__*/__webpack_require__.n(external_node_os_);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
;// CONCATENATED MODULE: ./shared/digests/blake2b.ts
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
    for (let i = 0; i < 16; i++)
        SIGMA[round * 16 + i] = SIGMA_ROWS[round % 10][i] * 2;
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
function compress(h, m, tLow, tHigh, final) {
    let v0l = h[0], v0h = h[1], v1l = h[2], v1h = h[3], v2l = h[4], v2h = h[5], v3l = h[6], v3h = h[7];
    let v4l = h[8], v4h = h[9], v5l = h[10], v5h = h[11], v6l = h[12], v6h = h[13], v7l = h[14], v7h = h[15];
    let v8l = IV[0], v8h = IV[1], v9l = IV[2], v9h = IV[3], v10l = IV[4], v10h = IV[5], v11l = IV[6], v11h = IV[7];
    let v12l = IV[8] ^ tLow, v12h = IV[9] ^ tHigh, v13l = IV[10], v13h = IV[11];
    let v14l = IV[12] ^ final, v14h = IV[13] ^ final, v15l = IV[14], v15h = IV[15];
    let t = 0, u = 0, x = 0, y = 0;
    for (let s = 0; s < ROUNDS * 16; s += 16) {
        // G(v0, v4, v8, v12, m[σ0], m[σ1])
        x = SIGMA[s];
        y = SIGMA[s + 1];
        t = (v0l + v4l) | 0;
        v0h = (v0h + v4h + +(t >>> 0 < v0l >>> 0)) | 0;
        v0l = t;
        t = (v0l + m[x]) | 0;
        v0h = (v0h + m[x + 1] + +(t >>> 0 < v0l >>> 0)) | 0;
        v0l = t;
        t = v12l ^ v0l;
        v12l = v12h ^ v0h;
        v12h = t;
        t = (v8l + v12l) | 0;
        v8h = (v8h + v12h + +(t >>> 0 < v8l >>> 0)) | 0;
        v8l = t;
        t = v4l ^ v8l;
        u = v4h ^ v8h;
        v4l = (t >>> 24) | (u << 8);
        v4h = (u >>> 24) | (t << 8);
        t = (v0l + v4l) | 0;
        v0h = (v0h + v4h + +(t >>> 0 < v0l >>> 0)) | 0;
        v0l = t;
        t = (v0l + m[y]) | 0;
        v0h = (v0h + m[y + 1] + +(t >>> 0 < v0l >>> 0)) | 0;
        v0l = t;
        t = v12l ^ v0l;
        u = v12h ^ v0h;
        v12l = (t >>> 16) | (u << 16);
        v12h = (u >>> 16) | (t << 16);
        t = (v8l + v12l) | 0;
        v8h = (v8h + v12h + +(t >>> 0 < v8l >>> 0)) | 0;
        v8l = t;
        t = v4l ^ v8l;
        u = v4h ^ v8h;
        v4l = (t << 1) | (u >>> 31);
        v4h = (u << 1) | (t >>> 31);
        // G(v1, v5, v9, v13, m[σ2], m[σ3])
        x = SIGMA[s + 2];
        y = SIGMA[s + 3];
        t = (v1l + v5l) | 0;
        v1h = (v1h + v5h + +(t >>> 0 < v1l >>> 0)) | 0;
        v1l = t;
        t = (v1l + m[x]) | 0;
        v1h = (v1h + m[x + 1] + +(t >>> 0 < v1l >>> 0)) | 0;
        v1l = t;
        t = v13l ^ v1l;
        v13l = v13h ^ v1h;
        v13h = t;
        t = (v9l + v13l) | 0;
        v9h = (v9h + v13h + +(t >>> 0 < v9l >>> 0)) | 0;
        v9l = t;
        t = v5l ^ v9l;
        u = v5h ^ v9h;
        v5l = (t >>> 24) | (u << 8);
        v5h = (u >>> 24) | (t << 8);
        t = (v1l + v5l) | 0;
        v1h = (v1h + v5h + +(t >>> 0 < v1l >>> 0)) | 0;
        v1l = t;
        t = (v1l + m[y]) | 0;
        v1h = (v1h + m[y + 1] + +(t >>> 0 < v1l >>> 0)) | 0;
        v1l = t;
        t = v13l ^ v1l;
        u = v13h ^ v1h;
        v13l = (t >>> 16) | (u << 16);
        v13h = (u >>> 16) | (t << 16);
        t = (v9l + v13l) | 0;
        v9h = (v9h + v13h + +(t >>> 0 < v9l >>> 0)) | 0;
        v9l = t;
        t = v5l ^ v9l;
        u = v5h ^ v9h;
        v5l = (t << 1) | (u >>> 31);
        v5h = (u << 1) | (t >>> 31);
        // G(v2, v6, v10, v14, m[σ4], m[σ5])
        x = SIGMA[s + 4];
        y = SIGMA[s + 5];
        t = (v2l + v6l) | 0;
        v2h = (v2h + v6h + +(t >>> 0 < v2l >>> 0)) | 0;
        v2l = t;
        t = (v2l + m[x]) | 0;
        v2h = (v2h + m[x + 1] + +(t >>> 0 < v2l >>> 0)) | 0;
        v2l = t;
        t = v14l ^ v2l;
        v14l = v14h ^ v2h;
        v14h = t;
        t = (v10l + v14l) | 0;
        v10h = (v10h + v14h + +(t >>> 0 < v10l >>> 0)) | 0;
        v10l = t;
        t = v6l ^ v10l;
        u = v6h ^ v10h;
        v6l = (t >>> 24) | (u << 8);
        v6h = (u >>> 24) | (t << 8);
        t = (v2l + v6l) | 0;
        v2h = (v2h + v6h + +(t >>> 0 < v2l >>> 0)) | 0;
        v2l = t;
        t = (v2l + m[y]) | 0;
        v2h = (v2h + m[y + 1] + +(t >>> 0 < v2l >>> 0)) | 0;
        v2l = t;
        t = v14l ^ v2l;
        u = v14h ^ v2h;
        v14l = (t >>> 16) | (u << 16);
        v14h = (u >>> 16) | (t << 16);
        t = (v10l + v14l) | 0;
        v10h = (v10h + v14h + +(t >>> 0 < v10l >>> 0)) | 0;
        v10l = t;
        t = v6l ^ v10l;
        u = v6h ^ v10h;
        v6l = (t << 1) | (u >>> 31);
        v6h = (u << 1) | (t >>> 31);
        // G(v3, v7, v11, v15, m[σ6], m[σ7])
        x = SIGMA[s + 6];
        y = SIGMA[s + 7];
        t = (v3l + v7l) | 0;
        v3h = (v3h + v7h + +(t >>> 0 < v3l >>> 0)) | 0;
        v3l = t;
        t = (v3l + m[x]) | 0;
        v3h = (v3h + m[x + 1] + +(t >>> 0 < v3l >>> 0)) | 0;
        v3l = t;
        t = v15l ^ v3l;
        v15l = v15h ^ v3h;
        v15h = t;
        t = (v11l + v15l) | 0;
        v11h = (v11h + v15h + +(t >>> 0 < v11l >>> 0)) | 0;
        v11l = t;
        t = v7l ^ v11l;
        u = v7h ^ v11h;
        v7l = (t >>> 24) | (u << 8);
        v7h = (u >>> 24) | (t << 8);
        t = (v3l + v7l) | 0;
        v3h = (v3h + v7h + +(t >>> 0 < v3l >>> 0)) | 0;
        v3l = t;
        t = (v3l + m[y]) | 0;
        v3h = (v3h + m[y + 1] + +(t >>> 0 < v3l >>> 0)) | 0;
        v3l = t;
        t = v15l ^ v3l;
        u = v15h ^ v3h;
        v15l = (t >>> 16) | (u << 16);
        v15h = (u >>> 16) | (t << 16);
        t = (v11l + v15l) | 0;
        v11h = (v11h + v15h + +(t >>> 0 < v11l >>> 0)) | 0;
        v11l = t;
        t = v7l ^ v11l;
        u = v7h ^ v11h;
        v7l = (t << 1) | (u >>> 31);
        v7h = (u << 1) | (t >>> 31);
        // G(v0, v5, v10, v15, m[σ8], m[σ9])
        x = SIGMA[s + 8];
        y = SIGMA[s + 9];
        t = (v0l + v5l) | 0;
        v0h = (v0h + v5h + +(t >>> 0 < v0l >>> 0)) | 0;
        v0l = t;
        t = (v0l + m[x]) | 0;
        v0h = (v0h + m[x + 1] + +(t >>> 0 < v0l >>> 0)) | 0;
        v0l = t;
        t = v15l ^ v0l;
        v15l = v15h ^ v0h;
        v15h = t;
        t = (v10l + v15l) | 0;
        v10h = (v10h + v15h + +(t >>> 0 < v10l >>> 0)) | 0;
        v10l = t;
        t = v5l ^ v10l;
        u = v5h ^ v10h;
        v5l = (t >>> 24) | (u << 8);
        v5h = (u >>> 24) | (t << 8);
        t = (v0l + v5l) | 0;
        v0h = (v0h + v5h + +(t >>> 0 < v0l >>> 0)) | 0;
        v0l = t;
        t = (v0l + m[y]) | 0;
        v0h = (v0h + m[y + 1] + +(t >>> 0 < v0l >>> 0)) | 0;
        v0l = t;
        t = v15l ^ v0l;
        u = v15h ^ v0h;
        v15l = (t >>> 16) | (u << 16);
        v15h = (u >>> 16) | (t << 16);
        t = (v10l + v15l) | 0;
        v10h = (v10h + v15h + +(t >>> 0 < v10l >>> 0)) | 0;
        v10l = t;
        t = v5l ^ v10l;
        u = v5h ^ v10h;
        v5l = (t << 1) | (u >>> 31);
        v5h = (u << 1) | (t >>> 31);
        // G(v1, v6, v11, v12, m[σ10], m[σ11])
        x = SIGMA[s + 10];
        y = SIGMA[s + 11];
        t = (v1l + v6l) | 0;
        v1h = (v1h + v6h + +(t >>> 0 < v1l >>> 0)) | 0;
        v1l = t;
        t = (v1l + m[x]) | 0;
        v1h = (v1h + m[x + 1] + +(t >>> 0 < v1l >>> 0)) | 0;
        v1l = t;
        t = v12l ^ v1l;
        v12l = v12h ^ v1h;
        v12h = t;
        t = (v11l + v12l) | 0;
        v11h = (v11h + v12h + +(t >>> 0 < v11l >>> 0)) | 0;
        v11l = t;
        t = v6l ^ v11l;
        u = v6h ^ v11h;
        v6l = (t >>> 24) | (u << 8);
        v6h = (u >>> 24) | (t << 8);
        t = (v1l + v6l) | 0;
        v1h = (v1h + v6h + +(t >>> 0 < v1l >>> 0)) | 0;
        v1l = t;
        t = (v1l + m[y]) | 0;
        v1h = (v1h + m[y + 1] + +(t >>> 0 < v1l >>> 0)) | 0;
        v1l = t;
        t = v12l ^ v1l;
        u = v12h ^ v1h;
        v12l = (t >>> 16) | (u << 16);
        v12h = (u >>> 16) | (t << 16);
        t = (v11l + v12l) | 0;
        v11h = (v11h + v12h + +(t >>> 0 < v11l >>> 0)) | 0;
        v11l = t;
        t = v6l ^ v11l;
        u = v6h ^ v11h;
        v6l = (t << 1) | (u >>> 31);
        v6h = (u << 1) | (t >>> 31);
        // G(v2, v7, v8, v13, m[σ12], m[σ13])
        x = SIGMA[s + 12];
        y = SIGMA[s + 13];
        t = (v2l + v7l) | 0;
        v2h = (v2h + v7h + +(t >>> 0 < v2l >>> 0)) | 0;
        v2l = t;
        t = (v2l + m[x]) | 0;
        v2h = (v2h + m[x + 1] + +(t >>> 0 < v2l >>> 0)) | 0;
        v2l = t;
        t = v13l ^ v2l;
        v13l = v13h ^ v2h;
        v13h = t;
        t = (v8l + v13l) | 0;
        v8h = (v8h + v13h + +(t >>> 0 < v8l >>> 0)) | 0;
        v8l = t;
        t = v7l ^ v8l;
        u = v7h ^ v8h;
        v7l = (t >>> 24) | (u << 8);
        v7h = (u >>> 24) | (t << 8);
        t = (v2l + v7l) | 0;
        v2h = (v2h + v7h + +(t >>> 0 < v2l >>> 0)) | 0;
        v2l = t;
        t = (v2l + m[y]) | 0;
        v2h = (v2h + m[y + 1] + +(t >>> 0 < v2l >>> 0)) | 0;
        v2l = t;
        t = v13l ^ v2l;
        u = v13h ^ v2h;
        v13l = (t >>> 16) | (u << 16);
        v13h = (u >>> 16) | (t << 16);
        t = (v8l + v13l) | 0;
        v8h = (v8h + v13h + +(t >>> 0 < v8l >>> 0)) | 0;
        v8l = t;
        t = v7l ^ v8l;
        u = v7h ^ v8h;
        v7l = (t << 1) | (u >>> 31);
        v7h = (u << 1) | (t >>> 31);
        // G(v3, v4, v9, v14, m[σ14], m[σ15])
        x = SIGMA[s + 14];
        y = SIGMA[s + 15];
        t = (v3l + v4l) | 0;
        v3h = (v3h + v4h + +(t >>> 0 < v3l >>> 0)) | 0;
        v3l = t;
        t = (v3l + m[x]) | 0;
        v3h = (v3h + m[x + 1] + +(t >>> 0 < v3l >>> 0)) | 0;
        v3l = t;
        t = v14l ^ v3l;
        v14l = v14h ^ v3h;
        v14h = t;
        t = (v9l + v14l) | 0;
        v9h = (v9h + v14h + +(t >>> 0 < v9l >>> 0)) | 0;
        v9l = t;
        t = v4l ^ v9l;
        u = v4h ^ v9h;
        v4l = (t >>> 24) | (u << 8);
        v4h = (u >>> 24) | (t << 8);
        t = (v3l + v4l) | 0;
        v3h = (v3h + v4h + +(t >>> 0 < v3l >>> 0)) | 0;
        v3l = t;
        t = (v3l + m[y]) | 0;
        v3h = (v3h + m[y + 1] + +(t >>> 0 < v3l >>> 0)) | 0;
        v3l = t;
        t = v14l ^ v3l;
        u = v14h ^ v3h;
        v14l = (t >>> 16) | (u << 16);
        v14h = (u >>> 16) | (t << 16);
        t = (v9l + v14l) | 0;
        v9h = (v9h + v14h + +(t >>> 0 < v9l >>> 0)) | 0;
        v9l = t;
        t = v4l ^ v9l;
        u = v4h ^ v9h;
        v4l = (t << 1) | (u >>> 31);
        v4h = (u << 1) | (t >>> 31);
    }
    h[0] ^= v0l ^ v8l;
    h[1] ^= v0h ^ v8h;
    h[2] ^= v1l ^ v9l;
    h[3] ^= v1h ^ v9h;
    h[4] ^= v2l ^ v10l;
    h[5] ^= v2h ^ v10h;
    h[6] ^= v3l ^ v11l;
    h[7] ^= v3h ^ v11h;
    h[8] ^= v4l ^ v12l;
    h[9] ^= v4h ^ v12h;
    h[10] ^= v5l ^ v13l;
    h[11] ^= v5h ^ v13h;
    h[12] ^= v6l ^ v14l;
    h[13] ^= v6h ^ v14h;
    h[14] ^= v7l ^ v15l;
    h[15] ^= v7h ^ v15h;
}
/** Reads the 128-byte block at `bytes[offset]` into `words` as 32 little-endian halves. */
function loadBlock(words, bytes, offset) {
    for (let i = 0, p = offset; i < 32; i++, p += 4) {
        words[i] = bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16) | (bytes[p + 3] << 24);
    }
}
/** The message block being compressed, shared: hashing never yields between load and use. */
const jsWords = new Int32Array(32);
const compressBlocksJs = (h, data, offset, blocks, counter, final) => {
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
};
const I32 = 0x7f;
const I64 = 0x7e;
function unsignedLeb(value) {
    const out = [];
    do {
        const low = value & 0x7f;
        value >>>= 7;
        out.push(value === 0 ? low : low | 0x80);
    } while (value !== 0);
    return out;
}
/** Signed LEB128 of a small integer (the constants here fit in 32 bits). */
function signedLeb(value) {
    const out = [];
    for (;;) {
        const low = value & 0x7f;
        value >>= 7;
        const done = (value === 0 && (low & 0x40) === 0) || (value === -1 && (low & 0x40) !== 0);
        out.push(done ? low : low | 0x80);
        if (done)
            return out;
    }
}
function vector(items) {
    return [...unsignedLeb(items.length), ...items.flat()];
}
function section(id, content) {
    return [id, ...unsignedLeb(content.length), ...content];
}
function blake2b_name(text) {
    return vector([...text].map((c) => [c.charCodeAt(0)]));
}
/** The binary WebAssembly module holding F, with its 12 rounds unrolled. */
function assemble() {
    // Parameters 0-4, then the 64-bit locals: t, f, v0..v15, m0..m15.
    const [ptr, blocks, tLow, tHigh, final] = [0, 1, 2, 3, 4];
    const [t, f] = [5, 6];
    const v = (i) => 7 + i;
    const m = (i) => 23 + i;
    const get = (local) => [Op.LocalGet, ...unsignedLeb(local)];
    const set = (local) => [Op.LocalSet, ...unsignedLeb(local)];
    const load = (offset) => [Op.I64Load, 3, ...unsignedLeb(offset)];
    const i64 = (value) => [Op.I64Const, ...signedLeb(value)];
    // a = a + b (+ x)
    const add = (a, b, x) => [
        ...get(a),
        ...get(b),
        Op.I64Add,
        ...(x === undefined ? [] : [...get(x), Op.I64Add]),
        ...set(a),
    ];
    // a = (a ^ b) >>> bits
    const xorRotate = (a, b, bits) => [
        ...get(a),
        ...get(b),
        Op.I64Xor,
        ...i64(bits),
        Op.I64Rotr,
        ...set(a),
    ];
    const code = [];
    // t = tHigh << 32 | tLow; f = -final, all ones for the last block
    code.push(...get(tLow), Op.I64ExtendI32U, ...get(tHigh), Op.I64ExtendI32U, ...i64(32));
    code.push(Op.I64Shl, Op.I64Or, ...set(t));
    code.push(...i64(0), ...get(final), Op.I64ExtendI32U, Op.I64Sub, ...set(f));
    code.push(Op.Loop, 0x40);
    for (let i = 0; i < 16; i++)
        code.push(...get(ptr), ...load(8 * i), ...set(m(i)));
    for (let i = 0; i < 8; i++)
        code.push(Op.I32Const, 0, ...load(8 * i), ...set(v(i)));
    for (let i = 0; i < 8; i++) {
        code.push(Op.I32Const, 0, ...load(64 + 8 * i));
        if (i === 4)
            code.push(...get(t), Op.I64Xor);
        if (i === 6)
            code.push(...get(f), Op.I64Xor);
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
        ...section(7, vector([
            [...blake2b_name("compress"), 0x00, 0],
            [...blake2b_name("memory"), 0x02, 0],
        ])),
        ...section(10, vector([[...unsignedLeb(body.length), ...body]])), // code
    ]);
}
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
function instantiateWasm() {
    const api = globalThis.WebAssembly;
    if (!api)
        throw new Error("no WebAssembly");
    const { exports } = new api.Instance(new api.Module(assemble()));
    const run = exports.compress;
    const buffer = exports.memory.buffer; // fixed: it never grows
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
let wasmCompressBlocks;
/** The WebAssembly F, built on first use, or null where it cannot be. */
function wasmCompressor() {
    if (wasmCompressBlocks === undefined) {
        try {
            wasmCompressBlocks = LITTLE_ENDIAN ? instantiateWasm() : null;
        }
        catch {
            wasmCompressBlocks = null;
        }
    }
    return wasmCompressBlocks;
}
/** Whether `new Blake2b()` uses WebAssembly here (else the slower plain JavaScript). */
function blake2bUsesWasm() {
    return wasmCompressor() !== null;
}
/** Streaming, unkeyed BLAKE2b. `new Blake2b()` is BLAKE2b-256, PyPI's `blake2_256_digest`. */
class Blake2b {
    outputBytes;
    /** The chain value h, as [low, high] halves. */
    h = new Int32Array(16);
    compressBlocks;
    /**
     * Up to one whole block of input not yet compressed. A full block is held back until more
     * input arrives, since the last block must be compressed with the final flag set.
     */
    pending = new Uint8Array(BLOCK);
    pendingLength = 0;
    /** Bytes compressed so far, the counter t. */
    compressed = 0;
    result;
    constructor(outputBytes = 32, options = {}) {
        if (!Number.isInteger(outputBytes) || outputBytes < 1 || outputBytes > 64) {
            throw new RangeError(`BLAKE2b digest length must be 1 to 64 bytes, not ${outputBytes}`);
        }
        this.outputBytes = outputBytes;
        this.compressBlocks = (options.wasm !== false && wasmCompressor()) || compressBlocksJs;
        this.h.set(IV);
        // The parameter block's first word: digest length, key length 0, fanout 1, depth 1.
        this.h[0] ^= 0x01010000 | outputBytes;
    }
    update(data) {
        if (this.result)
            throw new Error("Blake2b.update() after digest()");
        const length = data.length;
        let offset = 0;
        if (this.pendingLength > 0) {
            offset = Math.min(BLOCK - this.pendingLength, length);
            this.pending.set(data.subarray(0, offset), this.pendingLength);
            this.pendingLength += offset;
            if (offset === length)
                return this; // the block may still be the last one
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
    digest() {
        if (!this.result) {
            // The last block, padded with zeros; the counter counts only the message bytes.
            this.pending.fill(0, this.pendingLength);
            const counter = this.compressed + this.pendingLength;
            this.compressBlocks(this.h, this.pending, 0, 1, counter, true);
            const out = Buffer.alloc(this.outputBytes);
            for (let i = 0; i < this.outputBytes; i++)
                out[i] = this.h[i >> 2] >>> ((i & 3) * 8);
            this.result = out;
        }
        return Buffer.from(this.result);
    }
    /** Compresses blocks that are known not to be the last. */
    compress(data, offset, blocks) {
        this.compressBlocks(this.h, data, offset, blocks, this.compressed + BLOCK, false);
        this.compressed += blocks * BLOCK;
    }
}
/** BLAKE2b-256 of `data`, in hex: PyPI's `blake2_256_digest`. */
function blake2b256(data) {
    return new Blake2b(32).update(data).digest().toString("hex");
}

;// CONCATENATED MODULE: ./shared/digests/digests.ts
/** The digests an upload reports (SHA-256, MD5, BLAKE2b-256), from one read of the file. */




/** Reads of 1 MiB: few calls per file, and each hash sees long runs of input. */
const CHUNK = 1024 * 1024;
/** The three hashes and the byte count, fed the same chunks. */
class Digester {
    size = 0;
    sha256 = (0,external_node_crypto_.createHash)("sha256");
    md5 = (0,external_node_crypto_.createHash)("md5");
    blake2b = new Blake2b(32);
    update(chunk) {
        this.size += chunk.length;
        this.sha256.update(chunk);
        this.md5.update(chunk);
        this.blake2b.update(chunk);
    }
    finish() {
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
class DigestingStream extends (/* unused pure expression or super */ null && (Transform)) {
    digester = new Digester();
    result;
    _transform(chunk, _encoding, callback) {
        this.digester.update(chunk);
        callback(null, chunk);
    }
    _flush(callback) {
        this.result = this.digester.finish();
        callback();
    }
    digests() {
        if (!this.result)
            throw new Error("DigestingStream.digests() before the stream ended");
        return { ...this.result };
    }
}
/** The size and digests of a file, read once. */
async function digestFile(file) {
    const digester = new Digester();
    for await (const chunk of (0,external_node_fs_.createReadStream)(file, { highWaterMark: CHUNK })) {
        digester.update(chunk);
    }
    return digester.finish();
}

// EXTERNAL MODULE: ./node_modules/@actions/github/lib/github.js
var github = __webpack_require__(61351);
// EXTERNAL MODULE: ./shared/http/deadline.ts
var http_deadline = __webpack_require__(45731);
// EXTERNAL MODULE: external "node:timers/promises"
var promises_ = __webpack_require__(58500);
// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(37067);
var external_node_http_default = /*#__PURE__*/__webpack_require__.n(external_node_http_);
// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(44708);
var external_node_https_default = /*#__PURE__*/__webpack_require__.n(external_node_https_);
// EXTERNAL MODULE: ./node_modules/@actions/http-client/lib/index.js + 1 modules
var lib = __webpack_require__(44942);
// EXTERNAL MODULE: ./shared/runtime/system-errors.ts
var system_errors = __webpack_require__(43586);
;// CONCATENATED MODULE: ./shared/http/http.ts
/** Plain HTTP to services (PyPI, OIDC, OSV): one request, a bounded answer, the runner's proxy. */





/** A failure to get any answer: refused, reset, timed out. Always worth another try. */
class NetworkError extends Error {
    constructor(message, options) {
        super(message, options);
        this.name = "NetworkError";
    }
}
const MAX_ANSWER_BYTES = 1024 * 1024;
const DEFAULT_TOTAL_MS = 10 * 60_000;
const proxies = new lib/* HttpClient */.Qq("pyship");
async function readAnswer(response) {
    const chunks = [];
    let size = 0;
    for await (const chunk of response) {
        size += chunk.length;
        if (size <= MAX_ANSWER_BYTES)
            chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString("utf8");
}
function send(url, init) {
    const target = new URL(url);
    const where = `${target.origin}${target.pathname}`;
    const transport = target.protocol === "https:" ? (external_node_https_default()) : (external_node_http_default());
    const totalMs = Math.min(init.totalMs ?? DEFAULT_TOTAL_MS, init.deadline?.remainingMs() ?? Infinity);
    const idleMs = init.timeoutMs ?? 60_000;
    if (totalMs <= 0) {
        return Promise.reject(new NetworkError(`no time left to ask ${where}`));
    }
    return new Promise((resolve, reject) => {
        let expired = false;
        const timer = setTimeout(() => {
            expired = true;
            request.destroy();
        }, totalMs);
        const fail = (error) => {
            clearTimeout(timer);
            if (expired) {
                reject(new NetworkError(`no complete answer from ${where} within ${(0,http_deadline/* seconds */.YA)(totalMs)} s`));
                return;
            }
            const reason = (0,system_errors/* isSystemError */.Or)(error)
                ? (0,system_errors/* systemReason */.uc)(error)
                : error instanceof Error
                    ? error.message
                    : String(error);
            reject(new NetworkError(`${init.method} ${where}: ${reason}`, { cause: error }));
        };
        const request = transport.request(target, {
            method: init.method,
            headers: { "User-Agent": "pyship", ...init.headers },
            agent: proxies.getAgent(url),
            timeout: idleMs,
        });
        request.on("timeout", () => request.destroy(new Error(`no data for ${(0,http_deadline/* seconds */.YA)(idleMs)} s`)));
        request.on("error", fail);
        request.on("close", () => {
            if (expired)
                fail(undefined);
        });
        let answered = false;
        request.on("response", (response) => {
            answered = true;
            readAnswer(response).then((body) => {
                if (expired)
                    return fail(undefined); // a body cut short is no answer
                clearTimeout(timer);
                resolve({
                    status: response.statusCode ?? 0,
                    statusText: response.statusMessage ?? "",
                    headers: response.headers,
                    body,
                });
            }, fail);
        });
        if (typeof init.body === "function") {
            // An answer before the body is sent (a 403, say) ends the request early: not an error.
            init.body(request).then(() => request.end(), (error) => {
                if (!answered)
                    request.destroy(error instanceof Error ? error : new Error(String(error)));
            });
        }
        else {
            request.end(init.body);
        }
    });
}
/** Parses a JSON answer; undefined when it is not JSON. */
function jsonBody(response) {
    try {
        return JSON.parse(response.body);
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: ./shared/http/retry.ts
/** Retries with exponential backoff and jitter, honouring Retry-After up to a cap, within a phase's deadline. */


/** An answer, or a failure to get one, that the caller asks to try again. */
class Retryable extends Error {
    retryAfterMs;
    constructor(message, retryAfterMs) {
        super(message);
        this.retryAfterMs = retryAfterMs;
        this.name = "Retryable";
    }
}
/** The longest Retry-After honoured: a longer one waits this long (the phase's deadline still bounds it). */
const MAX_RETRY_AFTER_MS = 30_000;
/** Retry-After in seconds or as an HTTP date, capped at MAX_RETRY_AFTER_MS. */
function retryAfterMs(response, now = Date.now()) {
    const header = response.headers["retry-after"];
    const value = Array.isArray(header) ? header[0] : header;
    if (!value)
        return undefined;
    const seconds = Number(value);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
    return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS) : undefined;
}
function backoffMs(attempt, policy, random = Math.random()) {
    const base = policy.baseDelayMs ?? 500;
    const ceiling = Math.min(policy.maxDelayMs ?? 10_000, base * 2 ** attempt);
    return Math.round(ceiling / 2 + (random * ceiling) / 2);
}
/**
 * Runs `attempt` until it returns, throws something other than Retryable or NetworkError,
 * or the retries are spent (then the last error is thrown). A wait that would end past the
 * deadline is not started: the phase gives up, naming the input that sets its budget.
 */
async function withRetries(policy, deadline, attempt) {
    const wait = policy.wait ?? ((ms) => (0,promises_.setTimeout)(ms));
    for (let index = 0;; index++) {
        try {
            return await attempt(index);
        }
        catch (error) {
            const transient = error instanceof Retryable || error instanceof NetworkError;
            if (!transient)
                throw error;
            if (deadline.remainingMs() <= 0)
                throw deadline.exceeded(index + 1, error.message);
            if (index >= policy.retries)
                throw error;
            const hinted = error instanceof Retryable ? error.retryAfterMs : undefined;
            const delay = hinted ?? backoffMs(index, policy);
            if (delay >= deadline.remainingMs())
                throw deadline.exceeded(index + 1, error.message);
            policy.onRetry?.(error.message, delay, index + 1);
            await wait(delay);
        }
    }
}

// EXTERNAL MODULE: ./shared/runtime/errors.ts
var errors = __webpack_require__(8126);
// EXTERNAL MODULE: ./shared/runtime/redact.ts
var redact = __webpack_require__(83956);
;// CONCATENATED MODULE: ./shared/github/attestations.ts
/** GitHub's artifact attestations: a signed Sigstore bundle stored on the repository (`attestations: write`). */





const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const DEFAULT_RETRIES = 3;
const statusOf = (error) => error?.status;
/** The error for a refused or failed store, as the step says it; never holding the token. */
function storeError(error, repository) {
    const failed = `could not store the attestation on ${repository}`;
    const status = statusOf(error);
    const detail = (0,redact/* serverText */.Tn)((0,errors/* errorMessage */.gJ)(error));
    if (status === 401)
        return new errors/* ConfigurationError */.j1((0,redact/* redact */.E$)(`${failed}: GitHub rejected the token (401 ${detail})`));
    if (status === 403 || status === 404)
        return new errors/* ConfigurationError */.j1((0,redact/* redact */.E$)(`${failed}: ${status} ${detail}. Add \`permissions: attestations: write\` (with \`id-token: write\`) to the job;` +
            " in a private repository, artifact attestations need GitHub Enterprise Cloud"));
    if (status === 422)
        return new errors/* ConfigurationError */.j1((0,redact/* redact */.E$)(`${failed}: GitHub refused the bundle (422 ${detail})`));
    return new Error((0,redact/* redact */.E$)(`${failed}: ${typeof status === "number" ? `${status} ` : ""}${detail}`));
}
/** POST /repos/{owner}/{repo}/attestations with the bundle; retried on 5xx and on no answer. */
async function storeAttestation(bundle, target) {
    (0,redact/* registerSecret */.cl)(target.token);
    const [owner, repo] = target.repository.split("/");
    if (!owner || !repo)
        throw new errors/* ConfigurationError */.j1(`GITHUB_REPOSITORY is ${JSON.stringify(target.repository)}, not owner/repo: cannot store the attestation`);
    const apiUrl = target.apiUrl || process.env.GITHUB_API_URL || "https://api.github.com";
    const serverUrl = target.serverUrl || process.env.GITHUB_SERVER_URL || "https://github.com";
    const octokit = (0,github/* getOctokit */.Q)(target.token, { baseUrl: apiUrl.replace(/\/+$/, "") });
    const requestMs = target.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const retries = target.retries ?? DEFAULT_RETRIES;
    // Each request is bounded; the phase's deadline only caps the waits between them.
    const deadline = new http_deadline/* Deadline */.B2((retries + 1) * (requestMs + 10_000), "storing the attestation");
    const store = () => withRetries({ retries }, deadline, async () => {
        try {
            const request = { owner, repo, bundle: bundle };
            const response = await octokit.rest.repos.createAttestation({
                ...request,
                request: { signal: AbortSignal.timeout(requestMs) },
            });
            return Number(response.data.id);
        }
        catch (error) {
            const status = statusOf(error);
            // Octokit gives a request that got no answer status 500 too.
            if (typeof status !== "number" || status >= 500)
                throw new Retryable((0,redact/* redact */.E$)(`GitHub answered ${status ?? "nothing"}: ${(0,redact/* serverText */.Tn)((0,errors/* errorMessage */.gJ)(error))}`));
            throw storeError(error, target.repository);
        }
    });
    const id = await store().catch((error) => {
        if (error instanceof errors/* ConfigurationError */.j1)
            throw error;
        const tries = `${retries + 1} attempt${retries === 0 ? "" : "s"}`;
        throw new Error(`could not store the attestation on ${target.repository} (${tries}): ${(0,errors/* errorMessage */.gJ)(error)}`);
    });
    return { id, url: `${serverUrl.replace(/\/+$/, "")}/${owner}/${repo}/attestations/${id}` };
}

// EXTERNAL MODULE: ./shared/runtime/jwt.ts
var jwt = __webpack_require__(92204);
;// CONCATENATED MODULE: ./shared/sigstore/instance.ts
/** Which Sigstore signs and verifies: public-good, or the one PYSHIP_FULCIO_URL and its siblings name. */


const PUBLIC_GOOD = {
    fulcioUrl: "https://fulcio.sigstore.dev",
    rekorUrl: "https://rekor.sigstore.dev",
};
/** The instance the environment names, field by field over public-good. */
function sigstoreInstance(env) {
    const set = (name) => env[name]?.trim() || undefined;
    return {
        fulcioUrl: set("PYSHIP_FULCIO_URL") ?? PUBLIC_GOOD.fulcioUrl,
        rekorUrl: set("PYSHIP_REKOR_URL") ?? PUBLIC_GOOD.rekorUrl,
        tsaUrl: set("PYSHIP_TSA_URL"),
        trustedRootPath: set("PYSHIP_SIGSTORE_TRUSTED_ROOT"),
    };
}
/** Whether any PYSHIP_* Sigstore variable names an instance other than public-good. */
function namesInstance(env) {
    return ["PYSHIP_FULCIO_URL", "PYSHIP_REKOR_URL", "PYSHIP_TSA_URL"].some((name) => env[name]?.trim());
}
/**
 * The instance that signs build provenance. The PYSHIP_* variables first; else, as actions/attest
 * chooses, public-good for a public repository and GitHub's own (a Fulcio and a timestamp
 * authority, no public log) for a private or internal one, so its names stay out of public Rekor.
 */
function provenanceInstance(env, visibility) {
    if (namesInstance(env) || visibility === "public")
        return sigstoreInstance(env);
    const server = new URL(env.GITHUB_SERVER_URL?.trim() || "https://github.com").hostname;
    const host = server === "github.com" ? "githubapp.com" : server;
    return { fulcioUrl: `https://fulcio.${host}`, tsaUrl: `https://timestamp.${host}` };
}
/** The trusted root document at PYSHIP_SIGSTORE_TRUSTED_ROOT, or a ConfigurationError naming it. */
function readTrustedRoot(file) {
    let text;
    try {
        text = readFileSync(file, "utf8");
    }
    catch (error) {
        throw new ConfigurationError(`PYSHIP_SIGSTORE_TRUSTED_ROOT: cannot read ${file} (${error.code ?? error})`);
    }
    try {
        const root = JSON.parse(text);
        if (root && typeof root === "object" && Array.isArray(root.certificateAuthorities))
            return root;
    }
    catch { }
    throw new ConfigurationError(`PYSHIP_SIGSTORE_TRUSTED_ROOT: ${file} is not a Sigstore trusted_root.json (no certificateAuthorities)`);
}

;// CONCATENATED MODULE: ./shared/sigstore/pep740.ts
/** PEP 740 publish attestations: the in-toto statement, and a Sigstore bundle ↔ PEP 740 `Attestation`. */

const STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
const PUBLISH_PREDICATE = "https://docs.pypi.org/attestations/publish/v1";
const IN_TOTO_PAYLOAD = "application/vnd.in-toto+json";
const BUNDLE_MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";
/** PyPI's publish statement for one file: its name and sha256, no predicate. */
function publishStatement(filename, sha256) {
    return {
        _type: STATEMENT_TYPE,
        subject: [{ name: filename, digest: { sha256 } }],
        predicateType: PUBLISH_PREDICATE,
        predicate: null,
    };
}
/** The PEP 740 form of a signed bundle; throws when it is not a one-signature DSSE bundle with a certificate. */
function toAttestation(bundle) {
    const envelope = bundle.dsseEnvelope;
    const certificate = bundle.verificationMaterial.certificate?.rawBytes;
    if (envelope?.signatures.length !== 1 || !certificate)
        throw new Error("the Sigstore bundle is not a DSSE envelope with one signature and a certificate");
    if (envelope.payloadType !== IN_TOTO_PAYLOAD)
        throw new Error(`the DSSE payload is ${envelope.payloadType}, not an in-toto statement`);
    return {
        version: 1,
        verification_material: {
            certificate,
            transparency_entries: bundle.verificationMaterial.tlogEntries,
        },
        envelope: { statement: envelope.payload, signature: envelope.signatures[0].sig },
    };
}
/** The Sigstore bundle an `Attestation` stands for, for a verifier. */
function toBundle(attestation) {
    return {
        mediaType: BUNDLE_MEDIA_TYPE,
        verificationMaterial: {
            certificate: { rawBytes: attestation.verification_material.certificate },
            tlogEntries: attestation.verification_material.transparency_entries,
            timestampVerificationData: { rfc3161Timestamps: [] },
        },
        dsseEnvelope: {
            payload: attestation.envelope.statement,
            payloadType: IN_TOTO_PAYLOAD,
            signatures: [{ sig: attestation.envelope.signature }],
        },
    };
}
/** The statement an attestation signs, or undefined when it is not JSON. */
function statementOf(attestation) {
    try {
        return JSON.parse(Buffer.from(attestation.envelope.statement, "base64").toString("utf8"));
    }
    catch {
        return undefined;
    }
}
/** Why an attestation does not attest `filename` with `sha256`, or undefined when it does. */
function subjectMismatch(attestation, filename, sha256) {
    const statement = statementOf(attestation);
    if (!statement || statement._type !== STATEMENT_TYPE)
        return "its statement is not an in-toto v1 statement";
    if (statement.subject?.length !== 1)
        return "its statement does not have exactly one subject";
    const [subject] = statement.subject;
    if (subject.name !== filename)
        return `its subject is ${subject.name}, not ${filename}`;
    if (subject.digest?.sha256 !== sha256)
        return `its subject's sha256 is not ${filename}'s`;
    return undefined;
}
/** The signing identity (the certificate's URI SAN) and the first Rekor entry's log index. */
function attestationSummary(attestation) {
    const der = Buffer.from(attestation.verification_material.certificate, "base64");
    let identity = "";
    try {
        const names = new X509Certificate(der).subjectAltName ?? "";
        identity = /URI:([^,\s]+)/.exec(names)?.[1] ?? names;
    }
    catch { }
    const entry = attestation.verification_material.transparency_entries[0] ?? {};
    return { identity, logIndex: String(entry.logIndex ?? "") };
}

;// CONCATENATED MODULE: ./actions/build-dist/provenance.ts
/** build-dist's SLSA build provenance: per dist, a signed in-toto statement kept in RUNNER_TEMP and stored on GitHub. */














/** The file actions/attest appends each bundle's path to, for later steps to gather. */
const CREATED_PATHS = "created_attestation_paths.txt";
const SIGSTORE_AUDIENCE = "sigstore";
const RETRIES = 3;
/** Signs and stores one build provenance attestation per dist, in the dists' order. */
async function attestDists(files, access, env, io, signing) {
    io.setSecret(access.githubToken);
    io.setSecret(access.idTokenRequest.token);
    const predicate = await signing
        .predicate(env.PYSHIP_OIDC_ISSUER?.trim() || undefined)
        .catch((error) => {
        throw new Error(`could not build the SLSA provenance predicate: ${(0,errors/* errorMessage */.gJ)(error)}`);
    });
    const idToken = await requestIdToken(access.idTokenRequest, SIGSTORE_AUDIENCE);
    io.setSecret(idToken);
    const visibility = (0,jwt/* decodeClaims */.Y)(idToken).repository_visibility;
    const context = {
        access,
        env,
        signing,
        predicate,
        sign: {
            instance: provenanceInstance(env, String(visibility ?? "")),
            idToken,
            retries: RETRIES,
            timeoutMs: 30_000,
        },
        directory: external_node_path_default().join(env.RUNNER_TEMP || external_node_os_default().tmpdir(), "pyship-provenance"),
    };
    (0,external_node_fs_.mkdirSync)(context.directory, { recursive: true });
    const attested = [];
    for (const file of files) {
        const one = await attestOne(file, context);
        io.info(`Attested ${one.name}: ${one.url}`);
        attested.push(one);
    }
    return attested;
}
/** One dist's statement, signed, kept as a file and stored on GitHub. */
async function attestOne(file, context) {
    const { env, predicate } = context;
    const name = external_node_path_default().basename(file);
    const { sha256 } = await digestFile(file);
    const statement = {
        _type: STATEMENT_TYPE,
        subject: [{ name, digest: { sha256 } }],
        predicateType: predicate.type,
        predicate: predicate.params,
    };
    const bundle = await context.signing.sign(statement, context.sign).catch((error) => {
        throw new Error(`could not sign the provenance of ${name}: ${(0,errors/* errorMessage */.gJ)(error)}`);
    });
    const bundlePath = external_node_path_default().join(context.directory, `${name}.sigstore.json`);
    (0,external_node_fs_.writeFileSync)(bundlePath, `${JSON.stringify(bundle)}\n`);
    if (env.RUNNER_TEMP)
        (0,external_node_fs_.appendFileSync)(external_node_path_default().join(env.RUNNER_TEMP, CREATED_PATHS), `${bundlePath}\n`);
    const stored = await storeAttestation(bundle, {
        token: context.access.githubToken,
        repository: env.GITHUB_REPOSITORY ?? "",
        apiUrl: env.GITHUB_API_URL,
        serverUrl: env.GITHUB_SERVER_URL,
        retries: RETRIES,
    });
    const logIndex = bundle.verificationMaterial.tlogEntries[0]?.logIndex;
    return {
        name,
        sha256,
        bundlePath,
        ...stored,
        logIndex: logIndex?.toString(),
        identity: signingIdentity(bundle),
    };
}
/** A runner OIDC token for `audience`, retried on 5xx; a refusal names the permission. */
async function requestIdToken(request, audience) {
    const separator = request.url.includes("?") ? "&" : "?";
    const url = `${request.url}${separator}audience=${encodeURIComponent(audience)}`;
    const deadline = new http_deadline/* Deadline */.B2(2 * 60_000, "the OIDC token request");
    const response = await withRetries({ retries: RETRIES }, deadline, async () => {
        const answer = await send(url, {
            method: "GET",
            headers: { Authorization: `Bearer ${request.token}`, Accept: "application/json" },
            timeoutMs: 30_000,
            deadline,
        });
        if (answer.status >= 500)
            throw new Retryable(`the OIDC token service answered ${answer.status}`);
        return answer;
    });
    const value = jsonBody(response)?.value;
    if (response.status !== 200 || typeof value !== "string" || value === "") {
        throw new errors/* ConfigurationError */.j1(`attest-build-provenance: the runner's OIDC token service answered ${response.status} ${(0,redact/* serverText */.Tn)(response.statusText)}; add \`permissions: id-token: write\` to the job`);
    }
    return value;
}
/** The signing certificate's identity (its SAN URI), or undefined when it has none. */
function signingIdentity(bundle) {
    const raw = bundle.verificationMaterial.certificate?.rawBytes;
    if (!raw)
        return undefined;
    const san = new external_node_crypto_.X509Certificate(Buffer.from(raw, "base64")).subjectAltName ?? "";
    return /URI:([^,\s]+)/.exec(san)?.[1];
}
/** The job summary's section: one line per dist, and who signed. */
function provenanceSummary(attested) {
    const identity = attested[0]?.identity;
    const rows = attested.map((a) => `| \`${a.name}\` | [${a.id}](${a.url}) | ${a.logIndex ?? "—"} | \`${external_node_path_default().basename(a.bundlePath)}\` |`);
    return [
        "### Build provenance",
        "",
        `SLSA v1 build provenance, signed keyless${identity ? ` by \`${identity}\`` : ""}.`,
        "",
        "| dist | attestation | Rekor log index | bundle (in RUNNER_TEMP) |",
        "| --- | --- | --- | --- |",
        ...rows,
        "",
    ].join("\n");
}


/***/ })

};
