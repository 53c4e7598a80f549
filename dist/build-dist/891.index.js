export const id = 891;
export const ids = [891];
export const modules = {

/***/ 20891:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  signing: () => (/* binding */ signing)
});

// EXTERNAL MODULE: ./node_modules/@actions/attest/lib/index.js + 39 modules
var lib = __webpack_require__(84534);
// EXTERNAL MODULE: ./node_modules/@sigstore/bundle/dist/index.js
var dist = __webpack_require__(61040);
// EXTERNAL MODULE: ./node_modules/@sigstore/sign/dist/index.js
var sign_dist = __webpack_require__(15179);
// EXTERNAL MODULE: ./shared/runtime/redact.ts
var redact = __webpack_require__(83956);
;// CONCATENATED MODULE: ./shared/sigstore/sign.ts
/** Keyless Sigstore signing of an in-toto statement: a Fulcio certificate, a Rekor entry, a TSA timestamp when set. */



/** The Sigstore or network failure that stopped a signature, said in one line. */
class SigningFailed extends Error {
    constructor(message) {
        super(message);
        this.name = "SigningFailed";
    }
}
/** A DSSE bundle (v0.3 JSON) of `statement`, signed with a short-lived Fulcio certificate. */
async function signStatement(statement, options) {
    const { instance } = options;
    const fetchOptions = {
        retry: { retries: options.retries, factor: 2, minTimeout: 500, maxTimeout: 5_000 },
        timeout: options.timeoutMs,
    };
    const witnesses = [
        ...(instance.rekorUrl
            ? [new sign_dist/* RekorWitness */.fU({ rekorBaseURL: instance.rekorUrl, entryType: "dsse", ...fetchOptions })]
            : []),
        ...(instance.tsaUrl ? [new sign_dist/* TSAWitness */.gs({ tsaBaseURL: instance.tsaUrl, ...fetchOptions })] : []),
    ];
    const builder = new sign_dist/* DSSEBundleBuilder */.VV({
        signer: new sign_dist/* FulcioSigner */.$o({
            identityProvider: { getToken: async () => options.idToken },
            fulcioBaseURL: instance.fulcioUrl,
            ...fetchOptions,
        }),
        witnesses,
    });
    try {
        const bundle = await builder.create({
            data: Buffer.from(JSON.stringify(statement)),
            type: "application/vnd.in-toto+json",
        });
        return (0,dist.bundleToJSON)(bundle);
    }
    catch (error) {
        throw new SigningFailed(describe(error, instance));
    }
}
/** `@sigstore/sign`'s error and its cause, with the service it was talking to. */
function describe(error, instance) {
    const { code, message, cause } = error;
    const service = code?.startsWith("TLOG")
        ? `Rekor at ${instance.rekorUrl}`
        : code?.startsWith("TSA")
            ? `the timestamp authority at ${instance.tsaUrl}`
            : `Fulcio at ${instance.fulcioUrl}`;
    const reason = cause instanceof Error ? `: ${cause.message}` : "";
    return `${service}: ${(0,redact/* serverText */.Tn)(`${message ?? String(error)}${reason}`)}`;
}

;// CONCATENATED MODULE: ./actions/build-dist/provenance-signing.ts
/**
 * The signing half of build provenance, imported only when `attest-build-provenance` is true:
 * @actions/attest builds the SLSA predicate; pyship's signer signs against PYSHIP_FULCIO_URL's
 * Sigstore (or public-good, or GitHub's), which @actions/attest's own signer cannot be pointed at.
 */


const signing = {
    predicate: lib/* buildSLSAProvenancePredicate */.W6,
    sign: signStatement,
};


/***/ })

};
