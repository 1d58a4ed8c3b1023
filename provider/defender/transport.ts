/**
 * The one request funnel: every call to the Defender API goes through `send`, as a sequence of small
 * stages per attempt:
 *
 *   pacing (a slot in the API's bucket) → auth (the bearer token) → exchange (one HTTP round trip,
 *   bounded as a whole) → the bucket is told of the answer → decide (pure: done, retry now, retry
 *   after N ms, or fail with which error)
 *
 * and every failure leaves as a DefenderApiError.
 */
import type { TokenSource } from "./auth";
import { parseBody, parseErrorBody } from "./answerBody";
import { decide, FIRST_ATTEMPT, type Answer, type AttemptState, type Decision, type RetryCause } from "./decision";
import { defenderApiError, isDefenderApiError } from "./errors";
import { createExchange, type Exchanged, type ExchangeRequest } from "./exchange";
import { pacerFor, type ApiBucket, type BucketPacer, type PacingKey, type PacingWaitEvent, type RateLimit } from "./pacing";
import { parseRetryAfterSeconds, sleep, type RetryOptions } from "./retry";

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
    const { apiBaseUrl, tokens, retry, timeoutMs } = options;
    const exchange = createExchange(apiBaseUrl, timeoutMs);
    const emit = (event: DefenderClientEvent) => {
        try {
            options.onEvent?.(event);
        } catch {
            // progress listeners must not break a call
        }
    };

    /** Pacing: waits for a slot; a retry goes to the head of the queue. */
    const admit = async (pacer: BucketPacer, request: TransportRequest, state: AttemptState): Promise<void> => {
        const slot = await pacer.acquire({
            front: state.attempt > 1,
            maxBlockedWaitMs: retry.maxRetryAfterSeconds * 1000,
            onWait: (e) => emit({ type: "pacingWait", ...e }),
        });
        if (slot.ok) return;
        const blockedForSeconds = slot.reason === "blocked" ? Math.ceil(slot.blockedForMs / 1000) : undefined;
        throw defenderApiError({
            kind: "rateLimited",
            method: request.method,
            path: request.path,
            outcomeUnknown: false,
            retryAfterSeconds: blockedForSeconds,
            detail:
                blockedForSeconds !== undefined
                    ? `the API asked for a pause of ${blockedForSeconds} s (Retry-After), longer than retry.maxRetryAfterSeconds (${retry.maxRetryAfterSeconds}); nothing was sent, run again later`
                    : "the pacing queue was reset; nothing was sent",
        });
    };

    /** The answer as the decision reads it. */
    const answerOf = (exchanged: Exchanged): Answer => {
        if (exchanged.kind === "noResponse") return exchanged;
        const ok = exchanged.status >= 200 && exchanged.status < 300;
        return {
            kind: "response",
            status: exchanged.status,
            retryAfterSeconds: parseRetryAfterSeconds(exchanged.headers["retry-after"]),
            error: ok ? undefined : parseErrorBody(exchanged, (text) => tokens.redact(text)),
        };
    };

    /** Carries out a retry verdict: the event, then the token refresh, the bucket's block or the backoff. */
    const prepareRetry = async (decision: Extract<Decision, { next: AttemptState }>, request: TransportRequest, pacer: BucketPacer, token: string) => {
        const { method, path } = request;
        const delayMs = decision.verdict === "retryNow" ? 0 : decision.delayMs;
        emit({ type: "retry", method, path, attempt: decision.next.attempt - 1, cause: decision.cause, ...statusOf(decision), delayMs });
        if (decision.verdict === "retryNow") await tokens.refreshToken(token);
        else if (decision.via === "bucket")
            pacer.block(decision.delayMs); // the retry waits in the bucket, with every other call of this API
        else await sleep(decision.delayMs);
    };

    const send = async (request: TransportRequest): Promise<TransportResponse> => {
        const pacer = pacerFor(options.pacingKey, request.bucket, options.rateLimits);
        for (let state = FIRST_ATTEMPT; ;) {
            await admit(pacer, request, state);
            const token = await tokens.getToken();
            const exchanged = await exchange(request, token);
            pacer.answered(); // the service counted this call by now: the client's windows never run ahead of it
            const decision = decide({ method: request.method, state, answer: answerOf(exchanged), retry, timeoutMs });
            if (decision.verdict === "done") return parseBody(exchanged as Extract<Exchanged, { kind: "response" }>); // only an answer is done
            if (decision.verdict === "fail") {
                if (decision.blockBucketMs !== undefined) pacer.block(decision.blockBucketMs);
                throw defenderApiError({ method: request.method, path: request.path, ...decision.error });
            }
            await prepareRetry(decision, request, pacer, token);
            state = decision.next;
        }
    };

    return {
        apiBaseUrl,
        async send(request: TransportRequest): Promise<TransportResponse> {
            try {
                return await send(request);
            } catch (e) {
                if (isDefenderApiError(e)) throw e;
                // A bug below must still not leak a request config: keep only its message.
                throw defenderApiError({
                    kind: "network",
                    method: request.method,
                    path: request.path,
                    outcomeUnknown: request.method === "POST",
                    reason: "internal error",
                    detail: tokens.redact(e instanceof Error ? e.message : String(e)),
                });
            }
        },
    };
}

function statusOf(decision: { status?: number }): { status?: number } {
    return decision.status === undefined ? {} : { status: decision.status };
}
