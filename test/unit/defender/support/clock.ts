/**
 * Driving fake timers while real HTTP runs: fake time moves to the next timer only when no request
 * is on the wire, so a request never sees its own timeout fire early; otherwise real time passes
 * for the local server to answer. The check and the jump happen with no yield in between (the
 * synchronous `clock.next()`), so no request can start after the check and before the jump.
 */
import sinon, { type SinonFakeTimers, type SinonSandbox } from "sinon";
import { requestsInFlight, resetPacing } from "../../../../provider/defender";
import { lateBound } from "../../../../testkit/lateBound";

// Captured before any test installs fake timers.
const realSetTimeout = globalThis.setTimeout;
const MAX_STEPS = 200_000;

export function realDelay(ms: number): Promise<void> {
    return new Promise((resolve) => realSetTimeout(resolve, ms));
}

/** Fake setTimeout/clearTimeout/Date only: sockets, setImmediate and nextTick stay real. */
export function fakeClock(sandbox: SinonSandbox, now = 1_700_000_000_000): SinonFakeTimers {
    return sandbox.useFakeTimers({ now, toFake: ["setTimeout", "clearTimeout", "Date"] });
}

/** Each test of the suite starts with no pacing state and fake timers at `now` (fakeClock); both are undone after it. */
export function usePacingClock(now = 1_700_000_000_000): SinonFakeTimers {
    const sandbox = sinon.createSandbox();
    let clock: SinonFakeTimers | undefined;
    beforeEach(() => {
        resetPacing();
        clock = fakeClock(sandbox, now);
    });
    afterEach(() => {
        resetPacing();
        sandbox.restore();
        clock = undefined;
    });
    return lateBound("the fake clock", () => clock);
}

/** Runs fake time forward as needed until `work` settles. */
export async function drive<T>(clock: SinonFakeTimers, work: Promise<T>): Promise<T> {
    let settled = false;
    work.then(
        () => (settled = true),
        () => (settled = true),
    );
    for (let step = 0; step < MAX_STEPS && !settled; step++) {
        await new Promise((resolve) => setImmediate(resolve)); // let pending callbacks and I/O run first
        if (settled) break;
        if (requestsInFlight() > 0 || clock.countTimers() === 0) await realDelay(1);
        else clock.next();
    }
    if (!settled) throw new Error(`drive: work did not settle within ${MAX_STEPS} steps`);
    return work;
}

/** Real time passes until `condition` holds (bounded). */
export async function until(condition: () => boolean, what: string, maxMs = 5000): Promise<void> {
    for (let waited = 0; !condition(); waited += 2) {
        if (waited > maxMs) throw new Error(`timed out waiting for ${what}`);
        await realDelay(2);
    }
}
