// Validation of the runtime options at the edge (start options and PATCH /_emulator/config): every message
// names the field and says how to fix it. Each option is checked by its own section, in the order below.
import { applyAppRoles } from "./appRoles";
import { checkKeys, intIn, isRecord } from "./checks";
import { Result, fail, ok } from "./result";
import { EmulatorConfig, RATE_LIMITED_APIS, RateLimitedApi, RateWindow } from "./runtimeOptions";

export const RUNTIME_KEYS = [
    "actionDelays",
    "offlineTimeoutMs",
    "duplicates",
    "tokenLifetimeSeconds",
    "audience",
    "xdrAudience",
    "clients",
    "rateLimits",
    "quirks",
    "maxPageSize",
    "portalRequestor",
    "actionRetentionMs",
    "appRoles",
] as const;
/** Options fixed at start (start/startOptions.ts): named here so a runtime patch can refuse them by name. */
export const START_KEYS = ["port", "tls", "tlsDir", "fleet", "requestLogLimit", "clock", "onRequest"] as const;

const MAX_DELAY_MS = 365 * 24 * 3600 * 1000;

const QUIRK_KEYS = [
    "indexingLagMs",
    "mergeWindowMs",
    "filterInSupported",
    "scopeNullWhilePending",
    "unmanagedContainScope",
    "unmanagedContainType",
    "conflictAcrossTypes",
];

function checkWindows(v: unknown, where: string, errors: string[]): RateWindow[] | undefined {
    if (!Array.isArray(v) || v.length === 0) {
        errors.push(`${where}: must be a non-empty list like [{ "calls": 100, "perSeconds": 60 }]`);
        return undefined;
    }
    const out: RateWindow[] = [];
    v.forEach((w, i) => {
        if (!isRecord(w) || !intIn(w.calls, 1, 1e9) || !intIn(w.perSeconds, 1, 31 * 86400)) {
            errors.push(`${where}[${i}]: must be { calls: integer ≥ 1, perSeconds: integer 1..2678400 }`);
        } else {
            out.push({ calls: w.calls, perSeconds: w.perSeconds });
        }
    });
    return out;
}

/** Checks one option of `o` and, when valid, writes it into `next`; problems go to `errors`. */
type Section = (o: Record<string, unknown>, next: EmulatorConfig, where: string, errors: string[]) => void;

const actionDelays: Section = (o, next, where, errors) => {
    if (o.actionDelays === undefined) return;
    if (!isRecord(o.actionDelays)) errors.push(`${where}.actionDelays: must be { toInProgressMs?, toSucceededMs? }`);
    else {
        checkKeys(o.actionDelays, ["toInProgressMs", "toSucceededMs"], `${where}.actionDelays`, errors);
        for (const key of ["toInProgressMs", "toSucceededMs"] as const) {
            const v = o.actionDelays[key];
            if (v === undefined) continue;
            if (!intIn(v, 0, MAX_DELAY_MS)) errors.push(`${where}.actionDelays.${key}: must be an integer number of ms ≥ 0`);
            else next.actionDelays[key] = v;
        }
    }
};

const offlineTimeoutMs: Section = (o, next, where, errors) => {
    if (o.offlineTimeoutMs === undefined) return;
    if (!intIn(o.offlineTimeoutMs, 0, MAX_DELAY_MS)) errors.push(`${where}.offlineTimeoutMs: must be an integer number of ms ≥ 0 (3 days = 259200000)`);
    else next.offlineTimeoutMs = o.offlineTimeoutMs;
};

const duplicates: Section = (o, next, where, errors) => {
    if (o.duplicates === undefined) return;
    if (o.duplicates !== "reject" && o.duplicates !== "returnExisting") errors.push(`${where}.duplicates: must be "reject" or "returnExisting"`);
    else next.duplicates = o.duplicates;
};

const tokenLifetimeSeconds: Section = (o, next, where, errors) => {
    if (o.tokenLifetimeSeconds === undefined) return;
    if (!intIn(o.tokenLifetimeSeconds, 1, 86400)) errors.push(`${where}.tokenLifetimeSeconds: must be an integer from 1 to 86400`);
    else next.tokenLifetimeSeconds = o.tokenLifetimeSeconds;
};

