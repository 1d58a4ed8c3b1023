/**
 * The client methods' inputs, checked before any path is built: each refusal names the field and the
 * fix, and the request it was for (by its path template).
 */
import { wholeNumberProblem } from "../base/ranges";
import { describeValue } from "../base/text";
import { isAbortSignal } from "../base/timers";
import { ENDPOINTS, requestOf } from "./endpoints";
import { invalidInputError } from "./errors";
import { assertActionId, assertMachineId, type RequestContext } from "./ids";
import { ACTION_STATUSES, ISOLATION_TYPES, isActionStatus, isIsolationType, type ActionStatus, type IsolationType } from "./models";

/** The last argument of every client method. */
export interface CallOptions {
    /**
     * Ends the call when it aborts, wherever it waits (the pacing queue, a Retry-After pause, a backoff,
     * the token request, the exchange), with a DefenderApiError of kind `deadline`; nothing is sent after
     * it. `outcomeUnknown` is true only when a POST was on the wire. Pass `AbortSignal.timeout(ms)` for
     * a deadline. @default undefined: each exchange is still bounded by the client's timeoutMs
     */
    signal?: AbortSignal;
}

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

export interface ListMachinesFilter {
    /** Device ids, 40 hexadecimal characters each; deduplicated case-insensitively. */
    ids: readonly string[];
}

/** A listActions filter, checked: ids lower-cased and deduplicated, statuses as a list. */
export interface CheckedActionsFilter {
    machineId?: string;
    machineIds?: Set<string>;
    type?: string;
    statuses?: readonly ActionStatus[];
    ids?: Set<string>;
    top?: number;
}

/** The longest comment an isolate, release or cancel carries (Defender's action center shows it). */
export const MAX_COMMENT_LENGTH = 1000;
const MAX_TOP = 100_000;
const MAX_LISTING_PAGES = 1000;
const ACTION_TYPE = /^[A-Za-z]{1,64}$/;

export function checkIsolateRequest(request: unknown): IsolateRequest {
    const template = requestOf(ENDPOINTS.isolate);
    if (typeof request !== "object" || request === null) throw invalidInputError("isolate needs {comment, isolationType}", template);
    const r = request as Record<string, unknown>;
    const comment = checkComment(r.comment, "comment", template);
    if (!isIsolationType(r.isolationType)) {
        throw invalidInputError(`isolationType must be one of ${ISOLATION_TYPES.join(", ")}; got ${describeValue(r.isolationType)}`, template);
    }
    return { comment, isolationType: r.isolationType };
}

export function checkComment(value: unknown, field: string, template: RequestContext): string {
    if (typeof value !== "string" || value.trim() === "") {
        throw invalidInputError(`${field} must be a non-empty text saying why (Defender requires it); got ${describeValue(value)}`, template);
    }
    if (value.length > MAX_COMMENT_LENGTH) throw invalidInputError(`${field} must be at most ${MAX_COMMENT_LENGTH} characters; got ${value.length}`, template);
    return value;
}

export function checkActionsFilter(filter: ListActionsFilter): CheckedActionsFilter {
    const template = requestOf(ENDPOINTS.listActions);
    if (typeof filter !== "object" || filter === null) throw invalidInputError("the listActions filter must be an object such as {machineId}", template);
    const out: CheckedActionsFilter = {};
    if (filter.machineId !== undefined) out.machineId = assertMachineId(filter.machineId, "filter.machineId", template);
    if (filter.machineIds !== undefined) {
        if (filter.machineId !== undefined || filter.ids !== undefined) {
            throw invalidInputError("filter.machineIds cannot be combined with filter.machineId or filter.ids; give one of them", template);
        }
        out.machineIds = machineIdSet(filter.machineIds, "filter.machineIds", template);
    }
    if (filter.type !== undefined) out.type = checkActionType(filter.type, template);
    if (filter.status !== undefined) out.statuses = checkStatuses(filter.status, template);
    if (filter.ids !== undefined) {
        if (!Array.isArray(filter.ids)) throw invalidInputError("filter.ids must be an array of MachineAction ids (GUIDs)", template);
        filter.ids.forEach((id, i) => assertActionId(id, `filter.ids[${i}]`, template));
        out.ids = new Set(filter.ids.map((id: string) => id.toLowerCase()));
    }
    if (filter.top !== undefined) {
        const problem = wholeNumberProblem(filter.top, "filter.top", { min: 1, max: MAX_TOP });
        if (problem !== undefined) throw invalidInputError(problem, template);
        out.top = filter.top;
    }
    return out;
}

function checkActionType(type: unknown, template: RequestContext): string {
    if (typeof type !== "string" || !ACTION_TYPE.test(type)) {
        throw invalidInputError(`filter.type must be an action type such as Isolate or Unisolate (letters only); got ${describeValue(type)}`, template);
    }
    return type;
}

function checkStatuses(status: unknown, template: RequestContext): ActionStatus[] {
    const statuses: readonly unknown[] = Array.isArray(status) ? status : [status];
    const bad = statuses.find((s) => !isActionStatus(s));
    if (bad !== undefined || statuses.length === 0) {
        throw invalidInputError(
            `filter.status must be one or more of ${ACTION_STATUSES.join(", ")}; got ${statuses.length === 0 ? "an empty list" : describeValue(bad)}`,
            template,
        );
    }
    return statuses as ActionStatus[];
}

/** The call's signal, when the options are usable. */
export function checkCallOptions(options: unknown, template: RequestContext): AbortSignal | undefined {
    if (options === undefined) return undefined;
    if (typeof options !== "object" || options === null)
        throw invalidInputError("the call options must be an object such as {signal: AbortSignal.timeout(30000)}", template);
    const signal = (options as CallOptions).signal;
    if (signal !== undefined && !isAbortSignal(signal)) {
        throw invalidInputError(`options.signal must be an AbortSignal, such as AbortSignal.timeout(30000); got ${describeValue(signal)}`, template);
    }
    return signal;
}

/** The listing's page bound: its own, or the client's. */
export function checkListing(listing: { maxPages?: number; onPage?: unknown }, fallback: number): number {
    const template = requestOf(ENDPOINTS.listActions);
    if (typeof listing !== "object" || listing === null) throw invalidInputError("the listing options must be an object such as {maxPages: 100}", template);
    if (listing.onPage !== undefined && typeof listing.onPage !== "function")
        throw invalidInputError("listing.onPage must be a function (page) => void", template);
    if (listing.maxPages === undefined) return fallback;
    const problem = wholeNumberProblem(listing.maxPages, "listing.maxPages", { min: 1, max: MAX_LISTING_PAGES });
    if (problem !== undefined) throw invalidInputError(problem, template);
    return listing.maxPages;
}

export function checkMachineIds(filter: ListMachinesFilter): Set<string> {
    const template = requestOf(ENDPOINTS.listMachines);
    if (typeof filter !== "object" || filter === null)
        throw invalidInputError('the listMachines filter must be an object such as {ids: ["<40 hex>"]}', template);
    return machineIdSet(filter.ids, "filter.ids", template);
}

/** Lower-cased, deduplicated device ids; each one checked as 40 hex. */
function machineIdSet(ids: unknown, field: string, template: RequestContext): Set<string> {
    if (!Array.isArray(ids))
        throw invalidInputError(`${field} must be an array of device ids (40 hexadecimal characters each); got ${describeValue(ids)}`, template);
    return new Set(ids.map((id: unknown, i) => assertMachineId(id, `${field}[${i}]`, template).toLowerCase()));
}
