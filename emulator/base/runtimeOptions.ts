// The runtime options of the emulator, with their defaults: those that can also be changed while it runs
// (configure() / PATCH /_emulator/config). The start-only ones are in start/startOptions.ts.
import { defaultAppRoles, type AppRoleConfig, type AppRoleOptions } from "./appRoles";

export type IsolationType = "Full" | "Selective" | "UnManagedDevice";
export const ISOLATION_TYPES: readonly IsolationType[] = ["Full", "Selective", "UnManagedDevice"];

/** The separately budgeted APIs: each has its own windows per tenant and client id. */
export type RateLimitedApi = "isolate" | "unisolate" | "cancel" | "machineActionsRead" | "machinesRead" | "alertsRead" | "incidentsRead";
export const RATE_LIMITED_APIS: readonly RateLimitedApi[] = [
    "isolate",
    "unisolate",
    "cancel",
    "machineActionsRead",
    "machinesRead",
    "alertsRead",
    "incidentsRead",
];

/** Defender XDR's incidents API: 50 calls a minute and 1,500 an hour (its documented quota). */
export const INCIDENTS_API_WINDOWS: readonly RateWindow[] = [
    { calls: 50, perSeconds: 60 },
    { calls: 1500, perSeconds: 3600 },
];

/** At most `calls` accepted calls in any sliding window of `perSeconds` seconds. */
export interface RateWindow {
    calls: number;
    perSeconds: number;
}

export interface RateLimitOptions {
    /** Windows applied to every API. @default [{ calls: 100, perSeconds: 60 }, { calls: 1500, perSeconds: 3600 }] */
    windows?: RateWindow[];
    /** Per-API windows replacing `windows`; `false` lifts that API's limit. @default { incidentsRead: 50/60s, 1500/3600s } */
    perApi?: Partial<Record<RateLimitedApi, RateWindow[] | false>>;
    /** Send `Retry-After` (whole seconds) with 429 answers; false to test clients without it. @default true */
    retryAfterHeader?: boolean;
}

export interface ActionDelays {
    /** Pending → InProgress, counted from creation (or from the moment an offline device comes online). @default 2000 */
    toInProgressMs?: number;
    /** InProgress → Succeeded. @default 5000 */
    toSucceededMs?: number;
}

/** Behaviours seen on the live service; each is off by default. */
export interface QuirkOptions {
    /** A new action is missing from `GET /api/machineactions` listings (not from GET by id) for this long. @default 0 */
    indexingLagMs?: number;
    /** An identical isolate/unisolate (same device, type, scope, client) within this window of an unfinished one returns that action. @default 0 */
    mergeWindowMs?: number;
    /** false: `in (...)` in $filter is rejected with 400 ODataError. @default true */
    filterInSupported?: boolean;
    /** `scope` is null while an action is Pending (the requested type appears from InProgress on). @default true */
    scopeNullWhilePending?: boolean;
    /**
     * The `scope` an UnManagedDevice contain reports once it runs: Microsoft documents scope only as Full or
     * Selective. "UnManagedDevice" (what was asked), "Full", or "none" (null). @default "UnManagedDevice"
     */
    unmanagedContainScope?: "UnManagedDevice" | "Full" | "none";
    /** The `type` an UnManagedDevice contain is reported as (undocumented), e.g. "ContainDevice". @default "Isolate" */
    unmanagedContainType?: string;
    /** An isolate while an unisolate is Pending/InProgress on the device (or the reverse) → 400 ActiveRequestAlreadyExists. @default false */
    conflictAcrossTypes?: boolean;
}

/** A registered app: when `clients` is set, only these credentials get tokens. */
export interface ClientRegistration {
    tenantId: string;
    clientId: string;
    clientSecret: string;
}

