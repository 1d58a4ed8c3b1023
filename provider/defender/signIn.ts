/**
 * Why a sign-in failed, in words that lead to the fix. @azure/identity reports a login host that
 * refuses the connection, one whose TLS certificate is not trusted, and one that does not know the
 * tenant all as the same `endpoints_resolution_error`, with the cause dropped. So when a client-secret
 * sign-in fails without the service's own error code, the login host's OpenID discovery document (a
 * public GET, no secret in it) is asked for once more here, and its answer, or the reason there was
 * none, says what failed. An error that carries an AADSTS code is read as it is.
 */
import axios from "axios";

/** What failed, where, and the one fix. Carried by a token error as `signIn`. */
export interface SignInFailure {
    /** The step that failed: the login host's OpenID discovery, or the token request itself. */
    step: "discovery" | "token";
    /** The URL tried (never a secret). */
    url: string;
    cause: SignInCause;
    /** The HTTP status the login host answered, when it did. */
    status?: number;
    /** The underlying code: a Node.js network or TLS code (ECONNREFUSED, SELF_SIGNED_CERT_IN_CHAIN), or the service's (AADSTS90002). */
    code?: string;
    /** The login host's own words (first line). */
    serviceMessage?: string;
    /** The one fix that applies. */
    fix: string;
    /**
     * The client settings this failure points at (tenantId, clientSecret, authorityHost...); empty when
     * none can cause it (an untrusted certificate, a slow host). Settings recorded earlier, such as a
     * refresh's, can then be the cause.
     */
    settings: string[];
}

export type SignInCause =
    | "connectionRefused"
    | "hostNotFound"
    | "network"
    | "timeout"
    | "certificateUntrusted"
    /** The login host refused the sign-in with its own error code (4xx). */
    | "refused"
    /** The login host failed (5xx). */
    | "serviceFailed"
    /** An answer that is no Entra ID login host's. */
    | "unexpectedAnswer"
    /** The discovery answers: the failure is elsewhere. */
    | "unknown";

export interface SignInTarget {
    /** The login host, e.g. https://login.microsoftonline.com. */
    authorityHost: string;
    tenantId: string;
    /** Bounds the discovery request. */
    timeoutMs: number;
}

const TLS_CODES: Readonly<Record<string, string>> = {
    SELF_SIGNED_CERT_IN_CHAIN: "self-signed certificate in the chain",
    DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed certificate",
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: "no trusted issuer for the certificate",
    UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the certificate's issuer is not trusted",
    UNABLE_TO_GET_ISSUER_CERT: "the certificate's issuer is not known",
    CERT_HAS_EXPIRED: "the certificate has expired",
    CERT_NOT_YET_VALID: "the certificate is not valid yet",
    ERR_TLS_CERT_ALTNAME_INVALID: "the certificate is for another host name",
    CERT_UNTRUSTED: "the certificate is not trusted",
};

/** The discovery document's URL for a tenant. */
export function discoveryUrl(target: Pick<SignInTarget, "authorityHost" | "tenantId">): string {
    return `${target.authorityHost.replace(/\/+$/, "")}/${encodeURIComponent(target.tenantId)}/v2.0/.well-known/openid-configuration`;
}

/** The token endpoint's URL for a tenant. */
export function tokenUrl(target: Pick<SignInTarget, "authorityHost" | "tenantId">): string {
    return `${target.authorityHost.replace(/\/+$/, "")}/${encodeURIComponent(target.tenantId)}/oauth2/v2.0/token`;
}

/** The service's `AADSTSnnn: text` in an error message, if any. */
export function serviceErrorIn(message: string): { code: string; text: string } | undefined {
    const m = /\b(AADSTS\d+):?\s*([^\r\n]*)/.exec(message);
    return m ? { code: m[1], text: m[2].trim() } : undefined;
}

/** A token request the service refused with an AADSTS code. */
export function refusedToken(target: SignInTarget, service: { code: string; text: string }): SignInFailure {
    return { step: "token", url: tokenUrl(target), cause: "refused", code: service.code, serviceMessage: service.text, ...serviceFix(service.code) };
}

/** The login host did not answer within the bound. */
export function timedOut(target: SignInTarget): SignInFailure {
    return {
        step: "token",
        url: target.authorityHost,
        cause: "timeout",
        fix: "check the network path to the login host (authorityHost), or raise the request timeout (timeoutMs)",
        settings: [],
    };
}

/** Asks for the discovery document once and says what its answer, or the lack of one, means. */
export async function diagnoseSignIn(target: SignInTarget): Promise<SignInFailure> {
    const url = discoveryUrl(target);
    const at = { step: "discovery" as const, url };
    let res: { status: number; data: unknown };
    try {
        res = await axios.get(url, {
            timeout: target.timeoutMs,
            signal: AbortSignal.timeout(target.timeoutMs),
            maxRedirects: 0,
            validateStatus: () => true,
            responseType: "text",
            transformResponse: [(data: unknown) => data],
            headers: { Accept: "application/json" },
        });
    } catch (e) {
        return { ...at, ...noAnswer(axios.isAxiosError(e) ? e.code : undefined, e instanceof Error ? e.message : String(e)) };
    }
    const body = jsonObject(res.data);
    const service = serviceErrorIn(typeof body?.error_description === "string" ? body.error_description : "");
    const answered = { ...at, status: res.status, ...(service ? { code: service.code, serviceMessage: service.text } : {}) };
    if (res.status >= 500) {
        return { ...answered, cause: "serviceFailed", fix: "the login host failed; run again later, and if it persists check authorityHost", settings: [] };
    }
    if (service) return { ...answered, cause: "refused", ...serviceFix(service.code) };
    if (res.status === 200 && typeof body?.token_endpoint === "string") {
        return {
            ...at,
            cause: "unknown",
            fix: "the login host's discovery document answers, so the token request failed: check tenantId, clientId and clientSecret against the app registration",
            settings: ["tenantId", "clientId", "clientSecret"],
        };
    }
    return {
        ...answered,
        cause: "unexpectedAnswer",
        fix: "this is not an Entra ID login host: check authorityHost (or remove it to use the cloud's own login host)",
        settings: ["authorityHost"],
    };
}

