// Entra-shaped OAuth errors: error, error_description ("AADSTSnnn: ... Trace ID ... Correlation ID ..."),
// error_codes, timestamp, trace_id, correlation_id, error_uri.
import { toEntraTime } from "../base/clock";
import { newGuid } from "../base/ids";
import { Reply } from "../base/reply";

export interface EntraErrorBody {
    error: string;
    error_description: string;
    error_codes: number[];
    timestamp: string;
    trace_id: string;
    correlation_id: string;
    error_uri: string;
}

export interface EntraRequestContext {
    origin: string;
    now: number;
    /** The client's `client-request-id` header, echoed as correlation id as Entra does. */
    clientRequestId: string | undefined;
}

export function entraError(status: number, error: string, code: number, message: string, ctx: EntraRequestContext): Reply {
    const traceId = newGuid();
    const correlationId = ctx.clientRequestId ?? newGuid();
    const timestamp = toEntraTime(ctx.now);
    const body: EntraErrorBody = {
        error,
        error_description: `AADSTS${code}: ${message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
        error_codes: [code],
        timestamp,
        trace_id: traceId,
        correlation_id: correlationId,
        error_uri: `${ctx.origin}/error?code=${code}`,
    };
    const headers: Record<string, string> = { "x-ms-request-id": traceId, "cache-control": "no-store, no-cache" };
    if (ctx.clientRequestId !== undefined) headers["client-request-id"] = ctx.clientRequestId;
    return { status, headers, body };
}
