// The Defender API endpoints, as pure functions from a request context to a Reply.
import { EmulatorConfig, ISOLATION_TYPES, IsolationType } from "../base/runtimeOptions";
import { Reply, jsonReply } from "../base/reply";
import { DefenderState, isFinal } from "./defenderState";
import { defenderError } from "./errors";
import { isListed, purgeExpired } from "./history";
import { parseListQuery, selectPage } from "./listQuery";
import { ActionRecord, ActionType, MachineRecord } from "./models";
import { FieldTable } from "./odata";
import { supportsIsolation } from "./platforms";
import { actionToJson, groupId, machineHealth, machineLastSeen, machineToJson, reportedType } from "./serialize";

export interface ApiContext {
    state: DefenderState;
    config: EmulatorConfig;
    now: number;
    /** Origin the client used, for @odata.context and nextLink. */
    origin: string;
    /** The token's client id: the requestor of what this call creates. */
    clientId: string;
    params: Record<string, string>;
    query: URLSearchParams;
    body: string;
}

export type ApiHandler = (ctx: ApiContext) => Reply;

function actionFields(config: EmulatorConfig): FieldTable<ActionRecord> {
    return {
        id: { type: "string", get: (a) => a.id },
        status: { type: "string", get: (a) => a.status },
        machineId: { type: "string", get: (a) => a.machineId },
        type: { type: "string", get: (a) => reportedType(a, config) },
        requestor: { type: "string", get: (a) => a.requestor },
        creationDateTimeUtc: { type: "datetime", get: (a) => a.createdAt },
    };
}

/** The properties Microsoft documents as filterable on GET /api/machines (rbacGroupName and lastExternalIpAddress are not). */
function machineFields(now: number): FieldTable<MachineRecord> {
    return {
        id: { type: "string", get: (m) => m.id },
        computerDnsName: { type: "string", get: (m) => m.computerDnsName },
        version: { type: "string", get: (m) => m.osVersion },
        deviceValue: { type: "string", get: () => "Normal" },
        aadDeviceId: { type: "string", get: () => null },
        machineTags: { type: "collection", get: (m) => m.machineTags },
        osPlatform: { type: "string", get: (m) => m.osPlatform },
        healthStatus: { type: "string", get: (m) => machineHealth(m) },
        onboardingStatus: { type: "string", get: (m) => (m.managed ? "Onboarded" : "CanBeOnboarded") },
        lastIpAddress: { type: "string", get: (m) => m.lastIpAddress },
        riskScore: { type: "string", get: (m) => m.riskScore },
        exposureLevel: { type: "string", get: (m) => m.exposureLevel },
        rbacGroupId: { type: "number", get: (m) => groupId(m.rbacGroupName) },
        lastSeen: { type: "datetime", get: (m) => machineLastSeen(m, now) },
    };
}

type BodyResult = { ok: true; body: Record<string, unknown> } | { ok: false; reply: Reply };

function parseBody(raw: string, optional: boolean): BodyResult {
    if (raw.trim() === "") {
        return optional
            ? { ok: true, body: {} }
            : { ok: false, reply: defenderError(400, "InvalidRequestBody", "Request body is missing; send a JSON object") };
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(raw);
    } catch {
        return { ok: false, reply: defenderError(400, "InvalidRequestBody", "Request body is not valid JSON") };
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        return { ok: false, reply: defenderError(400, "InvalidRequestBody", "Request body must be a JSON object") };
    }
    return { ok: true, body: parsed as Record<string, unknown> };
}

/** Body keys are case-sensitive, as on the service: `comment` does not count as `Comment`. */
function requiredComment(body: Record<string, unknown>): { ok: true; comment: string } | { ok: false; reply: Reply } {
    const c = body.Comment;
    if (c === undefined || c === null || (typeof c === "string" && c.trim() === "")) {
        return { ok: false, reply: defenderError(400, "MissingRequiredParameter", "Missing required parameter: Comment") };
    }
    if (typeof c !== "string") return { ok: false, reply: defenderError(400, "InvalidRequestBody", "Comment must be a string") };
    return { ok: true, comment: c };
}

