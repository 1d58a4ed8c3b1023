/**
 * What to do with one answer: the funnel's only policy, as a pure function (the answer, the attempt
 * counters and the retry options in; a verdict out), so every rule is checked as a table with no
 * server. A 429 was not performed, so GET and POST alike wait and go again. A GET is also sent again
 * after a 5xx, a timeout or a lost connection; a POST never is: it fails with `outcomeUnknown`, and
 * the caller lists the device's actions before sending anything again. A 401 gets one fresh token.
 */
import type { DefenderApiErrorFields } from "./errors";
import { backoffDelayMs, type RetryOptions } from "./retry";

export type RetryCause = "rateLimited" | "serverError" | "network" | "timeout" | "unauthorized";

/** Connection failures that happen before a byte of the request is sent: a POST was surely not performed. */
export const NOT_SENT_CODES: ReadonlySet<string> = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/** Defender's error body (`{"error": {"code", "message", "target"}}`), as far as it was there. */
export interface ErrorBodyFields {
    code?: string;
    defenderMessage?: string;
    correlationId?: string;
    /** Why the body could not be read, when it was not JSON. */
    detail?: string;
}

/** One attempt's result, reduced to what the decision reads. */
export type Answer =
    | {
          kind: "response";
          status: number;
          /** The Retry-After header in whole seconds; undefined when absent or unreadable. */
          retryAfterSeconds?: number;
          /** The error body of a non-2xx answer. */
          error?: ErrorBodyFields;
      }
    | {
          kind: "noResponse";
          /** Network error code, e.g. ECONNRESET; ETIMEDOUT when the exchange ran out of time. */
          code: string;
          /** The exchange ran out of its own time (`timeout`), the caller's signal aborted it (`deadline`), or the network failed. */
          cause: "timeout" | "deadline" | "network";
      };

/** Counters across the attempts of one call. */
export interface AttemptState {
    /** 1 for the first attempt. */
    attempt: number;
    /** GET retries after a 5xx, a timeout or a lost connection so far. */
    transientRetries: number;
    /** 429 answers in a row, up to and including the last answer. */
    rateLimitedInARow: number;
    /** Whether the one token refresh after a 401 was used. */
    refreshed: boolean;
}

export const FIRST_ATTEMPT: Readonly<AttemptState> = Object.freeze({ attempt: 1, transientRetries: 0, rateLimitedInARow: 0, refreshed: false });

export interface DecisionInput {
    method: "GET" | "POST";
    state: AttemptState;
    answer: Answer;
    retry: RetryOptions;
    /** The exchange's bound, for the timeout's reason. */
    timeoutMs: number;
    /** Draws the jitter of a backoff wait. @default Math.random */
    random?: () => number;
}

/** The fields of the DefenderApiError to throw; the request's method and path are added by the funnel. */
export type FailureFields = Omit<DefenderApiErrorFields, "method" | "path">;

export type Decision =
    /** 2xx: the answer is the result. */
    | { verdict: "done" }
    /** Send again at once, after getting a token the credential's cache did not serve (after a 401). */
    | { verdict: "retryNow"; cause: "unauthorized"; status: number; refreshToken: true; next: AttemptState }
    /**
     * Send again after `delayMs`: `backoff` sleeps in this call only; `bucket` holds the whole bucket
     * (every call of this API waits out the pause the service asked for) and the retry goes through it.
     */
    | { verdict: "retryAfter"; cause: RetryCause; status?: number; delayMs: number; via: "backoff" | "bucket"; next: AttemptState }
    /** Throw this error. `blockBucketMs`: the service asked for this pause, which other calls must keep to as well. */
    | { verdict: "fail"; error: FailureFields; blockBucketMs?: number };

/** Most attempts one call makes, whatever its answers: every retry budget spent, plus the first attempt and the refresh. */
export function maxAttempts(retry: RetryOptions): number {
    return retry.limit + retry.rateLimitRetries + 2;
}

export function decide(input: DecisionInput): Decision {
    const decision = input.answer.kind === "noResponse" ? decideNoResponse(input, input.answer) : decideResponse(input, input.answer);
    if (decision.verdict !== "done" && decision.verdict !== "fail" && decision.next.attempt > maxAttempts(input.retry)) {
        const error: FailureFields = { kind: "http", outcomeUnknown: input.method === "POST", detail: `gave up after ${maxAttempts(input.retry)} attempts` };
        // The pause a 429 asked for still holds for every other call.
        return decision.verdict === "retryAfter" && decision.via === "bucket"
            ? { verdict: "fail", error, blockBucketMs: decision.delayMs }
            : { verdict: "fail", error };
    }
    return decision;
}