function audienceOf(key: "audience" | "xdrAudience", example: string): Section {
    return (o, next, where, errors) => {
        if (o[key] === undefined) return;
        const list = typeof o[key] === "string" ? [o[key]] : o[key];
        if (!Array.isArray(list) || list.length === 0 || !list.every((a) => typeof a === "string" && a.trim() !== "")) {
            errors.push(`${where}.${key}: must be a scope string (e.g. "${example}"), a list of them, or "any"`);
        } else {
            next[key] = list.includes("any") ? "any" : (list as string[]);
        }
    };
}

const audience = audienceOf("audience", "https://api.securitycenter.microsoft.com/.default");
const xdrAudience = audienceOf("xdrAudience", "https://api.security.microsoft.com/.default");

type ClientCredentials = { tenantId: string; clientId: string; clientSecret: string };

const clients: Section = (o, next, where, errors) => {
    if (o.clients === undefined) return;
    if (o.clients === null) next.clients = null;
    else if (!Array.isArray(o.clients)) errors.push(`${where}.clients: must be null or a list of { tenantId, clientId, clientSecret }`);
    else {
        const good = o.clients.filter((c: unknown, i): c is ClientCredentials => {
            const valid = isRecord(c) && ["tenantId", "clientId", "clientSecret"].every((k) => typeof c[k] === "string" && c[k] !== "");
            if (!valid) errors.push(`${where}.clients[${i}]: must have non-empty string tenantId, clientId and clientSecret`);
            return valid;
        });
        next.clients = good.map((c) => ({ tenantId: c.tenantId, clientId: c.clientId, clientSecret: c.clientSecret }));
    }
};

function perApiWindows(perApi: unknown, next: EmulatorConfig, where: string, errors: string[]): void {
    if (!isRecord(perApi)) {
        errors.push(`${where}.rateLimits.perApi: must be an object keyed by ${RATE_LIMITED_APIS.join(", ")}`);
        return;
    }
    checkKeys(perApi, RATE_LIMITED_APIS, `${where}.rateLimits.perApi`, errors);
    for (const api of Object.keys(perApi).filter((k): k is RateLimitedApi => (RATE_LIMITED_APIS as readonly string[]).includes(k))) {
        const v = perApi[api];
        if (v === false) next.rateLimits.perApi[api] = false;
        else {
            const w = checkWindows(v, `${where}.rateLimits.perApi.${api}`, errors);
            if (w) next.rateLimits.perApi[api] = w;
        }
    }
}

const rateLimits: Section = (o, next, where, errors) => {
    if (o.rateLimits === undefined) return;
    if (o.rateLimits === false) next.rateLimits.enabled = false;
    else if (!isRecord(o.rateLimits)) errors.push(`${where}.rateLimits: must be false or { windows?, perApi?, retryAfterHeader? }`);
    else {
        const r = o.rateLimits;
        checkKeys(r, ["windows", "perApi", "retryAfterHeader"], `${where}.rateLimits`, errors);
        next.rateLimits.enabled = true;
        if (r.windows !== undefined) {
            const w = checkWindows(r.windows, `${where}.rateLimits.windows`, errors);
            if (w) next.rateLimits.windows = w;
        }
        if (r.perApi !== undefined) perApiWindows(r.perApi, next, where, errors);
        if (r.retryAfterHeader !== undefined) {
            if (typeof r.retryAfterHeader !== "boolean") errors.push(`${where}.rateLimits.retryAfterHeader: must be true or false`);
            else next.rateLimits.retryAfterHeader = r.retryAfterHeader;
        }
    }
};

