/**
 * The Defender API client: typed methods over the request funnel. Inputs are checked before any path
 * is built, answers are parsed into plain objects, every failure is a DefenderApiError.
 */
import { tokenSourceFor } from "./auth";
import { resolveEndpoints, type ResolvedEndpoints } from "./clouds";
import { defenderApiError, invalidInputError, isDefenderApiError } from "./errors";
import { assertActionId, assertDnsName, assertMachineId, describeValue, encodePathSegment } from "./ids";
import {
    ACTION_STATUSES,
    ISOLATION_TYPES,
    isActionStatus,
    isIsolationType,
    parseMachine,
    parseMachineAction,
    type ActionStatus,
    type IsolationType,
    type Machine,
    type MachineAction,
    type ParseResult,
} from "./models";
import { odataEq, odataIn } from "./odata";
import { DEFAULT_MAX_PAGES, DEFAULT_PAGE_SIZE, DEFAULT_TIMEOUT_MS, validateClientOptions, type DefenderClientOptions } from "./options";
import { DEFAULT_RATE_LIMITS, type ApiBucket } from "./pacing";
import { listAll, type ListingPage } from "./paging";
import { resolveRetryOptions } from "./retry";
import { createFleetReads, type FleetReads } from "./fleetReads";
import { createTransport, type Transport } from "./transport";

export interface IsolateRequest {
    /** Why: shown in Defender's action center. Required by the API. */
    comment: string;
    isolationType: IsolationType;
}

export interface ListActionsFilter {
    machineId?: string;
    /**
     * The actions of these devices (40-hex ids, deduplicated): `machineId in (...)` in requests of 50,
     * or one `machineId eq` listing per device when the service refuses `in`. Not with `machineId` or `ids`.
     */
    machineIds?: readonly string[];
    /** Action type, e.g. "Isolate". */
    type?: string;
    /** One status (filtered by the service) or several (filtered here). */
    status?: ActionStatus | readonly ActionStatus[];
    /** Only these action ids: `id in (...)`, or single reads when the service refuses `in`. */
    ids?: readonly string[];
    /** At most this many actions, in the order the service lists them. */
    top?: number;
}

/**
 * `listFleet` (GET /api/machines, whole or with a documented filter), `getAlert` (GET /api/alerts/{id})
 * and `getIncident` (Defender XDR's GET /api/incidents/{id}, with a token for `xdrScope`): see fleetReads.ts.
 */
export interface DefenderClient extends FleetReads {
    readonly endpoints: ResolvedEndpoints;
    /** POST /api/machines/{id}/isolate with `{"Comment", "IsolationType"}`. */
    isolate(machineId: string, request: IsolateRequest): Promise<MachineAction>;
    /** POST /api/machines/{id}/unisolate with `{"Comment"}`. */
    unisolate(machineId: string, comment: string): Promise<MachineAction>;
    /** POST /api/machineactions/{id}/cancel with `{"Comment"}` when a comment is given, else `{}`. */
    cancelAction(actionId: string, comment?: string): Promise<MachineAction>;
    /** GET /api/machineactions/{id}; a 404 is a DefenderApiError with status 404. */
    getAction(actionId: string): Promise<MachineAction>;
    /**
     * GET /api/machineactions?$filter=..., every page. With no device filter this is the whole
     * fleet's listing, `pageSize` (up to 10,000) actions a page: give `listing.maxPages` to bound it.
     */
    listActions(filter?: ListActionsFilter, listing?: ListingOptions): Promise<MachineAction[]>;
    /** GET /api/machines/{id}; the id must be the 40-hex device id. */
    getMachine(machineId: string): Promise<Machine>;
    /** GET /api/machines?$filter=computerDnsName eq '<name>': exact (case-insensitive) matches only, never substrings. */
    findMachinesByDnsName(name: string): Promise<Machine[]>;
    /**
     * The devices among `ids` that exist: `GET /api/machines?$filter=id in (...)` in requests of 50, or
     * single `getMachine` reads (404 = absent) when the service refuses `in`. A device a listing's answer
     * lacks is read by itself: only that read's 404 leaves it out (a short page is not a deletion).
     */
    listMachines(filter: ListMachinesFilter): Promise<Machine[]>;
}

