/**
 * Pacing: calls wait their turn instead of earning 429s. Defender counts calls per API, per
 * application and tenant, in sliding windows (100 a minute, 1,500 an hour). Each API is a bucket
 * with its own budget, shared by every client in the process that talks to the same API host as
 * the same tenant and application (a module-level registry).
 *
 * A bucket is a FIFO queue: the head takes a slot when every window has room and no Retry-After
 * block is running; otherwise one timer is set for the exact moment the oldest counted call leaves
 * its window. `Date.now()` and `setTimeout` only, so fake timers drive it in tests.
 */

export type ApiBucket = "isolate" | "unisolate" | "cancel" | "actions.read" | "machines.read";
export const API_BUCKETS: readonly ApiBucket[] = ["isolate", "unisolate", "cancel", "actions.read", "machines.read"];

export interface RateLimit {
    /** Calls allowed in the window. */
    calls: number;
    /** Window length in seconds. */
    perSeconds: number;
}

/** Defender's documented limits: 100 calls a minute and 1,500 an hour, per API. */
export const DEFAULT_RATE_LIMITS: readonly RateLimit[] = Object.freeze([
    Object.freeze({ calls: 100, perSeconds: 60 }),
    Object.freeze({ calls: 1500, perSeconds: 3600 }),
]);

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
        if (!isIntegerIn(r.calls, 1, MAX_CALLS)) problems.push(`${at}.calls must be a whole number of calls from 1 to ${MAX_CALLS}; got ${JSON.stringify(r.calls) ?? "nothing"}`);
        if (!isIntegerIn(r.perSeconds, 1, MAX_WINDOW_SECONDS)) problems.push(`${at}.perSeconds must be a whole number of seconds from 1 to ${MAX_WINDOW_SECONDS}; got ${JSON.stringify(r.perSeconds) ?? "nothing"}`);
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
}

export type AcquireResult =
    | { ok: true }
    | { ok: false; reason: "blocked"; blockedForMs: number }
    | { ok: false; reason: "reset" };

export interface BucketPacer {
    readonly bucket: ApiBucket;
    /** Resolves when the call may be sent (its slot is then counted). */
    acquire(options?: AcquireOptions): Promise<AcquireResult>;
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
}

interface Entry {
    pacer: BucketPacer;
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
    let entry = buckets.get(bucket);
    if (!entry) {
        entry = createEntry(key, bucket, limits);
        buckets.set(bucket, entry);
    } else {
        entry.addLimits(limits);
    }
    return entry.pacer;
}

/** Every bucket's queue and windows, for progress logs. */
export function pacingSnapshot(): BucketSnapshot[] {
    return [...registry.values()].flatMap((buckets) => [...buckets.values()].map((e) => e.pacer.snapshot()));
}

/** Forget every bucket (tests). Waiting calls resolve with `reset`; timers are cleared. */
export function resetPacing(): void {
    for (const buckets of registry.values()) for (const entry of buckets.values()) entry.reset();
    registry.clear();
}

function createEntry(key: PacingKey, bucket: ApiBucket, initial: readonly RateLimit[]): Entry {
    const limits: RateLimit[] = [];
    const stamps: number[] = []; // start times of counted calls, ascending
    const queue: Waiter[] = [];
    let blockedUntil = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const addLimits = (more: readonly RateLimit[]) => {
        for (const l of more) {
            if (!limits.some((x) => x.calls === l.calls && x.perSeconds === l.perSeconds)) limits.push({ calls: l.calls, perSeconds: l.perSeconds });
        }
    };
    addLimits(initial);

    const longestWindowMs = () => Math.max(...limits.map((l) => l.perSeconds * 1000));

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

    const windowWaitMs = (now: number) => {
        let wait = 0;
        for (const l of limits) {
            const windowMs = l.perSeconds * 1000;
            const first = firstAfter(now - windowMs);
            const used = stamps.length - first;
            // The call that has to leave the window for a slot to open.
            if (used >= l.calls) wait = Math.max(wait, stamps[first + used - l.calls] + windowMs - now);
        }
        return wait;
    };

    const tell = (w: Waiter, event: PacingWaitEvent) => {
        if (w.told || !w.onWait) return;
        w.told = true;
        try {
            w.onWait(event);
        } catch {
            // a progress listener must not break the call
        }
    };

    const pump = () => {
        if (timer !== undefined) {
            clearTimeout(timer);
            timer = undefined;
        }
        const now = Date.now();
        const horizon = now - longestWindowMs();
        while (stamps.length > 0 && stamps[0] <= horizon) stamps.shift();

        const blockedFor = Math.max(0, blockedUntil - now);
        for (let i = queue.length - 1; i >= 0; i--) {
            if (blockedFor > queue[i].maxBlockedWaitMs) queue.splice(i, 1)[0].resolve({ ok: false, reason: "blocked", blockedForMs: blockedFor });
        }
        while (queue.length > 0) {
            const wait = Math.max(blockedUntil - now, windowWaitMs(now));
            if (wait <= 0) {
                stamps.push(now);
                (queue.shift() as Waiter).resolve({ ok: true });
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
                const waiter: Waiter = { resolve, maxBlockedWaitMs: options.maxBlockedWaitMs ?? Infinity, onWait: options.onWait, told: false };
                if (options.front) queue.unshift(waiter);
                else queue.push(waiter);
                pump();
            });
        },
        block(ms: number) {
            blockedUntil = Math.max(blockedUntil, Date.now() + Math.max(0, ms));
            pump();
        },
        snapshot() {
            const now = Date.now();
            return {
                ...key,
                bucket,
                queued: queue.length,
                blockedForMs: Math.max(0, blockedUntil - now),
                windows: limits.map((l) => ({ ...l, used: stamps.length - firstAfter(now - l.perSeconds * 1000) })),
            };
        },
    };

    return {
        pacer,
        addLimits: (more) => {
            addLimits(more);
            pump();
        },
        reset: () => {
            if (timer !== undefined) clearTimeout(timer);
            timer = undefined;
            queue.splice(0).forEach((w) => w.resolve({ ok: false, reason: "reset" }));
        },
    };
}

function isIntegerIn(v: unknown, min: number, max: number): boolean {
    return typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
}