const quirks: Section = (o, next, where, errors) => {
    if (o.quirks === undefined) return;
    if (!isRecord(o.quirks)) {
        errors.push(`${where}.quirks: must be an object`);
        return;
    }
    const q = o.quirks;
    checkKeys(q, QUIRK_KEYS, `${where}.quirks`, errors);
    for (const key of ["indexingLagMs", "mergeWindowMs"] as const) {
        if (q[key] === undefined) continue;
        if (!intIn(q[key], 0, MAX_DELAY_MS)) errors.push(`${where}.quirks.${key}: must be an integer number of ms ≥ 0`);
        else next.quirks[key] = q[key];
    }
    for (const key of ["filterInSupported", "scopeNullWhilePending", "conflictAcrossTypes"] as const) {
        if (q[key] === undefined) continue;
        if (typeof q[key] !== "boolean") errors.push(`${where}.quirks.${key}: must be true or false`);
        else next.quirks[key] = q[key];
    }
    if (q.unmanagedContainScope !== undefined) {
        const scopes = ["UnManagedDevice", "Full", "none"] as const;
        if (!(scopes as readonly unknown[]).includes(q.unmanagedContainScope))
            errors.push(`${where}.quirks.unmanagedContainScope: must be one of ${scopes.join(", ")}`);
        else next.quirks.unmanagedContainScope = q.unmanagedContainScope as (typeof scopes)[number];
    }
    if (q.unmanagedContainType !== undefined) {
        if (typeof q.unmanagedContainType !== "string" || !/^[A-Za-z]{1,64}$/.test(q.unmanagedContainType))
            errors.push(`${where}.quirks.unmanagedContainType: must be an action type name of letters, such as Isolate or ContainDevice`);
        else next.quirks.unmanagedContainType = q.unmanagedContainType;
    }
};

const maxPageSize: Section = (o, next, where, errors) => {
    if (o.maxPageSize === undefined) return;
    if (!intIn(o.maxPageSize, 1, 10000)) errors.push(`${where}.maxPageSize: must be an integer from 1 to 10000`);
    else next.maxPageSize = o.maxPageSize;
};

const portalRequestor: Section = (o, next, where, errors) => {
    if (o.portalRequestor === undefined) return;
    if (typeof o.portalRequestor !== "string" || o.portalRequestor === "") errors.push(`${where}.portalRequestor: must be a non-empty string`);
    else next.portalRequestor = o.portalRequestor;
};

const actionRetentionMs: Section = (o, next, where, errors) => {
    if (o.actionRetentionMs === undefined) return;
    if (!intIn(o.actionRetentionMs, 0, MAX_DELAY_MS)) errors.push(`${where}.actionRetentionMs: must be an integer number of ms ≥ 0 (0 keeps every action)`);
    else next.actionRetentionMs = o.actionRetentionMs;
};

const appRoles: Section = (o, next, where, errors) => {
    if (o.appRoles !== undefined) applyAppRoles(o.appRoles, next.appRoles, `${where}.appRoles`, errors);
};

/** In the order of RUNTIME_KEYS, so messages come in the order the options are documented. */
const SECTIONS: readonly Section[] = [
    actionDelays,
    offlineTimeoutMs,
    duplicates,
    tokenLifetimeSeconds,
    audience,
    xdrAudience,
    clients,
    rateLimits,
    quirks,
    maxPageSize,
    portalRequestor,
    actionRetentionMs,
    appRoles,
];

/** Applies runtime options (from start options or a PATCH) onto `base`; nested objects merge. */
export function applyRuntimeOptions(base: EmulatorConfig, input: unknown, where: string): Result<EmulatorConfig> {
    if (!isRecord(input)) return fail([`${where}: must be an object`]);
    const errors: string[] = [];
    const next: EmulatorConfig = structuredClone(base);
    for (const section of SECTIONS) section(input, next, where, errors);
    return errors.length > 0 ? fail(errors) : ok(next);
}

/** A runtime patch: only runtime keys are allowed. */
export function applyConfigPatch(base: EmulatorConfig, patch: unknown): Result<EmulatorConfig> {
    if (!isRecord(patch)) return fail(["config: must be a JSON object of runtime options"]);
    const errors: string[] = [];
    for (const key of Object.keys(patch)) {
        if ((START_KEYS as readonly string[]).includes(key))
            errors.push(`config.${key}: is fixed at start and cannot be changed at runtime; restart the emulator`);
        else if (!(RUNTIME_KEYS as readonly string[]).includes(key)) errors.push(`config.${key}: unknown option; expected one of ${RUNTIME_KEYS.join(", ")}`);
    }
    if (errors.length > 0) return fail(errors);
    return applyRuntimeOptions(base, patch, "config");
}
