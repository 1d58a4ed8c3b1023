/** The most calls found in any sliding window of `windowMs` (a call at t leaves the window at t + windowMs). */
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
