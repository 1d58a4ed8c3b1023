/**
 * The Defender API as this client uses it: each endpoint once, with its method, path template,
 * rate-limit bucket and what a success answer must be. The client's methods are built from this
 * table, and a test holds it against the emulator's route table.
 */
import { defenderApiError } from "./errors";
import { encodePathSegment } from "./ids";
import {
    parseAlert,
    parseMachine,
    parseMachineAction,
    parseXdrIncident,
    type Alert,
    type Machine,
    type MachineAction,
    type ParseResult,
    type XdrIncident,
} from "./models";
import type { ApiBucket } from "./pacing";
import type { TransportResponse } from "./transport";

export type EndpointName = "isolate" | "unisolate" | "cancelAction" | "getAction" | "listActions" | "getMachine" | "listMachines" | "getAlert" | "getIncident";

/** One entity: parsed, and when `sameAs` is set, checked to be the one the path asked about. */
export interface EntityAnswer<T> {
    kind: "entity";
    /** In messages: "the answer is not a MachineAction: …". */
    says: string;
    parse: (body: unknown) => ParseResult<T>;
    /** The answer's `field` must equal the path's `param` (case-insensitively); `noun` words the mismatch. */
    sameAs?: { field: string; param: string; noun: string };
}

/** A collection page (`{"value": [...]}`) of these items. */
export interface PageAnswer<T> {
    kind: "page";
    says: string;
    item: (body: unknown) => ParseResult<T>;
}

export interface Endpoint<A extends EntityAnswer<unknown> | PageAnswer<unknown> = EntityAnswer<unknown> | PageAnswer<unknown>> {
    name: EndpointName;
    method: "GET" | "POST";
    /** Below the API base URL; `{name}` stands for one path segment, percent-encoded. */
    path: string;
    /** The rate-limit budget the call spends. */
    bucket: ApiBucket;
    answer: A;
}

const action = (sameAs?: EntityAnswer<MachineAction>["sameAs"]): EntityAnswer<MachineAction> => ({
    kind: "entity",
    says: "a MachineAction",
    parse: parseMachineAction,
    ...(sameAs ? { sameAs } : {}),
});
const actionForDevice = action({ field: "machineId", param: "machineId", noun: "an action for device" });
const sameAction = action({ field: "id", param: "actionId", noun: "action" });
const sameMachine: EntityAnswer<Machine> = {
    kind: "entity",
    says: "a Machine",
    parse: parseMachine,
    sameAs: { field: "id", param: "machineId", noun: "device" },
};
const sameAlert: EntityAnswer<Alert> = { kind: "entity", says: "an Alert", parse: parseAlert, sameAs: { field: "id", param: "alertId", noun: "alert" } };
const sameIncident: EntityAnswer<XdrIncident> = {
    kind: "entity",
    says: "an Incident",
    parse: parseXdrIncident,
    sameAs: { field: "incidentId", param: "incidentId", noun: "incident" },
};
const actionPage: PageAnswer<MachineAction> = { kind: "page", says: "a collection", item: parseMachineAction };
const machinePage: PageAnswer<Machine> = { kind: "page", says: "a collection", item: parseMachine };

const endpoint = <A extends EntityAnswer<unknown> | PageAnswer<unknown>>(
    name: EndpointName,
    method: "GET" | "POST",
    path: string,
    bucket: ApiBucket,
    answer: A,
): Endpoint<A> => Object.freeze({ name, method, path, bucket, answer });

export const ENDPOINTS = Object.freeze({
    isolate: endpoint("isolate", "POST", "/api/machines/{machineId}/isolate", "isolate", actionForDevice),
    unisolate: endpoint("unisolate", "POST", "/api/machines/{machineId}/unisolate", "unisolate", actionForDevice),
    cancelAction: endpoint("cancelAction", "POST", "/api/machineactions/{actionId}/cancel", "cancel", sameAction),
    getAction: endpoint("getAction", "GET", "/api/machineactions/{actionId}", "actions.read", sameAction),
    listActions: endpoint("listActions", "GET", "/api/machineactions", "actions.read", actionPage),
    getMachine: endpoint("getMachine", "GET", "/api/machines/{machineId}", "machines.read", sameMachine),
    listMachines: endpoint("listMachines", "GET", "/api/machines", "machines.read", machinePage),
    getAlert: endpoint("getAlert", "GET", "/api/alerts/{alertId}", "alerts.read", sameAlert),
    /** Defender XDR's incidents API: same host, its own token audience (xdrScope) and budget. */
    getIncident: endpoint("getIncident", "GET", "/api/incidents/{incidentId}", "incidents.read", sameIncident),
});

/** Every endpoint, in table order. */
export const ENDPOINT_LIST: readonly Endpoint[] = Object.values(ENDPOINTS);

/** The request an endpoint stands for, with the path as its template: for messages about input refused before sending. */
export function requestOf(e: Endpoint): { method: string; path: string } {
    return { method: e.method, path: e.path };
}

/** The path with each `{name}` replaced by `params[name]`, percent-encoded. */
export function endpointPath(e: Endpoint, params: Readonly<Record<string, string>> = {}): string {
    return e.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
        const value = params[name];
        if (value === undefined) throw new Error(`${e.name}: no value for {${name}}`);
        return encodePathSegment(value);
    });
}

/**
 * A success answer read as the endpoint says it must be. When it is not (no JSON, a missing field,
 * another entity than asked about), a POST's outcome is unknown: the action may have been performed.
 */
export function entityAnswer<T>(e: Endpoint<EntityAnswer<T>>, params: Readonly<Record<string, string>>, path: string, res: TransportResponse): T {
    const invalid = (detail: string) =>
        defenderApiError({ kind: "invalidResponse", method: e.method, path, status: res.status, outcomeUnknown: e.method === "POST", detail });
    const parsed = res.bodyProblem === undefined ? e.answer.parse(res.body) : { ok: false as const, problem: res.bodyProblem };
    if (!parsed.ok) throw invalid(`the answer is not ${e.answer.says}: ${parsed.problem}`);
    const same = e.answer.sameAs;
    if (same !== undefined) {
        const got = String((parsed.value as Record<string, unknown>)[same.field]);
        const wanted = params[same.param] ?? "";
        if (got.toLowerCase() !== wanted.toLowerCase()) throw invalid(`the answer is ${same.noun} ${got}, not ${wanted}`);
    }
    return parsed.value;
}
