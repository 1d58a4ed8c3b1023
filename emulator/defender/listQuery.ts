// $filter, $orderby, $top and $skip for the listings, and the page with its @odata.nextLink.
import { Result, fail, ok } from "../base/result";
import { FieldTable, Predicate, compileFilter } from "./odata";

/** The documented ceiling for $top. */
export const MAX_TOP = 10000;

const SUPPORTED_OPTIONS = ["$filter", "$top", "$skip", "$orderby"];

export interface ListQuery<T> {
    filter: Predicate<T> | null;
    top: number | null;
    skip: number;
    order: ((a: T, b: T) => number) | null;
}

function parseCount(name: string, raw: string, max: number): Result<number, string> {
    if (!/^\d{1,10}$/.test(raw)) return fail(`Invalid value '${raw}' for ${name}: must be a non-negative integer`);
    const n = Number(raw);
    if (n > max)
        return fail(`The limit of '${max}' for ${name === "$top" ? "Top" : "Skip"} query has been exceeded. The value from the incoming request is '${n}'`);
    return ok(n);
}

function parseOrderBy<T>(raw: string, fields: FieldTable<T>): Result<(a: T, b: T) => number, string> {
    const keys: Array<{ get: (e: T) => string | number | null; dir: number }> = [];
    for (const part of raw.split(",")) {
        const m = /^\s*([A-Za-z]+)(?:\s+(asc|desc))?\s*$/.exec(part);
        const field = m && Object.prototype.hasOwnProperty.call(fields, m[1]) ? fields[m[1]] : undefined;
        const orderable = Object.keys(fields).filter((k) => fields[k].type !== "collection");
        if (!m || !field || field.type === "collection")
            return fail(`Invalid $orderby '${raw}': use '<property> [asc|desc]' with one of ${orderable.join(", ")}`);
        keys.push({ get: field.get, dir: m[2] === "desc" ? -1 : 1 });
    }
    return ok((a, b) => {
        for (const k of keys) {
            const x = k.get(a);
            const y = k.get(b);
            if (x === y) continue;
            if (x === null) return -k.dir;
            if (y === null) return k.dir;
            return (x < y ? -1 : 1) * k.dir;
        }
        return 0;
    });
}

/** Parses the query string of a listing; failures are ODataError messages. */
export function parseListQuery<T>(params: URLSearchParams, fields: FieldTable<T>, inSupported: boolean): Result<ListQuery<T>, string> {
    for (const key of new Set(params.keys())) {
        if (key.startsWith("$") && !SUPPORTED_OPTIONS.includes(key))
            return fail(`Query option '${key}' is not supported; supported: ${SUPPORTED_OPTIONS.join(", ")}`);
        if (params.getAll(key).length > 1) return fail(`Query option '${key}' was given more than once`);
    }
    const q: ListQuery<T> = { filter: null, top: null, skip: 0, order: null };
    const filter = params.get("$filter");
    if (filter !== null) {
        const r = compileFilter(filter, fields, inSupported);
        if (!r.ok) return r;
        q.filter = r.value;
    }
    const top = params.get("$top");
    if (top !== null) {
        const r = parseCount("$top", top, MAX_TOP);
        if (!r.ok) return r;
        q.top = r.value;
    }
    const skip = params.get("$skip");
    if (skip !== null) {
        const r = parseCount("$skip", skip, 1_000_000_000);
        if (!r.ok) return r;
        q.skip = r.value;
    }
    const orderby = params.get("$orderby");
    if (orderby !== null) {
        const r = parseOrderBy(orderby, fields);
        if (!r.ok) return r;
        q.order = r.value;
    }
    return ok(q);
}

export interface Page<T> {
    items: T[];
    /** Query string for the next page, or null when nothing remains. */
    nextQuery: string | null;
}

/**
 * Filters, orders and cuts one page: at most min($top, maxPageSize) items from $skip. When items remain
 * after the page, the next page's query keeps $filter/$orderby/$top and moves $skip on.
 */
export function selectPage<T>(all: readonly T[], q: ListQuery<T>, params: URLSearchParams, maxPageSize: number): Page<T> {
    let rows = q.filter ? all.filter(q.filter) : [...all];
    if (q.order) rows = rows.sort(q.order);
    const size = Math.min(q.top ?? maxPageSize, maxPageSize);
    const items = rows.slice(q.skip, q.skip + size);
    const nextSkip = q.skip + items.length;
    if (nextSkip >= rows.length || items.length === 0) return { items, nextQuery: null };
    const parts: string[] = [];
    for (const key of ["$filter", "$orderby", "$top"]) {
        const v = params.get(key);
        if (v !== null) parts.push(`${key}=${encodeURIComponent(v)}`);
    }
    parts.push(`$skip=${nextSkip}`);
    return { items, nextQuery: parts.join("&") };
}
