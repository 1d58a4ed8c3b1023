import assert from "node:assert/strict";
import sinon from "sinon";
import { abortable, abortReason, isAbortSignal, onAbort, sharedWait, sleep, type SharedWaiter } from "../../../provider/base/timers";

describe("base/timers: waits that end when a signal aborts", () => {
    const sandbox = sinon.createSandbox();
    afterEach(() => sandbox.restore());

    it("sleep resolves after its time, and clears its timer when the signal aborts first", async () => {
        const clock = sandbox.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
        const t0 = Date.now();
        const done = sleep(1_000);
        await clock.tickAsync(1_000);
        await done;
        assert.equal(Date.now() - t0, 1_000);

        const controller = new AbortController();
        const stopped = sleep(60_000, controller.signal);
        await clock.tickAsync(500);
        controller.abort(new Error("deadline"));
        await assert.rejects(stopped, /^Error: deadline$/);
        assert.equal(clock.countTimers(), 0, "the timer is cleared");
    });

    it("sleep with a signal that already aborted rejects at once", async () => {
        await assert.rejects(sleep(10, AbortSignal.abort()), (e: Error) => e.name === "AbortError");
    });

    it("abortable stops waiting for work that goes on, and passes its outcome through otherwise", async () => {
        let finish: (v: string) => void = () => undefined;
        const work = new Promise<string>((resolve) => (finish = resolve));
        const controller = new AbortController();
        const waiting = abortable(work, controller.signal);
        controller.abort();
        await assert.rejects(waiting, (e: Error) => e.name === "AbortError");
        finish("late");
        assert.equal(await work, "late");
        assert.equal(await abortable(Promise.resolve("now"), new AbortController().signal), "now");
        await assert.rejects(abortable(Promise.reject(new Error("own")), new AbortController().signal), /own/);
        await assert.rejects(abortable(new Promise(() => undefined), AbortSignal.abort()), (e: Error) => e.name === "AbortError");
    });

    it("onAbort calls back once, at once for an aborted signal, and can stop listening", () => {
        const calls: string[] = [];
        const controller = new AbortController();
        const stop = onAbort(controller.signal, () => calls.push("a"));
        onAbort(controller.signal, () => calls.push("b"))();
        controller.abort();
        controller.abort();
        onAbort(controller.signal, () => calls.push("c"));
        stop();
        assert.deepEqual(calls, ["a", "c"]);
    });

    it("recognizes signals and words their reasons as errors", () => {
        assert.equal(isAbortSignal(AbortSignal.timeout(1_000)), true);
        assert.equal(isAbortSignal({ aborted: false }), false);
        assert.equal(isAbortSignal(undefined), false);
        const timeout = new AbortController();
        timeout.abort(new DOMException("late", "TimeoutError"));
        assert.equal(abortReason(timeout.signal).name, "TimeoutError");
        const text = new AbortController();
        text.abort("stop");
        assert.deepEqual([abortReason(text.signal).name, abortReason(text.signal).message], ["AbortError", "stop"]);
    });

    it("sharedWait: the shared work settles its waiters; one whose signal aborts leaves and stops waiting", async () => {
        const waiters = new Set<SharedWaiter<string>>();
        const join = (w: SharedWaiter<string>) => waiters.add(w);
        const leave = (w: SharedWaiter<string>) => waiters.delete(w);
        const controller = new AbortController();
        const stopped = sharedWait(controller.signal, join, leave, () => new Error("stopped"));
        const kept = sharedWait(undefined, join, leave, () => new Error("never"));
        assert.equal(waiters.size, 2);
        controller.abort();
        await assert.rejects(stopped, /^Error: stopped$/);
        assert.equal(waiters.size, 1);
        waiters.forEach((w) => w.resolve("done"));
        assert.equal(await kept, "done");
        await assert.rejects(
            sharedWait(AbortSignal.abort(), join, leave, () => new Error("late")),
            /late/,
        );
        assert.equal(waiters.size, 1, "an aborted signal never joins");
    });
});
