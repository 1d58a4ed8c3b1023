/**
 * One HTTP round trip, bounded as a whole: the request goes out with the bearer token, and whatever
 * happens comes back as data (an answer, or the reason there was none). Redirects are never followed
 * and TLS verification is never turned off. `validateStatus` accepts everything: the error mapping is
 * the decision's, and no axios error object, with its request config and headers, leaves this file.
 */
import axios, { type AxiosInstance } from "axios";
import { onAbort } from "../base/timers";
import { userAgent } from "./userAgent";

export interface ExchangeRequest {
    method: "GET" | "POST";
    /** Path and query below apiBaseUrl, starting with "/", every part already encoded. */
    path: string;
    /** Sent as JSON, keys exactly as given. */
    body?: unknown;
}

export type Exchanged =
    | { kind: "response"; status: number; headers: Record<string, string>; text: string }
    | { kind: "noResponse"; code: string; cause: "timeout" | "deadline" | "network" };

/** One round trip; `signal` (the caller's deadline) cuts it off as the exchange's own bound does. */
export type Exchange = (request: ExchangeRequest, token: string, signal?: AbortSignal) => Promise<Exchanged>;

const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
const MAX_REQUEST_BYTES = 1024 * 1024;

let inFlight = 0;

/** HTTP requests on the wire right now, across every client in the process. */
export function requestsInFlight(): number {
    return inFlight;
}

export function createExchange(apiBaseUrl: string, timeoutMs: number): Exchange {
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

    return async (request, token, signal) => {
        const headers: Record<string, string> = {
            Authorization: `Bearer ${token}`,
            Accept: "application/json",
            "User-Agent": userAgent(),
        };
        if (request.body !== undefined) headers["Content-Type"] = "application/json";
        inFlight++;
        // axios's `timeout` is an idle timeout in Node: an answer trickling in never trips it. This one bounds the whole exchange.
        const controller = new AbortController();
        const bound = setTimeout(() => controller.abort(), timeoutMs);
        const stopListening = onAbort(signal, () => controller.abort());
        try {
            const res = await http.request<string>({
                method: request.method,
                url: `${apiBaseUrl}${request.path}`,
                headers,
                data: request.body === undefined ? undefined : JSON.stringify(request.body),
                signal: controller.signal,
            });
            return { kind: "response", status: res.status, headers: flatHeaders(res.headers), text: typeof res.data === "string" ? res.data : "" };
        } catch (e) {
            if (signal?.aborted) return { kind: "noResponse", code: "ERR_CANCELED", cause: "deadline" };
            if (controller.signal.aborted) return { kind: "noResponse", code: "ETIMEDOUT", cause: "timeout" };
            const code = axios.isAxiosError(e) && typeof e.code === "string" ? e.code : "ERR_UNKNOWN";
            return { kind: "noResponse", code, cause: code === "ETIMEDOUT" || code === "ECONNABORTED" ? "timeout" : "network" };
        } finally {
            clearTimeout(bound);
            stopListening();
            inFlight--;
        }
    };
}

function flatHeaders(headers: unknown): Record<string, string> {
    const flat: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers ?? {})) {
        if (typeof v === "string") flat[k.toLowerCase()] = v;
        else if (Array.isArray(v)) flat[k.toLowerCase()] = v.join(", ");
    }
    return flat;
}
