/**
 * Tokens for the Defender API, through @azure/identity only.
 *
 * - tenantId + clientId + clientSecret → ClientSecretCredential. The ambient chain, DefaultAzureCredential
 *   (environment, workload identity, managed identity, Azure CLI...), only when `authMethod: "ambient"`
 *   says so: a client id and secret that did not arrive must never turn into whatever identity the
 *   machine happens to have. Neither → refused before any request. An injected credential is used as is.
 * - A login host other than the cloud's own sets `authorityHost` and `disableInstanceDiscovery: true`,
 *   so no request ever goes to the public instance-discovery endpoint.
 * - Credentials are shared per process, keyed by (login host, tenant, client id, sha256 of the secret):
 *   every client in the process shares one token cache.
 * - After a 401 the token is refreshed once, bypassing the cache: MSAL keeps its token cache inside the
 *   credential instance, so a fresh instance (same settings) is built, replaces the shared one, and
 *   asks Entra for a new token. Concurrent 401s share that one refresh.
 */
import { createHash } from "node:crypto";
import { ClientSecretCredential, DefaultAzureCredential, type AccessToken, type TokenCredential } from "@azure/identity";
import { describeValue } from "../base/text";
import { abortable } from "../base/timers";
import { defenderApiError } from "./errors";
import { redact } from "./redaction";
import { diagnoseSignIn, refusedToken, serviceErrorIn, signInText, timedOut, tokenUrl, type SignInFailure, type SignInTarget } from "./signIn";

/** How the client gets its identity. */
export type AuthMethod = "clientSecret" | "ambient";
export const AUTH_METHODS: readonly AuthMethod[] = ["clientSecret", "ambient"];

export interface CredentialOptions {
    /**
     * "clientSecret": tenantId, clientId and clientSecret. "ambient": DefaultAzureCredential (workload
     * identity, managed identity, AZURE_* environment, Azure CLI), chosen explicitly; clientSecret must
     * then be unset. @default "clientSecret" when any of the three is given; otherwise required
     */
    authMethod?: AuthMethod;
    /** Directory (tenant) id or domain; with clientId and clientSecret selects ClientSecretCredential. */
    tenantId?: string;
    /** Application (client) id, a GUID. */
    clientId?: string;
    /** Client secret. Never logged, never put in an error. */
    clientSecret?: string;
    /** A credential to use instead (tests, certificates, custom flows). tenantId/clientId then only key the pacing. */
    credential?: TokenCredential;
}

export interface CredentialSettings extends CredentialOptions {
    authorityHost: string;
    /** True when authorityHost is not the cloud's own login host. */
    customAuthorityHost: boolean;
    scope: string;
    /** How long one token request may take: the login host gets the same bound as every API call. @default 30000 */
    tokenTimeoutMs?: number;
}

export interface TokenSource {
    /**
     * A bearer token, from cache while it has more than a short margin of life left. `signal` ends the
     * wait (rejecting with its reason); the token request, shared with other callers, goes on.
     */
    getToken(signal?: AbortSignal): Promise<string>;
    /** After the API refused `rejected` with 401: a token not served from the credential's cache (once per rejected token). */
    refreshToken(rejected: string, signal?: AbortSignal): Promise<string>;
    /** `text` without the client secret or any token this source handed out. */
    redact(text: string): string;
    /** Which credential answers: for messages and tests. */
    readonly credentialKind: "ClientSecretCredential" | "DefaultAzureCredential" | "injected";
}

/** Neither a client secret nor the ambient identity was chosen. */
export const NO_CREDENTIAL =
    "authMethod is not set and none of tenantId, clientId and clientSecret is given: set the three for client-secret authentication, or set authMethod ambient to use the ambient Azure identity (DefaultAzureCredential); the ambient identity is never used unless chosen";

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const TENANT = /^[A-Za-z0-9][A-Za-z0-9.-]{0,253}$/;
const REFRESH_MARGIN_MS = 120_000;
const REMEMBERED_TOKENS = 8;

