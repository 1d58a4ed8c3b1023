/**
 * Which Defender cloud answers, and where its tokens come from. Sovereign clouds are under-documented,
 * so every endpoint can be overridden; overrides are checked here so a typo never sends a token to
 * the wrong place.
 */
import { describeValue, quote } from "../base/text";

export type Cloud = "Commercial" | "GCC" | "GCCHigh" | "DoD";

export const CLOUDS: readonly Cloud[] = ["Commercial", "GCC", "GCCHigh", "DoD"];

export interface CloudEndpoints {
    /** Base URL of the Defender for Endpoint API, without a trailing slash. */
    apiBaseUrl: string;
    /** Entra ID (login) host tokens are requested from. */
    authorityHost: string;
    /** Token scope (audience + `/.default`). */
    scope: string;
    /** Token scope of Defender XDR's own APIs (incidents), served on the same host with another audience. */
    xdrScope: string;
}

const GOV_API = "https://api-gov.securitycenter.microsoft.us";
const GCC_API = "https://api-gcc.securitycenter.microsoft.us";

export const CLOUD_ENDPOINTS: Readonly<Record<Cloud, Readonly<CloudEndpoints>>> = {
    Commercial: {
        apiBaseUrl: "https://api.security.microsoft.com",
        authorityHost: "https://login.microsoftonline.com",
        scope: "https://api.securitycenter.microsoft.com/.default",
        xdrScope: "https://api.security.microsoft.com/.default",
    },
    GCC: {
        apiBaseUrl: GCC_API,
        authorityHost: "https://login.microsoftonline.com",
        scope: `${GCC_API}/.default`,
        xdrScope: "https://api-gcc.security.microsoft.us/.default",
    },
    GCCHigh: {
        apiBaseUrl: GOV_API,
        authorityHost: "https://login.microsoftonline.us",
        scope: `${GOV_API}/.default`,
        xdrScope: "https://api-gov.security.microsoft.us/.default",
    },
    DoD: {
        apiBaseUrl: GOV_API,
        authorityHost: "https://login.microsoftonline.us",
        scope: `${GOV_API}/.default`,
        xdrScope: "https://api-gov.security.microsoft.us/.default",
    },
};

export interface EndpointOptions {
    /** Which Defender cloud. @default "Commercial" */
    cloud?: Cloud;
    /** Overrides the cloud's API base URL (https; plain http only on a loopback host). */
    apiBaseUrl?: string;
    /** Overrides the cloud's login host (https, even on a loopback host: @azure/identity signs in over https alone). */
    authorityHost?: string;
    /** Overrides the cloud's token scope; must end with `/.default`. */
    scope?: string;
    /** Overrides the cloud's Defender XDR token scope (the incidents API); must end with `/.default`. */
    xdrScope?: string;
}

export interface ResolvedEndpoints extends CloudEndpoints {
    cloud: Cloud;
    /** True when the login host is not the cloud's own, which turns off Entra instance discovery. */
    customAuthorityHost: boolean;
}

/** Problems with the endpoint options, each naming the field and the fix; empty when usable. */
export function endpointProblems(opts: EndpointOptions): string[] {
    const problems: string[] = [];
    const cloud = opts.cloud ?? "Commercial";
    if (!CLOUDS.includes(cloud)) {
        problems.push(`cloud must be one of ${CLOUDS.join(", ")}; got ${describeValue(cloud)}`);
    }
    for (const field of ["apiBaseUrl", "authorityHost"] as const) {
        const value = opts[field];
        if (value === undefined) continue;
        const checked = checkBaseUrl(value, field);
        if (typeof checked !== "string") problems.push(checked.problem);
    }
    for (const field of ["scope", "xdrScope"] as const) {
        if (opts[field] === undefined) continue;
        const scopeProblem = checkScope(opts[field], field);
        if (scopeProblem) problems.push(scopeProblem);
    }
    return problems;
}

/** The endpoints to use; throws an Error listing every problem when the options are not usable. */
export function resolveEndpoints(opts: EndpointOptions = {}): ResolvedEndpoints {
    const problems = endpointProblems(opts);
    if (problems.length > 0) throw new Error(`Invalid Defender endpoint options: ${problems.join("; ")}`);
    const cloud = opts.cloud ?? "Commercial";
    const defaults = CLOUD_ENDPOINTS[cloud];
    const apiBaseUrl = opts.apiBaseUrl === undefined ? defaults.apiBaseUrl : (checkBaseUrl(opts.apiBaseUrl, "apiBaseUrl") as string);
    const authorityHost = opts.authorityHost === undefined ? defaults.authorityHost : (checkBaseUrl(opts.authorityHost, "authorityHost") as string);
    return {
        cloud,
        apiBaseUrl,
        authorityHost,
        scope: opts.scope ?? defaults.scope,
        xdrScope: opts.xdrScope ?? defaults.xdrScope,
        customAuthorityHost: authorityHost !== defaults.authorityHost,
    };
}

/** True for localhost, 127.0.0.0/8 and ::1 (as the WHATWG URL parser spells them). */
export function isLoopbackHost(hostname: string): boolean {
    const h = hostname.toLowerCase();
    return h === "localhost" || h === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** The normalized URL (no trailing slash), or the problem naming `field`. */
function checkBaseUrl(value: unknown, field: string): string | { problem: string } {
    if (typeof value !== "string" || value.trim() === "") {
        return { problem: `${field} must be an absolute https URL such as https://api.security.microsoft.com; got ${describe(value)}` };
    }
    let url: URL;
    try {
        url = new URL(value.trim());
    } catch {
        return { problem: `${field} must be an absolute https URL such as https://api.security.microsoft.com; got ${describe(value)}` };
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
        return { problem: `${field} must use https; got ${describe(value)}` };
    }
    if (url.protocol === "http:" && field === "authorityHost") {
        // @azure/identity refuses a plain http login host at sign-in, after the operation started.
        return {
            problem: `${field} must use https (plain http is allowed only on a loopback host, and only for apiBaseUrl: @azure/identity signs in over https alone); got ${describe(value)}: serve the login host over TLS (the emulator does) and trust its certificate authority with NODE_EXTRA_CA_CERTS`,
        };
    }
    if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
        return { problem: `${field} must use https (plain http is allowed only on a loopback host: localhost, 127.0.0.0/8 or [::1]); got ${describe(value)}` };
    }
    if (url.username !== "" || url.password !== "") {
        return { problem: `${field} must not carry a user name or password; remove the "user:password@" part` };
    }
    if (url.search !== "" || url.hash !== "" || /[?#]/.test(value)) {
        return { problem: `${field} must not have a query or fragment (nothing after "?" or "#"); got ${describe(value)}` };
    }
    return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

function checkScope(value: unknown, field: "scope" | "xdrScope"): string | undefined {
    if (typeof value !== "string" || !/^\S+\/\.default$/.test(value)) {
        const example = field === "scope" ? "https://api.securitycenter.microsoft.com/.default" : "https://api.security.microsoft.com/.default";
        return `${field} must be a token scope ending with "/.default", such as ${example}; got ${describe(value)}`;
    }
    return undefined;
}

/** A URL as given, quoted, without its user-info part: never echo a password in a URL. */
function describe(value: unknown): string {
    if (typeof value === "string") return quote(value.replace(/\/\/[^/?#@]*@/, "//[redacted]@"), 200);
    return value === null ? "null" : typeof value;
}
