// One API or token request, start to end: read, log, faults, route, authenticate, rate-limit, answer.
import { IncomingMessage, ServerResponse } from "http";
import { toServiceTime } from "../clock";
import * as api from "../defender/apiHandlers";
import { CORRELATION_HEADER, defenderError } from "../defender/errors";
import { instanceDiscovery, openIdConfiguration } from "../entra/discovery";
import { EntraRequestContext, entraError } from "../entra/entraErrors";
import { TENANT_PATTERN, handleTokenRequest, tenantKnown, tenantNotFound } from "../entra/tokenEndpoint";
import { EmulatorCore } from "../emulatorCore";
import { newGuid } from "../ids";
import { readBody } from "./body";
import { Fault } from "./faults";
import { Reply, jsonReply } from "./reply";
import { RouteDef, RouteName, matchRoute } from "./routes";

const API_HANDLERS: Partial<Record<RouteName, api.ApiHandler>> = {
    isolate: api.isolate,
    unisolate: api.unisolate,
    getMachine: api.getMachine,
    listMachines: api.listMachines,
    getAction: api.getAction,
    listActions: api.listActions,
    cancelAction: api.cancelAction,
};

const LOOPBACK_HOST = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/i;

export interface PipelineEnv {
    core: EmulatorCore;
    scheme: "http" | "https";
    /** The emulator's own base URL, used when the Host header is not a loopback name. */
    baseUrl: () => string;
    /** Waits (tracked, so stop() can cut it short); false if the emulator stopped meanwhile. */
    sleep: (ms: number) => Promise<boolean>;
}

function headerRecord(req: IncomingMessage): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
        if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
    }
    return out;
}

function originOf(req: IncomingMessage, env: PipelineEnv): string {
    const host = req.headers.host;
    return host !== undefined && LOOPBACK_HOST.test(host) ? `${env.scheme}://${host}` : env.baseUrl();
}

function write(res: ServerResponse, reply: Reply, family: "entra" | "defender"): void {
    const body = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body);
    const contentType =
        family === "defender" ? "application/json; odata.metadata=minimal; odata.streaming=true; charset=utf-8" : "application/json; charset=utf-8";
    const headers: Record<string, string> = { "content-type": contentType, ...reply.headers };
    if (family === "defender" && headers[CORRELATION_HEADER] === undefined) headers[CORRELATION_HEADER] = newGuid();
    headers["content-length"] = String(Buffer.byteLength(body));
    res.writeHead(reply.status, headers);
    res.end(body);
}

function faultReply(fault: Fault, family: "entra" | "defender", ectx: EntraRequestContext): Reply | null {
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
    const code =
        fault.code ??
        (
            {
                500: "InternalServerError",
                503: "ServiceUnavailable",
                429: "TooManyRequests",
                404: "ResourceNotFound",
                401: "Unauthorized",
                403: "Forbidden",
            } as Record<number, string>
        )[status] ??
        "BadRequest";
    const headers: Record<string, string> = fault.retryAfterSeconds !== undefined ? { "retry-after": String(fault.retryAfterSeconds) } : {};
    return defenderError(status, code, fault.message ?? "Injected fault", headers);
}

/** A listing answered in full by the handler, cut to its first `keep` items, as a short or lagging page is. */
function shortPage(reply: Reply, keep: number): Reply {
    const body = reply.body;
    if (reply.status !== 200 || typeof body !== "object" || body === null || !Array.isArray((body as { value?: unknown }).value)) return reply;
    const { "@odata.nextLink": _next, ...rest } = body as Record<string, unknown>;
    return { ...reply, body: { ...rest, value: (rest.value as unknown[]).slice(0, keep) } };
}

interface Authenticated {
    tenantId: string;
    clientId: string;
}

function authenticate(req: IncomingMessage, core: EmulatorCore, now: number): { ok: true; who: Authenticated } | { ok: false; reply: Reply } {
    const challenge = { "www-authenticate": "Bearer" };
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
    if (!m) return { ok: false, reply: defenderError(401, "Unauthorized", "Authorization header with a Bearer token is required", challenge) };
    const found = core.tokens.lookup(m[1], now);
    if (!found.ok) {
        const msg = found.reason === "expired" ? "The access token has expired" : "The access token is invalid";
        return { ok: false, reply: defenderError(401, "Unauthorized", msg, challenge) };
    }
    const aud = core.config.audience;
    if (aud !== "any" && !aud.some((a) => a.toLowerCase() === found.token.scope.toLowerCase())) {
        return { ok: false, reply: defenderError(403, "Forbidden", `The access token was issued for '${found.token.scope}', not for this API`) };
    }
    return { ok: true, who: { tenantId: found.token.tenantId, clientId: found.token.clientId } };
}

