import assert from "node:assert/strict";
import {
    DEFAULT_RATE_LIMITS,
    pacerFor,
    pacingSnapshot,
    rateLimitProblems,
    resetPacing,
    type PacingKey,
    type PacingWaitEvent,
} from "../../../provider/defender";
import { maxInAnyWindow } from "../../../testkit/requests/windows";
import { usePacingClock } from "./support/clock";

const KEY: PacingKey = { apiHost: "api.security.microsoft.com", tenantId: "contoso", clientId: "app" };
const T0 = 1_700_000_000_000;

describe("defender/pacing", () => {
    const clock = usePacingClock(T0);

    /** Starts `n` acquisitions at once and returns when each was let through, in call order. */
    async function admitAll(n: number, bucket: "isolate" | "unisolate" = "isolate", limits = DEFAULT_RATE_LIMITS): Promise<{ at: number[]; order: number[] }> {
        const pacer = pacerFor(KEY, bucket, limits);
        const at: number[] = new Array(n);
        const order: number[] = [];
        const all = Array.from({ length: n }, (_, i) =>
            pacer.acquire().then((r) => {
                assert.deepEqual(r, { ok: true });
                at[i] = Date.now() - T0;
                order.push(i);
            }),
        );
        await clock.runAllAsync();
        await Promise.all(all);
        return { at, order };
    }

    it("2,000 calls: at most 100 in any minute and 1,500 in any hour, each as early as the windows allow", async () => {
        const { at, order } = await admitAll(2000);
        assert.ok(maxInAnyWindow(at, 60_000) <= 100, "per-minute limit broken");
        assert.ok(maxInAnyWindow(at, 3_600_000) <= 1500, "per-hour limit broken");
        assert.equal(maxInAnyWindow(at, 60_000), 100);
        assert.equal(maxInAnyWindow(at, 3_600_000), 1500);
        // Exact schedule: batches of 100 a minute until 1,500, then the hour window opens at 3,600 s.
        const expected = at.map((_, i) => (i < 1500 ? Math.floor(i / 100) * 60_000 : 3_600_000 + Math.floor((i - 1500) / 100) * 60_000));
        assert.deepEqual(at, expected);
        assert.deepEqual(
            order,
            [...order].sort((a, b) => a - b),
            "not first in, first out",
        );
    });

    it("waits on one timer, never a busy loop", async () => {
        const pacer = pacerFor(KEY, "isolate", [{ calls: 2, perSeconds: 10 }]);
        const done: number[] = [];
        for (let i = 0; i < 500; i++) void pacer.acquire().then(() => done.push(i));
        await clock.tickAsync(0);
        assert.equal(done.length, 2);
        assert.equal(clock.countTimers(), 1);
        await clock.tickAsync(9_999);
        assert.equal(done.length, 2);
        await clock.tickAsync(1);
        assert.equal(done.length, 4);
        resetPacing();
        assert.equal(clock.countTimers(), 0);
    });

    it("gives each API bucket its own budget", async () => {
        const a = await admitAll(100, "isolate");
        const b = await admitAll(100, "unisolate");
        assert.ok(a.at.every((t) => t === 0));
        assert.ok(b.at.every((t) => t === 0));
    });

    it("shares a bucket between clients of the same API host, tenant and client id", () => {
        const limits = [{ calls: 3, perSeconds: 60 }];
        const first = pacerFor(KEY, "cancel", limits);
        assert.equal(pacerFor({ apiHost: "API.security.microsoft.com", tenantId: "CONTOSO", clientId: "APP" }, "cancel", limits), first);
        assert.notEqual(pacerFor({ ...KEY, tenantId: "fabrikam" }, "cancel", limits), first);
        assert.notEqual(pacerFor({ ...KEY, clientId: "other" }, "cancel", limits), first);
        assert.notEqual(pacerFor({ ...KEY, apiHost: "api-gcc.securitycenter.microsoft.us" }, "cancel", limits), first);
    });

    it("enforces every distinct limit given by clients that share a bucket", async () => {
        pacerFor(KEY, "isolate", [{ calls: 10, perSeconds: 60 }]);
        const { at } = await admitAll(6, "isolate", [{ calls: 3, perSeconds: 60 }]);
        assert.deepEqual(at, [0, 0, 0, 60_000, 60_000, 60_000]);
    });

    it("holds the bucket while a Retry-After block runs, and says why", async () => {
        const pacer = pacerFor(KEY, "isolate");
        const events: PacingWaitEvent[] = [];
        pacer.block(5_000);
        let at = -1;
        void pacer.acquire({ onWait: (e) => events.push(e) }).then(() => (at = Date.now() - T0));
        await clock.tickAsync(4_999);
        assert.equal(at, -1);
        await clock.tickAsync(1);
        assert.equal(at, 5_000);
        assert.deepEqual(events, [{ bucket: "isolate", waitMs: 5_000, queued: 1, cause: "retryAfter" }]);
    });

    it("lets a call give up instead of waiting out a block longer than it accepts", async () => {
        const pacer = pacerFor(KEY, "isolate", [{ calls: 1, perSeconds: 1 }]);
        await pacer.acquire();
        const queued = pacer.acquire({ maxBlockedWaitMs: 5_000 }); // waits for the window...
        const patient = pacer.acquire();
        pacer.block(10_000); // ...then a 429 asks for more than it accepts
        assert.deepEqual(await queued, { ok: false, reason: "blocked", blockedForMs: 10_000 });
        assert.deepEqual(await pacer.acquire({ maxBlockedWaitMs: 9_000 }), { ok: false, reason: "blocked", blockedForMs: 10_000 });
        let patientAt = -1;
        void patient.then(() => (patientAt = Date.now() - T0));
        await clock.tickAsync(10_000);
        assert.deepEqual(await patient, { ok: true });
        assert.equal(patientAt, 10_000);
    });

    it("tells each waiting call once, with the wait until the next slot", async () => {
        const pacer = pacerFor(KEY, "actions.read", [{ calls: 1, perSeconds: 30 }]);
        const events: PacingWaitEvent[] = [];
        await pacer.acquire({ onWait: (e) => events.push(e) });
        await clock.tickAsync(10_000);
        const second = pacer.acquire({ onWait: (e) => events.push(e) });
        const third = pacer.acquire({
            onWait: () => {
                throw new Error("a listener that throws");
            },
        });
        await clock.tickAsync(20_000);
        assert.deepEqual(await second, { ok: true });
        assert.deepEqual(events, [{ bucket: "actions.read", waitMs: 20_000, queued: 1, cause: "window" }]);
        await clock.tickAsync(30_000);
        assert.deepEqual(await third, { ok: true });
    });

    it("puts a retry at the head of the queue", async () => {
        const pacer = pacerFor(KEY, "isolate", [{ calls: 1, perSeconds: 10 }]);
        const order: string[] = [];
        await pacer.acquire();
        void pacer.acquire().then(() => order.push("queued"));
        void pacer.acquire({ front: true }).then(() => order.push("retry"));
        await clock.tickAsync(20_000);
        assert.deepEqual(order, ["retry", "queued"]);
    });

    it("shows queues, blocks and window use", async () => {
        const pacer = pacerFor(KEY, "machines.read", [{ calls: 2, perSeconds: 60 }]);
        await pacer.acquire();
        await pacer.acquire();
        void pacer.acquire();
        pacer.block(1_000);
        assert.deepEqual(pacingSnapshot(), [
            { ...KEY, bucket: "machines.read", queued: 1, blockedForMs: 1_000, windows: [{ calls: 2, perSeconds: 60, used: 2 }] },
        ]);
    });

    it("reset lets waiting calls go with a reset result", async () => {
        const pacer = pacerFor(KEY, "isolate", [{ calls: 1, perSeconds: 60 }]);
        await pacer.acquire();
        const waiting = pacer.acquire();
        resetPacing();
        assert.deepEqual(await waiting, { ok: false, reason: "reset" });
        assert.deepEqual(pacingSnapshot(), []);
    });

    it("validates rateLimits, naming the element and field", () => {
        assert.deepEqual(rateLimitProblems(DEFAULT_RATE_LIMITS), []);
        assert.deepEqual(
            rateLimitProblems([
                { calls: 0, perSeconds: 60 },
                { calls: 10, perSeconds: 1.5 },
            ]),
            [
                "rateLimits[0].calls must be a whole number of calls from 1 to 1000000; got 0",
                "rateLimits[1].perSeconds must be a whole number of seconds from 1 to 86400; got 1.5",
            ],
        );
        assert.deepEqual(rateLimitProblems([{ calls: 5, perSecond: 1 }]), [
            'rateLimits[0] has an unknown key "perSecond"; only "calls" and "perSeconds" are read',
            "rateLimits[0].perSeconds must be a whole number of seconds from 1 to 86400; got nothing",
        ]);
        assert.match(rateLimitProblems([])[0], /^rateLimits must list at least one limit/);
        assert.match(rateLimitProblems("100/60")[0], /^rateLimits must be an array of \{calls, perSeconds\}/);
        assert.match(rateLimitProblems([null])[0], /^rateLimits\[0\] must be an object \{calls, perSeconds\}/);
    });
});
