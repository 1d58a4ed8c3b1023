// The access token Entra issues for the client credentials grant, in its shape: a JWT whose payload
// carries the claims a resource server (and a careful client) reads, `roles` among them. The signature
// is random bytes: nothing here is signed (the keys endpoint lists none), and the emulator accepts only
// tokens it issued, which it remembers.
import { randomBytes, randomUUID } from "crypto";

export interface AccessTokenClaims {
    tenantId: string;
    clientId: string;
    /** The resource, e.g. "https://api.securitycenter.microsoft.com" (the scope without "/.default"). */
    resource: string;
    /** Application roles granted to the client; Entra leaves the claim out when there are none. */
    roles: readonly string[];
    issuedAt: number;
    expiresAt: number;
}

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");

/** `header.payload.signature`, as Entra's v1 application tokens read once decoded. */
export function accessTokenJwt(c: AccessTokenClaims): string {
    const seconds = (ms: number) => Math.floor(ms / 1000);
    const header = { typ: "JWT", alg: "RS256", kid: "emulator-unsigned" };
    const payload = {
        aud: c.resource,
        iss: `https://sts.windows.net/${c.tenantId}/`,
        iat: seconds(c.issuedAt),
        nbf: seconds(c.issuedAt),
        exp: seconds(c.expiresAt),
        appid: c.clientId,
        appidacr: "1",
        idtyp: "app",
        oid: randomUUID(),
        ...(c.roles.length > 0 ? { roles: [...c.roles] } : {}),
        sub: c.clientId,
        tid: c.tenantId,
        uti: randomBytes(16).toString("base64url"),
        ver: "1.0",
    };
    return `${b64(header)}.${b64(payload)}.${randomBytes(64).toString("base64url")}`;
}

/** The resource a `/.default` scope names. */
export function resourceOfScope(scope: string): string {
    return scope.replace(/\/\.default$/i, "");
}
