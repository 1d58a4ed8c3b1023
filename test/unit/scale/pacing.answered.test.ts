/**
 * The pacer counting a call from its answer: the service counts a call when it arrives, after the
 * slot was taken and before the answer, so a window counted from the answer can never run ahead of
 * the service's, whatever the latency. Fake timers; a simulated service checks arrivals.
 */
import { strict as assert } from "assert";
import fc from "fast-check";
import { pacerFor, pacingSnapshot, resetPacing, type PacingKey, type RateLimit } from "../../../provider/defender";
import { maxInAnyWindow } from "../../../testkit/requests/windows";
import { usePacingClock } from "../defender/support/clock";

const KEY: PacingKey = { apiHost: "api.security.microsoft.com", tenantId: "contoso", clientId: "app" };
const T0 = 1_700_000_000_000;

describe("scale: pacing counts a call from its answer", () => {
    const clock = usePacingClock(T0);

    /** Starts `n` acquisitions and records when each is let through (ms after T0), in call order. */
    function admit(limits: RateLimit[], n: number): { at: number[] } {
        const pacer = pacerFor(KEY, "isolate", limits);
        const at: number[] = new Array(n).fill(-1);
        for (let i = 0; i < n; i++) void pacer.acquire().then(() => (at[i] = Date.now() - T0));
        return { at };
    }

    it("lets the next call go one window after the answer, not after the slot was taken", async () => {
        const pacer = pacerFor(KEY, "isolate", [{ calls: 2, perSeconds: 1 }]);
        const { at } = admit([{ calls: 2, perSeconds: 1 }], 4);
        await clock.tickAsync(0);
        assert.deepEqual(at, [0, 0, -1, -1]);
        await clock.tickAsync(300);
        pacer.answered();
        pacer.answered();
        await clock.tickAsync(999);
        assert.deepEqual(at, [0, 0, -1, -1], "a window counted from the slot would have opened at 1000");
        await clock.tickAsync(1);
        assert.deepEqual(at, [0, 0, 1300, 1300]);
    });

    it("moves the oldest slot still counted from when it was taken (answers come in any order)", async () => {
        const pacer = pacerFor(KEY, "cancel", [{ calls: 2, perSeconds: 10 }]);
        await pacer.acquire();
        await clock.tickAsync(4_000);
        await pacer.acquire();
        await clock.tickAsync(1_000);
        pacer.answered(); // one of the two calls ended at 5 s: the slot taken at 0 now counts from 5 s
        let thirdAt = -1;
        void pacer.acquire().then(() => (thirdAt = Date.now() - T0));
        await clock.tickAsync(8_999);
        assert.equal(thirdAt, -1);
        await clock.tickAsync(1);
        assert.equal(thirdAt, 14_000, "the slot taken at 4 s, never answered, frees first");
    });

    it("keeps counting a call never reported from when its slot was taken", async () => {
        const { at } = admit([{ calls: 3, perSeconds: 60 }], 6);
        await clock.tickAsync(60_000);
        assert.deepEqual(at, [0, 0, 0, 60_000, 60_000, 60_000]);
    });

    it("ignores an answer with no call counted (every slot already answered or out of the window)", async () => {
        const pacer = pacerFor(KEY, "unisolate", [{ calls: 1, perSeconds: 1 }]);
        pacer.answered();
        await pacer.acquire();
        pacer.answered();
        pacer.answered();
        assert.deepEqual(pacingSnapshot()[0].windows, [{ calls: 1, perSeconds: 1, used: 1 }]);
        await clock.tickAsync(1_000);
        assert.deepEqual(pacingSnapshot()[0].windows, [{ calls: 1, perSeconds: 1, used: 0 }]);
    });

    it("re-plans its one timer when an answer moves the slot that was about to free", async () => {
        const pacer = pacerFor(KEY, "actions.read", [{ calls: 1, perSeconds: 2 }]);
        await pacer.acquire();
        let nextAt = -1;
        void pacer.acquire().then(() => (nextAt = Date.now() - T0));
        await clock.tickAsync(500);
        pacer.answered();
        assert.equal(clock.countTimers(), 1);
        await clock.tickAsync(1_999);
        assert.equal(nextAt, -1);
        await clock.tickAsync(1);
        assert.equal(nextAt, 2_500);
    });

    it("never lets the service see more calls than a window allows, whatever the latency of calls answered within a window", async () => {
        await fc.assert(
            fc.asyncProperty(
                fc.integer({ min: 1, max: 5 }),
                fc.integer({ min: 1, max: 3 }),
                fc.array(fc.record({ toArrival: fc.integer({ min: 0, max: 600 }), toAnswer: fc.integer({ min: 0, max: 399 }) }), {
                    minLength: 1,
                    maxLength: 40,
                }),
                async (calls, perSeconds, latencies) => {
                    resetPacing();
                    const pacer = pacerFor(KEY, "isolate", [{ calls, perSeconds }]);
                    const arrivals: number[] = [];
                    // Each call: slot, then it reaches the service after `toArrival`, and is answered `toAnswer` later.
                    const all = latencies.map(async ({ toArrival, toAnswer }) => {
                        const slot = await pacer.acquire();
                        assert.ok(slot.ok);
                        await new Promise((r) => setTimeout(r, toArrival));
                        arrivals.push(Date.now());
                        await new Promise((r) => setTimeout(r, toAnswer));
                        pacer.answered();
                    });
                    await clock.runAllAsync();
                    await Promise.all(all);
                    assert.equal(arrivals.length, latencies.length);
                    assert.ok(maxInAnyWindow(arrivals, perSeconds * 1000) <= calls, `more than ${calls} arrivals within ${perSeconds} s`);
                },
            ),
            { numRuns: 60 },
        );
    });
});