function decideNoResponse(input: DecisionInput, answer: Extract<Answer, { kind: "noResponse" }>): Decision {
    const { method, state, retry } = input;
    const isPost = method === "POST";
    if (answer.cause === "deadline") {
        // The caller stopped waiting: never sent again. A POST on the wire may have been performed.
        const detail = isPost ? undefined : state.attempt > 1 ? `after ${state.attempt} attempts` : undefined;
        return { verdict: "fail", error: { kind: "deadline", outcomeUnknown: isPost, reason: "waiting for the answer", detail } };
    }
    const cause: RetryCause = answer.cause;
    if (!isPost && state.transientRetries < retry.limit) return backoff(input, cause, undefined);
    return {
        verdict: "fail",
        error: {
            kind: cause,
            outcomeUnknown: isPost && !NOT_SENT_CODES.has(answer.code),
            reason: cause === "timeout" ? `timeout after ${input.timeoutMs} ms` : answer.code,
            detail: state.attempt > 1 ? `after ${state.attempt} attempts` : undefined,
        },
    };
}

function decideResponse(input: DecisionInput, answer: Extract<Answer, { kind: "response" }>): Decision {
    const { method, state, retry } = input;
    const { status } = answer;
    if (status >= 200 && status < 300) return { verdict: "done" };
    const errorBody = answer.error ?? {};
    const refused = (outcomeUnknown: boolean, detail: string | undefined): Decision => ({
        verdict: "fail",
        error: { kind: "http", status, ...errorBody, outcomeUnknown, detail },
    });
    if (status === 401 && !state.refreshed) {
        return { verdict: "retryNow", cause: "unauthorized", status, refreshToken: true, next: nextAttempt(state, { rateLimitedInARow: 0, refreshed: true }) };
    }
    if (status === 401) return refused(false, "a freshly issued token was refused too: check tenantId, clientId, the secret and the token scope (audience)");
    if (status === 429) return decideRateLimited(input, answer, errorBody);
    if (status >= 500 && method === "GET" && state.transientRetries < retry.limit) return backoff(input, "serverError", status);
    const detail = [
        status >= 300 && status < 400 ? "redirects are not followed" : undefined,
        errorBody.detail,
        state.attempt > 1 && status >= 500 ? `after ${state.attempt} attempts` : undefined,
    ].filter((s) => s !== undefined);
    // A 5xx (or a redirect) to a POST does not say whether the action was created.
    return refused(method === "POST" && (status >= 500 || status < 400), detail.join("; ") || undefined);
}

function decideRateLimited(input: DecisionInput, answer: Extract<Answer, { kind: "response" }>, errorBody: ErrorBodyFields): Decision {
    const { state, retry } = input;
    const retryAfterSeconds = answer.retryAfterSeconds ?? retry.defaultRetryAfterSeconds;
    const blockBucketMs = retryAfterSeconds * 1000;
    const inARow = state.rateLimitedInARow + 1;
    const failWith = (detail: string): Decision => ({
        verdict: "fail",
        blockBucketMs,
        error: { kind: "rateLimited", status: answer.status, ...errorBody, outcomeUnknown: false, retryAfterSeconds, detail },
    });
    if (retryAfterSeconds > retry.maxRetryAfterSeconds) {
        return failWith(
            `Retry-After of ${retryAfterSeconds} s exceeds retry.maxRetryAfterSeconds (${retry.maxRetryAfterSeconds}); nothing was performed, run again later`,
        );
    }
    if (inARow > retry.rateLimitRetries) {
        return failWith(`still rate limited after ${retry.rateLimitRetries} retries (retry.rateLimitRetries); nothing was performed, run again later`);
    }
    return {
        verdict: "retryAfter",
        cause: "rateLimited",
        status: answer.status,
        delayMs: blockBucketMs,
        via: "bucket",
        next: nextAttempt(state, { rateLimitedInARow: inARow }),
    };
}

function backoff(input: DecisionInput, cause: RetryCause, status: number | undefined): Decision {
    const { state, retry } = input;
    const delayMs = backoffDelayMs(state.transientRetries, retry, input.random);
    const next = nextAttempt(state, { transientRetries: state.transientRetries + 1, rateLimitedInARow: status === undefined ? state.rateLimitedInARow : 0 });
    return { verdict: "retryAfter", cause, ...(status === undefined ? {} : { status }), delayMs, via: "backoff", next };
}

function nextAttempt(state: AttemptState, changes: Partial<AttemptState>): AttemptState {
    return { ...state, ...changes, attempt: state.attempt + 1 };
}