/** Options that can be changed while the emulator runs. */
export interface RuntimeOptions {
    /** @default { toInProgressMs: 2000, toSucceededMs: 5000 } */
    actionDelays?: ActionDelays;
    /** How long an action on an offline device stays Pending before TimeOut. @default 259200000 (3 days) */
    offlineTimeoutMs?: number;
    /** A second isolate (unisolate) while one is Pending/InProgress: 400 ActiveRequestAlreadyExists, or 201 with the existing action. @default "reject" */
    duplicates?: "reject" | "returnExisting";
    /** Lifetime of issued tokens (`expires_in`). @default 3600 */
    tokenLifetimeSeconds?: number;
    /** Token scope(s) the API accepts (others get 403), or "any". @default "https://api.securitycenter.microsoft.com/.default" */
    audience?: string | string[];
    /** Token scope(s) the Defender XDR incidents API accepts, or "any". @default "https://api.security.microsoft.com/.default" */
    xdrAudience?: string | string[];
    /** Fixed set of credentials; null accepts any tenant, client id and secret. @default null */
    clients?: ClientRegistration[] | null;
    /** Rate limits, or false for none. @default { windows: [100/60s, 1500/3600s], perApi: {}, retryAfterHeader: true } */
    rateLimits?: RateLimitOptions | false;
    /** @default all off: { indexingLagMs: 0, mergeWindowMs: 0, filterInSupported: true, scopeNullWhilePending: true, unmanagedContainScope: "UnManagedDevice", unmanagedContainType: "Isolate", conflictAcrossTypes: false } */
    quirks?: QuirkOptions;
    /** Largest page a listing returns (and the largest `$top` accepted). @default 10000 */
    maxPageSize?: number;
    /** Requestor of out-of-band ("portal") actions. @default "portal-user@contoso.com" */
    portalRequestor?: string;
    /** Finished actions older than this (since they finished) are purged: GET answers 404, listings omit them; 0 keeps them. @default 0 */
    actionRetentionMs?: number;
    /** Application roles in issued tokens, per client id; Defender routes refuse a token without the route's role (403). @default every client ["Machine.Isolate", "Machine.Read.All", "Alert.Read.All", "Incident.Read.All"] */
    appRoles?: AppRoleOptions;
}

/** The effective runtime configuration, every field resolved. */
export interface EmulatorConfig {
    actionDelays: Required<ActionDelays>;
    offlineTimeoutMs: number;
    duplicates: "reject" | "returnExisting";
    tokenLifetimeSeconds: number;
    audience: string[] | "any";
    xdrAudience: string[] | "any";
    clients: ClientRegistration[] | null;
    rateLimits: {
        enabled: boolean;
        windows: RateWindow[];
        perApi: Partial<Record<RateLimitedApi, RateWindow[] | false>>;
        retryAfterHeader: boolean;
    };
    quirks: Required<QuirkOptions>;
    maxPageSize: number;
    portalRequestor: string;
    actionRetentionMs: number;
    appRoles: AppRoleConfig;
}

export const DEFAULT_AUDIENCE = "https://api.securitycenter.microsoft.com/.default";
/** Defender XDR's own audience: its incidents API wants tokens for it. */
export const DEFAULT_XDR_AUDIENCE = "https://api.security.microsoft.com/.default";

export function defaultConfig(): EmulatorConfig {
    return {
        actionDelays: { toInProgressMs: 2000, toSucceededMs: 5000 },
        offlineTimeoutMs: 3 * 24 * 3600 * 1000,
        duplicates: "reject",
        tokenLifetimeSeconds: 3600,
        audience: [DEFAULT_AUDIENCE],
        xdrAudience: [DEFAULT_XDR_AUDIENCE],
        clients: null,
        rateLimits: {
            enabled: true,
            windows: [
                { calls: 100, perSeconds: 60 },
                { calls: 1500, perSeconds: 3600 },
            ],
            perApi: { incidentsRead: INCIDENTS_API_WINDOWS.map((w) => ({ ...w })) },
            retryAfterHeader: true,
        },
        quirks: {
            indexingLagMs: 0,
            mergeWindowMs: 0,
            filterInSupported: true,
            scopeNullWhilePending: true,
            unmanagedContainScope: "UnManagedDevice",
            unmanagedContainType: "Isolate",
            conflictAcrossTypes: false,
        },
        maxPageSize: 10000,
        portalRequestor: "portal-user@contoso.com",
        actionRetentionMs: 0,
        appRoles: defaultAppRoles(),
    };
}
