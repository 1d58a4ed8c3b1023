// Control operations on the action history (see defender/history.ts): purge actions, hide one from
// listings for a while, report an undocumented status. Kept apart from emulatorCore.ts on purpose.
import { isRecord } from "../base/checks";
import { Result, fail, ok } from "../base/result";
import { hideFromListings, purgeActions, type PurgeFilter } from "../defender/history";
import { MachineActionJson } from "../defender/models";
import { actionToJson } from "../defender/serialize";
import { ControlError } from "./controlShapes";
import { EmulatorCore } from "./emulatorCore";

/** `POST /_emulator/actions/purge`: `{ ids?, machineId?, finishedBefore? (ISO or epoch ms) }`. */
export interface PurgeActionsOptions {
    /** These actions, finished or not. @default every finished action the other fields select */
    ids?: string[];
    /** Only this device's actions. */
    machineId?: string;
    /** Only actions that finished at or before this time. */
    finishedBefore?: string | number;
}

const invalid = (message: string): ControlError => ({ status: 400, code: "InvalidInput", message });
const MAX_HIDE_MS = 24 * 3600 * 1000;

export function purgeActionsControl(core: EmulatorCore, input: unknown): Result<{ purged: string[] }, ControlError> {
    if (input !== undefined && !isRecord(input)) return fail(invalid("body: must be an object { ids?, machineId?, finishedBefore? }"));
    const o: Record<string, unknown> = input ?? {};
    const errors: string[] = [];
    for (const key of Object.keys(o))
        if (!["ids", "machineId", "finishedBefore"].includes(key)) errors.push(`${key}: unknown option; expected ids, machineId or finishedBefore`);
    const filter: PurgeFilter = {};
    if (o.ids !== undefined) {
        if (!Array.isArray(o.ids) || !o.ids.every((id) => typeof id === "string" && id !== "")) errors.push("ids: must be a list of action ids");
        else filter.ids = o.ids as string[];
    }
    if (o.machineId !== undefined) {
        if (typeof o.machineId !== "string" || o.machineId === "") errors.push("machineId: must be a device id");
        else filter.machineId = o.machineId;
    }
    if (o.finishedBefore !== undefined) {
        const t = typeof o.finishedBefore === "number" ? o.finishedBefore : typeof o.finishedBefore === "string" ? Date.parse(o.finishedBefore) : NaN;
        if (!Number.isFinite(t)) errors.push("finishedBefore: must be an ISO time or epoch milliseconds");
        else filter.finishedBefore = t;
    }
    if (errors.length > 0) return fail(invalid(errors.join("; ")));
    core.state.advance(core.now());
    return ok({ purged: purgeActions(core.state, filter) });
}

export function hideActionControl(core: EmulatorCore, actionId: string, ms: unknown): Result<MachineActionJson, ControlError> {
    if (typeof ms !== "number" || !Number.isInteger(ms) || ms < 0 || ms > MAX_HIDE_MS)
        return fail(invalid("ms: must be an integer number of ms from 0 to one day"));
    const now = core.now();
    core.state.advance(now);
    const action = core.state.actions.get(actionId.toLowerCase());
    if (action === undefined) return fail({ status: 404, code: "NotFound", message: `action ${actionId} does not exist` });
    hideFromListings(action, ms, now);
    return ok(actionToJson(action, core.config));
}

export function reportStatusControl(core: EmulatorCore, actionId: string, status: unknown): Result<MachineActionJson, ControlError> {
    if (status !== null && (typeof status !== "string" || !/^[A-Za-z]{1,64}$/.test(status)))
        return fail(invalid("status: must be a word of letters (an undocumented status such as Queued), or null to report the real one"));
    core.state.advance(core.now());
    const action = core.state.actions.get(actionId.toLowerCase());
    if (action === undefined) return fail({ status: 404, code: "NotFound", message: `action ${actionId} does not exist` });
    if (status === null) delete action.reportedStatus;
    else action.reportedStatus = status;
    return ok(actionToJson(action, core.config));
}
