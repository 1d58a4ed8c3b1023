/**
 * The client's listings: actions by filter, devices by id, devices by DNS name. Lists of ids go as
 * `in (...)` in requests of 50; when the service refuses `in`, one request per id instead, remembered
 * per collection. Every listing reads to its end (paging.ts) and checks again what it asked for.
 */
import {
    checkActionsFilter,
    checkCallOptions,
    checkListing,
    checkMachineIds,
    type CallOptions,
    type CheckedActionsFilter,
    type ListActionsFilter,
    type ListMachinesFilter,
} from "./callInputs";
import { ENDPOINTS, requestOf } from "./endpoints";
import { isDefenderApiError } from "./errors";
import { assertDnsName } from "./ids";
import type { Machine, MachineAction } from "./models";
import { odataEq, odataIn } from "./odata";
import { listAll, type ListingPage } from "./paging";
import type { Transport } from "./transport";

/** How one listing is read; its signal ends the listing wherever it waits. */
export interface ListingOptions extends CallOptions {
    /** Pages this listing may read before it fails (instead of being silently cut). @default the client's maxPages */
    maxPages?: number;
    /** Called after each page, for progress; must not throw (if it does, it is ignored). @default undefined */
    onPage?: (page: ListingPage) => void;
}

export interface Listings {
    actions(filter?: ListActionsFilter, listing?: ListingOptions): Promise<MachineAction[]>;
    machines(filter: ListMachinesFilter, options?: CallOptions): Promise<Machine[]>;
    machinesByDnsName(name: string, options?: CallOptions): Promise<Machine[]>;
}

export interface ListingContext {
    transport: Transport;
    pageSize: number;
    maxPages: number;
    /** Single reads, for the fallback and for devices a listing left out; a 404 is absence. */
    getAction(actionId: string, options?: CallOptions): Promise<MachineAction>;
    getMachine(machineId: string, options?: CallOptions): Promise<Machine>;
}

const IDS_PER_REQUEST = 50;

export function createListings(ctx: ListingContext): Listings {
    const ids = idLists();
    return {
        actions: (filter = {}, listing = {}) => listActions(ctx, ids, filter, listing),
        machines: (filter, options) => listMachines(ctx, ids, filter, options),
        machinesByDnsName: (name, options) => listMachinesByDnsName(ctx, name, options),
    };
}

type IdLists = <T>(collection: string, values: readonly string[], viaIn: (chunk: string[]) => Promise<T[]>, single: () => Promise<T[]>) => Promise<T[]>;

/**
 * `in (...)` requests of IDS_PER_REQUEST values; when the service refuses the first of them with a
 * 400, `single` from then on. Once `in` worked, a 400 is an error like any other.
 */
function idLists(): IdLists {
    /** Per collection path: whether the service accepted `in (...)`; absent until first asked. */
    const inOperator = new Map<string, boolean>();
    return async (collection, values, viaIn, single) => {
        if (values.length === 0) return [];
        if (inOperator.get(collection) !== false) {
            try {
                const found = [];
                for (let i = 0; i < values.length; i += IDS_PER_REQUEST) found.push(...(await viaIn(values.slice(i, i + IDS_PER_REQUEST))));
                inOperator.set(collection, true);
                return found;
            } catch (e) {
                if (!(isDefenderApiError(e) && e.kind === "http" && e.status === 400 && !inOperator.has(collection))) throw e;
                inOperator.set(collection, false);
            }
        }
        return single();
    };
}

