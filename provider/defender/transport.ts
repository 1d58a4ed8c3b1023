/**
 * The one request funnel: every call to the Defender API goes through `send`, which adds the bearer
 * token, paces by API bucket, times out, retries by the rules in retry.ts, and turns every failure
 * into a DefenderApiError. Redirects are never followed and TLS verification is never turned off.
 * The error mapping is ours (`validateStatus` accepts everything); no axios error object, with its
 * request config and headers, ever leaves this file.
 */
import axios, { type AxiosInstance } from "axios";
import type { TokenSource } from "./auth";
import { defenderApiError, isDefenderApiError, type DefenderApiError } from "./errors";
import { pacerFor, type ApiBucket, type PacingKey, type PacingWaitEvent, type RateLimit } from "./pacing";
import { backoffDelayMs, parseRetryAfterSeconds, sleep, type RetryOptions } from "./retry";
import { userAgent } from "./userAgent";

export type RetryCause = "rateLimited" | "serverError" | "network" | "timeout" | "unauthorized";

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

export interface TransportRequest {
    method: "GET" | "POST";
    /** Path and query below apiBaseUrl, starting with "/", every part already encoded. */
    path: string;
    /** Sent as JSON, keys exactly as given. */
    body?: unknown;
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

/** Connection failures that happen before a byte of the request is sent: a POST was surely not performed. */
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);
const CORRELATION_HEADERS = ["request-id", "x-ms-request-id", "x-ms-correlation-request-id"];
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
const MAX_REQUEST_BYTES = 1024 * 1024;

let inFlight = 0;

/** HTTP requests on the wire right now, across every client in the process. */
export function requestsInFlight(): number {
    return inFlight;
}

type Exchange = { kind: "response"; status: number; headers: Record<string, string>; text: string } | { kind: "noResponse"; code: string; timeout: boolean };

