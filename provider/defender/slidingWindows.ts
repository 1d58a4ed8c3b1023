/**
 * The calls one bucket has counted, in every window it keeps to: when a call may go, and how many
 * each window holds now. A call is counted from when it was let through until its answer moves it
 * to the answer's time (`answered`); see pacing.ts for why.
 */

/** One sliding window: at most `calls` calls in any `perSeconds` seconds. */
export interface RateLimit {
    /** Calls allowed in the window. */
    calls: number;
    /** Window length in seconds. */
    perSeconds: number;
}

export interface SlidingWindows {
    readonly limits: readonly RateLimit[];
    /** Enforce these limits too (every distinct limit holds). */
    addLimits(more: readonly RateLimit[]): void;
    /** Forget calls that left every window by `now`. */
    prune(now: number): void;
    /** Time until every window has a free slot (0 when it has now). */
    waitMs(now: number): number;
    /** Count a call let through at `now`. */
    admit(now: number): void;
    /** The oldest call still counted from when it was let through is counted from `now` instead. */
    answered(now: number): void;
    /** Calls counted in each window at `now`. */
    used(now: number): number[];
    /** Forget the calls still unanswered (the pacing was reset). */
    forgetUnanswered(): void;
}

export function createSlidingWindows(initial: readonly RateLimit[]): SlidingWindows {
    const limits: RateLimit[] = [];
    const stamps: number[] = []; // when each counted call was let through, or answered; ascending
    const unanswered: number[] = []; // the stamps still at "let through" time, ascending

    /** Index of the first stamp still inside a window that started at `since` (exclusive). */
    const firstAfter = (since: number) => {
        let lo = 0;
        let hi = stamps.length;
        while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (stamps[mid] > since) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    };

    const windows: SlidingWindows = {
        limits,
        addLimits(more) {
            for (const l of more) {
                if (!limits.some((x) => x.calls === l.calls && x.perSeconds === l.perSeconds)) limits.push({ calls: l.calls, perSeconds: l.perSeconds });
            }
        },
        prune(now) {
            const horizon = now - Math.max(...limits.map((l) => l.perSeconds * 1000));
            while (stamps.length > 0 && stamps[0] <= horizon) stamps.shift();
            while (unanswered.length > 0 && unanswered[0] <= horizon) unanswered.shift();
        },
        waitMs(now) {
            let wait = 0;
            for (const l of limits) {
                const windowMs = l.perSeconds * 1000;
                const first = firstAfter(now - windowMs);
                const used = stamps.length - first;
                // The call that has to leave the window for a slot to open.
                if (used >= l.calls) wait = Math.max(wait, stamps[first + used - l.calls] + windowMs - now);
            }
            return wait;
        },
        admit(now) {
            stamps.push(now);
            unanswered.push(now);
        },
        answered(now) {
            const since = unanswered.shift();
            if (since === undefined) return; // already out of every window
            const at = firstAfter(since) - 1;
            if (at < 0 || stamps[at] !== since) return; // every unanswered stamp is also in stamps
            const moved = Math.max(now, since);
            stamps.splice(at, 1);
            stamps.splice(firstAfter(moved), 0, moved);
        },
        used(now) {
            return limits.map((l) => stamps.length - firstAfter(now - l.perSeconds * 1000));
        },
        forgetUnanswered() {
            unanswered.splice(0);
        },
    };
    windows.addLimits(initial);
    return windows;
}
