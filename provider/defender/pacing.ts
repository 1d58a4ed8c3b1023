/**
 * Pacing: calls wait their turn instead of earning 429s. Defender counts calls per API, per
 * application and tenant, in sliding windows (100 a minute, 1,500 an hour). Each API is a bucket
 * with its own budget, shared by every client in the process that talks to the same API host as
 * the same tenant and application (a module-level registry).
 *
 * A bucket is a FIFO queue: the head takes a slot when every window has room and no Retry-After
 * block is running; otherwise one timer is set for the exact moment the oldest counted call leaves
 * its window. `Date.now()` and `setTimeout` only, so fake timers drive it in tests.
 *
 * The service counts a call when it arrives, which is after the slot was taken (a token fetch, a TLS
 * handshake, a busy event loop in between) and before the answer. So a caller that reports each
 * answer (`answered()`) has that call counted from the answer on: never earlier than the service
 * counts it, whatever the latency, at the cost of one round trip per window. (A call still unanswered
 * when its window has passed is counted from when it was let through: request timeouts are shorter
 * than Defender's windows.)
 */
import { wholeNumberProblem } from "../base/ranges";
import { onAbort } from "../base/timers";
import { createSlidingWindows, type RateLimit } from "./slidingWindows";

export type ApiBucket = "isolate" | "unisolate" | "cancel" | "actions.read" | "machines.read" | "alerts.read" | "incidents.read";
export const API_BUCKETS: readonly ApiBucket[] = ["isolate", "unisolate", "cancel", "actions.read", "machines.read", "alerts.read", "incidents.read"];

export type { RateLimit } from "./slidingWindows";

/** Defender's documented limits: 100 calls a minute and 1,500 an hour, per API. */
export const DEFAULT_RATE_LIMITS: readonly RateLimit[] = Object.freeze([
    Object.freeze({ calls: 100, perSeconds: 60 }),
    Object.freeze({ calls: 1500, perSeconds: 3600 }),
]);

/**
 * APIs with a budget of their own, enforced beside the configured limits: Defender XDR documents its
 * incidents API at 50 calls a minute and 1,500 an hour (its get-incident page says 100 a minute; the
 * lower one is kept).
 */
export const DOCUMENTED_BUCKET_LIMITS: Readonly<Partial<Record<ApiBucket, readonly RateLimit[]>>> = Object.freeze({
    "incidents.read": Object.freeze([Object.freeze({ calls: 50, perSeconds: 60 }), Object.freeze({ calls: 1500, perSeconds: 3600 })]),
});

const MAX_CALLS = 1_000_000;
const MAX_WINDOW_SECONDS = 86_400;

/** Problems with a rateLimits value, each naming the element and field; empty when valid. */
export function rateLimitProblems(value: unknown, field = "rateLimits"): string[] {
    const example = `[{"calls":100,"perSeconds":60},{"calls":1500,"perSeconds":3600}]`;
    if (!Array.isArray(value)) return [`${field} must be an array of {calls, perSeconds} such as ${example}`];
    if (value.length === 0) return [`${field} must list at least one limit, such as ${example}`];
    const problems: string[] = [];
    value.forEach((limit: unknown, i) => {
        const at = `${field}[${i}]`;
        if (typeof limit !== "object" || limit === null || Array.isArray(limit)) {
            problems.push(`${at} must be an object {calls, perSeconds} such as {"calls":100,"perSeconds":60}`);
            return;
        }
        const r = limit as Record<string, unknown>;
        for (const key of Object.keys(r)) {
            if (key !== "calls" && key !== "perSeconds") problems.push(`${at} has an unknown key "${key}"; only "calls" and "perSeconds" are read`);
        }
        const calls = wholeNumberProblem(r.calls, `${at}.calls`, { min: 1, max: MAX_CALLS, unit: "calls" });
        const perSeconds = wholeNumberProblem(r.perSeconds, `${at}.perSeconds`, { min: 1, max: MAX_WINDOW_SECONDS, unit: "seconds" });
        problems.push(...[calls, perSeconds].filter((p) => p !== undefined));
    });
    return problems;
}

/** Whose budget a bucket spends. */
export interface PacingKey {
    apiHost: string;
    tenantId: string;
    clientId: string;
}