export function entity(ctx: ApiContext, set: "MachineActions" | "Machines" | "Alerts" | "Incidents", value: object, status = 200): Reply {
    return jsonReply(status, { "@odata.context": `${ctx.origin}/api/$metadata#${set}/$entity`, ...value });
}

function machineNotFound(id: string): Reply {
    return defenderError(404, "ResourceNotFound", `Machine ${id} was not found`);
}

/** The IsolationType the body asks for (isolate only): null when absent, or the 400 that refuses it. */
function requestedIsolation(body: Record<string, unknown>): { ok: true; requested: IsolationType | null } | { ok: false; reply: Reply } {
    if (body.IsolationType === undefined) return { ok: true, requested: null };
    const t = body.IsolationType;
    if (typeof t !== "string" || !(ISOLATION_TYPES as readonly string[]).includes(t)) {
        return {
            ok: false,
            reply: defenderError(
                400,
                "InvalidInput",
                `IsolationType '${typeof t === "string" ? t : JSON.stringify(t)}' is not valid; expected one of ${ISOLATION_TYPES.join(", ")}`,
            ),
        };
    }
    return { ok: true, requested: t as IsolationType };
}

/** The isolation an isolate applies to this device: UnManagedDevice for unmanaged ones, else Full or Selective as the platform allows. */
function isolationScope(machine: MachineRecord, requested: IsolationType | null): { ok: true; scope: IsolationType } | { ok: false; reply: Reply } {
    if (!machine.managed) {
        if (requested !== null && requested !== "UnManagedDevice") {
            return {
                ok: false,
                reply: defenderError(400, "InvalidInput", `Machine ${machine.id} is not onboarded; only IsolationType UnManagedDevice applies to it`),
            };
        }
        return { ok: true, scope: "UnManagedDevice" };
    }
    if (requested === "UnManagedDevice") {
        return { ok: false, reply: defenderError(400, "InvalidInput", `Machine ${machine.id} is onboarded; use IsolationType Full or Selective`) };
    }
    const scope = requested ?? "Full";
    if (!supportsIsolation(machine.osPlatform, scope)) {
        return { ok: false, reply: defenderError(400, "OsPlatformNotSupported", `${scope} isolation is not supported on ${machine.osPlatform}`) };
    }
    return { ok: true, scope };
}

/** The answer when an unfinished action of this type already exists (merged, returned or refused); null when none stands in the way. */
function activeActionAnswer(ctx: ApiContext, machine: MachineRecord, type: ActionType, scope: IsolationType | null): Reply | null {
    const { quirks, duplicates } = ctx.config;
    const active = ctx.state.activeAction(machine.id, type);
    if (
        active !== undefined &&
        quirks.mergeWindowMs > 0 &&
        ctx.now - active.createdAt <= quirks.mergeWindowMs &&
        active.requestor === ctx.clientId &&
        active.requestedScope === scope
    ) {
        return entity(ctx, "MachineActions", actionToJson(active, ctx.config), 201);
    }
    if (active !== undefined) {
        if (duplicates === "returnExisting") return entity(ctx, "MachineActions", actionToJson(active, ctx.config), 201);
        return defenderError(400, "ActiveRequestAlreadyExists", "Action is already in progress");
    }
    if (quirks.conflictAcrossTypes && ctx.state.activeAction(machine.id, type === "Isolate" ? "Unisolate" : "Isolate") !== undefined) {
        return defenderError(400, "ActiveRequestAlreadyExists", "Action is already in progress");
    }
    return null;
}

function createAction(ctx: ApiContext, type: ActionType): Reply {
    const parsed = parseBody(ctx.body, false);
    if (!parsed.ok) return parsed.reply;
    const comment = requiredComment(parsed.body);
    if (!comment.ok) return comment.reply;
    const asked = type === "Isolate" ? requestedIsolation(parsed.body) : { ok: true as const, requested: null };
    if (!asked.ok) return asked.reply;

    ctx.state.advance(ctx.now);
    const machine = ctx.state.machineById(ctx.params.id);
    if (machine === undefined) return machineNotFound(ctx.params.id);

    let scope: IsolationType | null = null;
    if (type === "Isolate") {
        const resolved = isolationScope(machine, asked.requested);
        if (!resolved.ok) return resolved.reply;
        scope = resolved.scope;
    }
    const existing = activeActionAnswer(ctx, machine, type, scope);
    if (existing !== null) return existing;
    const action = ctx.state.createAction({ machine, type, scope, requestor: ctx.clientId, comment: comment.comment, now: ctx.now }, ctx.config);
    return entity(ctx, "MachineActions", actionToJson(action, ctx.config), 201);
}

