// Faults injected into the next N matching calls: a route name (`isolate`) or a pattern
// (`POST /api/machines/*/isolate`, `*` = one path segment, method optional).
import { Result, fail, ok } from "../base/result";
import { ROUTE_NAMES, RouteName } from "../routes/catalogue";

export type FaultKind = "status" | "delay" | "dropAfterPerform" | "dropBeforePerform" | "tokenFailure" | "shortPage";
export const FAULT_KINDS: readonly FaultKind[] = ["status", "delay", "dropAfterPerform", "dropBeforePerform", "tokenFailure", "shortPage"];

/** Longest injectable delay. */
export const MAX_FAULT_DELAY_MS = 600_000;

export interface FaultSpec {
    /** Route name (`isolate`, `token`, ...) or `[METHOD ]/path/with/*`. Optional for tokenFailure. @default "token" for tokenFailure */
    route?: string;
    kind: FaultKind;
    /** How many matching calls it affects. @default 1 */
    count?: number;
    /** status: the HTTP status (400-599); tokenFailure: @default 400 */
    status?: number;
    /** status: error code in the body. @default by status: 500 InternalServerError, 503 ServiceUnavailable, 429 TooManyRequests, 404 ResourceNotFound, else BadRequest */
    code?: string;
    /** status/tokenFailure: message. @default "Injected fault" */
    message?: string;
    /** status: send `Retry-After` with this many seconds. @default none */
    retryAfterSeconds?: number;
    /** delay: milliseconds to wait before handling normally (0..600000). */
    delayMs?: number;
    /** tokenFailure: OAuth error. @default "invalid_client" */
    error?: string;
    /** tokenFailure: AADSTS number. @default 7000215 */
    errorCode?: number;
    /** shortPage: a listing answers 200 with at most this many of its items and no nextLink (a short or lagging page). @default 0 */
    keepItems?: number;
}

export interface Fault extends FaultSpec {
    id: string;
    /** Calls it will still affect. */
    remaining: number;
}

interface Matcher {
    method: string | null;
    name: RouteName | null;
    pattern: RegExp | null;
}

function toMatcher(route: string): Result<Matcher, string> {
    if ((ROUTE_NAMES as readonly string[]).includes(route)) return ok({ method: null, name: route as RouteName, pattern: null });
    const m = /^(?:([A-Za-z]+)\s+)?(\/\S*)$/.exec(route.trim());
    if (!m) return fail(`route: "${route}" is neither a route name (${ROUTE_NAMES.join(", ")}) nor "[METHOD ]/path" with * for one segment`);
    const body = m[2]
        .replace(/\/+$/, "")
        .split("/")
        .map((seg) => (seg === "*" ? "[^/]+" : seg.replace(/[.+?^${}()|[\]\\]/g, "\\$&")))
        .join("/");
    return ok({ method: m[1] ? m[1].toUpperCase() : null, name: null, pattern: new RegExp(`^${body}/?$`, "i") });
}

export function validateFault(input: unknown): Result<FaultSpec, string[]> {
    if (typeof input !== "object" || input === null || Array.isArray(input)) return fail(["fault: must be an object with kind and route"]);
    const f = input as Record<string, unknown>;
    const errors: string[] = [];
    const known = ["route", "kind", "count", "status", "code", "message", "retryAfterSeconds", "delayMs", "error", "errorCode", "keepItems"];
    for (const k of Object.keys(f)) if (!known.includes(k)) errors.push(`fault.${k}: unknown field; known: ${known.join(", ")}`);
    if (!(FAULT_KINDS as readonly unknown[]).includes(f.kind)) errors.push(`fault.kind: must be one of ${FAULT_KINDS.join(", ")}`);
    const route = f.route ?? (f.kind === "tokenFailure" ? "token" : undefined);
    if (typeof route !== "string") errors.push('fault.route: required; a route name like "isolate" or a pattern like "POST /api/machines/*/isolate"');
    else {
        const m = toMatcher(route);
        if (!m.ok) errors.push(`fault.${m.error}`);
    }
    const int = (v: unknown, min: number, max: number): boolean => typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
    if (f.count !== undefined && !int(f.count, 1, 1_000_000)) errors.push("fault.count: must be an integer ≥ 1");
    if (f.kind === "status" && !int(f.status, 400, 599)) errors.push("fault.status: required for kind status; an HTTP status from 400 to 599");
    if (f.kind === "tokenFailure" && f.status !== undefined && !int(f.status, 400, 599)) errors.push("fault.status: an HTTP status from 400 to 599");
    if (f.kind === "delay" && !int(f.delayMs, 0, MAX_FAULT_DELAY_MS)) errors.push(`fault.delayMs: required for kind delay; 0 to ${MAX_FAULT_DELAY_MS}`);
    if (f.retryAfterSeconds !== undefined && !int(f.retryAfterSeconds, 0, 86400)) errors.push("fault.retryAfterSeconds: an integer from 0 to 86400");
    if (f.errorCode !== undefined && !int(f.errorCode, 1, 99_999_999)) errors.push("fault.errorCode: a positive integer (AADSTS number)");
    if (f.keepItems !== undefined && !int(f.keepItems, 0, 10_000)) errors.push("fault.keepItems: an integer from 0 to 10000");
    for (const k of ["code", "message", "error"]) {
        if (f[k] !== undefined && (typeof f[k] !== "string" || f[k] === "")) errors.push(`fault.${k}: must be a non-empty string`);
    }
    if (errors.length > 0) return fail(errors);
    return ok({ ...(f as unknown as FaultSpec), route: route as string });
}

export class FaultSet {
    private faults: Array<{ fault: Fault; matcher: Matcher }> = [];
    private nextId = 1;

    /** Adds a validated fault. */
    add(spec: FaultSpec): Fault {
        const matcher = toMatcher(spec.route as string);
        if (!matcher.ok) throw new Error(matcher.error); // validateFault ran first; unreachable
        const fault: Fault = { ...spec, id: `fault-${this.nextId++}`, remaining: spec.count ?? 1 };
        this.faults.push({ fault, matcher: matcher.value });
        return { ...fault };
    }

    /** The first fault matching this call, consuming one of its uses. */
    take(method: string, path: string, route: RouteName | null): Fault | null {
        const i = this.faults.findIndex(
            ({ matcher: m }) => (m.method === null || m.method === method) && (m.name !== null ? m.name === route : (m.pattern as RegExp).test(path)),
        );
        if (i < 0) return null;
        const entry = this.faults[i];
        entry.fault.remaining--;
        if (entry.fault.remaining <= 0) this.faults.splice(i, 1);
        return { ...entry.fault };
    }

    list(): Fault[] {
        return this.faults.map(({ fault }) => ({ ...fault }));
    }

    clear(): void {
        this.faults = [];
    }
}
