import { strict as assert } from "assert";
import { clientEventLogger } from "../../../provider/resource/clientEvents";

describe("progress lines for rate-limit waits", () => {
    function setup() {
        const lines: string[] = [];
        let t = 0;
        const logger = clientEventLogger({ progress: (m) => lines.push(`progress ${m}`), warn: (m) => lines.push(`warn ${m}`) }, () => t);
        return { lines, logger, advance: (ms: number) => (t += ms) };
    }

    it("says how many calls wait and for how long, at most once per 15 s per budget", () => {
        const { lines, logger, advance } = setup();
        logger({ type: "pacingWait", bucket: "isolate", waitMs: 42_000, queued: 230, cause: "window" });
        logger({ type: "pacingWait", bucket: "isolate", waitMs: 41_000, queued: 229, cause: "window" });
        logger({ type: "pacingWait", bucket: "machines.read", waitMs: 5_000, queued: 3, cause: "retryAfter" });
        advance(15_000);
        logger({ type: "pacingWait", bucket: "isolate", waitMs: 27_000, queued: 150, cause: "window" });
        assert.deepEqual(lines, [
            "progress rate limit: 230 isolate call(s) queued, next in 42s (keeping to defender:rateLimits)",
            "progress rate limit: 3 machines.read call(s) queued, next in 5s (Defender asked for a pause (Retry-After))",
            "progress rate limit: 150 isolate call(s) queued, next in 27s (keeping to defender:rateLimits)",
        ]);
    });

    it("stays quiet about short waits and warns about a 429", () => {
        const { lines, logger } = setup();
        logger({ type: "pacingWait", bucket: "isolate", waitMs: 300, queued: 1, cause: "window" });
        logger({ type: "retry", method: "POST", path: "/api/machines/x/isolate", attempt: 1, cause: "rateLimited", status: 429, delayMs: 60_000 });
        logger({ type: "retry", method: "GET", path: "/api/machineactions", attempt: 1, cause: "serverError", status: 503, delayMs: 500 });
        assert.deepEqual(lines, [
            "warn Defender answered 429 TooManyRequests to POST /api/machines/x/isolate; waiting 1m00s before retrying (is another tool using the same application?)",
        ]);
    });
});
