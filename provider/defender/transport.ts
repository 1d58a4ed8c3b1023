/**
 * The one request funnel: every call to the Defender API goes through `send`, as a sequence of small
 * stages per attempt:
 *
 *   pacing (a slot in the API's bucket) → auth (the bearer token) → exchange (one HTTP round trip,
 *   bounded as a whole) → the bucket is told of the answer → decide (pure: done, retry now, retry
 *   after N ms, or fail with which error)
 *
 * and every failure leaves as a DefenderApiError. The request's signal (the caller's deadline) ends
 * every wait in it (the queue, a Retry-After pause, a backoff, the token, the exchange) with an error of
 * kind `deadline`, and nothing is sent after it aborted.
 */
import type { TokenSource } from "./auth";
import { parseBody, parseErrorBody } from "./answerBody";
import { decide, FIRST_ATTEMPT, type Answer, type AttemptState, type Decision, type RetryCause } from "./decision";
import { deadlineError, defenderApiError, isDefenderApiError, type DefenderApiError } from "./errors";
import { createExchange, type Exchange, type Exchanged, type ExchangeRequest } from "./exchange";
import { pacerFor, type ApiBucket, type BucketPacer, type PacingKey, type PacingWaitEvent, type RateLimit } from "./pacing";
import { parseRetryAfterSeconds, type RetryOptions } from "./retry";
import { sleep } from "../base/timers";

export type { RetryCause } from "./decision";
export { requestsInFlight } from "./exchange";

/** Progress the funnel reports while a call waits; listeners must not throw (if they do, it is ignored). */
export type DefenderClientEvent =
    | ({ type: "pacingWait" } & PacingWaitEvent)
    | { type: "retry"; method: string; path: string; attempt: number; cause: RetryCause; status?: number; delayMs: number };

export interface TransportOptions {
    apiBaseUrl: string;
    tokens: TokenSource;
    pacingKey: PacingKey;
    rateLimits: readonly RateLimit[];
    retry: RetryOptions;
    timeoutMs: number;
    onEvent?: (event: DefenderClientEvent) => void;
}

export interface TransportRequest extends ExchangeRequest {
    bucket: ApiBucket;
    /** Ends the call, wherever it waits, with a DefenderApiError of kind `deadline`. @default undefined */
    signal?: AbortSignal;
}

export interface TransportResponse {
    status: number;
    /** Parsed JSON, or undefined with `bodyProblem` saying why. */
    body: unknown;
    bodyProblem?: string;
}

export interface Transport {
    readonly apiBaseUrl: string;
    send(request: TransportRequest): Promise<TransportResponse>;
}

export function createTransport(options: TransportOptions): Transport {
    const funnel: Funnel = {
        ...options,
        exchange: createExchange(options.apiBaseUrl, options.timeoutMs),
        emit: (event) => {
            try {
                options.onEvent?.(event);
            } catch {
                // progress listeners must not break a call
            }
        },
    };
    return {
        apiBaseUrl: options.apiBaseUrl,
        async send(request: TransportRequest): Promise<TransportResponse> {
            try {
                return await send(funnel, request);
            } catch (e) {
                if (isDefenderApiError(e)) throw e;
                // A bug below must still not leak a request config: keep only its message.
                throw defenderApiError({
                    kind: "network",
                    method: request.method,
                    path: request.path,
                    outcomeUnknown: request.method === "POST",
                    reason: "internal error",
                    detail: options.tokens.redact(e instanceof Error ? e.message : String(e)),
                });
            }
        },
    };
}

/** What every stage of one client's funnel reads. */
interface Funnel extends TransportOptions {
    exchange: Exchange;
    emit: (event: DefenderClientEvent) => void;
}

/** The attempts of one call, stage by stage, until the decision says done or fail. */
async function send(f: Funnel, request: TransportRequest): Promise<TransportResponse> {
    const pacer = pacerFor(f.pacingKey, request.bucket, f.rateLimits);
    let state = FIRST_ATTEMPT;
    let sent = 0;
    let waitingFor = "its turn";
    try {
        for (;;) {
            if (request.signal?.aborted) throw deadline(request, sent, "its turn");
            await admit(f, pacer, request, state);
            waitingFor = "a token from the login host";
            const token = await f.tokens.getToken(request.signal);
            // A write on the wire is never cut off by the deadline: its answer says what Defender
            // accepted, so it can be recorded. The deadline ends every wait before it is sent.
            const exchanged = await f.exchange(request, token, request.method === "GET" ? request.signal : undefined);
            sent++;
            pacer.answered(); // the service counted this call by now: the client's windows never run ahead of it
            const decision = decide({ method: request.method, state, answer: answerOf(f, exchanged), retry: f.retry, timeoutMs: f.timeoutMs });
            if (decision.verdict === "done") return parseBody(exchanged as Extract<Exchanged, { kind: "response" }>); // only an answer is done
            if (decision.verdict === "fail") {
                if (decision.blockBucketMs !== undefined) pacer.block(decision.blockBucketMs);
                throw defenderApiError({ method: request.method, path: request.path, ...decision.error });
            }
            waitingFor = decision.verdict === "retryNow" ? "a fresh token after a 401" : `the backoff before sending again (${decision.cause})`;
            await prepareRetry(f, decision, request, pacer, token);
            state = decision.next;
        }
    } catch (e) {
        // A wait the signal ended (the token, a backoff) rejects with the signal's reason.
        if (request.signal?.aborted && !isDefenderApiError(e)) throw deadline(request, sent, waitingFor);
        throw e;
    }
}