export function createTransport(options: TransportOptions): Transport {
    const { apiBaseUrl, tokens, retry, timeoutMs } = options;
    const http: AxiosInstance = axios.create({
        timeout: timeoutMs,
        maxRedirects: 0,
        validateStatus: () => true,
        responseType: "text",
        transformRequest: [(data: unknown) => data],
        transformResponse: [(data: unknown) => data],
        maxContentLength: MAX_RESPONSE_BYTES,
        maxBodyLength: MAX_REQUEST_BYTES,
        transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: false },
    });

    const emit = (event: DefenderClientEvent) => {
        try {
            options.onEvent?.(event);
        } catch {
            // progress listeners must not break a call
        }
    };

    const exchange = async (request: TransportRequest, token: string): Promise<Exchange> => {
        const headers: Record<string, string> = {
            Authorization: `Bearer ${token}`,
            Accept: "application/json",
            "User-Agent": userAgent(),
        };
        if (request.body !== undefined) headers["Content-Type"] = "application/json";
        inFlight++;
        // axios's `timeout` is an idle timeout in Node: an answer trickling in never trips it. This one bounds the whole exchange.
        const controller = new AbortController();
        const deadline = setTimeout(() => controller.abort(), timeoutMs);
        try {
            const res = await http.request<string>({
                method: request.method,
                url: `${apiBaseUrl}${request.path}`,
                headers,
                data: request.body === undefined ? undefined : JSON.stringify(request.body),
                signal: controller.signal,
            });
            const flat: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers ?? {})) {
                if (typeof v === "string") flat[k.toLowerCase()] = v;
                else if (Array.isArray(v)) flat[k.toLowerCase()] = v.join(", ");
            }
            return { kind: "response", status: res.status, headers: flat, text: typeof res.data === "string" ? res.data : "" };
        } catch (e) {
            if (controller.signal.aborted) return { kind: "noResponse", code: "ETIMEDOUT", timeout: true };
            const code = axios.isAxiosError(e) && typeof e.code === "string" ? e.code : "ERR_UNKNOWN";
            return { kind: "noResponse", code, timeout: code === "ETIMEDOUT" || code === "ECONNABORTED" };
        } finally {
            clearTimeout(deadline);
            inFlight--;
        }
    };

    const send = async (request: TransportRequest): Promise<TransportResponse> => {
        const { method, path } = request;
        const isPost = method === "POST";
        const pacer = pacerFor(options.pacingKey, request.bucket, options.rateLimits);
        const fail = (fields: Omit<Parameters<typeof defenderApiError>[0], "method" | "path">): DefenderApiError =>
            defenderApiError({ method, path, ...fields });

        let transientRetries = 0;
        let rateLimitedInARow = 0;
        let refreshed = false;
        const maxAttempts = retry.limit + retry.rateLimitRetries + 2;
        for (let attempt = 1; attempt <= maxAttempts; attempt++) {
            const slot = await pacer.acquire({
                front: attempt > 1,
                maxBlockedWaitMs: retry.maxRetryAfterSeconds * 1000,
                onWait: (e) => emit({ type: "pacingWait", ...e }),
            });
            if (!slot.ok) {
                const detail =
                    slot.reason === "blocked"
                        ? `the API asked for a pause of ${Math.ceil(slot.blockedForMs / 1000)} s (Retry-After), longer than retry.maxRetryAfterSeconds (${retry.maxRetryAfterSeconds}); nothing was sent, run again later`
                        : "the pacing queue was reset; nothing was sent";
                throw fail({
                    kind: "rateLimited",
                    outcomeUnknown: false,
                    detail,
                    retryAfterSeconds: slot.reason === "blocked" ? Math.ceil(slot.blockedForMs / 1000) : undefined,
                });
            }
            const token = await tokens.getToken();
            const answer = await exchange(request, token);
            pacer.answered(); // the service counted this call by now: the client's windows never run ahead of it

            if (answer.kind === "noResponse") {
                const cause: RetryCause = answer.timeout ? "timeout" : "network";
                if (!isPost && transientRetries < retry.limit) {
                    const delayMs = backoffDelayMs(transientRetries++, retry);
                    emit({ type: "retry", method, path, attempt, cause, delayMs });
                    await sleep(delayMs);
                    continue;
                }
                throw fail({
                    kind: answer.timeout ? "timeout" : "network",
                    outcomeUnknown: isPost && !NOT_SENT.has(answer.code),
                    reason: answer.timeout ? `timeout after ${timeoutMs} ms` : answer.code,
                    detail: attempt > 1 ? `after ${attempt} attempts` : undefined,
                });
            }

            const { status } = answer;
            if (status >= 200 && status < 300) return parseBody(answer);
            if (status !== 429) rateLimitedInARow = 0;

            const errorBody = parseErrorBody(answer, tokens);
            if (status === 401 && !refreshed) {
                refreshed = true;
                emit({ type: "retry", method, path, attempt, cause: "unauthorized", status, delayMs: 0 });
                await tokens.refreshToken(token);
                continue;
            }
            if (status === 401) {
                throw fail({
                    kind: "http",
                    status,
                    ...errorBody,
                    outcomeUnknown: false,
                    detail: "a freshly issued token was refused too: check tenantId, clientId, the secret and the token scope (audience)",
                });
            }
            if (status === 429) {
                rateLimitedInARow++;
                const retryAfterSeconds = parseRetryAfterSeconds(answer.headers["retry-after"]) ?? retry.defaultRetryAfterSeconds;
                pacer.block(retryAfterSeconds * 1000);
                if (retryAfterSeconds > retry.maxRetryAfterSeconds) {
                    throw fail({
                        kind: "rateLimited",
                        status,
                        ...errorBody,
                        outcomeUnknown: false,
                        retryAfterSeconds,
                        detail: `Retry-After of ${retryAfterSeconds} s exceeds retry.maxRetryAfterSeconds (${retry.maxRetryAfterSeconds}); nothing was performed, run again later`,
                    });
                }
                if (rateLimitedInARow > retry.rateLimitRetries) {
                    throw fail({
                        kind: "rateLimited",
                        status,
                        ...errorBody,
                        outcomeUnknown: false,
                        retryAfterSeconds,
                        detail: `still rate limited after ${retry.rateLimitRetries} retries (retry.rateLimitRetries); nothing was performed, run again later`,
                    });
                }
                emit({ type: "retry", method, path, attempt, cause: "rateLimited", status, delayMs: retryAfterSeconds * 1000 });
                continue; // the blocked bucket holds the retry until Retry-After has passed
            }
            if (status >= 500 && !isPost && transientRetries < retry.limit) {
                const delayMs = backoffDelayMs(transientRetries++, retry);
                emit({ type: "retry", method, path, attempt, cause: "serverError", status, delayMs });
                await sleep(delayMs);
                continue;
            }
            throw fail({
                kind: "http",
                status,
                ...errorBody,
                // A 5xx (or a redirect) to a POST does not say whether the action was created.
                outcomeUnknown: isPost && (status >= 500 || status < 400),
                detail:
                    [
                        status >= 300 && status < 400 ? "redirects are not followed" : undefined,
                        errorBody.detail,
                        attempt > 1 && status >= 500 ? `after ${attempt} attempts` : undefined,
                    ]
                        .filter((s) => s !== undefined)
                        .join("; ") || undefined,
            });
        }
        throw fail({ kind: "http", outcomeUnknown: isPost, detail: `gave up after ${maxAttempts} attempts` });
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

function parseBody(answer: { text: string; headers: Record<string, string>; status: number }): TransportResponse {
    if (answer.text.trim() === "") return { status: answer.status, body: undefined, bodyProblem: "the answer has no body" };
    try {
        return { status: answer.status, body: JSON.parse(answer.text) as unknown };
    } catch {
        return {
            status: answer.status,
            body: undefined,
            bodyProblem: `the answer is not JSON (${answer.text.length} characters of ${answer.headers["content-type"] ?? "unknown type"})`,
        };
    }
}

/** Defender's `{"error": {"code", "message", "target"}}`, as far as it is there. */
function parseErrorBody(
    answer: { text: string; headers: Record<string, string> },
    tokens: TokenSource,
): { code?: string; defenderMessage?: string; correlationId?: string; detail?: string } {
    const out: { code?: string; defenderMessage?: string; correlationId?: string; detail?: string } = {};
    const parsed = parseBody({ ...answer, status: 0 });
    const error = typeof parsed.body === "object" && parsed.body !== null ? (parsed.body as Record<string, unknown>).error : undefined;
    if (typeof error === "object" && error !== null) {
        const e = error as Record<string, unknown>;
        if (typeof e.code === "string" && e.code !== "") out.code = tokens.redact(e.code);
        if (typeof e.message === "string" && e.message !== "") out.defenderMessage = tokens.redact(e.message);
        if (typeof e.target === "string" && e.target !== "") out.correlationId = tokens.redact(e.target);
    } else if (parsed.bodyProblem && answer.text.trim() !== "") {
        out.detail = parsed.bodyProblem;
    }
    if (out.correlationId === undefined) {
        const header = CORRELATION_HEADERS.map((h) => answer.headers[h]).find((v) => v !== undefined && v !== "");
        if (header !== undefined) out.correlationId = tokens.redact(header);
    }
    return out;
}
