// What an injected fault answers in place of the route (an Entra- or Defender-shaped error), and the short
// page a shortPage fault makes of a listing.
import { Reply } from "../base/reply";
import { defenderError } from "../defender/errors";
import { EntraRequestContext, entraError } from "../entra/entraErrors";
import { RouteDef } from "../routes/catalogue";
import { Fault } from "./faults";

const DEFENDER_CODES: Record<number, string> = {
    500: "InternalServerError",
    503: "ServiceUnavailable",
    429: "TooManyRequests",
    404: "ResourceNotFound",
    401: "Unauthorized",
    403: "Forbidden",
};

/** The error a status or tokenFailure fault answers; null for the kinds that shape the route's own answer. */
export function faultReply(fault: Fault, family: RouteDef["family"], ectx: EntraRequestContext): Reply | null {
    if (fault.kind === "tokenFailure") {
        return entraError(fault.status ?? 400, fault.error ?? "invalid_client", fault.errorCode ?? 7000215, fault.message ?? "Injected fault", ectx);
    }
    if (fault.kind !== "status") return null;
    const status = fault.status as number;
    if (family === "entra") {
        return entraError(
            status,
            fault.error ?? (status >= 500 ? "temporarily_unavailable" : "invalid_request"),
            fault.errorCode ?? 90033,
            fault.message ?? "Injected fault",
            ectx,
        );
    }
    const code = fault.code ?? DEFENDER_CODES[status] ?? "BadRequest";
    const headers: Record<string, string> = fault.retryAfterSeconds !== undefined ? { "retry-after": String(fault.retryAfterSeconds) } : {};
    return defenderError(status, code, fault.message ?? "Injected fault", headers);
}

/** A listing answered in full by the handler, cut to its first `keep` items, as a short or lagging page is. */
export function shortPage(reply: Reply, keep: number): Reply {
    const body = reply.body;
    if (reply.status !== 200 || typeof body !== "object" || body === null || !Array.isArray((body as { value?: unknown }).value)) return reply;
    const { "@odata.nextLink": _next, ...rest } = body as Record<string, unknown>;
    return { ...reply, body: { ...rest, value: (rest.value as unknown[]).slice(0, keep) } };
}