/** Problems with the credential options, each naming the field and the fix; empty when usable. */
export function credentialProblems(opts: CredentialOptions): string[] {
    const problems: string[] = [];
    const keys = ["tenantId", "clientId", "clientSecret"] as const;
    for (const key of keys) {
        const v = opts[key];
        if (v !== undefined && (typeof v !== "string" || v.trim() === "")) problems.push(`${key} must be a non-empty string when given`);
    }
    if (typeof opts.tenantId === "string" && opts.tenantId.trim() !== "" && !TENANT.test(opts.tenantId)) {
        problems.push(`tenantId must be the directory (tenant) id, a GUID, or its domain such as contoso.onmicrosoft.com`);
    }
    if (typeof opts.clientId === "string" && opts.clientId.trim() !== "" && !GUID.test(opts.clientId)) {
        problems.push(`clientId must be the application (client) id, a GUID from the app registration's overview page`);
    }
    if (opts.credential !== undefined) {
        if (typeof opts.credential !== "object" || opts.credential === null || typeof opts.credential.getToken !== "function") {
            problems.push(`credential must be a TokenCredential (an object with a getToken method), such as one from @azure/identity`);
        }
        if (opts.clientSecret !== undefined) problems.push(`clientSecret and credential exclude each other: pass one of them`);
        return problems;
    }
    if (opts.authMethod !== undefined && !(AUTH_METHODS as readonly unknown[]).includes(opts.authMethod)) {
        problems.push(`authMethod must be one of ${AUTH_METHODS.join(", ")} (case-sensitive); got ${describeValue(opts.authMethod, { max: 40 })}`);
        return problems;
    }
    const given = keys.filter((k) => opts[k] !== undefined);
    if (opts.authMethod === "ambient") {
        if (opts.clientSecret !== undefined)
            problems.push(
                `authMethod ambient uses the ambient Azure identity, so clientSecret must not be set: remove clientSecret, or set authMethod clientSecret`,
            );
        return problems;
    }
    if (given.length === 0) {
        problems.push(NO_CREDENTIAL);
    } else if (given.length < keys.length) {
        const missing = keys.filter((k) => opts[k] === undefined);
        problems.push(
            `tenantId, clientId and clientSecret go together: ${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} missing (set ${missing.length > 1 ? "them" : "it"}, or remove ${given.join(" and ")} and set authMethod ambient to use the ambient Azure identity)`,
        );
    }
    return problems;
}

/** The @azure/identity options for these settings. */
export function identityOptions(settings: Pick<CredentialSettings, "authorityHost" | "customAuthorityHost">): {
    authorityHost: string;
    disableInstanceDiscovery?: true;
} {
    return settings.customAuthorityHost ? { authorityHost: settings.authorityHost, disableInstanceDiscovery: true } : { authorityHost: settings.authorityHost };
}

interface Entry {
    kind: TokenSource["credentialKind"];
    /** Where a client-secret credential signs in: to say what failed. */
    signsInAt?: Pick<SignInTarget, "authorityHost" | "tenantId">;
    credential?: TokenCredential;
    /** Builds a fresh instance (owned credentials only). */
    make?: () => TokenCredential;
    secret?: string;
    tokens: Map<string, { token: AccessToken; freshUntil: number }>;
    fetching: Map<string, Promise<string>>;
    refreshing: Map<string, Promise<string>>;
    handedOut: string[];
}

const owned = new Map<string, Entry>();
const injected = new WeakMap<TokenCredential, Entry>();

/** Forget every shared credential and cached token (tests). */
export function resetCredentials(): void {
    owned.clear();
}

/** The process-wide credential behind these settings (built on first use). */
export function sharedCredential(settings: CredentialSettings): TokenCredential {
    const entry = entryFor(settings);
    entry.credential ??= entry.make?.();
    return entry.credential as TokenCredential;
}

export function tokenSourceFor(settings: CredentialSettings): TokenSource {
    const problems = credentialProblems(settings);
    if (problems.length > 0) {
        throw defenderApiError({ kind: "invalidOptions", method: "", path: "", outcomeUnknown: false, problems });
    }
    const entry = entryFor(settings);
    const scope = settings.scope;
    const timeoutMs = settings.tokenTimeoutMs ?? DEFAULT_TOKEN_TIMEOUT_MS;

    const fetchToken = async (): Promise<string> => {
        let token: AccessToken | null;
        try {
            entry.credential ??= entry.make?.();
            token = await withTimeout((signal) => (entry.credential as TokenCredential).getToken(scope, { abortSignal: signal }), timeoutMs);
        } catch (e) {
            throw await tokenError(scope, e, entry, timeoutMs);
        }
        if (!token || typeof token.token !== "string" || token.token === "") {
            throw await tokenError(scope, new Error("the credential returned no token"), entry, timeoutMs);
        }
        const now = Date.now();
        const margin = Math.min(REFRESH_MARGIN_MS, Math.max(0, (token.expiresOnTimestamp - now) / 2));
        const freshUntil = Math.min(token.expiresOnTimestamp - margin, token.refreshAfterTimestamp ?? Infinity);
        entry.tokens.set(scope, { token, freshUntil });
        remember(entry, token.token);
        return token.token;
    };

    const once = (map: Map<string, Promise<string>>, run: () => Promise<string>): Promise<string> => {
        const running = map.get(scope);
        if (running) return running;
        const p = run().finally(() => map.delete(scope));
        map.set(scope, p);
        return p;
    };

    return {
        credentialKind: entry.kind,
        getToken(signal?: AbortSignal) {
            const cached = entry.tokens.get(scope);
            if (cached && Date.now() < cached.freshUntil) return Promise.resolve(cached.token.token);
            return abortable(entry.refreshing.get(scope) ?? once(entry.fetching, fetchToken), signal);
        },
        refreshToken(rejected: string, signal?: AbortSignal) {
            const running = entry.refreshing.get(scope);
            if (running) return abortable(running, signal);
            const cached = entry.tokens.get(scope);
            // Another call already refreshed after the same 401.
            if (cached && cached.token.token !== rejected && Date.now() < cached.freshUntil) return Promise.resolve(cached.token.token);
            const refresh = once(entry.refreshing, async () => {
                entry.tokens.delete(scope);
                if (entry.make) entry.credential = entry.make();
                return fetchToken();
            });
            return abortable(refresh, signal);
        },
        redact(text: string) {
            return redact(text, [...(entry.secret ? [entry.secret] : []), ...entry.handedOut]);
        },
    };
}

