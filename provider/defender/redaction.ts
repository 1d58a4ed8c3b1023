/**
 * Last line of defence for error texts: whatever a server or a credential library writes into a
 * message, no bearer token, JWT or known secret leaves this layer in an error.
 */

const JWT = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g;
const BEARER = /\bBearer\s+[^\s"',;]+/gi;
// Values after "client_secret=", "access_token": etc., as they appear in form bodies, JSON and URLs.
const NAMED_SECRET = /\b(client_secret|access_token|refresh_token|assertion|client_assertion|password)(["']?\s*[:=]\s*["']?)[^\s"'&,;}]+/gi;
const MIN_SECRET_LENGTH = 4;

/** `text` with `secrets` (exact values) and anything shaped like a token replaced by "[redacted]". */
export function redact(text: string, secrets: readonly string[] = []): string {
    let out = text;
    for (const secret of secrets) {
        if (secret.length >= MIN_SECRET_LENGTH) out = out.split(secret).join("[redacted]");
    }
    return out
        .replace(JWT, "[redacted]")
        .replace(BEARER, "Bearer [redacted]")
        .replace(NAMED_SECRET, (_m, name: string, sep: string) => `${name}${sep}[redacted]`);
}
