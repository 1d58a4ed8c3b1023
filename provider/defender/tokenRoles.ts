/**
 * What the access token says this identity may do. Entra's access tokens are JWTs: an application
 * token lists its application permissions in the `roles` claim (left out when there are none), a user's
 * token its delegated ones in `scp`. Reading them lets the provider refuse a write it is not permitted
 * before sending it, with a message naming the missing permission. A pre-check only: the signature is
 * not verified (only Defender can), and Defender stays the authority on every request.
 */
import { tokenSourceFor } from "./auth";
import { resolveEndpoints } from "./clouds";
import { DEFAULT_TIMEOUT_MS, type DefenderClientOptions } from "./options";

export type TokenPermissions =
    /** The token states its permissions: application roles or delegated scopes. */
    | { known: true; permissions: string[]; appId?: string }
    /** Not a JWT, or one that says nothing of permissions: nothing to pre-check. */
    | { known: false };

/** The permissions a bearer token states, read from its payload (never verified, never logged). */
export function tokenPermissions(token: string): TokenPermissions {
    const parts = token.split(".");
    if (parts.length !== 3) return { known: false };
    let claims: Record<string, unknown>;
    try {
        const parsed: unknown = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { known: false };
        claims = parsed as Record<string, unknown>;
    } catch {
        return { known: false };
    }
    const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === "string") : [];
    const scopes = typeof claims.scp === "string" ? claims.scp.split(" ").filter((s) => s !== "") : [];
    const appId = typeof claims.appid === "string" ? claims.appid : typeof claims.azp === "string" ? claims.azp : undefined;
    // An application token with no `roles` claim holds no application permission at all.
    const stated = Array.isArray(claims.roles) || typeof claims.scp === "string" || claims.idtyp === "app";
    return stated ? { known: true, permissions: [...roles, ...scopes], ...(appId ? { appId } : {}) } : { known: false };
}

/**
 * The permissions of the token a client with these options sends. The token comes from the same
 * process-wide credential and cache as the client's own (auth.ts keys them by login host, tenant,
 * client id and secret), so this asks Entra for nothing the client would not.
 */
export async function currentTokenPermissions(options: DefenderClientOptions): Promise<TokenPermissions> {
    const endpoints = resolveEndpoints(options);
    const tokens = tokenSourceFor({
        ...options,
        authorityHost: endpoints.authorityHost,
        customAuthorityHost: endpoints.customAuthorityHost,
        scope: endpoints.scope,
        tokenTimeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
    return tokenPermissions(await tokens.getToken());
}
