/**
 * The client's waits, told to the user: during a mass isolation hundreds of calls queue behind
 * Defender's rate limit for minutes, and silence would look like a hang. At most one line per API
 * budget every PROGRESS_EVERY_MS; a 429 (the limit was shared with someone else) is a warning.
 */
import type { DefenderClientEvent } from "../defender";
import { elapsed, log } from "./log";

const PROGRESS_EVERY_MS = 15_000;

export interface LogSink {
    progress(message: string): void;
    warn(message: string): void;
}

export function clientEventLogger(sink: LogSink = log, now: () => number = Date.now): (event: DefenderClientEvent) => void {
    const lastLine = new Map<string, number>();
    const due = (key: string) => {
        const t = now();
        if (t - (lastLine.get(key) ?? -Infinity) < PROGRESS_EVERY_MS) return false;
        lastLine.set(key, t);
        return true;
    };
    return (event) => {
        if (event.type === "pacingWait") {
            if (event.waitMs >= 1000 && due(`pace:${event.bucket}`)) {
                const why = event.cause === "retryAfter" ? "Defender asked for a pause (Retry-After)" : "keeping to defender:rateLimits";
                sink.progress(`rate limit: ${event.queued} ${event.bucket} call(s) queued, next in ${elapsed(event.waitMs)} (${why})`);
            }
        } else if (event.cause === "rateLimited" && due(`429:${event.path}`)) {
            sink.warn(
                `Defender answered 429 TooManyRequests to ${event.method} ${event.path}; waiting ${elapsed(event.delayMs)} before retrying (is another tool using the same application?)`,
            );
        }
    };
}
