// The gate in front of the Defender API: a known, unexpired bearer token issued for an accepted audience,
// holding one of the route's application roles, then the caller's rate-limit budget for the route.
import { Reply } from "../base/reply";
import { defenderError } from "../defender/errors";
import { DefenderRoute } from "../routes/catalogue";
import { REQUIRED_ROLES } from "../routes/requiredRoles";
import { EmulatorCore } from "./emulatorCore";

export interface Caller {
    tenantId: string;
    clientId: string;
    /** The application roles of the caller's token. */
    roles: readonly string[];
}

export function authenticate(
    authorization: string | undefined,
    core: EmulatorCore,
    now: number,
    route: DefenderRoute,
): { ok: true; who: Caller } | { ok: false; reply: Reply } {
    const challenge = { "www-authenticate": "Bearer" };
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
    if (!m) return { ok: false, reply: defenderError(401, "Unauthorized", "Authorization header with a Bearer token is required", challenge) };
    const found = core.tokens.lookup(m[1], now);
    if (!found.ok) {
        const msg = found.reason === "expired" ? "The access token has expired" : "The access token is invalid";
        return { ok: false, reply: defenderError(401, "Unauthorized", msg, challenge) };
    }
    const aud = route.audience === "xdr" ? core.config.xdrAudience : core.config.audience;
    if (aud !== "any" && !aud.some((a) => a.toLowerCase() === found.token.scope.toLowerCase())) {
        return { ok: false, reply: defenderError(403, "Forbidden", `The access token was issued for '${found.token.scope}', not for this API`) };
    }
    return { ok: true, who: { tenantId: found.token.tenantId, clientId: found.token.clientId, roles: found.token.roles } };
}

/** Null when the token holds one of the route's roles; else the 403 the live service answers, in its words. */
export function authorize(route: DefenderRoute, who: Caller): Reply | null {
    const required = REQUIRED_ROLES[route.name];
    if (required.some((r) => who.roles.includes(r))) return null;
    return defenderError(403, "Forbidden", `Missing application roles. API required roles: ${required.join(", ")}`);
}

/** Null when the call may go on; else the 429 answer. Only accepted calls take a slot. */
export function rateLimit(route: DefenderRoute, who: Caller, core: EmulatorCore, now: number): Reply | null {
    const rl = core.config.rateLimits;
    if (!rl.enabled) return null;
    const windows = rl.perApi[route.rateLimit] ?? rl.windows;
    if (windows === false) return null;
    const decision = core.limiter.take(`${who.tenantId.toLowerCase()}|${who.clientId}|${route.rateLimit}`, windows, now);
    if (decision.allowed) return null;
    const headers: Record<string, string> = rl.retryAfterHeader ? { "retry-after": String(decision.retryAfterSeconds) } : {};
    return defenderError(429, "TooManyRequests", `Rate limit is exceeded. Try again in ${decision.retryAfterSeconds} seconds.`, headers);
}
