// The decision per answer, as a table with no server: every status class and no-answer cause, for
// GET and POST, at every attempt state, with Retry-After present, absent and too long.
import assert from "node:assert/strict";
import { decide, maxAttempts, resolveRetryOptions, type Answer, type AttemptState, type Decision } from "../../../provider/defender";

const RETRY = resolveRetryOptions({ limit: 2, rateLimitRetries: 2, backoffBaseMs: 500, backoffMaxMs: 30_000, jitter: false });
const TIMEOUT_MS = 30_000;
const BODY = { code: "BadRequest", defenderMessage: "no", correlationId: "c-1" };

const STATES: Record<string, AttemptState> = {
    first: { attempt: 1, transientRetries: 0, rateLimitedInARow: 0, refreshed: false },
    "two 429s in a row": { attempt: 3, transientRetries: 0, rateLimitedInARow: 2, refreshed: false },
    "retries and refresh spent": { attempt: 4, transientRetries: 2, rateLimitedInARow: 0, refreshed: true },
    "last attempt": { attempt: maxAttempts(RETRY), transientRetries: 1, rateLimitedInARow: 0, refreshed: false },
};

const ANSWERS: Record<string, Answer> = {
    "200": { kind: "response", status: 200 },
    "201": { kind: "response", status: 201 },
    "307": { kind: "response", status: 307, error: {} },
    "400": { kind: "response", status: 400, error: BODY },
    "401": { kind: "response", status: 401, error: BODY },
    "403": { kind: "response", status: 403, error: BODY },
    "404": { kind: "response", status: 404, error: BODY },
    "429 Retry-After 7": { kind: "response", status: 429, retryAfterSeconds: 7, error: BODY },
    "429 no Retry-After": { kind: "response", status: 429, error: BODY },
    "429 Retry-After 301 (too long)": { kind: "response", status: 429, retryAfterSeconds: 301, error: BODY },
    "500": { kind: "response", status: 500, error: BODY },
    "503": { kind: "response", status: 503, error: {} },
    "no answer: timeout": { kind: "noResponse", code: "ETIMEDOUT", cause: "timeout" },
    "no answer: connection reset": { kind: "noResponse", code: "ECONNRESET", cause: "network" },
    "no answer: connection refused": { kind: "noResponse", code: "ECONNREFUSED", cause: "network" },
    "no answer: the deadline aborted the exchange": { kind: "noResponse", code: "ERR_CANCELED", cause: "deadline" },
};

/** One line per verdict: what a reader of the table needs to see. */
function summary(d: Decision): string {
    switch (d.verdict) {
        case "done":
            return "done";
        case "retryNow":
            return "refresh token, send now";
        case "retryAfter":
            return `${d.via} ${d.delayMs} ms (${d.cause})`;
        case "fail": {
            const e = d.error;
            const gaveUp = e.detail?.startsWith("gave up") ? " gave up" : "";
            const block = d.blockBucketMs === undefined ? "" : ` block ${d.blockBucketMs} ms`;
            return `fail ${e.kind}${e.status === undefined ? "" : ` ${e.status}`} ${e.outcomeUnknown ? "unknown" : "known"}${block}${gaveUp}`;
        }
    }
}

