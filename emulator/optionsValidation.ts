// Validation of options at the edge: every message names the field and says how to fix it.
import { DEFAULT_TLS_DIR, EmulatorConfig, EmulatorOptions, FleetOptions, RATE_LIMITED_APIS, RateLimitedApi, RateWindow, TlsOptions } from "./options";
import { validateDeviceSpecs } from "./fleet/deviceSpec";
import { MAX_GENERATED_DEVICES } from "./fleet/synthetic";
import { Result, fail, ok } from "./result";

const RUNTIME_KEYS = [
    "actionDelays",
    "offlineTimeoutMs",
    "duplicates",
    "tokenLifetimeSeconds",
    "audience",
    "clients",
    "rateLimits",
    "quirks",
    "maxPageSize",
    "portalRequestor",
] as const;
const START_KEYS = ["port", "tls", "tlsDir", "fleet", "requestLogLimit", "clock", "onRequest"] as const;

const MAX_DELAY_MS = 365 * 24 * 3600 * 1000;

function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], where: string, errors: string[]): void {
    for (const key of Object.keys(obj)) {
        if (!allowed.includes(key)) errors.push(`${where}.${key}: unknown option; expected one of ${allowed.join(", ")}`);
    }
}

function intIn(v: unknown, min: number, max: number): v is number {
    return typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
}

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