async function listActions(ctx: ListingContext, inOrSingle: IdLists, filter: ListActionsFilter, listing: ListingOptions): Promise<MachineAction[]> {
    const f = checkActionsFilter(filter);
    const pages = checkListing(listing, ctx.maxPages);
    const signal = checkCallOptions(listing, requestOf(ENDPOINTS.listActions));
    const keep = keepsActions(f);
    const clauses = serviceClauses(f);
    const list = (extra: string[]) =>
        listAll(ctx.transport, {
            endpoint: ENDPOINTS.listActions,
            filter: [...extra, ...clauses].join(" and ") || undefined,
            keep,
            want: f.top,
            filtersLocally: (f.statuses?.length ?? 0) > 1 || extra.length > 0,
            pageSize: ctx.pageSize,
            maxPages: pages,
            onPage: listing.onPage,
            signal,
        });
    const collection = ENDPOINTS.listActions.path;
    let found: MachineAction[];
    if (f.ids !== undefined) {
        const ids = [...f.ids];
        const single = async () =>
            (await Promise.all(ids.map((id) => ctx.getAction(id, { signal }).catch(absentOn404)))).filter(
                (a): a is MachineAction => a !== undefined && keep(a),
            );
        found = await inOrSingle(collection, ids, (chunk) => list([odataIn("id", chunk)]), single);
    } else if (f.machineIds !== undefined) {
        const ids = [...f.machineIds];
        const single = async () => (await Promise.all(ids.map((id) => list([odataEq("machineId", id)])))).flat();
        found = await inOrSingle(collection, ids, (chunk) => list([odataIn("machineId", chunk)]), single);
    } else {
        return list([]);
    }
    const unique = [...new Map(found.map((a) => [a.id.toLowerCase(), a])).values()];
    return f.top === undefined ? unique : unique.slice(0, f.top);
}

/** What the filter asks for, checked again on every action the service sent. */
function keepsActions(f: CheckedActionsFilter): (a: MachineAction) => boolean {
    return (a) =>
        (f.machineId === undefined || a.machineId.toLowerCase() === f.machineId.toLowerCase()) &&
        (f.machineIds === undefined || f.machineIds.has(a.machineId.toLowerCase())) &&
        (f.type === undefined || a.type === f.type) &&
        (f.statuses === undefined || (f.statuses as readonly string[]).includes(a.status)) &&
        (f.ids === undefined || f.ids.has(a.id.toLowerCase()));
}

/** The parts of the filter the service applies; several statuses are filtered here only. */
function serviceClauses(f: CheckedActionsFilter): string[] {
    return [
        f.machineId === undefined ? undefined : odataEq("machineId", f.machineId),
        f.type === undefined ? undefined : odataEq("type", f.type),
        f.statuses?.length === 1 ? odataEq("status", f.statuses[0]) : undefined,
    ].filter((c): c is string => c !== undefined);
}

async function listMachines(ctx: ListingContext, inOrSingle: IdLists, filter: ListMachinesFilter, options?: CallOptions): Promise<Machine[]> {
    const ids = checkMachineIds(filter);
    const signal = checkCallOptions(options, requestOf(ENDPOINTS.listMachines));
    const list = (chunk: string[]) =>
        listAll(ctx.transport, {
            endpoint: ENDPOINTS.listMachines,
            filter: odataIn("id", chunk),
            keep: (m) => ids.has(m.id.toLowerCase()),
            filtersLocally: false,
            pageSize: ctx.pageSize,
            maxPages: ctx.maxPages,
            signal,
        });
    const single = async (wanted: Iterable<string>) => {
        const reads = await Promise.all([...wanted].map((id) => ctx.getMachine(id, { signal }).catch(absentOn404)));
        return reads.filter((m): m is Machine => m !== undefined);
    };
    const listThenSingle = async (chunk: string[]) => {
        // A short or lagging page can leave a device out: only its own read's 404 says it is gone.
        const listed = await list(chunk);
        const seen = new Set(listed.map((m) => m.id.toLowerCase()));
        return [...listed, ...(await single(chunk.filter((id) => !seen.has(id))))];
    };
    const found = await inOrSingle(ENDPOINTS.listMachines.path, [...ids], listThenSingle, () => single(ids));
    return [...new Map(found.map((m) => [m.id.toLowerCase(), m])).values()];
}

async function listMachinesByDnsName(ctx: ListingContext, name: string, options?: CallOptions): Promise<Machine[]> {
    const dnsName = assertDnsName(name, "name", requestOf(ENDPOINTS.listMachines));
    const signal = checkCallOptions(options, requestOf(ENDPOINTS.listMachines));
    const lower = dnsName.toLowerCase();
    return listAll(ctx.transport, {
        endpoint: ENDPOINTS.listMachines,
        filter: odataEq("computerDnsName", dnsName),
        keep: (m) => (m.computerDnsName ?? "").toLowerCase() === lower,
        filtersLocally: false,
        pageSize: ctx.pageSize,
        maxPages: ctx.maxPages,
        signal,
    });
}

/** A 404 answer means absent; any other failure stays a failure. */
function absentOn404(e: unknown): undefined {
    if (isDefenderApiError(e) && e.status === 404) return undefined;
    throw e;
}
