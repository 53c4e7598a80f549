export const id = 770;
export const ids = [770];
export const modules = {

/***/ 8770:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   saveVenv: () => (/* binding */ saveVenv)
/* harmony export */ });
/* unused harmony exports cacheAvailable, restoreVenv */
/* harmony import */ var _actions_cache__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1691);
/** The venv cache itself, through @actions/cache: loaded only when caching is on. */

const cacheAvailable = () => cache.isFeatureAvailable();
/** Restores exactly `key` into `venv` (never a prefix match); true on a hit. */
async function restoreVenv(venv, key) {
    const matched = await cache.restoreCache([venv], key, [], {}, false);
    return matched === key;
}
async function saveVenv(venv, key) {
    return _actions_cache__WEBPACK_IMPORTED_MODULE_0__/* .saveCache */ .Io([venv], key);
}


/***/ })

};
