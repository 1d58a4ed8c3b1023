// Sliding-window limits per key (tenant, client id, API). Only accepted calls take a slot, so a client
// retrying too early keeps getting 429 until a slot frees.
import { RateWindow } from "../base/runtimeOptions";

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Index of the first timestamp > bound in an ascending array. */
function firstAfter(ts: number[], bound: number): number {
    let lo = 0;
    let hi = ts.length;
    while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (ts[mid] > bound) hi = mid;
        else lo = mid + 1;
    }
    return lo;
}

export class RateLimiter {
    private readonly calls = new Map<string, number[]>();

    /** Takes a slot if every window has one; otherwise says when the first slot frees (whole seconds, ≥ 1). */
    take(key: string, windows: readonly RateWindow[], now: number): RateDecision {
        const longest = Math.max(...windows.map((w) => w.perSeconds)) * 1000;
        const ts = this.calls.get(key) ?? [];
        const keepFrom = firstAfter(ts, now - longest);
        if (keepFrom > 0) ts.splice(0, keepFrom);
        let waitMs = 0;
        for (const w of windows) {
            const span = w.perSeconds * 1000;
            const start = firstAfter(ts, now - span);
            const inWindow = ts.length - start;
            if (inWindow >= w.calls) {
                // The slot frees when the call that must leave the window gets older than the window.
                const leaving = ts[start + (inWindow - w.calls)];
                waitMs = Math.max(waitMs, leaving + span - now);
            }
        }
        if (waitMs > 0) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
        ts.splice(firstAfter(ts, now), 0, now); // keeps order even if a test clock steps back
        this.calls.set(key, ts);
        return { allowed: true };
    }

    clear(): void {
        this.calls.clear();
    }
}
