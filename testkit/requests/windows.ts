/**
 * Sliding-window arithmetic shared by the benchmark and the scale tests. A window `{calls, perSeconds}`
 * admits at most `calls` calls in any span (t - perSeconds, t]: a call made at t leaves the window at
 * exactly t + perSeconds, as Defender and the emulator count.
 */

export interface Window {
    calls: number;
    perSeconds: number;
}

/**
 * The earliest time (ms after the first call) at which the last of `n` calls can be made under every
 * window, the first call at 0. Greedy (each call as early as the windows allow) is optimal for sliding
 * windows, so this is the minimum: with one window of c calls per w seconds it is ⌊(n-1)/c⌋·w, the first
 * window being free.
 */
export function minimumIssueTimeMs(n: number, windows: readonly Window[]): number {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a whole number of calls, got ${n}`);
    if (n <= 1 || windows.length === 0) return 0;
    const times = new Array<number>(n);
    for (let i = 0; i < n; i++) {
        let t = i === 0 ? 0 : times[i - 1];
        for (const w of windows) {
            if (i >= w.calls) t = Math.max(t, times[i - w.calls] + w.perSeconds * 1000);
        }
        times[i] = t;
    }
    return times[n - 1];
}

/** The most calls found in any window of `windowMs` (a call at t leaves it at t + windowMs). */
export function maxInAnyWindow(times: readonly number[], windowMs: number): number {
    const sorted = [...times].sort((a, b) => a - b);
    let max = 0;
    let first = 0;
    for (let last = 0; last < sorted.length; last++) {
        while (sorted[first] <= sorted[last] - windowMs) first++;
        max = Math.max(max, last - first + 1);
    }
    return max;
}

/** For each window, the most calls seen in any span of it: a window is kept when `max <= calls`. */
export function windowUse(times: readonly number[], windows: readonly Window[]): Array<Window & { max: number }> {
    return windows.map((w) => ({ ...w, max: maxInAnyWindow(times, w.perSeconds * 1000) }));
}
