/**
 * The retry options, each with its default, and the arithmetic the decision per answer
 * (decision.ts) uses: capped exponential backoff with full jitter, and Retry-After.
 */

import { wholeNumberProblem, type WholeRange } from "../base/ranges";
import { describeValue } from "../base/text";

export interface RetryOptions {
    /** Retries of a GET after a 5xx, a timeout or a network error (so `limit + 1` attempts). @default 4 */
    limit: number;
    /** First backoff wait in ms; it doubles per retry. @default 500 */
    backoffBaseMs: number;
    /** Cap on one backoff wait in ms. @default 30000 */
    backoffMaxMs: number;
    /** Full jitter: each backoff wait is uniformly random between 0 and the capped exponential delay. @default true */
    jitter: boolean;
    /** 429 answers tolerated in a row for one call before it fails. @default 10 */
    rateLimitRetries: number;
    /** Longest Retry-After (seconds) waited out; a longer one fails the call at once with kind `rateLimited`. @default 300 */
    maxRetryAfterSeconds: number;
    /**
     * Wait (seconds) after a 429 that carries no usable Retry-After. 60 is the length of Defender's
     * shortest window: after it, the per-minute budget has fully renewed. @default 60
     */
    defaultRetryAfterSeconds: number;
}

export const DEFAULT_RETRY_OPTIONS: Readonly<RetryOptions> = Object.freeze({
    limit: 4,
    backoffBaseMs: 500,
    backoffMaxMs: 30_000,
    jitter: true,
    rateLimitRetries: 10,
    maxRetryAfterSeconds: 300,
    defaultRetryAfterSeconds: 60,
});

const RANGES: Record<Exclude<keyof RetryOptions, "jitter">, WholeRange> = {
    limit: { min: 0, max: 20, unit: "retries" },
    backoffBaseMs: { min: 0, max: 600_000, unit: "milliseconds" },
    backoffMaxMs: { min: 0, max: 600_000, unit: "milliseconds" },
    rateLimitRetries: { min: 0, max: 100, unit: "retries" },
    maxRetryAfterSeconds: { min: 0, max: 86_400, unit: "seconds" },
    defaultRetryAfterSeconds: { min: 0, max: 86_400, unit: "seconds" },
};

/** Problems with a partial retry options object, each naming `retry.<field>`; empty when valid. */
export function retryOptionProblems(value: unknown, field = "retry"): string[] {
    if (value === undefined) return [];
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        return [`${field} must be an object such as {"limit":4,"maxRetryAfterSeconds":300}`];
    }
    const r = value as Record<string, unknown>;
    const problems: string[] = [];
    for (const key of Object.keys(r)) {
        if (!(key in DEFAULT_RETRY_OPTIONS)) problems.push(`${field}.${key} is not a retry option; known: ${Object.keys(DEFAULT_RETRY_OPTIONS).join(", ")}`);
    }
    for (const [key, range] of Object.entries(RANGES)) {
        const problem = r[key] === undefined ? undefined : wholeNumberProblem(r[key], `${field}.${key}`, range);
        if (problem !== undefined) problems.push(problem);
    }
    if (r.jitter !== undefined && typeof r.jitter !== "boolean") problems.push(`${field}.jitter must be true or false; got ${describeValue(r.jitter)}`);
    if (problems.length === 0) {
        const merged = resolveRetryOptions(r);
        if (merged.backoffMaxMs < merged.backoffBaseMs) {
            problems.push(`${field}.backoffMaxMs (${merged.backoffMaxMs}) must be at least ${field}.backoffBaseMs (${merged.backoffBaseMs})`);
        }
        if (merged.defaultRetryAfterSeconds > merged.maxRetryAfterSeconds) {
            problems.push(
                `${field}.defaultRetryAfterSeconds (${merged.defaultRetryAfterSeconds}) must not exceed ${field}.maxRetryAfterSeconds (${merged.maxRetryAfterSeconds}), or every 429 without Retry-After would fail`,
            );
        }
    }
    return problems;
}

export function resolveRetryOptions(partial: Partial<RetryOptions> = {}): RetryOptions {
    const out: RetryOptions = { ...DEFAULT_RETRY_OPTIONS };
    for (const key of Object.keys(DEFAULT_RETRY_OPTIONS) as Array<keyof RetryOptions>) {
        if (partial[key] !== undefined) (out as unknown as Record<string, unknown>)[key] = partial[key];
    }
    return out;
}

/** Wait before GET retry number `retry` (0 for the first): min(max, base·2^retry), times a random factor with jitter. */
export function backoffDelayMs(retry: number, options: RetryOptions, random: () => number = Math.random): number {
    const capped = Math.min(options.backoffMaxMs, options.backoffBaseMs * 2 ** Math.min(retry, 30));
    return options.jitter ? Math.floor(random() * capped) : capped;
}

/**
 * Seconds asked for by a Retry-After header (delta-seconds or an HTTP date), rounded up; undefined
 * when missing or unreadable.
 */
export function parseRetryAfterSeconds(header: string | undefined, now: number = Date.now()): number | undefined {
    if (header === undefined) return undefined;
    const text = header.trim();
    if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text));
    if (!/[a-z]/i.test(text)) return undefined;
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    return Math.max(0, Math.ceil((at - now) / 1000));
}
