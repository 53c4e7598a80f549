export const id = 290;
export const ids = [290];
export const modules = {

/***/ 1290:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  saveVenv: () => (/* binding */ saveVenv)
});

// UNUSED EXPORTS: CACHE_TIMEOUT_MS, cacheAvailable, restoreVenv

// EXTERNAL MODULE: ./node_modules/@actions/cache/lib/cache.js + 340 modules
var lib_cache = __webpack_require__(1691);
// EXTERNAL MODULE: ./shared/runtime/run-action.ts
var run_action = __webpack_require__(2787);
;// CONCATENATED MODULE: ./shared/http/deadline.ts
/** Time budgets for network work: a phase's deadline, and a bound on a library call with no timeout. */

/** Seconds for a message: whole above 10, else one decimal (`2.5 s`). */
function seconds(ms) {
    const value = ms / 1000;
    return value >= 10 || Number.isInteger(value) ? `${Math.round(value)}` : value.toFixed(1);
}
/** The end of one network phase; every request and every retry wait of the phase fits before it. */
class Deadline {
    ms;
    what;
    input;
    start = Date.now();
    end;
    constructor(ms, 
    /** What the phase does, for messages: "the OSV queries". */
    what, 
    /** The input that sets the budget, named when it runs out. */
    input = "request-timeout") {
        this.ms = ms;
        this.what = what;
        this.input = input;
        this.end = this.start + ms;
    }
    remainingMs() {
        return Math.max(0, this.end - Date.now());
    }
    elapsedMs() {
        return Date.now() - this.start;
    }
    /** The error for a phase that ran out of time, with what last went wrong. */
    exceeded(attempts, last) {
        const tries = `${attempts} attempt${attempts === 1 ? "" : "s"}`;
        return new Error(`gave up on ${this.what} after ${tries} in ${seconds(this.elapsedMs())} s (${last}); raise ${this.input} (now ${seconds(this.ms)} s)`);
    }
}
/** A library call that did not end within its bound. */
class TimedOut extends Error {
    constructor(what, ms) {
        super(`${what} did not finish within ${seconds(ms)} s`);
        this.name = "TimedOut";
    }
}
/**
 * Bounds a library call that has no timeout of its own: past `ms` it rejects with TimedOut, and
 * the step ends without waiting for the abandoned call's sockets.
 */
async function deadline_within(work, ms, what) {
    let timer;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => {
            (0,run_action/* abandonWork */.$s)();
            reject(new TimedOut(what, ms));
        }, ms);
    });
    try {
        return await Promise.race([work, timeout]);
    }
    finally {
        clearTimeout(timer);
    }
}

// EXTERNAL MODULE: ./shared/runtime/errors.ts
var errors = __webpack_require__(8126);
// EXTERNAL MODULE: ./shared/runtime/system-errors.ts
var system_errors = __webpack_require__(3586);
;// CONCATENATED MODULE: ./shared/cache/venv-store.ts
/** The venv cache via @actions/cache: time-bounded restore and save that warn, not fail. */




const cacheAvailable = () => cache.isFeatureAvailable();
/** The longest a restore or a save may take; a stalled download segment is abandoned by then too. */
const CACHE_TIMEOUT_MS = 10 * 60_000;
/** Restores exactly `key` into `venv` (never a prefix match); true on a hit, false on a miss or a failure. */
async function restoreVenv(venv, key, warn, timeoutMs = CACHE_TIMEOUT_MS) {
    const options = { timeoutInMs: 30_000, segmentTimeoutInMs: timeoutMs };
    try {
        const restoring = cache.restoreCache([venv], key, [], options, false);
        return (await within(restoring, timeoutMs, "restoring the venv cache")) === key;
    }
    catch (error) {
        warn(`setup-venv: the cached venv could not be restored (${explainErrnoCodes(errorMessage(error))}); installing it instead.`);
        return false;
    }
}
/** The cache id; -1 when not saved (another job saved the key first); undefined on a failure, warned. */
async function saveVenv(venv, key, warn, timeoutMs = CACHE_TIMEOUT_MS) {
    try {
        return await deadline_within(lib_cache/* saveCache */.Io([venv], key), timeoutMs, "saving the venv cache");
    }
    catch (error) {
        warn(`setup-venv: the venv was not saved to the cache (${(0,system_errors/* explainErrnoCodes */.mN)((0,errors/* errorMessage */.gJ)(error))}).`);
        return undefined;
    }
}


/***/ })

};