/** How one listing is read. */
export interface ListingOptions {
    /** Pages this listing may read before it fails (instead of being silently cut). @default the client's maxPages */
    maxPages?: number;
    /** Called after each page, for progress; must not throw (if it does, it is ignored). @default undefined */
    onPage?: (page: ListingPage) => void;
}

export interface ListMachinesFilter {
    /** Device ids, 40 hexadecimal characters each; deduplicated case-insensitively. */
    ids: readonly string[];
}

const MAX_COMMENT_LENGTH = 4000;
const IDS_PER_REQUEST = 50;
const MAX_TOP = 100_000;
const MAX_LISTING_PAGES = 1000;
const ACTION_TYPE = /^[A-Za-z]{1,64}$/;

export function createDefenderClient(options: DefenderClientOptions = {}): DefenderClient {
    const problems = validateClientOptions(options);
    if (problems.length > 0) throw defenderApiError({ kind: "invalidOptions", method: "", path: "", outcomeUnknown: false, problems });

    const endpoints = resolveEndpoints(options);
    const tokens = tokenSourceFor({
        ...options,
        authorityHost: endpoints.authorityHost,
        customAuthorityHost: endpoints.customAuthorityHost,
        scope: endpoints.scope,
        tokenTimeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
    const transportWith = (scope: string): Transport =>
        createTransport({
            apiBaseUrl: endpoints.apiBaseUrl,
            tokens:
                scope === endpoints.scope
                    ? tokens
                    : tokenSourceFor({
                          ...options,
                          authorityHost: endpoints.authorityHost,
                          customAuthorityHost: endpoints.customAuthorityHost,
                          scope,
                          tokenTimeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
                      }),
            pacingKey: { apiHost: new URL(endpoints.apiBaseUrl).host, tenantId: options.tenantId ?? "", clientId: options.clientId ?? "" },
            rateLimits: options.rateLimits ?? DEFAULT_RATE_LIMITS,
            retry: resolveRetryOptions(options.retry),
            timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
            onEvent: options.onEvent,
        });
    const transport = transportWith(endpoints.scope);
    let xdrTransport: Transport | undefined;
    const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
    const fleetReads = createFleetReads({ transport, xdrTransport: () => (xdrTransport ??= transportWith(endpoints.xdrScope)), pageSize, maxPages });
    /** Per collection path: whether the service accepted `in (...)`; absent until first asked. */
    const inOperator = new Map<string, boolean>();

    /**
     * `in (...)` requests of IDS_PER_REQUEST values; when the service refuses the first of them with a
     * 400, `single` from then on. Once `in` worked, a 400 is an error like any other.
     */
    const inOrSingle = async <T>(
        collection: string,
        values: readonly string[],
        viaIn: (chunk: string[]) => Promise<T[]>,
        single: () => Promise<T[]>,
    ): Promise<T[]> => {
        if (values.length === 0) return [];
        if (inOperator.get(collection) !== false) {
            try {
                const found: T[] = [];
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

    const getMachine = async (machineId: string): Promise<Machine> => {
        const id = assertMachineId(machineId, "machineId", { method: "GET", path: "/api/machines/{machineId}" });
        const path = `/api/machines/${encodePathSegment(id)}`;
        const res = await transport.send({ method: "GET", path, bucket: "machines.read" });
        const machine = parsed(
            res.bodyProblem === undefined ? parseMachine(res.body) : { ok: false, problem: res.bodyProblem },
            "GET",
            path,
            res.status,
            "a Machine",
            false,
        );
        if (machine.id.toLowerCase() !== id.toLowerCase()) {
            throw defenderApiError({
                kind: "invalidResponse",
                method: "GET",
                path,
                status: res.status,
                outcomeUnknown: false,
                detail: `the answer is device ${machine.id}, not ${id}`,
            });
        }
        return machine;
    };

    const postAction = async (bucket: ApiBucket, path: string, body: Record<string, string>, machineId?: string): Promise<MachineAction> => {
        const res = await transport.send({ method: "POST", path, body, bucket });
        // The action was performed but its answer is unusable: the caller must list and adopt.
        const action = parsed(
            res.bodyProblem === undefined ? parseMachineAction(res.body) : { ok: false, problem: res.bodyProblem },
            "POST",
            path,
            res.status,
            "a MachineAction",
            true,
        );
        if (machineId !== undefined && action.machineId.toLowerCase() !== machineId.toLowerCase()) {
            throw defenderApiError({
                kind: "invalidResponse",
                method: "POST",
                path,
                status: res.status,
                outcomeUnknown: true,
                detail: `the answer is an action for device ${action.machineId}, not ${machineId}`,
            });
        }
        return action;
    };

    const getAction = async (actionId: string): Promise<MachineAction> => {
        const template = { method: "GET", path: "/api/machineactions/{actionId}" };
        const id = assertActionId(actionId, "actionId", template);
        const path = `/api/machineactions/${encodePathSegment(id)}`;
        const res = await transport.send({ method: "GET", path, bucket: "actions.read" });
        const action = parsed(
            res.bodyProblem === undefined ? parseMachineAction(res.body) : { ok: false, problem: res.bodyProblem },
            "GET",
            path,
            res.status,
            "a MachineAction",
            false,
        );
        if (action.id.toLowerCase() !== id.toLowerCase()) {
            throw defenderApiError({
                kind: "invalidResponse",
                method: "GET",
                path,
                status: res.status,
                outcomeUnknown: false,
                detail: `the answer is action ${action.id}, not ${id}`,
            });
        }
        return action;
    };

    const listActions = async (filter: ListActionsFilter = {}, listing: ListingOptions = {}): Promise<MachineAction[]> => {
        const f = checkActionsFilter(filter);
        const pages = checkListing(listing, maxPages);
        const keep = (a: MachineAction) =>
            (f.machineId === undefined || a.machineId.toLowerCase() === f.machineId.toLowerCase()) &&
            (f.machineIds === undefined || f.machineIds.has(a.machineId.toLowerCase())) &&
            (f.type === undefined || a.type === f.type) &&
            (f.statuses === undefined || f.statuses.includes(a.status)) &&
            (f.ids === undefined || f.ids.has(a.id.toLowerCase()));
        const clauses = [
            f.machineId === undefined ? undefined : odataEq("machineId", f.machineId),
            f.type === undefined ? undefined : odataEq("type", f.type),
            f.statuses?.length === 1 ? odataEq("status", f.statuses[0]) : undefined,
        ].filter((c): c is string => c !== undefined);
        const list = (extra: string[]) =>
            listAll(transport, {
                path: "/api/machineactions",
                filter: [...extra, ...clauses].join(" and ") || undefined,
                bucket: "actions.read",
                parseItem: parseMachineAction,
                keep,
                want: f.top,
                filtersLocally: (f.statuses?.length ?? 0) > 1 || extra.length > 0,
                pageSize,
                maxPages: pages,
                onPage: listing.onPage,
            });
        let found: MachineAction[];
        if (f.ids !== undefined) {
            found = await inOrSingle(
                "/api/machineactions",
                [...f.ids],
                (chunk) => list([odataIn("id", chunk)]),
                async () => {
                    const reads = await Promise.all([...(f.ids ?? [])].map((id) => getAction(id).catch(absentOn404)));
                    return reads.filter((a): a is MachineAction => a !== undefined && keep(a));
                },
            );
        } else if (f.machineIds !== undefined) {
            found = await inOrSingle(
                "/api/machineactions",
                [...f.machineIds],
                (chunk) => list([odataIn("machineId", chunk)]),
                async () => {
                    const lists = await Promise.all([...(f.machineIds ?? [])].map((id) => list([odataEq("machineId", id)])));
                    return lists.flat();
                },
            );
        } else {
            return list([]);
        }
        const unique = [...new Map(found.map((a) => [a.id.toLowerCase(), a])).values()];
        return f.top === undefined ? unique : unique.slice(0, f.top);
    };

    const listMachines = async (filter: ListMachinesFilter): Promise<Machine[]> => {
        const ids = checkMachineIds(filter);
        const list = (chunk: string[]) =>
            listAll(transport, {
                path: "/api/machines",
                filter: odataIn("id", chunk),
                bucket: "machines.read",
                parseItem: parseMachine,
                keep: (m) => ids.has(m.id.toLowerCase()),
                filtersLocally: false,
                pageSize,
                maxPages,
            });
        const single = async (wanted: Iterable<string>) => {
            const reads = await Promise.all([...wanted].map((id) => getMachine(id).catch(absentOn404)));
            return reads.filter((m): m is Machine => m !== undefined);
        };
        const found = await inOrSingle(
            "/api/machines",
            [...ids],
            async (chunk) => {
                // A short or lagging page can leave a device out: only its own read's 404 says it is gone.
                const listed = await list(chunk);
                const seen = new Set(listed.map((m) => m.id.toLowerCase()));
                return [...listed, ...(await single(chunk.filter((id) => !seen.has(id))))];
            },
            () => single(ids),
        );
        return [...new Map(found.map((m) => [m.id.toLowerCase(), m])).values()];
    };

    return {
        endpoints,
        ...fleetReads,

        async isolate(machineId, request) {
            const template = { method: "POST", path: "/api/machines/{machineId}/isolate" };
            const id = assertMachineId(machineId, "machineId", template);
            if (typeof request !== "object" || request === null) throw invalidInputError("isolate needs {comment, isolationType}", template);
            const comment = checkComment(request.comment, "comment", template);
            if (!isIsolationType(request.isolationType)) {
                throw invalidInputError(`isolationType must be one of ${ISOLATION_TYPES.join(", ")}; got ${describeValue(request.isolationType)}`, template);
            }
            return postAction("isolate", `/api/machines/${encodePathSegment(id)}/isolate`, { Comment: comment, IsolationType: request.isolationType }, id);
        },

        async unisolate(machineId, comment) {
            const template = { method: "POST", path: "/api/machines/{machineId}/unisolate" };
            const id = assertMachineId(machineId, "machineId", template);
            const text = checkComment(comment, "comment", template);
            return postAction("unisolate", `/api/machines/${encodePathSegment(id)}/unisolate`, { Comment: text }, id);
        },

        async cancelAction(actionId, comment) {
            const template = { method: "POST", path: "/api/machineactions/{actionId}/cancel" };
            const id = assertActionId(actionId, "actionId", template);
            const body: Record<string, string> = comment === undefined ? {} : { Comment: checkComment(comment, "comment", template) };
            const path = `/api/machineactions/${encodePathSegment(id)}/cancel`;
            const action = await postAction("cancel", path, body);
            if (action.id.toLowerCase() !== id.toLowerCase()) {
                throw defenderApiError({
                    kind: "invalidResponse",
                    method: "POST",
                    path,
                    outcomeUnknown: true,
                    detail: `the answer is action ${action.id}, not ${id}`,
                });
            }
            return action;
        },

        getAction,
        listActions,
        getMachine,
        listMachines,

        async findMachinesByDnsName(name) {
            const dnsName = assertDnsName(name, "name", { method: "GET", path: "/api/machines" });
            const lower = dnsName.toLowerCase();
            return listAll(transport, {
                path: "/api/machines",
                filter: odataEq("computerDnsName", dnsName),
                bucket: "machines.read",
                parseItem: parseMachine,
                keep: (m) => (m.computerDnsName ?? "").toLowerCase() === lower,
                filtersLocally: false,
                pageSize,
                maxPages,
            });
        },
    };
}

interface CheckedFilter {
    machineId?: string;
    machineIds?: Set<string>;
    type?: string;
    statuses?: readonly ActionStatus[];
    ids?: Set<string>;
    top?: number;
}

function checkActionsFilter(filter: ListActionsFilter): CheckedFilter {
    const template = { method: "GET", path: "/api/machineactions" };
    if (typeof filter !== "object" || filter === null) throw invalidInputError("the listActions filter must be an object such as {machineId}", template);
    const out: CheckedFilter = {};
    if (filter.machineId !== undefined) out.machineId = assertMachineId(filter.machineId, "filter.machineId", template);
    if (filter.machineIds !== undefined) {
        if (filter.machineId !== undefined || filter.ids !== undefined) {
            throw invalidInputError("filter.machineIds cannot be combined with filter.machineId or filter.ids; give one of them", template);
        }
        out.machineIds = machineIdSet(filter.machineIds, "filter.machineIds", template);
    }
    if (filter.type !== undefined) {
        if (typeof filter.type !== "string" || !ACTION_TYPE.test(filter.type)) {
            throw invalidInputError(
                `filter.type must be an action type such as Isolate or Unisolate (letters only); got ${describeValue(filter.type)}`,
                template,
            );
        }
        out.type = filter.type;
    }
    if (filter.status !== undefined) {
        const statuses: readonly unknown[] = Array.isArray(filter.status) ? filter.status : [filter.status];
        const bad = statuses.find((s) => !isActionStatus(s));
        if (bad !== undefined || statuses.length === 0) {
            throw invalidInputError(
                `filter.status must be one or more of ${ACTION_STATUSES.join(", ")}; got ${statuses.length === 0 ? "an empty list" : describeValue(bad)}`,
                template,
            );
        }
        out.statuses = statuses as ActionStatus[];
    }
    if (filter.ids !== undefined) {
        if (!Array.isArray(filter.ids)) throw invalidInputError("filter.ids must be an array of MachineAction ids (GUIDs)", template);
        filter.ids.forEach((id, i) => assertActionId(id, `filter.ids[${i}]`, template));
        out.ids = new Set(filter.ids.map((id) => id.toLowerCase()));
    }
    if (filter.top !== undefined) {
        if (typeof filter.top !== "number" || !Number.isInteger(filter.top) || filter.top < 1 || filter.top > MAX_TOP) {
            throw invalidInputError(`filter.top must be a whole number from 1 to ${MAX_TOP}; got ${describeValue(filter.top)}`, template);
        }
        out.top = filter.top;
    }
    return out;
}

function checkListing(listing: ListingOptions, fallback: number): number {
    const template = { method: "GET", path: "/api/machineactions" };
    if (typeof listing !== "object" || listing === null) throw invalidInputError("the listing options must be an object such as {maxPages: 100}", template);
    if (listing.onPage !== undefined && typeof listing.onPage !== "function")
        throw invalidInputError("listing.onPage must be a function (page) => void", template);
    if (listing.maxPages === undefined) return fallback;
    if (typeof listing.maxPages !== "number" || !Number.isInteger(listing.maxPages) || listing.maxPages < 1 || listing.maxPages > MAX_LISTING_PAGES) {
        throw invalidInputError(`listing.maxPages must be a whole number from 1 to ${MAX_LISTING_PAGES}; got ${describeValue(listing.maxPages)}`, template);
    }
    return listing.maxPages;
}

function checkMachineIds(filter: ListMachinesFilter): Set<string> {
    const template = { method: "GET", path: "/api/machines" };
    if (typeof filter !== "object" || filter === null)
        throw invalidInputError('the listMachines filter must be an object such as {ids: ["<40 hex>"]}', template);
    return machineIdSet(filter.ids, "filter.ids", template);
}

/** Lower-cased, deduplicated device ids; each one checked as 40 hex. */
function machineIdSet(ids: unknown, field: string, template: { method: string; path: string }): Set<string> {
    if (!Array.isArray(ids))
        throw invalidInputError(`${field} must be an array of device ids (40 hexadecimal characters each); got ${describeValue(ids)}`, template);
    return new Set(ids.map((id: unknown, i) => assertMachineId(id, `${field}[${i}]`, template).toLowerCase()));
}

/** A 404 answer means absent; any other failure stays a failure. */
function absentOn404(e: unknown): undefined {
    if (isDefenderApiError(e) && e.status === 404) return undefined;
    throw e;
}

function checkComment(value: unknown, field: string, template: { method: string; path: string }): string {
    if (typeof value !== "string" || value.trim() === "") {
        throw invalidInputError(`${field} must be a non-empty text saying why (Defender requires it); got ${describeValue(value)}`, template);
    }
    if (value.length > MAX_COMMENT_LENGTH) throw invalidInputError(`${field} must be at most ${MAX_COMMENT_LENGTH} characters; got ${value.length}`, template);
    return value;
}

function parsed<T>(result: ParseResult<T>, method: string, path: string, status: number, what: string, outcomeUnknown: boolean): T {
    if (result.ok) return result.value;
    throw defenderApiError({ kind: "invalidResponse", method, path, status, outcomeUnknown, detail: `the answer is not ${what}: ${result.problem}` });
}
