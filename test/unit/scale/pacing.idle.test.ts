/** isBucketIdle: whether work that can wait (status polls) may take a slot now without taking one other calls need. */
import { strict as assert } from "assert";
import sinon from "sinon";
import { isBucketIdle, pacerFor, resetPacing, type PacingKey } from "../../../provider/defender/pacing";

const KEY: PacingKey = { apiHost: "api.security.microsoft.com", tenantId: "contoso", clientId: "app" };
const HOST = KEY.apiHost;

describe("scale: pacing says when a bucket is idle", () => {
    const sandbox = sinon.createSandbox();
    let clock: sinon.SinonFakeTimers;

    beforeEach(() => {
        resetPacing();
        clock = sandbox.useFakeTimers({ now: 1_700_000_000_000, toFake: ["setTimeout", "clearTimeout", "Date"] });
    });
    afterEach(() => {
        resetPacing();
        sandbox.restore();
    });

    it("is idle with no pacer yet, and once the last call is quietMs old with a free slot", async () => {
        assert.equal(isBucketIdle(HOST, "actions.read", 500), true);
        const pacer = pacerFor(KEY, "actions.read", [{ calls: 3, perSeconds: 10 }]);
        await pacer.acquire();
        assert.equal(isBucketIdle(HOST, "actions.read", 500), false, "a call just went");
        await clock.tickAsync(499);
        assert.equal(isBucketIdle(HOST, "actions.read", 500), false);
        await clock.tickAsync(1);
        assert.equal(isBucketIdle(HOST, "actions.read", 500), true);
        assert.equal(isBucketIdle(HOST, "machines.read", 500), true, "another bucket");
    });

    it("is busy while a window is full, a call is queued, or a Retry-After block runs", async () => {
        const pacer = pacerFor(KEY, "actions.read", [{ calls: 1, perSeconds: 10 }]);
        await pacer.acquire();
        await clock.tickAsync(5_000);
        assert.equal(isBucketIdle(HOST, "actions.read", 0), false, "window full");
        void pacer.acquire();
        await clock.tickAsync(5_000);
        assert.equal(isBucketIdle(HOST, "actions.read", 0), false, "the queued call took the slot");
        await clock.tickAsync(10_000);
        assert.equal(isBucketIdle(HOST, "actions.read", 0), true);
        pacer.block(3_000);
        assert.equal(isBucketIdle(HOST, "actions.read", 0), false, "blocked");
        await clock.tickAsync(3_000);
        assert.equal(isBucketIdle(HOST, "actions.read", 0), true);
    });

    it("looks at the given API host only, or at every host when none is given", async () => {
        const other = pacerFor({ ...KEY, apiHost: "api-gcc.securitycenter.microsoft.us" }, "actions.read", [{ calls: 1, perSeconds: 10 }]);
        await other.acquire();
        assert.equal(isBucketIdle("API.security.microsoft.com", "actions.read", 0), true);
        assert.equal(isBucketIdle("api-gcc.securitycenter.microsoft.us", "actions.read", 0), false);
        assert.equal(isBucketIdle(undefined, "actions.read", 0), false);
    });
});