function entryFor(settings: CredentialSettings): Entry {
    const fresh = (kind: Entry["kind"], extra: Partial<Entry> = {}): Entry => ({
        kind,
        tokens: new Map(),
        fetching: new Map(),
        refreshing: new Map(),
        handedOut: [],
        ...extra,
    });
    if (settings.credential) {
        let entry = injected.get(settings.credential);
        if (!entry) {
            entry = fresh("injected", { credential: settings.credential });
            injected.set(settings.credential, entry);
        }
        return entry;
    }
    const options = identityOptions(settings);
    const { tenantId, clientId, clientSecret } = settings;
    const secretHash = clientSecret === undefined ? "" : createHash("sha256").update(clientSecret).digest("hex");
    const key = JSON.stringify([options.authorityHost, settings.authMethod ?? "", tenantId ?? "", clientId ?? "", secretHash]);
    let entry = owned.get(key);
    if (!entry) {
        if (settings.authMethod === "ambient") {
            entry = fresh("DefaultAzureCredential", { make: () => new DefaultAzureCredential(options) });
        } else if (tenantId !== undefined && clientId !== undefined && clientSecret !== undefined) {
            entry = fresh("ClientSecretCredential", {
                secret: clientSecret,
                signsInAt: { authorityHost: options.authorityHost, tenantId },
                make: () => new ClientSecretCredential(tenantId, clientId, clientSecret, options),
            });
        } else {
            throw defenderApiError({ kind: "invalidOptions", method: "", path: "", outcomeUnknown: false, problems: [NO_CREDENTIAL] });
        }
        owned.set(key, entry);
    }
    return entry;
}

function remember(entry: Entry, token: string): void {
    if (!entry.handedOut.includes(token)) entry.handedOut.push(token);
    if (entry.handedOut.length > REMEMBERED_TOKENS) entry.handedOut.shift();
}

const DEFAULT_TOKEN_TIMEOUT_MS = 30_000;
/** How long the discovery may take when the sign-in itself timed out. */
const TIMEOUT_PROBE_MS = 5_000;

/** Bounds a token request: aborts it, and stops waiting even for a credential that ignores the signal. */
async function withTimeout<T>(run: (signal: AbortSignal) => Promise<T>, ms: number): Promise<T> {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
            controller.abort();
            const e = new Error(`the login host did not answer within ${ms} ms`);
            e.name = "TokenTimeout";
            reject(e);
        }, ms);
    });
    try {
        return await Promise.race([run(controller.signal), timeout]);
    } finally {
        clearTimeout(timer);
    }
}

async function tokenError(scope: string, e: unknown, entry: Entry, timeoutMs: number) {
    const name = e instanceof Error ? e.name : "Error";
    const secrets = [...(entry.secret ? [entry.secret] : []), ...entry.handedOut];
    const message = redact(e instanceof Error ? e.message : String(e), secrets);
    const fail = (detail: string, signIn?: SignInFailure) =>
        defenderApiError({ kind: "token", method: "TOKEN", path: scope, outcomeUnknown: false, detail, ...(signIn ? { signIn } : {}) });
    if (entry.signsInAt !== undefined && message !== "the credential returned no token") {
        const signIn = await whySignInFailed({ ...entry.signsInAt, timeoutMs }, name, message);
        const what = signIn.cause === "unknown" || signIn.step === "token" ? `${name}: ${message}` : signInText(signIn);
        return fail(`${what} (${signIn.step === "discovery" ? "GET" : "POST"} ${signIn.url}); ${signIn.fix}`, signIn);
    }
    // Only the ambient credential can be missing.
    const unavailable = name === "CredentialUnavailableError" || name === "AggregateAuthenticationError";
    const hint =
        unavailable && entry.kind === "DefaultAzureCredential"
            ? " (authMethod is ambient, and no ambient Azure identity answered: provide workload identity, AZURE_* environment variables, a managed identity or an Azure CLI login, or set tenantId, clientId and clientSecret instead)"
            : "";
    return fail(`${name}: ${message}${hint}`);
}

/**
 * A client-secret sign-in's failure: the service's own code when it gave one, else what the login
 * host's discovery says. A timeout is diagnosed too (briefly): @azure/identity retries a refused
 * connection or a 5xx until the bound runs out, so the cause is often a quick answer.
 */
async function whySignInFailed(target: SignInTarget, name: string, message: string): Promise<SignInFailure> {
    const service = serviceErrorIn(message);
    if (service !== undefined) return refusedToken(target, service);
    if (name !== "TokenTimeout") return diagnoseSignIn(target);
    const probed = await diagnoseSignIn({ ...target, timeoutMs: Math.min(target.timeoutMs, TIMEOUT_PROBE_MS) });
    return probed.cause === "timeout" || probed.cause === "unknown" ? { ...timedOut(target), url: tokenUrl(target) } : probed;
}
