export const id = 496;
export const ids = [496];
export const modules = {

/***/ 1496:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   SigningFailed: () => (/* binding */ SigningFailed),
/* harmony export */   signStatement: () => (/* binding */ signStatement)
/* harmony export */ });
/* harmony import */ var _sigstore_bundle__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1040);
/* harmony import */ var _sigstore_sign__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5179);
/* harmony import */ var _runtime_redact_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3956);
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
            ? [new _sigstore_sign__WEBPACK_IMPORTED_MODULE_1__/* .RekorWitness */ .fU({ rekorBaseURL: instance.rekorUrl, entryType: "dsse", ...fetchOptions })]
            : []),
        ...(instance.tsaUrl ? [new _sigstore_sign__WEBPACK_IMPORTED_MODULE_1__/* .TSAWitness */ .gs({ tsaBaseURL: instance.tsaUrl, ...fetchOptions })] : []),
    ];
    const builder = new _sigstore_sign__WEBPACK_IMPORTED_MODULE_1__/* .DSSEBundleBuilder */ .VV({
        signer: new _sigstore_sign__WEBPACK_IMPORTED_MODULE_1__/* .FulcioSigner */ .$o({
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
        return (0,_sigstore_bundle__WEBPACK_IMPORTED_MODULE_0__.bundleToJSON)(bundle);
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
    return `${service}: ${(0,_runtime_redact_js__WEBPACK_IMPORTED_MODULE_2__/* .serverText */ .Tn)(`${message ?? String(error)}${reason}`)}`;
}


/***/ })

};
