// One API or token request, start to end, whatever carries it: log, faults, route, authenticate,
// rate-limit, answer. The HTTP layer parses the request, hands it here with its side of the exchange
// (body, waits, writing, dropping), and writes what it is given.
import { toServiceTime } from "../base/clock";
import { newGuid } from "../base/ids";
import { Reply } from "../base/reply";
import { CORRELATION_HEADER, defenderError } from "../defender/errors";
import { EntraRequestContext } from "../entra/entraErrors";
import { RouteDef } from "../routes/catalogue";
import { DEFENDER_HANDLERS, ENTRA_HANDLERS } from "../routes/handlers";
import { RouteMatch, matchRoute } from "../routes/matchRoute";
import { authenticate, authorize, rateLimit } from "./apiGate";
import { EmulatorCore } from "./emulatorCore";
import { faultReply, shortPage } from "./faultReplies";
import { Fault } from "./faults";

export type BodyRead = { ok: true; text: string } | { ok: false; reason: "tooLarge" | "aborted" };

/** A request as it arrived, before its body is read. */
export interface ApiRequest {
    /** Upper case. */
    method: string;
    /** The request target exactly as sent (path and query). */
    target: string;
    /** Lower-cased header names; repeated headers joined with ", ". */
    headers: Record<string, string>;
    /** Header names and values as received, in order. */
    rawHeaders: string[];
    /** The origin the client used, for discovery documents, @odata.context and nextLink. */
    origin: string;
}

/** What to write: status, every header but content-length, and the body. */
export interface Answer {
    status: number;
    headers: Record<string, string>;
    body: string;
}

/** The transport's side of one exchange. */
export interface ApiExchangeIo {
    readBody(): Promise<BodyRead>;
    /** Waits (tracked, so stop() can cut it short); false if the emulator stopped meanwhile. */
    sleep(ms: number): Promise<boolean>;
    send(answer: Answer): void;
    /** Closes the connection without an answer. */
    drop(): void;
}

type Family = RouteDef["family"];

/** Unknown paths answer as Defender does. */
const family = (match: RouteMatch): Family => (match.kind === "match" ? match.route.family : "defender");

const CONTENT_TYPES: Record<Family, string> = {
    defender: "application/json; odata.metadata=minimal; odata.streaming=true; charset=utf-8",
    entra: "application/json; charset=utf-8",
};

function answerOf(reply: Reply, family: Family): Answer {
    const body = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
    const headers: Record<string, string> = { "content-type": CONTENT_TYPES[family], ...reply.headers };
    if (family === "defender" && headers[CORRELATION_HEADER] === undefined) headers[CORRELATION_HEADER] = newGuid();
    return { status: reply.status, headers, body };
}

/** The route's own answer (no fault took its place), and the client id the request carried. */
function routeReply(
    core: EmulatorCore,
    match: RouteMatch,
    request: ApiRequest,
    url: URL,
    body: string,
    ectx: EntraRequestContext,
): { reply: Reply; clientId: string | null } {
    const method = request.method;
    const authorization = request.headers.authorization as string | undefined;
    if (match.kind === "none") return { reply: defenderError(404, "ResourceNotFound", `No endpoint at ${method} ${url.pathname}`), clientId: null };
    if (match.kind === "wrongMethod") {
        const allow = match.allowed.join(", ");
        return { reply: defenderError(405, "MethodNotAllowed", `${method} is not allowed here; use ${allow}`, { allow }), clientId: null };
    }
    const { route, params } = match;
    if (route.family === "entra") {
        return ENTRA_HANDLERS[route.name]({ ...ectx, config: core.config, tokens: core.tokens, params, query: url.searchParams, body, authorization });
    }
    const auth = authenticate(authorization, core, ectx.now, route);
    if (!auth.ok) return { reply: auth.reply, clientId: null };
    const clientId = auth.who.clientId;
    const handler = DEFENDER_HANDLERS[route.name];
    const reply =
        authorize(route, auth.who) ??
        rateLimit(route, auth.who, core, ectx.now) ??
        handler({ state: core.state, config: core.config, now: ectx.now, origin: ectx.origin, clientId, params, query: url.searchParams, body });
    return { reply, clientId };
}

/** The reply now (after any delay): an injected error in place of the route, or the route's own answer. */
function perform(
    core: EmulatorCore,
    match: RouteMatch,
    request: ApiRequest,
    url: URL,
    body: string,
    fault: Fault | null,
): { reply: Reply; clientId: string | null } {
    // MSAL sends its correlation id as a header or in the query; Entra echoes it as correlation_id.
    const header = request.headers["client-request-id"] as string | undefined;
    const clientRequestId = typeof header === "string" ? header : (url.searchParams.get("client-request-id") ?? undefined);
    const ectx: EntraRequestContext = { origin: request.origin, now: core.now(), clientRequestId };
    const injected = fault ? faultReply(fault, family(match), ectx) : null;
    return injected !== null ? { reply: injected, clientId: null } : routeReply(core, match, request, url, body, ectx);
}

export async function serveApiRequest(core: EmulatorCore, request: ApiRequest, io: ApiExchangeIo): Promise<void> {
    const seq = core.log.nextSeq();
    const arrivedAt = core.now();
    const url = new URL(request.target, "http://localhost");
    const method = request.method;
    const read = await io.readBody();
    const body = read.ok ? read.text : "";
    const match = matchRoute(method, url.pathname);
    const route = match.kind === "match" ? match.route : null;
    let clientId: string | null = null;
    let faultKind: Fault["kind"] | null = null;

    const record = (status: number | null): void => {
        const entry = {
            seq,
            timestamp: toServiceTime(arrivedAt),
            method,
            url: request.target,
            path: url.pathname,
            query: Object.fromEntries(url.searchParams),
            headers: request.headers,
            rawHeaders: request.rawHeaders,
            body,
            status,
            route: route?.name ?? null,
            clientId,
            fault: faultKind,
        };
        core.log.add(entry);
        core.onRequest?.(entry);
    };
    const drop = (): void => {
        record(null);
        io.drop();
    };
    if (!read.ok) {
        if (read.reason === "aborted") return record(null);
        io.send(answerOf(defenderError(413, "PayloadTooLarge", "Request body is larger than 1 MiB"), family(match)));
        return record(413);
    }

    const fault = core.faults.take(method, url.pathname, route?.name ?? null);
    faultKind = fault?.kind ?? null;
    if (fault?.kind === "delay" && !(await io.sleep(fault.delayMs as number))) return drop();
    if (fault?.kind === "dropBeforePerform") return drop();

    const performed = perform(core, match, request, url, body, fault);
    let reply = performed.reply;
    clientId = performed.clientId;

    if (fault?.kind === "dropAfterPerform") return drop();
    if (fault?.kind === "shortPage") reply = shortPage(reply, fault.keepItems ?? 0);
    io.send(answerOf(reply, family(match)));
    record(reply.status);
}