// Columns: first | two 429s in a row | retries and refresh spent | last attempt.
const done = ["done", "done", "done", "done"];
const TABLE: Record<string, { GET: string[]; POST: string[] }> = {
    "200": { GET: done, POST: done },
    "201": { GET: done, POST: done },
    "307": {
        GET: ["fail http 307 known", "fail http 307 known", "fail http 307 known", "fail http 307 known"],
        POST: ["fail http 307 unknown", "fail http 307 unknown", "fail http 307 unknown", "fail http 307 unknown"],
    },
    "400": {
        GET: ["fail http 400 known", "fail http 400 known", "fail http 400 known", "fail http 400 known"],
        POST: ["fail http 400 known", "fail http 400 known", "fail http 400 known", "fail http 400 known"],
    },
    "401": {
        GET: ["refresh token, send now", "refresh token, send now", "fail http 401 known", "fail http known gave up"],
        POST: ["refresh token, send now", "refresh token, send now", "fail http 401 known", "fail http unknown gave up"],
    },
    "403": {
        GET: ["fail http 403 known", "fail http 403 known", "fail http 403 known", "fail http 403 known"],
        POST: ["fail http 403 known", "fail http 403 known", "fail http 403 known", "fail http 403 known"],
    },
    "404": {
        GET: ["fail http 404 known", "fail http 404 known", "fail http 404 known", "fail http 404 known"],
        POST: ["fail http 404 known", "fail http 404 known", "fail http 404 known", "fail http 404 known"],
    },
    "429 Retry-After 7": {
        GET: [
            "bucket 7000 ms (rateLimited)",
            "fail rateLimited 429 known block 7000 ms",
            "bucket 7000 ms (rateLimited)",
            "fail http known block 7000 ms gave up",
        ],
        POST: [
            "bucket 7000 ms (rateLimited)",
            "fail rateLimited 429 known block 7000 ms",
            "bucket 7000 ms (rateLimited)",
            "fail http unknown block 7000 ms gave up",
        ],
    },
    "429 no Retry-After": {
        GET: [
            "bucket 60000 ms (rateLimited)",
            "fail rateLimited 429 known block 60000 ms",
            "bucket 60000 ms (rateLimited)",
            "fail http known block 60000 ms gave up",
        ],
        POST: [
            "bucket 60000 ms (rateLimited)",
            "fail rateLimited 429 known block 60000 ms",
            "bucket 60000 ms (rateLimited)",
            "fail http unknown block 60000 ms gave up",
        ],
    },
    "429 Retry-After 301 (too long)": {
        GET: Array(4).fill("fail rateLimited 429 known block 301000 ms"),
        POST: Array(4).fill("fail rateLimited 429 known block 301000 ms"),
    },
    "500": {
        GET: ["backoff 500 ms (serverError)", "backoff 500 ms (serverError)", "fail http 500 known", "fail http known gave up"],
        POST: ["fail http 500 unknown", "fail http 500 unknown", "fail http 500 unknown", "fail http 500 unknown"],
    },
    "503": {
        GET: ["backoff 500 ms (serverError)", "backoff 500 ms (serverError)", "fail http 503 known", "fail http known gave up"],
        POST: ["fail http 503 unknown", "fail http 503 unknown", "fail http 503 unknown", "fail http 503 unknown"],
    },
    "no answer: timeout": {
        GET: ["backoff 500 ms (timeout)", "backoff 500 ms (timeout)", "fail timeout known", "fail http known gave up"],
        POST: ["fail timeout unknown", "fail timeout unknown", "fail timeout unknown", "fail timeout unknown"],
    },
    "no answer: connection reset": {
        GET: ["backoff 500 ms (network)", "backoff 500 ms (network)", "fail network known", "fail http known gave up"],
        POST: ["fail network unknown", "fail network unknown", "fail network unknown", "fail network unknown"],
    },
    "no answer: connection refused": {
        GET: ["backoff 500 ms (network)", "backoff 500 ms (network)", "fail network known", "fail http known gave up"],
        POST: ["fail network known", "fail network known", "fail network known", "fail network known"],
    },
    "no answer: the deadline aborted the exchange": {
        GET: Array(4).fill("fail deadline known"),
        POST: Array(4).fill("fail deadline unknown"),
    },
};

const run = (method: "GET" | "POST", state: AttemptState, answer: Answer, random?: () => number) =>
    decide({ method, state, answer, retry: RETRY, timeoutMs: TIMEOUT_MS, random });