function noAnswer(code: string | undefined, message: string): Pick<SignInFailure, "cause" | "code" | "serviceMessage" | "fix" | "settings"> {
    if (code !== undefined && TLS_CODES[code] !== undefined) {
        return {
            cause: "certificateUntrusted",
            code,
            serviceMessage: TLS_CODES[code],
            fix: "trust the certificate authority that issued the login host's certificate (NODE_EXTRA_CA_CERTS=<its PEM file> in the environment the provider starts in), or fix the host's certificate",
            settings: [],
        };
    }
    switch (code) {
        case "ECONNREFUSED":
            return {
                cause: "connectionRefused",
                code,
                fix: "nothing listens at authorityHost: correct it, or remove it to use the cloud's own login host",
                settings: ["authorityHost"],
            };
        case "ENOTFOUND":
        case "EAI_AGAIN":
            return {
                cause: "hostNotFound",
                code,
                fix: "the login host's name does not resolve: correct authorityHost, or remove it to use the cloud's own login host",
                settings: ["authorityHost"],
            };
        case "ETIMEDOUT":
        case "ECONNABORTED":
        case "ERR_CANCELED":
            return {
                cause: "timeout",
                code,
                fix: "check the network path to the login host (authorityHost), or raise the request timeout (timeoutMs)",
                settings: [],
            };
        default:
            return {
                cause: "network",
                code: code ?? "ERR_UNKNOWN",
                serviceMessage: message,
                fix: "check the network path to the login host (authorityHost)",
                settings: ["authorityHost"],
            };
    }
}

/** The fix for the service's own error codes (the common ones; any other points at the three credentials). */
function serviceFix(code: string): Pick<SignInFailure, "fix" | "settings"> {
    switch (code) {
        case "AADSTS90002":
        case "AADSTS900023":
        case "AADSTS90019":
            return {
                fix: "check tenantId: the directory (tenant) id, or a verified domain, of the tenant that holds the app registration, signing in to that tenant's cloud (cloud, authorityHost)",
                settings: ["tenantId", "cloud", "authorityHost"],
            };
        case "AADSTS7000215":
            return { fix: "check clientSecret: the secret's value (not its id), current and not expired", settings: ["clientSecret"] };
        case "AADSTS7000222":
            return { fix: "clientSecret has expired: create a new client secret for the app registration and set it", settings: ["clientSecret"] };
        case "AADSTS700016":
            return {
                fix: "check clientId: no application with this id is known in the tenant (tenantId), or it has no service principal there",
                settings: ["clientId", "tenantId"],
            };
        case "AADSTS1002012":
        case "AADSTS70011":
        case "AADSTS500011":
            return {
                fix: "check scope: the Defender API's audience for this cloud followed by /.default, with Defender for Endpoint set up in the tenant",
                settings: ["scope"],
            };
        default:
            return { fix: "check tenantId, clientId and clientSecret against the app registration", settings: ["tenantId", "clientId", "clientSecret"] };
    }
}

function jsonObject(text: unknown): Record<string, unknown> | undefined {
    if (typeof text !== "string") return undefined;
    try {
        const parsed: unknown = JSON.parse(text);
        return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
    } catch {
        return undefined;
    }
}

/** What happened, in one clause (the fix follows it in the message). */
export function signInText(failure: SignInFailure): string {
    const code = failure.code === undefined ? "" : ` (${failure.code}${failure.cause === "certificateUntrusted" ? `: ${failure.serviceMessage}` : ""})`;
    switch (failure.cause) {
        case "connectionRefused":
            return `the login host refused the connection${code}`;
        case "hostNotFound":
            return `the login host's name was not found${code}`;
        case "timeout":
            return `the login host did not answer in time${code}`;
        case "certificateUntrusted":
            return `the login host's TLS certificate is not trusted${code}`;
        case "refused":
            return `the login host refused the sign-in: ${failure.code} ${failure.serviceMessage ?? ""}`.trimEnd();
        case "serviceFailed":
            return `the login host failed its OpenID discovery: HTTP ${failure.status}${failure.code ? ` ${failure.code} ${failure.serviceMessage ?? ""}`.trimEnd() : ""}`;
        case "unexpectedAnswer":
            return `the login host answered HTTP ${failure.status} to its OpenID discovery`;
        case "network":
            return `no answer from the login host (${failure.code}${failure.serviceMessage ? `: ${failure.serviceMessage}` : ""})`;
        case "unknown":
            return "the sign-in failed";
    }
}
