// The route table: which (method, path) is which endpoint. Fixed segments match case-insensitively.
import { RateLimitedApi } from "../options";

export type RouteName =
    | "discovery"
    | "keys"
    | "instanceDiscovery"
    | "token"
    | "isolate"
    | "unisolate"
    | "getMachine"
    | "listMachines"
    | "getAction"
    | "listActions"
    | "cancelAction";

export interface RouteDef {
    name: RouteName;
    method: "GET" | "POST";
    /** Segments; `:name` captures one segment. */
    segments: string[];
    family: "entra" | "defender";
    rateLimit?: RateLimitedApi;
}

const r = (name: RouteName, method: "GET" | "POST", path: string, family: "entra" | "defender", rateLimit?: RateLimitedApi): RouteDef => ({
    name,
    method,
    segments: path.split("/").filter((s) => s !== ""),
    family,
    rateLimit,
});

// Order matters: the literal `common/discovery/instance` precedes the tenant patterns.
export const ROUTES: readonly RouteDef[] = [
    r("instanceDiscovery", "GET", "/common/discovery/instance", "entra"),
    r("discovery", "GET", "/:tenant/v2.0/.well-known/openid-configuration", "entra"),
    r("keys", "GET", "/:tenant/discovery/v2.0/keys", "entra"),
    r("token", "POST", "/:tenant/oauth2/v2.0/token", "entra"),
    r("isolate", "POST", "/api/machines/:id/isolate", "defender", "isolate"),
    r("unisolate", "POST", "/api/machines/:id/unisolate", "defender", "unisolate"),
    r("getMachine", "GET", "/api/machines/:id", "defender", "machinesRead"),
    r("listMachines", "GET", "/api/machines", "defender", "machinesRead"),
    r("cancelAction", "POST", "/api/machineactions/:id/cancel", "defender", "cancel"),
    r("getAction", "GET", "/api/machineactions/:id", "defender", "machineActionsRead"),
    r("listActions", "GET", "/api/machineactions", "defender", "machineActionsRead"),
];

export const ROUTE_NAMES: readonly RouteName[] = ROUTES.map((d) => d.name);

export type RouteMatch = { kind: "match"; route: RouteDef; params: Record<string, string> } | { kind: "wrongMethod"; allowed: string[] } | { kind: "none" };

function splitPath(path: string): string[] | null {
    try {
        return path
            .split("/")
            .filter((s) => s !== "")
            .map(decodeURIComponent);
    } catch {
        return null;
    }
}

function matchSegments(pattern: string[], segs: string[]): Record<string, string> | null {
    if (pattern.length !== segs.length) return null;
    const params: Record<string, string> = {};
    for (let i = 0; i < pattern.length; i++) {
        if (pattern[i].startsWith(":")) params[pattern[i].slice(1)] = segs[i];
        else if (pattern[i].toLowerCase() !== segs[i].toLowerCase()) return null;
    }
    return params;
}

export function matchRoute(method: string, path: string): RouteMatch {
    const segs = splitPath(path);
    if (segs === null) return { kind: "none" };
    const allowed: string[] = [];
    for (const route of ROUTES) {
        const params = matchSegments(route.segments, segs);
        if (params === null) continue;
        if (route.method === method) return { kind: "match", route, params };
        allowed.push(route.method);
    }
    return allowed.length > 0 ? { kind: "wrongMethod", allowed } : { kind: "none" };
}
