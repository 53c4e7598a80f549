export const id = 770;
export const ids = [770];
export const modules = {

/***/ 8770:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   cacheAvailable: () => (/* binding */ cacheAvailable),
/* harmony export */   restoreVenv: () => (/* binding */ restoreVenv),
/* harmony export */   saveVenv: () => (/* binding */ saveVenv)
/* harmony export */ });
/* harmony import */ var _actions_cache__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1691);
/** The venv cache itself, through @actions/cache: loaded only when caching is on. */

const cacheAvailable = () => _actions_cache__WEBPACK_IMPORTED_MODULE_0__/* .isFeatureAvailable */ .w3();
/** Restores exactly `key` into `venv` (never a prefix match); true on a hit. */
async function restoreVenv(venv, key) {
    const matched = await _actions_cache__WEBPACK_IMPORTED_MODULE_0__/* .restoreCache */ .P3([venv], key, [], {}, false);
    return matched === key;
}
async function saveVenv(venv, key) {
    return _actions_cache__WEBPACK_IMPORTED_MODULE_0__/* .saveCache */ .Io([venv], key);
}


/***/ })

};
