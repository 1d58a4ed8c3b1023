// The Entra endpoints, as functions from a request context to a Reply (and the client id it named).
import { Reply, jsonReply } from "../base/reply";
import { EmulatorConfig } from "../base/runtimeOptions";
import { instanceDiscovery, openIdConfiguration } from "./discovery";
import { EntraRequestContext } from "./entraErrors";
import { TENANT_PATTERN, TokenOutcome, handleTokenRequest, tenantKnown, tenantNotFound } from "./tokenEndpoint";
import { TokenStore } from "./tokenStore";

export interface EntraContext extends EntraRequestContext {
    config: EmulatorConfig;
    tokens: TokenStore;
    params: Record<string, string>;
    query: URLSearchParams;
    body: string;
    /** The Authorization header (client_secret_basic), if any. */
    authorization: string | undefined;
}

export type EntraHandler = (ctx: EntraContext) => TokenOutcome;

const anonymous = (reply: Reply): TokenOutcome => ({ reply, clientId: null });

/** Endpoints under `/{tenant}/`: an unknown or malformed tenant is answered before anything else. */
function inTenant(handler: (ctx: EntraContext, tenant: string) => TokenOutcome): EntraHandler {
    return (ctx) => {
        const tenant = ctx.params.tenant;
        if (!TENANT_PATTERN.test(tenant) || !tenantKnown(ctx.config, tenant)) return anonymous(tenantNotFound(tenant, ctx));
        return handler(ctx, tenant);
    };
}

export const instanceDiscoveryEndpoint: EntraHandler = (ctx) =>
    anonymous(jsonReply(200, instanceDiscovery(ctx.origin, ctx.query.get("authorization_endpoint"))));

export const openIdConfigurationEndpoint = inTenant((ctx, tenant) => anonymous(jsonReply(200, openIdConfiguration(ctx.origin, tenant))));

export const keysEndpoint = inTenant(() => anonymous(jsonReply(200, { keys: [] })));

export const tokenEndpoint = inTenant((ctx, tenant) => handleTokenRequest(tenant, ctx.body, ctx.authorization, ctx.config, ctx.tokens, ctx));