/** Applies runtime options (from start options or a PATCH) onto `base`; nested objects merge. */
export function applyRuntimeOptions(base: EmulatorConfig, input: unknown, where: string): Result<EmulatorConfig> {
    if (!isRecord(input)) return fail([`${where}: must be an object`]);
    const errors: string[] = [];
    const next: EmulatorConfig = structuredClone(base);
    const o = input;

    if (o.actionDelays !== undefined) {
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
    }
    if (o.offlineTimeoutMs !== undefined) {
        if (!intIn(o.offlineTimeoutMs, 0, MAX_DELAY_MS)) errors.push(`${where}.offlineTimeoutMs: must be an integer number of ms ≥ 0 (3 days = 259200000)`);
        else next.offlineTimeoutMs = o.offlineTimeoutMs;
    }
    if (o.duplicates !== undefined) {
        if (o.duplicates !== "reject" && o.duplicates !== "returnExisting") errors.push(`${where}.duplicates: must be "reject" or "returnExisting"`);
        else next.duplicates = o.duplicates;
    }
    if (o.tokenLifetimeSeconds !== undefined) {
        if (!intIn(o.tokenLifetimeSeconds, 1, 86400)) errors.push(`${where}.tokenLifetimeSeconds: must be an integer from 1 to 86400`);
        else next.tokenLifetimeSeconds = o.tokenLifetimeSeconds;
    }
    if (o.audience !== undefined) {
        const list = typeof o.audience === "string" ? [o.audience] : o.audience;
        if (!Array.isArray(list) || list.length === 0 || !list.every((a) => typeof a === "string" && a.trim() !== "")) {
            errors.push(`${where}.audience: must be a scope string (e.g. "https://api.securitycenter.microsoft.com/.default"), a list of them, or "any"`);
        } else {
            next.audience = list.includes("any") ? "any" : (list as string[]);
        }
    }
    if (o.clients !== undefined) {
        if (o.clients === null) next.clients = null;
        else if (!Array.isArray(o.clients)) errors.push(`${where}.clients: must be null or a list of { tenantId, clientId, clientSecret }`);
        else {
            const clients = o.clients.filter((c, i) => {
                const good = isRecord(c) && ["tenantId", "clientId", "clientSecret"].every((k) => typeof c[k] === "string" && c[k] !== "");
                if (!good) errors.push(`${where}.clients[${i}]: must have non-empty string tenantId, clientId and clientSecret`);
                return good;
            });
            next.clients = clients.map((c) => ({ tenantId: c.tenantId, clientId: c.clientId, clientSecret: c.clientSecret }));
        }
    }
    if (o.rateLimits !== undefined) {
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
            if (r.perApi !== undefined) {
                if (!isRecord(r.perApi)) errors.push(`${where}.rateLimits.perApi: must be an object keyed by ${RATE_LIMITED_APIS.join(", ")}`);
                else {
                    checkKeys(r.perApi, RATE_LIMITED_APIS, `${where}.rateLimits.perApi`, errors);
                    for (const api of Object.keys(r.perApi).filter((k): k is RateLimitedApi => (RATE_LIMITED_APIS as readonly string[]).includes(k))) {
                        const v = r.perApi[api];
                        if (v === false) next.rateLimits.perApi[api] = false;
                        else {
                            const w = checkWindows(v, `${where}.rateLimits.perApi.${api}`, errors);
                            if (w) next.rateLimits.perApi[api] = w;
                        }
                    }
                }
            }
            if (r.retryAfterHeader !== undefined) {
                if (typeof r.retryAfterHeader !== "boolean") errors.push(`${where}.rateLimits.retryAfterHeader: must be true or false`);
                else next.rateLimits.retryAfterHeader = r.retryAfterHeader;
            }
        }
    }
    if (o.quirks !== undefined) {
        if (!isRecord(o.quirks)) errors.push(`${where}.quirks: must be an object`);
        else {
            const q = o.quirks;
            checkKeys(
                q,
                [
                    "indexingLagMs",
                    "mergeWindowMs",
                    "filterInSupported",
                    "scopeNullWhilePending",
                    "unmanagedContainScope",
                    "unmanagedContainType",
                    "conflictAcrossTypes",
                ],
                `${where}.quirks`,
                errors,
            );
            for (const key of ["indexingLagMs", "mergeWindowMs"] as const) {
                if (q[key] === undefined) continue;
                if (!intIn(q[key], 0, MAX_DELAY_MS)) errors.push(`${where}.quirks.${key}: must be an integer number of ms ≥ 0`);
                else next.quirks[key] = q[key] as number;
            }
            for (const key of ["filterInSupported", "scopeNullWhilePending", "conflictAcrossTypes"] as const) {
                if (q[key] === undefined) continue;
                if (typeof q[key] !== "boolean") errors.push(`${where}.quirks.${key}: must be true or false`);
                else next.quirks[key] = q[key] as boolean;
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
        }
    }
    if (o.maxPageSize !== undefined) {
        if (!intIn(o.maxPageSize, 1, 10000)) errors.push(`${where}.maxPageSize: must be an integer from 1 to 10000`);
        else next.maxPageSize = o.maxPageSize;
    }
    if (o.portalRequestor !== undefined) {
        if (typeof o.portalRequestor !== "string" || o.portalRequestor === "") errors.push(`${where}.portalRequestor: must be a non-empty string`);
        else next.portalRequestor = o.portalRequestor;
    }
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

/** How to serve: plain HTTP, given files, or a certificate from the CA in a directory. */
export type TlsPlan =
    { kind: "http" } | { kind: "files"; files: Required<Pick<TlsOptions, "certFile" | "keyFile">> & Pick<TlsOptions, "caFile"> } | { kind: "ca"; dir: string };

export interface ValidatedStartOptions {
    port: number;
    tls: TlsPlan;
    fleet: FleetOptions;
    requestLogLimit: number;
}

/** Validates the start-only options (runtime ones go through applyRuntimeOptions). */
export function validateStartOptions(options: EmulatorOptions): Result<ValidatedStartOptions> {
    const errors: string[] = [];
    const o = options as Record<string, unknown>;
    checkKeys(o, [...RUNTIME_KEYS, ...START_KEYS], "options", errors);
    const port = options.port ?? 0;
    if (!intIn(port, 0, 65535)) errors.push("options.port: must be an integer from 0 to 65535 (0 picks a free port)");

    let tls: TlsPlan = { kind: "ca", dir: DEFAULT_TLS_DIR };
    if (options.tlsDir !== undefined) {
        if (typeof options.tlsDir !== "string" || options.tlsDir === "") errors.push("options.tlsDir: must be a non-empty directory path");
        else tls = { kind: "ca", dir: options.tlsDir };
    }
    if (options.tls === false) {
        tls = { kind: "http" };
        if (options.tlsDir !== undefined) errors.push("options.tlsDir: has no use with tls: false; drop one of them");
    } else if (options.tls !== undefined && options.tls !== true) {
        if (!isRecord(options.tls)) errors.push("options.tls: must be true, false or { dir?, certFile?, keyFile?, caFile? }");
        else {
            const t = options.tls as TlsOptions & Record<string, unknown>;
            checkKeys(t, ["dir", "certFile", "keyFile", "caFile"], "options.tls", errors);
            for (const key of ["dir", "certFile", "keyFile", "caFile"] as const) {
                if (t[key] !== undefined && (typeof t[key] !== "string" || t[key] === "")) errors.push(`options.tls.${key}: must be a non-empty path`);
            }
            if (t.dir !== undefined && options.tlsDir !== undefined) errors.push("options.tls.dir: duplicates options.tlsDir; give one of them");
            if ((t.certFile === undefined) !== (t.keyFile === undefined)) {
                errors.push(
                    `options.tls.${t.certFile === undefined ? "certFile" : "keyFile"}: required with ${t.certFile === undefined ? "keyFile" : "certFile"}; give both or neither`,
                );
            } else if (t.certFile !== undefined && t.keyFile !== undefined) {
                if (t.dir !== undefined) errors.push("options.tls.dir: has no use with certFile/keyFile; drop one of them");
                tls = { kind: "files", files: { certFile: t.certFile, keyFile: t.keyFile, caFile: t.caFile } };
            } else if (t.dir !== undefined) {
                tls = { kind: "ca", dir: t.dir };
            }
        }
    }

    const fleet = options.fleet ?? {};
    if (!isRecord(fleet)) errors.push("options.fleet: must be { devices?, file?, generate? }");
    else {
        checkKeys(fleet, ["devices", "file", "generate"], "options.fleet", errors);
        if (fleet.devices !== undefined) {
            const r = validateDeviceSpecs(fleet.devices, "options.fleet.devices");
            if (!r.ok) errors.push(...r.error);
        }
        if (fleet.file !== undefined && (typeof fleet.file !== "string" || fleet.file === ""))
            errors.push("options.fleet.file: must be a path to a JSON or YAML file");
        if (fleet.devices !== undefined && fleet.file !== undefined) errors.push("options.fleet: give devices or file, not both");
        if (fleet.generate !== undefined && !intIn(fleet.generate, 0, MAX_GENERATED_DEVICES)) {
            errors.push(`options.fleet.generate: must be an integer from 0 to ${MAX_GENERATED_DEVICES}`);
        }
    }
    const requestLogLimit = options.requestLogLimit ?? 10000;
    if (!intIn(requestLogLimit, 0, 1_000_000)) errors.push("options.requestLogLimit: must be an integer from 0 to 1000000");
    if (options.clock !== undefined && typeof options.clock !== "function") errors.push("options.clock: must be a function returning epoch milliseconds");
    if (options.onRequest !== undefined && typeof options.onRequest !== "function") errors.push("options.onRequest: must be a function");
    return errors.length > 0 ? fail(errors) : ok({ port, tls, fleet: fleet as FleetOptions, requestLogLimit });
}
