// Which catalogue route a (method, path) is. Fixed segments match case-insensitively; `:name` takes one
// percent-decoded segment.
import { ROUTES, RouteDef } from "./catalogue";

export type RouteMatch = { kind: "match"; route: RouteDef; params: Record<string, string> } | { kind: "wrongMethod"; allowed: string[] } | { kind: "none" };

const COMPILED: ReadonlyArray<{ route: RouteDef; segments: string[] }> = ROUTES.map((route) => ({
    route,
    segments: route.path.split("/").filter((s) => s !== ""),
}));

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
    for (const { route, segments } of COMPILED) {
        const params = matchSegments(segments, segs);
        if (params === null) continue;
        if (route.method === method) return { kind: "match", route, params };
        allowed.push(route.method);
    }
    return allowed.length > 0 ? { kind: "wrongMethod", allowed } : { kind: "none" };
}