/** Told when a call cannot go at once: for progress logs. */
export interface PacingWaitEvent {
    bucket: ApiBucket;
    /** Time until the queue's head may go. */
    waitMs: number;
    /** Calls waiting in this bucket, this one included. */
    queued: number;
    /** "retryAfter" while a 429's Retry-After holds the bucket, else "window". */
    cause: "window" | "retryAfter";
}

export interface AcquireOptions {
    /** Join at the head of the queue (a retry of a call already admitted once). @default false */
    front?: boolean;
    /** Give up (result `blocked`) rather than wait longer than this for a Retry-After block. @default Infinity */
    maxBlockedWaitMs?: number;
    onWait?: (event: PacingWaitEvent) => void;
    /** Stop waiting (result `aborted`) when this signal aborts; the call leaves the queue. @default undefined */
    signal?: AbortSignal;
}

export type AcquireResult =
    { ok: true } | { ok: false; reason: "blocked"; blockedForMs: number } | { ok: false; reason: "reset" } | { ok: false; reason: "aborted" };

export interface BucketPacer {
    readonly bucket: ApiBucket;
    /** Resolves when the call may be sent (its slot is then counted), or why it may not. */
    acquire(options?: AcquireOptions): Promise<AcquireResult>;
    /**
     * A call this pacer let through got its answer (or failed): the oldest slot still counted from
     * when it was let through is counted from now instead. The service saw that call no later than
     * now, so the client's windows never run ahead of the service's. Report once per call, after it
     * ended; a call never reported keeps counting from when it was let through.
     */
    answered(): void;
    /** A 429 arrived: hold every call of this bucket for `ms`. */
    block(ms: number): void;
    snapshot(): BucketSnapshot;
}

export interface BucketSnapshot extends PacingKey {
    bucket: ApiBucket;
    /** Calls waiting for a slot. */
    queued: number;
    /** Remaining Retry-After block, 0 when none. */
    blockedForMs: number;
    /** The enforced limits, and the calls counted in each window right now. */
    windows: Array<RateLimit & { used: number }>;
}

interface Waiter {
    resolve: (result: AcquireResult) => void;
    maxBlockedWaitMs: number;
    onWait?: (event: PacingWaitEvent) => void;
    told: boolean;
    /** Stops listening to the caller's signal. */
    stopListening: () => void;
}

interface Entry {
    key: PacingKey;
    pacer: BucketPacer;
    /** When a call was last let through (epoch ms); 0 if never. */
    lastAdmittedAt(): number;
    addLimits(limits: readonly RateLimit[]): void;
    reset(): void;
}

const registry = new Map<string, Map<ApiBucket, Entry>>();

/**
 * The process-wide pacer of `bucket` for `key`. When clients sharing a key pass different limits,
 * every distinct limit is enforced (the strictest budget wins).
 */
export function pacerFor(key: PacingKey, bucket: ApiBucket, limits: readonly RateLimit[] = DEFAULT_RATE_LIMITS): BucketPacer {
    const id = JSON.stringify([key.apiHost.toLowerCase(), key.tenantId.toLowerCase(), key.clientId.toLowerCase()]);
    let buckets = registry.get(id);
    if (!buckets) {
        buckets = new Map();
        registry.set(id, buckets);
    }
    const all = [...limits, ...(DOCUMENTED_BUCKET_LIMITS[bucket] ?? [])];
    let entry = buckets.get(bucket);
    if (!entry) {
        entry = createEntry(key, bucket, all);
        buckets.set(bucket, entry);
    } else {
        entry.addLimits(all);
    }
    return entry.pacer;
}

/** Every bucket's queue and windows, for progress logs. */
export function pacingSnapshot(): BucketSnapshot[] {
    return [...registry.values()].flatMap((buckets) => [...buckets.values()].map((e) => e.pacer.snapshot()));
}

/**
 * Whether a call of `bucket` to `apiHost` (every host when undefined) could go now without taking a
 * slot that other calls are using: nobody queued, no Retry-After block, a free slot in every window,
 * and no call let through in the last `quietMs` (calls that come in bursts, such as the device
 * listings of many creates, may still be arriving). For work that can wait, such as status polls.
 */
