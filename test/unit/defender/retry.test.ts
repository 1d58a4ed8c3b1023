import assert from "node:assert/strict";
import { backoffDelayMs, DEFAULT_RETRY_OPTIONS, parseRetryAfterSeconds, resolveRetryOptions, retryOptionProblems } from "../../../provider/defender";

describe("defender/retry options", () => {
    it("documents its defaults", () => {
        assert.deepEqual(resolveRetryOptions(), {
            limit: 4,
            backoffBaseMs: 500,
            backoffMaxMs: 30_000,
            jitter: true,
            rateLimitRetries: 10,
            maxRetryAfterSeconds: 300,
            defaultRetryAfterSeconds: 60,
        });
        assert.deepEqual(resolveRetryOptions({ limit: 0, jitter: false }), { ...DEFAULT_RETRY_OPTIONS, limit: 0, jitter: false });
    });

    it("backs off exponentially up to the cap without jitter", () => {
        const options = resolveRetryOptions({ jitter: false });
        assert.deepEqual(
            [0, 1, 2, 3, 4, 5, 6, 7, 60].map((n) => backoffDelayMs(n, options)),
            [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000],
        );
    });

    it("with full jitter, waits a uniform fraction of the capped delay", () => {
        const options = resolveRetryOptions();
        assert.equal(
            backoffDelayMs(2, options, () => 0.5),
            1000,
        );
        assert.equal(
            backoffDelayMs(2, options, () => 0),
            0,
        );
        assert.equal(
            backoffDelayMs(10, options, () => 0.999999),
            29999,
        );
    });

    it("reads Retry-After as seconds or an HTTP date", () => {
        const now = Date.parse("2024-05-01T10:00:00Z");
        assert.equal(parseRetryAfterSeconds("7", now), 7);
        assert.equal(parseRetryAfterSeconds(" 0 ", now), 0);
        assert.equal(parseRetryAfterSeconds("1.2", now), 2);
        assert.equal(parseRetryAfterSeconds("Wed, 01 May 2024 10:00:30 GMT", now), 30);
        assert.equal(parseRetryAfterSeconds("Wed, 01 May 2024 09:00:00 GMT", now), 0);
        for (const bad of [undefined, "", "soon", "-5", "10s"]) assert.equal(parseRetryAfterSeconds(bad, now), undefined, String(bad));
    });

    it("names each bad field and the fix", () => {
        assert.deepEqual(retryOptionProblems(undefined), []);
        assert.deepEqual(retryOptionProblems({ limit: 2, jitter: false }), []);
        assert.deepEqual(retryOptionProblems({ limit: -1 }), ["retry.limit must be a whole number of retries from 0 to 20; got -1"]);
        assert.deepEqual(retryOptionProblems({ backoffBaseMs: 1.5, jitter: "yes" }), [
            "retry.backoffBaseMs must be a whole number of milliseconds from 0 to 600000; got 1.5",
            'retry.jitter must be true or false; got "yes"',
        ]);
        assert.deepEqual(retryOptionProblems({ limits: 3 }), [`retry.limits is not a retry option; known: ${Object.keys(DEFAULT_RETRY_OPTIONS).join(", ")}`]);
        assert.deepEqual(retryOptionProblems({ backoffBaseMs: 1000, backoffMaxMs: 10 }), [
            "retry.backoffMaxMs (10) must be at least retry.backoffBaseMs (1000)",
        ]);
        assert.match(
            retryOptionProblems({ maxRetryAfterSeconds: 30 })[0],
            /^retry\.defaultRetryAfterSeconds \(60\) must not exceed retry\.maxRetryAfterSeconds \(30\)/,
        );
        assert.deepEqual(retryOptionProblems([]), ['retry must be an object such as {"limit":4,"maxRetryAfterSeconds":300}']);
    });
});
