// POST /{tenant}/oauth2/v2.0/token for the client credentials grant, with Entra's error answers.
import { rolesFor } from "../base/appRoles";
import { EmulatorConfig } from "../base/runtimeOptions";
import { Reply } from "../base/reply";
import { EntraRequestContext, entraError } from "./entraErrors";
import { TokenStore } from "./tokenStore";

export const TENANT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9.-]{0,99}$/;

/** OIDC scopes MSAL may add; they do not name a resource. */
const OIDC_SCOPES = new Set(["openid", "profile", "offline_access", "email"]);

export interface TokenOutcome {
    reply: Reply;
    /** The client id the request named (logged), if any. */
    clientId: string | null;
}

function missing(param: string, ctx: EntraRequestContext): Reply {
    return entraError(400, "invalid_request", 900144, `The request body must contain the following parameter: '${param}'.`, ctx);
}

/** Credentials from the form, or from HTTP Basic (client_secret_basic). */
function credentials(form: URLSearchParams, authorization: string | undefined): { clientId: string | null; secret: string | null; assertion: boolean } {
    let clientId = form.get("client_id");
    let secret = form.get("client_secret");
    const basic = authorization !== undefined ? /^Basic\s+(.+)$/i.exec(authorization) : null;
    if (basic) {
        const decoded = Buffer.from(basic[1], "base64").toString("utf8");
        const sep = decoded.indexOf(":");
        if (sep > 0) {
            clientId ??= decodeURIComponent(decoded.slice(0, sep));
            secret ??= decodeURIComponent(decoded.slice(sep + 1));
        }
    }
    return { clientId, secret, assertion: form.get("client_assertion") !== null };
}

export function tenantKnown(config: EmulatorConfig, tenant: string): boolean {
    return config.clients === null || config.clients.some((c) => c.tenantId.toLowerCase() === tenant.toLowerCase());
}

export function tenantNotFound(tenant: string, ctx: EntraRequestContext): Reply {
    return entraError(
        400,
        "invalid_tenant",
        90002,
        `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
        ctx,
    );
}

export function handleTokenRequest(
    tenant: string,
    rawBody: string,
    authorization: string | undefined,
    config: EmulatorConfig,
    store: TokenStore,
    ctx: EntraRequestContext,
): TokenOutcome {
    const form = new URLSearchParams(rawBody);
    const grant = form.get("grant_type");
    const { clientId, secret, assertion } = credentials(form, authorization);
    const out = (reply: Reply): TokenOutcome => ({ reply, clientId });

    if (grant === null) return out(missing("grant_type", ctx));
    if (grant !== "client_credentials") {
        return out(entraError(400, "unsupported_grant_type", 70003, `The app requested an unsupported grant type '${grant}'.`, ctx));
    }
    if (clientId === null || clientId === "") return out(missing("client_id", ctx));
    const scopeParam = form.get("scope");
    if (scopeParam === null || scopeParam.trim() === "") return out(missing("scope", ctx));
    if (!tenantKnown(config, tenant)) return out(tenantNotFound(tenant, ctx));

    const refused = credentialsRefused(config, tenant, clientId, secret, assertion, ctx);
    if (refused !== null) return out(refused);

    const resources = scopeParam.split(/\s+/).filter((s) => s !== "" && !OIDC_SCOPES.has(s.toLowerCase()));
    if (resources.length !== 1 || !resources[0].endsWith("/.default")) {
        return out(
            entraError(
                400,
                "invalid_scope",
                1002012,
                `The provided value for scope ${scopeParam} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
                ctx,
            ),
        );
    }

    const issued = store.issue(tenant, clientId, resources[0], config.tokenLifetimeSeconds, ctx.now, rolesFor(config.appRoles, clientId));
    return out(tokenReply(issued.token, config.tokenLifetimeSeconds, ctx));
}

/** With registered clients, the app must exist in the tenant and its secret match; without, any credential goes. Null when accepted. */
function credentialsRefused(
    config: EmulatorConfig,
    tenant: string,
    clientId: string,
    secret: string | null,
    assertion: boolean,
    ctx: EntraRequestContext,
): Reply | null {
    if (config.clients === null) return secret === null && !assertion ? noSecret(ctx) : null;
    const app = config.clients.find((c) => c.tenantId.toLowerCase() === tenant.toLowerCase() && c.clientId === clientId);
    if (app === undefined) {
        return entraError(
            400,
            "unauthorized_client",
            700016,
            `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
            ctx,
        );
    }
    if (secret === null && !assertion) return noSecret(ctx);
    if (secret !== app.clientSecret) {
        // Entra answers a wrong secret with HTTP 401 (a failed certificate assertion likewise).
        return entraError(
            401,
            "invalid_client",
            7000215,
            `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
            ctx,
        );
    }
    return null;
}

function tokenReply(accessToken: string, lifetimeSeconds: number, ctx: EntraRequestContext): Reply {
    const headers: Record<string, string> = { "cache-control": "no-store, no-cache", pragma: "no-cache" };
    if (ctx.clientRequestId !== undefined) headers["client-request-id"] = ctx.clientRequestId;
    return {
        status: 200,
        headers,
        body: {
            token_type: "Bearer",
            expires_in: lifetimeSeconds,
            ext_expires_in: lifetimeSeconds,
            access_token: accessToken,
        },
    };
}

function noSecret(ctx: EntraRequestContext): Reply {
    return entraError(
        400,
        "invalid_client",
        7000216,
        "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
        ctx,
    );
}