export function isBucketIdle(apiHost: string | undefined, bucket: ApiBucket, quietMs: number): boolean {
    const now = Date.now();
    for (const buckets of registry.values()) {
        const entry = buckets.get(bucket);
        if (!entry || (apiHost !== undefined && entry.key.apiHost.toLowerCase() !== apiHost.toLowerCase())) continue;
        const s = entry.pacer.snapshot();
        if (s.queued > 0 || s.blockedForMs > 0 || s.windows.some((w) => w.used >= w.calls)) return false;
        if (now - entry.lastAdmittedAt() < quietMs) return false;
    }
    return true;
}

/** Forget every bucket (tests). Waiting calls resolve with `reset`; timers are cleared. */
export function resetPacing(): void {
    for (const buckets of registry.values()) for (const entry of buckets.values()) entry.reset();
    registry.clear();
}

function createEntry(key: PacingKey, bucket: ApiBucket, initial: readonly RateLimit[]): Entry {
    const windows = createSlidingWindows(initial);
    const queue: Waiter[] = [];
    let blockedUntil = 0;
    let lastAdmittedAt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const leave = (w: Waiter, result: AcquireResult) => {
        const at = queue.indexOf(w);
        if (at >= 0) queue.splice(at, 1);
        w.stopListening();
        w.resolve(result);
    };

    const pump = () => {
        if (timer !== undefined) {
            clearTimeout(timer);
            timer = undefined;
        }
        const now = Date.now();
        windows.prune(now);
        const blockedFor = Math.max(0, blockedUntil - now);
        for (const w of queue.filter((q) => blockedFor > q.maxBlockedWaitMs).reverse()) leave(w, { ok: false, reason: "blocked", blockedForMs: blockedFor });
        while (queue.length > 0) {
            const wait = Math.max(blockedUntil - now, windows.waitMs(now));
            if (wait <= 0) {
                windows.admit(now);
                lastAdmittedAt = now;
                leave(queue[0], { ok: true });
                continue;
            }
            const cause = blockedUntil - now >= wait ? "retryAfter" : "window";
            queue.forEach((w) => tell(w, { bucket, waitMs: wait, queued: queue.length, cause }));
            timer = setTimeout(pump, wait);
            return;
        }
    };

    const pacer: BucketPacer = {
        bucket,
        acquire(options: AcquireOptions = {}) {
            return new Promise<AcquireResult>((resolve) => {
                if (options.signal?.aborted) return resolve({ ok: false, reason: "aborted" });
                const waiter = newWaiter(options, resolve);
                if (options.front) queue.unshift(waiter);
                else queue.push(waiter);
                // A call that stops waiting leaves the queue; the calls behind it move up.
                waiter.stopListening = onAbort(options.signal, () => {
                    leave(waiter, { ok: false, reason: "aborted" });
                    pump();
                });
                pump();
            });
        },
        answered() {
            windows.answered(Date.now());
            pump();
        },
        block(ms: number) {
            blockedUntil = Math.max(blockedUntil, Date.now() + Math.max(0, ms));
            pump();
        },
        snapshot() {
            const now = Date.now();
            const used = windows.used(now);
            const limits = windows.limits.map((l, i) => ({ ...l, used: used[i] }));
            return { ...key, bucket, queued: queue.length, blockedForMs: Math.max(0, blockedUntil - now), windows: limits };
        },
    };

    return {
        key,
        pacer,
        lastAdmittedAt: () => lastAdmittedAt,
        addLimits: (more) => {
            windows.addLimits(more);
            pump();
        },
        reset: () => {
            if (timer !== undefined) clearTimeout(timer);
            timer = undefined;
            [...queue].forEach((w) => leave(w, { ok: false, reason: "reset" }));
            windows.forgetUnanswered();
        },
    };
}

function newWaiter(options: AcquireOptions, resolve: (result: AcquireResult) => void): Waiter {
    return { resolve, maxBlockedWaitMs: options.maxBlockedWaitMs ?? Infinity, onWait: options.onWait, told: false, stopListening: () => undefined };
}

function tell(w: Waiter, event: PacingWaitEvent): void {
    if (w.told || !w.onWait) return;
    w.told = true;
    try {
        w.onWait(event);
    } catch {
        // a progress listener must not break the call
    }
}
