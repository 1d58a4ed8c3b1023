// Issued access tokens: opaque random strings remembered with who asked, for what, until when.
import { newOpaqueToken } from "../base/ids";

export interface IssuedToken {
    token: string;
    tenantId: string;
    clientId: string;
    /** The scope as requested, e.g. "https://api.securitycenter.microsoft.com/.default". */
    scope: string;
    issuedAt: number;
    expiresAt: number;
}

export type TokenLookup = { ok: true; token: IssuedToken } | { ok: false; reason: "unknown" | "expired" };

/** Expired tokens are kept this long (to answer "expired" rather than "unknown"), then forgotten. */
const EXPIRED_RETENTION_MS = 24 * 3600 * 1000;

export class TokenStore {
    private readonly tokens = new Map<string, IssuedToken>();
    private issuedSincePrune = 0;

    issue(tenantId: string, clientId: string, scope: string, lifetimeSeconds: number, now: number): IssuedToken {
        if (++this.issuedSincePrune >= 1000) this.prune(now);
        const t: IssuedToken = { token: newOpaqueToken(), tenantId, clientId, scope, issuedAt: now, expiresAt: now + lifetimeSeconds * 1000 };
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