/** Pacing: waits for a slot; a retry goes to the head of the queue. */
async function admit(f: Funnel, pacer: BucketPacer, request: TransportRequest, state: AttemptState): Promise<void> {
    const slot = await pacer.acquire({
        front: state.attempt > 1,
        maxBlockedWaitMs: f.retry.maxRetryAfterSeconds * 1000,
        onWait: (e) => f.emit({ type: "pacingWait", ...e }),
        signal: request.signal,
    });
    if (slot.ok) return;
    if (slot.reason === "aborted") throw deadline(request, state.attempt - 1, pacingWait(pacer));
    const blockedForSeconds = slot.reason === "blocked" ? Math.ceil(slot.blockedForMs / 1000) : undefined;
    throw defenderApiError({
        kind: "rateLimited",
        method: request.method,
        path: request.path,
        outcomeUnknown: false,
        retryAfterSeconds: blockedForSeconds,
        detail:
            blockedForSeconds !== undefined
                ? `the API asked for a pause of ${blockedForSeconds} s (Retry-After), longer than retry.maxRetryAfterSeconds (${f.retry.maxRetryAfterSeconds}); nothing was sent, run again later`
                : "the pacing queue was reset; nothing was sent",
    });
}

/** The answer as the decision reads it. */
function answerOf(f: Funnel, exchanged: Exchanged): Answer {
    if (exchanged.kind === "noResponse") return exchanged;
    const ok = exchanged.status >= 200 && exchanged.status < 300;
    return {
        kind: "response",
        status: exchanged.status,
        retryAfterSeconds: parseRetryAfterSeconds(exchanged.headers["retry-after"]),
        error: ok ? undefined : parseErrorBody(exchanged, (text) => f.tokens.redact(text)),
    };
}

/** Carries out a retry verdict: the event, then the token refresh, the bucket's block or the backoff. */
async function prepareRetry(
    f: Funnel,
    decision: Extract<Decision, { next: AttemptState }>,
    request: TransportRequest,
    pacer: BucketPacer,
    token: string,
): Promise<void> {
    const delayMs = decision.verdict === "retryNow" ? 0 : decision.delayMs;
    f.emit({
        type: "retry",
        method: request.method,
        path: request.path,
        attempt: decision.next.attempt - 1,
        cause: decision.cause,
        ...statusOf(decision),
        delayMs,
    });
    if (decision.verdict === "retryNow") await f.tokens.refreshToken(token, request.signal);
    // A bucket retry waits in the bucket's queue, with every other call of this API.
    else if (decision.via === "bucket") pacer.block(decision.delayMs);
    else await sleep(decision.delayMs, request.signal);
}

function statusOf(decision: { status?: number }): { status?: number } {
    return decision.status === undefined ? {} : { status: decision.status };
}

/** What a call waiting in the pacing queue waits for, in words. */
function pacingWait(pacer: BucketPacer): string {
    const blockedForMs = pacer.snapshot().blockedForMs;
    return blockedForMs > 0
        ? `waiting out the pause the API asked for (Retry-After, ${Math.ceil(blockedForMs / 1000)} s left)`
        : `waiting for a slot in the ${pacer.bucket} budget (rateLimits)`;
}

/**
 * The caller's signal aborted while the call waited for `waitingFor`, with `sent` attempts answered
 * and none on the wire (the exchange's own abort is an answer the decision reads). A POST is sent
 * again only after a 429 or a 401, which were not performed: so nothing was.
 */
function deadline(request: TransportRequest, sent: number, waitingFor: string): DefenderApiError {
    const reason = waitingFor.startsWith("waiting") ? waitingFor : `waiting for ${waitingFor}`;
    const detail =
        request.method === "POST"
            ? sent === 0
                ? "nothing was sent"
                : "nothing was performed (the attempts sent were refused with 429 or 401)"
            : sent > 0
              ? `after ${sent} attempt${sent === 1 ? "" : "s"}`
              : undefined;
    return deadlineError(request, reason, detail);
}
