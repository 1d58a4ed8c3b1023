/**
 * The Defender API client: typed methods over the request funnel, built from the endpoint table.
 * Inputs are checked before any path is built, answers are read as the table says they must be,
 * every failure is a DefenderApiError.
 */
import { tokenSourceFor } from "./auth";
import {
    checkCallOptions,
    checkComment,
    checkIsolateRequest,
    type CallOptions,
    type IsolateRequest,
    type ListActionsFilter,
    type ListMachinesFilter,
} from "./callInputs";
import { resolveEndpoints, type ResolvedEndpoints } from "./clouds";
import { endpointPath, entityAnswer, ENDPOINTS, requestOf, type Endpoint, type EntityAnswer } from "./endpoints";
import { defenderApiError } from "./errors";
import { assertActionId, assertMachineId } from "./ids";
import { createListings, type ListingOptions } from "./listings";
import type { Machine, MachineAction } from "./models";
import { DEFAULT_MAX_PAGES, DEFAULT_PAGE_SIZE, DEFAULT_TIMEOUT_MS, validateClientOptions, type DefenderClientOptions } from "./options";
import { DEFAULT_RATE_LIMITS } from "./pacing";
import { resolveRetryOptions } from "./retry";
import { createFleetReads, type FleetReads } from "./fleetReads";
import { createTransport, type Transport } from "./transport";

export type { CallOptions, IsolateRequest, ListActionsFilter, ListMachinesFilter } from "./callInputs";
export type { ListingOptions } from "./listings";

/**
 * Every method takes, last, `{ signal }` (CallOptions): a deadline that ends the call wherever it waits.
 * `listFleet` (GET /api/machines, whole or with a documented filter), `getAlert` (GET /api/alerts/{id})
 * and `getIncident` (Defender XDR's GET /api/incidents/{id}, with a token for `xdrScope`): see fleetReads.ts.
 */
export interface DefenderClient extends FleetReads {
    readonly endpoints: ResolvedEndpoints;
    /** POST /api/machines/{id}/isolate with `{"Comment", "IsolationType"}`. */
    isolate(machineId: string, request: IsolateRequest, options?: CallOptions): Promise<MachineAction>;
    /** POST /api/machines/{id}/unisolate with `{"Comment"}`. */
    unisolate(machineId: string, comment: string, options?: CallOptions): Promise<MachineAction>;
    /** POST /api/machineactions/{id}/cancel with `{"Comment"}` when a comment is given, else `{}`. */
    cancelAction(actionId: string, comment?: string, options?: CallOptions): Promise<MachineAction>;
    /** GET /api/machineactions/{id}; a 404 is a DefenderApiError with status 404. */
    getAction(actionId: string, options?: CallOptions): Promise<MachineAction>;
    /**
     * GET /api/machineactions?$filter=..., every page. With no device filter this is the whole
     * fleet's listing, `pageSize` (up to 10,000) actions a page: give `listing.maxPages` to bound it.
     * The listing options carry the call's `signal`.
     */
    listActions(filter?: ListActionsFilter, listing?: ListingOptions): Promise<MachineAction[]>;
    /** GET /api/machines/{id}; the id must be the 40-hex device id. */
    getMachine(machineId: string, options?: CallOptions): Promise<Machine>;
    /** GET /api/machines?$filter=computerDnsName eq '<name>': exact (case-insensitive) matches only, never substrings. */
    findMachinesByDnsName(name: string, options?: CallOptions): Promise<Machine[]>;
    /**
     * The devices among `ids` that exist: `GET /api/machines?$filter=id in (...)` in requests of 50, or
     * single `getMachine` reads (404 = absent) when the service refuses `in`. A device a listing's answer
     * lacks is read by itself: only that read's 404 leaves it out (a short page is not a deletion).
     */
    listMachines(filter: ListMachinesFilter, options?: CallOptions): Promise<Machine[]>;
}

export function createDefenderClient(options: DefenderClientOptions = {}): DefenderClient {
    const problems = validateClientOptions(options);
    if (problems.length > 0) throw defenderApiError({ kind: "invalidOptions", method: "", path: "", outcomeUnknown: false, problems });
    const endpoints = resolveEndpoints(options);
    const transport = transportFor(options, endpoints, endpoints.scope);
    let xdrTransport: Transport | undefined;
    const call = callOver(transport);
    const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
    const fleetReads = createFleetReads({
        transport,
        xdrTransport: () => (xdrTransport ??= transportFor(options, endpoints, endpoints.xdrScope)),
        pageSize,
        maxPages,
    });

    const getMachine = (machineId: string, options?: CallOptions) => {
        const template = requestOf(ENDPOINTS.getMachine);
        const id = assertMachineId(machineId, "machineId", template);
        return call(ENDPOINTS.getMachine, { machineId: id }, undefined, checkCallOptions(options, template));
    };
    const getAction = (actionId: string, options?: CallOptions) => {
        const template = requestOf(ENDPOINTS.getAction);
        const id = assertActionId(actionId, "actionId", template);
        return call(ENDPOINTS.getAction, { actionId: id }, undefined, checkCallOptions(options, template));
    };
    const listings = createListings({
        transport,
        pageSize,
        maxPages,
        getAction,
        getMachine,
    });

    return {
        endpoints,
        ...fleetReads,
        async isolate(machineId, request, options) {
            const template = requestOf(ENDPOINTS.isolate);
            const id = assertMachineId(machineId, "machineId", template);
            const { comment, isolationType } = checkIsolateRequest(request);
            const body = { Comment: comment, IsolationType: isolationType };
            return call(ENDPOINTS.isolate, { machineId: id }, body, checkCallOptions(options, template));
        },
        async unisolate(machineId, comment, options) {
            const template = requestOf(ENDPOINTS.unisolate);
            const id = assertMachineId(machineId, "machineId", template);
            const body = { Comment: checkComment(comment, "comment", template) };
            return call(ENDPOINTS.unisolate, { machineId: id }, body, checkCallOptions(options, template));
        },
        async cancelAction(actionId, comment, options) {
            const template = requestOf(ENDPOINTS.cancelAction);
            const id = assertActionId(actionId, "actionId", template);
            const body: Record<string, string> = comment === undefined ? {} : { Comment: checkComment(comment, "comment", template) };
            return call(ENDPOINTS.cancelAction, { actionId: id }, body, checkCallOptions(options, template));
        },
        getAction: async (actionId, options) => getAction(actionId, options),
        listActions: async (filter, listing) => listings.actions(filter, listing),
        getMachine: async (machineId, options) => getMachine(machineId, options),
        findMachinesByDnsName: async (name, options) => listings.machinesByDnsName(name, options),
        listMachines: async (filter, options) => listings.machines(filter, options),
    };
}

/** One entity endpoint called: the path filled in, the body sent, the answer read as the table says. */
function callOver(transport: Transport) {
    return async <T>(endpoint: Endpoint<EntityAnswer<T>>, params: Record<string, string>, body?: Record<string, string>, signal?: AbortSignal): Promise<T> => {
        const path = endpointPath(endpoint, params);
        const res = await transport.send({ method: endpoint.method, path, body, bucket: endpoint.bucket, signal });
        return entityAnswer(endpoint, params, path, res);
    };
}

/** The funnel for one token audience: Defender's own scope, or Defender XDR's for its incidents. */
function transportFor(options: DefenderClientOptions, endpoints: ResolvedEndpoints, scope: string): Transport {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const tokens = tokenSourceFor({
        ...options,
        authorityHost: endpoints.authorityHost,
        customAuthorityHost: endpoints.customAuthorityHost,
        scope,
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