describe("defender/decision: one verdict per answer (pure, no server)", () => {
    it("the table covers every answer and state", () => {
        assert.deepEqual(Object.keys(TABLE), Object.keys(ANSWERS));
        for (const row of Object.values(TABLE)) for (const column of [row.GET, row.POST]) assert.equal(column.length, Object.keys(STATES).length);
    });

    for (const [label, answer] of Object.entries(ANSWERS)) {
        for (const method of ["GET", "POST"] as const) {
            it(`${method} answered ${label}`, () => {
                const got = Object.values(STATES).map((state) => summary(run(method, state, answer)));
                assert.deepEqual(got, TABLE[label][method]);
            });
        }
    }

    describe("the counters a retry carries on", () => {
        it("a 429 counts in a row; anything answered else starts the count again", () => {
            const first = STATES.first;
            const after429 = run("POST", first, ANSWERS["429 Retry-After 7"]);
            assert.equal(after429.verdict, "retryAfter");
            assert.deepEqual(after429.verdict === "retryAfter" && after429.next, { attempt: 2, transientRetries: 0, rateLimitedInARow: 1, refreshed: false });
            const after500 = run("GET", STATES["two 429s in a row"], ANSWERS["500"]);
            assert.deepEqual(after500.verdict === "retryAfter" && after500.next, { attempt: 4, transientRetries: 1, rateLimitedInARow: 0, refreshed: false });
            const after401 = run("GET", STATES["two 429s in a row"], ANSWERS["401"]);
            assert.deepEqual(after401.verdict === "retryNow" && after401.next, { attempt: 4, transientRetries: 0, rateLimitedInARow: 0, refreshed: true });
            // No answer is no word from the service about its limits: the count stands.
            const afterTimeout = run("GET", STATES["two 429s in a row"], ANSWERS["no answer: timeout"]);
            assert.deepEqual(afterTimeout.verdict === "retryAfter" && afterTimeout.next, {
                attempt: 4,
                transientRetries: 1,
                rateLimitedInARow: 2,
                refreshed: false,
            });
        });

        it("backoff doubles per transient retry up to the cap, and jitter draws below it", () => {
            const delays = [0, 1, 2, 3, 10].map((tr) => {
                const d = decide({
                    method: "GET",
                    state: { attempt: 1, transientRetries: tr, rateLimitedInARow: 0, refreshed: false },
                    answer: ANSWERS["500"],
                    retry: { ...RETRY, limit: 20 },
                    timeoutMs: TIMEOUT_MS,
                });
                return d.verdict === "retryAfter" ? d.delayMs : -1;
            });
            assert.deepEqual(delays, [500, 1_000, 2_000, 4_000, 30_000]);
            const jittered = decide({
                method: "GET",
                state: STATES.first,
                answer: ANSWERS["503"],
                retry: { ...RETRY, jitter: true },
                timeoutMs: TIMEOUT_MS,
                random: () => 0.25,
            });
            assert.equal(jittered.verdict === "retryAfter" && jittered.delayMs, 125);
        });
    });

    describe("the error each failure carries", () => {
        it("keeps Defender's code, message and correlation id", () => {
            const d = run("POST", STATES.first, ANSWERS["400"]);
            assert.deepEqual(d, { verdict: "fail", error: { kind: "http", status: 400, ...BODY, outcomeUnknown: false, detail: undefined } });
        });

        it("says why a 429 ends the call, with the pause asked for", () => {
            const tooLong = run("POST", STATES.first, ANSWERS["429 Retry-After 301 (too long)"]);
            assert.equal(tooLong.verdict, "fail");
            assert.deepEqual(tooLong.verdict === "fail" && tooLong.error, {
                kind: "rateLimited",
                status: 429,
                ...BODY,
                outcomeUnknown: false,
                retryAfterSeconds: 301,
                detail: "Retry-After of 301 s exceeds retry.maxRetryAfterSeconds (300); nothing was performed, run again later",
            });
            const storm = run("GET", STATES["two 429s in a row"], ANSWERS["429 no Retry-After"]);
            assert.equal(
                storm.verdict === "fail" && storm.error.detail,
                "still rate limited after 2 retries (retry.rateLimitRetries); nothing was performed, run again later",
            );
            assert.equal(storm.verdict === "fail" && storm.error.retryAfterSeconds, 60);
        });

        it("a second 401 names what to check", () => {
            const d = run("GET", STATES["retries and refresh spent"], ANSWERS["401"]);
            assert.match(d.verdict === "fail" ? (d.error.detail ?? "") : "", /^a freshly issued token was refused too: check tenantId, clientId/);
        });

        it("no answer: the reason, and how many attempts were made", () => {
            assert.deepEqual(run("POST", STATES.first, ANSWERS["no answer: timeout"]), {
                verdict: "fail",
                error: { kind: "timeout", outcomeUnknown: true, reason: "timeout after 30000 ms", detail: undefined },
            });
            assert.deepEqual(run("GET", STATES["retries and refresh spent"], ANSWERS["no answer: connection reset"]), {
                verdict: "fail",
                error: { kind: "network", outcomeUnknown: false, reason: "ECONNRESET", detail: "after 4 attempts" },
            });
        });

        it("the deadline ends the call while it waits for the answer: a POST on the wire may have been performed", () => {
            assert.deepEqual(run("POST", STATES.first, ANSWERS["no answer: the deadline aborted the exchange"]), {
                verdict: "fail",
                error: { kind: "deadline", outcomeUnknown: true, reason: "waiting for the answer", detail: undefined },
            });
            assert.deepEqual(run("GET", STATES["two 429s in a row"], ANSWERS["no answer: the deadline aborted the exchange"]), {
                verdict: "fail",
                error: { kind: "deadline", outcomeUnknown: false, reason: "waiting for the answer", detail: "after 3 attempts" },
            });
        });

        it("a redirect is not followed; a 5xx after retries says how many attempts", () => {
            const redirect = run("POST", STATES.first, ANSWERS["307"]);
            assert.equal(redirect.verdict === "fail" && redirect.error.detail, "redirects are not followed");
            const gateway = run("GET", STATES["retries and refresh spent"], {
                kind: "response",
                status: 502,
                error: { detail: "the answer is not JSON (4 characters of text/html)" },
            });
            assert.equal(gateway.verdict === "fail" && gateway.error.detail, "the answer is not JSON (4 characters of text/html); after 4 attempts");
        });

        it("the attempt cap ends any call, a POST's outcome then unknown", () => {
            const d = run("POST", STATES["last attempt"], ANSWERS["429 Retry-After 7"]);
            assert.deepEqual(d, {
                verdict: "fail",
                error: { kind: "http", outcomeUnknown: true, detail: `gave up after ${maxAttempts(RETRY)} attempts` },
                blockBucketMs: 7_000,
            });
        });
    });
});
