export const id = 952;
export const ids = [952];
export const modules = {

/***/ 9952:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   pullRequestFromEnv: () => (/* binding */ pullRequestFromEnv),
/* harmony export */   syncStickyComment: () => (/* binding */ syncStickyComment)
/* harmony export */ });
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2413);
/* harmony import */ var _http_deadline_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5731);
/* harmony import */ var _runtime_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8126);
/* harmony import */ var _runtime_event_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(5217);
/* harmony import */ var _runtime_redact_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(3956);
/** One sticky comment per pull request, found again by a marker and updated in place each run. */





const PULL_REQUEST_EVENTS = new Set(["pull_request", "pull_request_target"]);
const DEFAULT_TIMEOUT_MS = 2 * 60_000;
/** GitHub rejects comment bodies longer than this. */
const MAX_BODY_CHARS = 65_536;
const TRUNCATED = "\n\n… (truncated: see the job summary for the full report)";
/** The pull request of a pull_request or pull_request_target event; undefined otherwise. */
function pullRequestFromEnv(env = process.env) {
    if (!PULL_REQUEST_EVENTS.has(env.GITHUB_EVENT_NAME ?? ""))
        return undefined;
    const payload = (0,_runtime_event_js__WEBPACK_IMPORTED_MODULE_3__/* .readEventPayload */ .N)(env.GITHUB_EVENT_PATH);
    const number = payload?.pull_request?.number ?? payload?.number;
    if (typeof number !== "number" || !Number.isInteger(number) || number <= 0)
        return undefined;
    // The base repository: where the workflow runs, also for pull requests from forks.
    let [owner, repo] = (env.GITHUB_REPOSITORY ?? "").split("/");
    if (!owner || !repo) {
        owner = String(payload?.repository?.owner?.login ?? "");
        repo = String(payload?.repository?.name ?? "");
    }
    return owner && repo ? { owner, repo, number } : undefined;
}
function withMarker(body, marker) {
    const text = body.startsWith(marker) ? body : `${marker}\n${body}`;
    if (text.length <= MAX_BODY_CHARS)
        return text;
    return text.slice(0, MAX_BODY_CHARS - TRUNCATED.length) + TRUNCATED;
}
function statusOf(error) {
    const status = error?.status;
    return typeof status === "number" ? status : undefined;
}
/** What went wrong in a failed API call: a user-fixable problem or not, and a short message. */
function describeFailure(error, access, target) {
    const status = statusOf(error);
    const detail = (0,_runtime_redact_js__WEBPACK_IMPORTED_MODULE_4__/* .serverText */ .Tn)((0,_runtime_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .errorMessage */ .gJ)(error));
    const failed = `could not ${access} the PR comment on ${target.owner}/${target.repo}#${target.number}`;
    if (status === 401) {
        return { configuration: true, message: `${failed}: GitHub rejected the token (401 ${detail})` };
    }
    if (status === 403 && /rate limit/i.test(detail)) {
        return { configuration: false, message: `${failed}: GitHub API rate limit (${detail})` };
    }
    if (status === 403) {
        const permission = `pull-requests: ${access}`;
        const message = `${failed}: the token lacks \`${permission}\` (add \`permissions: ${permission}\` to the job;` +
            " pull requests from forks only get a read-only token)";
        return { configuration: true, message };
    }
    if (status === 404) {
        const message = `${failed}: not found (404); check that the pull request exists and the token can access ${target.owner}/${target.repo}`;
        return { configuration: true, message };
    }
    // Octokit gives network failures (no response) status 500 too.
    const answered = status && error.response !== undefined;
    return { configuration: false, message: `${failed}: ${answered ? `${status} ` : ""}${detail}` };
}
/** The error to throw for a failed API call; its message never holds the token. */
function apiError(error, access, target) {
    const { configuration, message } = describeFailure(error, access, target);
    const safe = (0,_runtime_redact_js__WEBPACK_IMPORTED_MODULE_4__/* .redact */ .E$)(message);
    return configuration ? new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .ConfigurationError */ .j1(safe) : new Error(safe);
}
/**
 * Creates, updates or deletes the one comment whose first line is `marker`; extra marked
 * comments (from racing runs) are deleted. "updated" also covers only removing extras.
 */
async function syncStickyComment(options) {
    const { token, target, marker } = options;
    (0,_runtime_redact_js__WEBPACK_IMPORTED_MODULE_4__/* .registerSecret */ .cl)(token);
    if (!/^<!--[^\n]*-->$/.test(marker)) {
        throw new TypeError(`the marker must be a one-line HTML comment, got ${JSON.stringify(marker)}`);
    }
    const apiUrl = options.apiUrl || process.env.GITHUB_API_URL || "https://api.github.com";
    const octokit = (0,_actions_github__WEBPACK_IMPORTED_MODULE_0__.getOctokit)(token, { baseUrl: apiUrl.replace(/\/+$/, "") });
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const signal = AbortSignal.timeout(timeoutMs);
    // On every request, pagination's too, beside the client's own proxy-aware fetch.
    octokit.hook.before("request", (request) => {
        request.request = { ...request.request, signal };
    });
    const common = { owner: target.owner, repo: target.repo };
    const call = async (access, request) => {
        try {
            return await request();
        }
        catch (error) {
            if (signal.aborted) {
                throw new Error(`could not ${access} the PR comment on ${target.owner}/${target.repo}#${target.number}: no answer from GitHub within ${(0,_http_deadline_js__WEBPACK_IMPORTED_MODULE_1__/* .seconds */ .YA)(timeoutMs)} s`);
            }
            throw apiError(error, access, target);
        }
    };
    // A comment already gone (deleted by a racing run) is as good as deleted.
    const remove = (commentId) => call("write", async () => {
        try {
            await octokit.rest.issues.deleteComment({ ...common, comment_id: commentId });
        }
        catch (error) {
            if (statusOf(error) !== 404)
                throw error;
        }
    });
    const create = (body) => call("write", () => octokit.rest.issues.createComment({ ...common, issue_number: target.number, body }));
    const comments = await call("read", () => octokit.paginate(octokit.rest.issues.listComments, {
        ...common,
        issue_number: target.number,
        per_page: 100,
    }));
    const marked = comments.filter((comment) => comment.body?.trimStart().startsWith(marker));
    if (options.body === undefined) {
        for (const comment of marked)
            await remove(comment.id);
        return marked.length > 0 ? "deleted" : "none";
    }
    const body = withMarker(options.body, marker);
    const [current, ...extras] = marked;
    if (!current) {
        await create(body);
        return "created";
    }
    let result = extras.length > 0 ? "updated" : "unchanged";
    if (current.body !== body) {
        const updated = await call("write", async () => {
            try {
                await octokit.rest.issues.updateComment({ ...common, comment_id: current.id, body });
                return true;
            }
            catch (error) {
                if (statusOf(error) === 404)
                    return false; // deleted meanwhile
                throw error;
            }
        });
        if (!updated)
            await create(body);
        result = updated ? "updated" : "created";
    }
    for (const comment of extras)
        await remove(comment.id);
    return result;
}


/***/ })

};