function rateLimit(route: RouteDef, who: Authenticated, core: EmulatorCore, now: number): Reply | null {
    const rl = core.config.rateLimits;
    if (!rl.enabled || route.rateLimit === undefined) return null;
    const windows = rl.perApi[route.rateLimit] ?? rl.windows;
    if (windows === false) return null;
    const decision = core.limiter.take(`${who.tenantId.toLowerCase()}|${who.clientId}|${route.rateLimit}`, windows, now);
    if (decision.allowed) return null;
    const headers: Record<string, string> = rl.retryAfterHeader ? { "retry-after": String(decision.retryAfterSeconds) } : {};
    return defenderError(429, "TooManyRequests", `Rate limit is exceeded. Try again in ${decision.retryAfterSeconds} seconds.`, headers);
}

function entraReply(
    route: RouteDef,
    params: Record<string, string>,
    body: string,
    req: IncomingMessage,
    core: EmulatorCore,
    ectx: EntraRequestContext,
): { reply: Reply; clientId: string | null } {
    if (route.name === "instanceDiscovery") {
        const url = new URL(req.url ?? "/", "http://localhost");
        return { reply: jsonReply(200, instanceDiscovery(ectx.origin, url.searchParams.get("authorization_endpoint"))), clientId: null };
    }
    const tenant = params.tenant;
    if (!TENANT_PATTERN.test(tenant) || !tenantKnown(core.config, tenant)) return { reply: tenantNotFound(tenant, ectx), clientId: null };
    if (route.name === "discovery") return { reply: jsonReply(200, openIdConfiguration(ectx.origin, tenant)), clientId: null };
    if (route.name === "keys") return { reply: jsonReply(200, { keys: [] }), clientId: null };
    const out = handleTokenRequest(tenant, body, req.headers.authorization, core.config, core.tokens, ectx);
    return { reply: out.reply, clientId: out.clientId };
}

export async function handleApiRequest(req: IncomingMessage, res: ServerResponse, env: PipelineEnv): Promise<void> {
    const { core } = env;
    const seq = core.log.nextSeq();
    const arrivedAt = core.now();
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = (req.method ?? "GET").toUpperCase();
    const read = await readBody(req);
    const body = read.ok ? read.text : "";
    const match = matchRoute(method, url.pathname);
    const route = match.kind === "match" ? match.route : null;
    const family = route?.family ?? "defender";
    let clientId: string | null = null;
    let faultKind: Fault["kind"] | null = null;

    const record = (status: number | null): void => {
        const entry = {
            seq,
            timestamp: toServiceTime(arrivedAt),
            method,
            url: req.url ?? "/",
            path: url.pathname,
            query: Object.fromEntries(url.searchParams),
            headers: headerRecord(req),
            rawHeaders: [...req.rawHeaders],
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
        req.socket.destroy();
    };
    if (!read.ok) {
        if (read.reason === "aborted") return record(null);
        write(res, defenderError(413, "PayloadTooLarge", "Request body is larger than 1 MiB"), family);
        return record(413);
    }

    const fault = core.faults.take(method, url.pathname, route?.name ?? null);
    faultKind = fault?.kind ?? null;
    if (fault?.kind === "delay" && !(await env.sleep(fault.delayMs as number))) return drop();
    if (fault?.kind === "dropBeforePerform") return drop();

    const now = core.now();
    const origin = originOf(req, env);
    // MSAL sends its correlation id as a header or in the query; Entra echoes it as correlation_id.
    const header = req.headers["client-request-id"];
    const clientRequestId = typeof header === "string" ? header : (url.searchParams.get("client-request-id") ?? undefined);
    const ectx: EntraRequestContext = { origin, now, clientRequestId };
    let reply = fault ? faultReply(fault, family, ectx) : null;

    if (reply === null) {
        if (match.kind === "none") reply = defenderError(404, "ResourceNotFound", `No endpoint at ${method} ${url.pathname}`);
        else if (match.kind === "wrongMethod")
            reply = defenderError(405, "MethodNotAllowed", `${method} is not allowed here; use ${match.allowed.join(", ")}`, {
                allow: match.allowed.join(", "),
            });
        else if (match.route.family === "entra") {
            const out = entraReply(match.route, match.params, body, req, core, ectx);
            reply = out.reply;
            clientId = out.clientId;
        } else {
            const auth = authenticate(req, core, now);
            if (!auth.ok) reply = auth.reply;
            else {
                clientId = auth.who.clientId;
                reply =
                    rateLimit(match.route, auth.who, core, now) ??
                    (API_HANDLERS[match.route.name] as api.ApiHandler)({
                        state: core.state,
                        config: core.config,
                        now,
                        origin,
                        clientId,
                        params: match.params,
                        query: url.searchParams,
                        body,
                    });
            }
        }
    }

    if (fault?.kind === "dropAfterPerform") return drop();
    if (fault?.kind === "shortPage") reply = shortPage(reply, fault.keepItems ?? 0);
    write(res, reply, family);
    record(reply.status);
}
