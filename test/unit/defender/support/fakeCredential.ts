/** A TokenCredential that hands out numbered, JWT-shaped tokens and counts how often it was asked. */
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";

export interface FakeCredential extends TokenCredential {
    /** getToken calls so far. */
    readonly calls: number;
    /** Scopes asked for, in order. */
    readonly scopes: string[];
    /** Tokens handed out, in order. */
    readonly issued: string[];
}

export interface FakeCredentialOptions {
    /** Token lifetime. @default 3_600_000 */
    lifetimeMs?: number;
    /** Throw this instead of answering. */
    failWith?: Error;
    /** Answer null instead of a token. */
    answerNull?: boolean;
}

/** The n-th token (1-based): shaped like a JWT so redaction by shape is exercised too. */
export function fakeToken(n: number): string {
    return `eyJhbGciOiJub25lIn0.eyJ0b2tlbiI6${n}fQ.fake-signature-${n}`;
}

export function fakeCredential(options: FakeCredentialOptions = {}): FakeCredential {
    const scopes: string[] = [];
    const issued: string[] = [];
    let calls = 0;
    return {
        get calls() {
            return calls;
        },
        scopes,
        issued,
        getToken(scope: string | string[], _options?: GetTokenOptions): Promise<AccessToken | null> {
            calls++;
            scopes.push(Array.isArray(scope) ? scope.join(" ") : scope);
            if (options.failWith) return Promise.reject(options.failWith);
            if (options.answerNull) return Promise.resolve(null);
            const token = fakeToken(issued.length + 1);
            issued.push(token);
            return Promise.resolve({ token, expiresOnTimestamp: Date.now() + (options.lifetimeMs ?? 3_600_000) });
        },
    };
}