export const isolate: ApiHandler = (ctx) => createAction(ctx, "Isolate");
export const unisolate: ApiHandler = (ctx) => createAction(ctx, "Unisolate");

export const getAction: ApiHandler = (ctx) => {
    ctx.state.advance(ctx.now);
    purgeExpired(ctx.state, ctx.config, ctx.now);
    const action = ctx.state.actions.get(ctx.params.id.toLowerCase());
    if (action === undefined) return defenderError(404, "ResourceNotFound", `MachineAction ${ctx.params.id} was not found`);
    return entity(ctx, "MachineActions", actionToJson(action, ctx.config));
};

export const listActions: ApiHandler = (ctx) => {
    const q = parseListQuery(ctx.query, actionFields(ctx.config), ctx.config.quirks.filterInSupported);
    if (!q.ok) return defenderError(400, "ODataError", q.error);
    ctx.state.advance(ctx.now);
    purgeExpired(ctx.state, ctx.config, ctx.now);
    const indexed = [...ctx.state.actions.values()].filter((a) => isListed(a, ctx.now, ctx.config));
    const page = selectPage(indexed, q.value, ctx.query, ctx.config.maxPageSize);
    return listReply(
        ctx,
        "MachineActions",
        "machineactions",
        page.items.map((a) => actionToJson(a, ctx.config)),
        page.nextQuery,
    );
};

export const cancelAction: ApiHandler = (ctx) => {
    const parsed = parseBody(ctx.body, true);
    if (!parsed.ok) return parsed.reply;
    const c = parsed.body.Comment;
    if (c !== undefined && c !== null && typeof c !== "string") return defenderError(400, "InvalidRequestBody", "Comment must be a string");
    ctx.state.advance(ctx.now);
    purgeExpired(ctx.state, ctx.config, ctx.now);
    const action = ctx.state.actions.get(ctx.params.id.toLowerCase());
    if (action === undefined) return defenderError(404, "ResourceNotFound", `MachineAction ${ctx.params.id} was not found`);
    if (isFinal(action.status)) {
        return defenderError(400, "BadRequest", `Action ${action.id} is already ${action.status} and cannot be cancelled`);
    }
    ctx.state.cancel(action, ctx.now, ctx.clientId, typeof c === "string" ? c : null);
    return entity(ctx, "MachineActions", actionToJson(action, ctx.config));
};

export const getMachine: ApiHandler = (ctx) => {
    const machine = ctx.state.findMachine(ctx.params.id, ctx.now);
    if (machine === undefined) return machineNotFound(ctx.params.id);
    return entity(ctx, "Machines", machineToJson(machine, ctx.now));
};

export const listMachines: ApiHandler = (ctx) => {
    const q = parseListQuery(ctx.query, machineFields(ctx.now), ctx.config.quirks.filterInSupported);
    if (!q.ok) return defenderError(400, "ODataError", q.error);
    const page = selectPage([...ctx.state.machines.values()], q.value, ctx.query, ctx.config.maxPageSize);
    return listReply(
        ctx,
        "Machines",
        "machines",
        page.items.map((m) => machineToJson(m, ctx.now)),
        page.nextQuery,
    );
};

function listReply(ctx: ApiContext, set: string, path: string, value: unknown[], nextQuery: string | null): Reply {
    const body: Record<string, unknown> = { "@odata.context": `${ctx.origin}/api/$metadata#${set}`, value };
    if (nextQuery !== null) body["@odata.nextLink"] = `${ctx.origin}/api/${path}?${nextQuery}`;
    return jsonReply(200, body);
}
