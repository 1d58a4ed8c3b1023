/**
 * Reading a collection to the end: `$top`/`$skip` pages, or `@odata.nextLink` when the service sends
 * one (followed only on the API's own origin and base path). Bounded by `maxPages`: a listing longer
 * than that fails instead of being silently cut, because decisions are made on what it returns.
 */
import type { Endpoint, PageAnswer } from "./endpoints";
import { defenderApiError } from "./errors";
import { parsePage } from "./models";
import { buildQuery } from "./odata";
import type { Transport } from "./transport";

export interface ListRequest<T> {
    /** The collection's endpoint: its path, bucket and items. */
    endpoint: Endpoint<PageAnswer<T>>;
    /** OData $filter, undefined for none. */
    filter?: string;
    /** Items the caller keeps (a second check of what the filter asked for). */
    keep: (item: T) => boolean;
    /** Stop after this many kept items. */
    want?: number;
    /** True when `keep` drops items the filter lets through, so $top cannot be cut to `want`. */
    filtersLocally: boolean;
    pageSize: number;
    maxPages: number;
    /** Called after each page is read, for progress. */
    onPage?: (page: ListingPage) => void;
    /** The caller's deadline, for every page's request. */
    signal?: AbortSignal;
}

/** Progress of a listing: pages read so far and the items they held. */
export interface ListingPage {
    /** The collection path, e.g. "/api/machineactions". */
    path: string;
    /** 1 for the first page. */
    page: number;
    /** Items the pages read so far held, before `keep`. */
    items: number;
    /** True when another page follows. */
    more: boolean;
}

export async function listAll<T>(transport: Transport, request: ListRequest<T>): Promise<T[]> {
    const { path: collection, bucket, answer } = request.endpoint;
    const size = request.want !== undefined && !request.filtersLocally ? Math.min(request.pageSize, request.want) : request.pageSize;
    const kept: T[] = [];
    let next: string | undefined = `${collection}${buildQuery([
        ["$filter", request.filter],
        ["$top", size],
    ])}`;
    let skip = 0;
    let seen = 0;
    for (let page = 0; page < request.maxPages && next !== undefined; page++) {
        const path: string = next;
        const res = await transport.send({ method: "GET", path, bucket, signal: request.signal });
        const parsed = res.bodyProblem === undefined ? parsePage(res.body, answer.item) : { ok: false as const, problem: res.bodyProblem };
        if (!parsed.ok) {
            throw defenderApiError({
                kind: "invalidResponse",
                method: "GET",
                path,
                status: res.status,
                outcomeUnknown: false,
                detail: `the answer is not ${answer.says}: ${parsed.problem}`,
            });
        }
        for (const item of parsed.value.items) if (request.keep(item)) kept.push(item);
        seen += parsed.value.items.length;
        if (request.want !== undefined && kept.length >= request.want) return kept.slice(0, request.want);

        if (parsed.value.nextLink !== undefined) {
            next = sameOriginPath(transport.apiBaseUrl, parsed.value.nextLink, path);
        } else if (parsed.value.items.length >= size) {
            skip += size;
            next = `${collection}${buildQuery([
                ["$filter", request.filter],
                ["$top", size],
                ["$skip", skip],
            ])}`;
        } else {
            next = undefined;
        }
        try {
            request.onPage?.({ path: collection, page: page + 1, items: seen, more: next !== undefined });
        } catch {
            // a progress listener must not break a listing
        }
    }
    if (next !== undefined) {
        throw defenderApiError({
            kind: "invalidResponse",
            method: "GET",
            path: `${collection}${buildQuery([["$filter", request.filter]])}`,
            outcomeUnknown: false,
            detail: `the listing has more than maxPages (${request.maxPages}) pages of ${size}; narrow the filter or raise maxPages`,
        });
    }
    return kept;
}

/** The path (below apiBaseUrl) of a nextLink on the API's own origin and base path; refuses any other. */
function sameOriginPath(apiBaseUrl: string, nextLink: string, fromPath: string): string {
    const base = new URL(`${apiBaseUrl}/`);
    let url: URL | undefined;
    try {
        url = new URL(nextLink, base);
    } catch {
        url = undefined;
    }
    const basePath = base.pathname.replace(/\/$/, "");
    if (!url || url.origin !== base.origin || !url.pathname.startsWith(`${basePath}/`) || url.hash !== "") {
        const shown = url ? `${url.origin}${url.pathname}` : "an unreadable URL";
        throw defenderApiError({
            kind: "invalidResponse",
            method: "GET",
            path: fromPath,
            outcomeUnknown: false,
            detail: `@odata.nextLink points to ${shown}, outside ${apiBaseUrl}; it is not followed`,
        });
    }
    return `${url.pathname.slice(basePath.length)}${url.search}`;
}
