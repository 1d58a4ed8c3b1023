// Issued access tokens: JWT-shaped (see accessToken.ts), remembered with who asked, for what, with which
// application roles, until when.
import { accessTokenJwt, resourceOfScope } from "./accessToken";

export interface IssuedToken {
    token: string;
    tenantId: string;
    clientId: string;
    /** The scope as requested, e.g. "https://api.securitycenter.microsoft.com/.default". */
    scope: string;
    /** The application roles in its `roles` claim, fixed when it was issued (as consent is). */
    roles: string[];
    issuedAt: number;
    expiresAt: number;
}

export type TokenLookup = { ok: true; token: IssuedToken } | { ok: false; reason: "unknown" | "expired" };

/** Expired tokens are kept this long (to answer "expired" rather than "unknown"), then forgotten. */
const EXPIRED_RETENTION_MS = 24 * 3600 * 1000;

export class TokenStore {
    private readonly tokens = new Map<string, IssuedToken>();
    private issuedSincePrune = 0;

    issue(tenantId: string, clientId: string, scope: string, lifetimeSeconds: number, now: number, roles: readonly string[]): IssuedToken {
        if (++this.issuedSincePrune >= 1000) this.prune(now);
        const expiresAt = now + lifetimeSeconds * 1000;
        const token = accessTokenJwt({ tenantId, clientId, resource: resourceOfScope(scope), roles, issuedAt: now, expiresAt });
        const t: IssuedToken = { token, tenantId, clientId, scope, roles: [...roles], issuedAt: now, expiresAt };
        this.tokens.set(t.token, t);
        return t;
    }

    lookup(token: string, now: number): TokenLookup {
        const t = this.tokens.get(token);
        if (t === undefined) return { ok: false, reason: "unknown" };
        if (now >= t.expiresAt) return { ok: false, reason: "expired" };
        return { ok: true, token: t };
    }

    revokeAll(): void {
        this.tokens.clear();
    }

    get size(): number {
        return this.tokens.size;
    }

    private prune(now: number): void {
        this.issuedSincePrune = 0;
        for (const [k, t] of this.tokens) if (t.expiresAt + EXPIRED_RETENTION_MS < now) this.tokens.delete(k);
    }
}
