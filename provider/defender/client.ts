/**
 * The Defender API client: typed methods over the request funnel, built from the endpoint table.
 * Inputs are checked before any path is built, answers are read as the table says they must be,
 * every failure is a DefenderApiError.
 */
import { tokenSourceFor } from "./auth";
import { checkComment, checkIsolateRequest, type IsolateRequest, type ListActionsFilter, type ListMachinesFilter } from "./callInputs";
import { resolveEndpoints, type ResolvedEndpoints } from "./clouds";
import { endpointPath, entityAnswer, ENDPOINTS, requestOf, type Endpoint, type EntityAnswer } from "./endpoints";
import { defenderApiError } from "./errors";
import { assertActionId, assertMachineId } from "./ids";
import { createListings, type ListingOptions } from "./listings";
import type { Machine, MachineAction } from "./models";
import { DEFAULT_MAX_PAGES, DEFAULT_PAGE_SIZE, DEFAULT_TIMEOUT_MS, validateClientOptions, type DefenderClientOptions } from "./options";
import { DEFAULT_RATE_LIMITS } from "./pacing";
import { resolveRetryOptions } from "./retry";
import { createTransport, type Transport } from "./transport";

export type { IsolateRequest, ListActionsFilter, ListMachinesFilter } from "./callInputs";
export type { ListingOptions } from "./listings";

export interface DefenderClient {
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

export function createDefenderClient(options: DefenderClientOptions = {}): DefenderClient {
    const problems = validateClientOptions(options);
    if (problems.length > 0) throw defenderApiError({ kind: "invalidOptions", method: "", path: "", outcomeUnknown: false, problems });
    const endpoints = resolveEndpoints(options);
    const transport = transportFor(options, endpoints);
    const call = callOver(transport);

    const getMachine = (machineId: string) => {
        const id = assertMachineId(machineId, "machineId", requestOf(ENDPOINTS.getMachine));
        return call(ENDPOINTS.getMachine, { machineId: id });
    };
    const getAction = (actionId: string) => {
        const id = assertActionId(actionId, "actionId", requestOf(ENDPOINTS.getAction));
        return call(ENDPOINTS.getAction, { actionId: id });
    };
    const listings = createListings({
        transport,
        pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE,
        maxPages: options.maxPages ?? DEFAULT_MAX_PAGES,
        getAction,
        getMachine,
    });

    return {
        endpoints,
        async isolate(machineId, request) {
            const id = assertMachineId(machineId, "machineId", requestOf(ENDPOINTS.isolate));
            const { comment, isolationType } = checkIsolateRequest(request);
            return call(ENDPOINTS.isolate, { machineId: id }, { Comment: comment, IsolationType: isolationType });
        },
        async unisolate(machineId, comment) {
            const template = requestOf(ENDPOINTS.unisolate);
            const id = assertMachineId(machineId, "machineId", template);
            return call(ENDPOINTS.unisolate, { machineId: id }, { Comment: checkComment(comment, "comment", template) });
        },
        async cancelAction(actionId, comment) {
            const template = requestOf(ENDPOINTS.cancelAction);
            const id = assertActionId(actionId, "actionId", template);
            return call(ENDPOINTS.cancelAction, { actionId: id }, comment === undefined ? {} : { Comment: checkComment(comment, "comment", template) });
        },
        getAction: async (actionId) => getAction(actionId),
        listActions: (filter, listing) => listings.actions(filter, listing),
        getMachine: async (machineId) => getMachine(machineId),
        findMachinesByDnsName: async (name) => listings.machinesByDnsName(name),
        listMachines: async (filter) => listings.machines(filter),
    };
}

/** One entity endpoint called: the path filled in, the body sent, the answer read as the table says. */
function callOver(transport: Transport) {
    return async <T>(endpoint: Endpoint<EntityAnswer<T>>, params: Record<string, string>, body?: Record<string, string>): Promise<T> => {
        const path = endpointPath(endpoint, params);
        const res = await transport.send({ method: endpoint.method, path, body, bucket: endpoint.bucket });
        return entityAnswer(endpoint, params, path, res);
    };
}

function transportFor(options: DefenderClientOptions, endpoints: ResolvedEndpoints): Transport {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const tokens = tokenSourceFor({
        ...options,
        authorityHost: endpoints.authorityHost,
        customAuthorityHost: endpoints.customAuthorityHost,
        scope: endpoints.scope,
        tokenTimeoutMs: timeoutMs,
    });
    return createTransport({
        apiBaseUrl: endpoints.apiBaseUrl,
        tokens,
        pacingKey: { apiHost: new URL(endpoints.apiBaseUrl).host, tenantId: options.tenantId ?? "", clientId: options.clientId ?? "" },
        rateLimits: options.rateLimits ?? DEFAULT_RATE_LIMITS,
        retry: resolveRetryOptions(options.retry),
        timeoutMs,
        onEvent: options.onEvent,
    });
}
