/**
 * The fleet's isolations, derived from Defender's actions. Pure: actions (and the devices looked up)
 * in, one row per device out.
 *
 * A device's state comes from `isolationState` (the Isolate or Unisolate that finished last decides;
 * every Pending/InProgress one is on its way), named the way a SOC says it:
 *
 * | state       | the device is                                   | the row's action                  |
 * |-------------|-------------------------------------------------|-----------------------------------|
 * | `isolated`  | isolated, no release on its way                 | the Isolate that isolated it      |
 * | `isolating` | not isolated, an Isolate on its way             | that Isolate (the newest pending) |
 * | `releasing` | isolated, an Unisolate on its way               | that Unisolate (the newest one)   |
 * | `released`  | not isolated, no Isolate on its way             | the Unisolate that released it, or the newest action when none succeeded |
 *
 * `since` is when the state began: the completion of a finished action, the request of a pending one.
 */
import { compareActions, compareFinished, isolationState } from "../defender/isolationState";
import type { Machine, MachineAction } from "../defender/models";

export type IsolationStateName = "isolated" | "isolating" | "releasing" | "released";
export const ISOLATION_STATE_NAMES: readonly IsolationStateName[] = ["isolated", "isolating", "releasing", "released"];

/** An Isolate or Unisolate that is Pending or InProgress. */
export interface PendingAction {
    actionId: string;
    type: string;
    status: string;
    requestor: string | null;
    /** When it was requested. */
    since: string;
}

/** What a device lookup found; `null` in a row when the device was not looked up (released devices). */
export interface DeviceLookup {
    /** False when Defender no longer knows the device (offboarded or deleted): its actions outlive it. */
    found: boolean;
    healthStatus: string | null;
    lastSeen: string | null;
}

/** One device of the inventory: the `devices[]` element of the JSON output. */
export interface DeviceIsolationStatus {
    machineId: string;
    /** The device's current name when it was looked up, else the name on its newest action. */
    computerDnsName: string | null;
    state: IsolationStateName;
    /** Full, Selective or UnManagedDevice; null when released, or while a pending isolate reports no type. */
    isolationType: string | null;
    /** ISO timestamp as Defender sent it; null when released and no action ever succeeded. */
    since: string | null;
    /** The action the state comes from (see the table above). */
    actionId: string;
    actionType: string;
    actionStatus: string;
    requestor: string | null;
    /** Where the action was requested: `PublicApi`, `Portal`, ... (null when Defender does not say). */
    requestSource: string | null;
    /** Every Isolate/Unisolate still Pending or InProgress, oldest first. */
    pending: PendingAction[];
    device: DeviceLookup | null;
}

const ORDER: Record<IsolationStateName, number> = { isolating: 0, isolated: 1, releasing: 2, released: 3 };

/** The row of one device, from its actions (at least one Isolate or Unisolate; other types are ignored). */
export function deviceStatus(actions: readonly MachineAction[], machine?: Machine | null): DeviceIsolationStatus | undefined {
    const counted = actions.filter((a) => a.type === "Isolate" || a.type === "Unisolate");
    if (counted.length === 0) return undefined;
    const state = isolationState(counted);
    const pending = state.pending ?? [];
    const newestPending = (type: string) => pending.filter((a) => a.type === type).pop();
    const releasing = newestPending("Unisolate");
    const isolating = newestPending("Isolate");

    let name: IsolationStateName;
    let action: MachineAction;
    let since: string | null;
    let isolationType: string | null;
    if (state.isolated && state.current && releasing) {
        [name, action, since, isolationType] = ["releasing", releasing, releasing.creationDateTimeUtc, state.current.scope];
    } else if (state.isolated && state.current) {
        [name, action, since, isolationType] = ["isolated", state.current, finishedAt(state.current), state.current.scope];
    } else if (isolating) {
        [name, action, since, isolationType] = ["isolating", isolating, isolating.creationDateTimeUtc, isolating.scope];
    } else if (state.current) {
        [name, action, since, isolationType] = ["released", state.current, finishedAt(state.current), null];
    } else {
        // Nothing ever succeeded: the device was never isolated (or only by actions Defender no longer lists).
        const newest = [...counted].sort(compareFinished).pop() as MachineAction;
        [name, action, since, isolationType] = ["released", newest, null, null];
    }
    const newestAction = [...counted].sort(compareActions).pop() as MachineAction;
    return {
        machineId: action.machineId.toLowerCase(),
        computerDnsName: machine?.computerDnsName ?? newestAction.computerDnsName ?? action.computerDnsName,
        state: name,
        isolationType,
        since,
        actionId: action.id,
        actionType: action.type,
        actionStatus: action.status,
        requestor: action.requestor,
        requestSource: action.requestSource ?? null,
        pending: pending.map((a) => ({ actionId: a.id, type: a.type, status: a.status, requestor: a.requestor, since: a.creationDateTimeUtc })),
        device:
            machine === undefined
                ? null
                : machine === null
                  ? { found: false, healthStatus: null, lastSeen: null }
                  : { found: true, healthStatus: machine.healthStatus, lastSeen: machine.lastSeen },
    };
}

/** Actions of many devices → their actions per device id (lower-cased), each action once. */
export function actionsByDevice(actions: readonly MachineAction[]): Map<string, MachineAction[]> {
    const seen = new Set<string>();
    const byDevice = new Map<string, MachineAction[]>();
    for (const a of actions) {
        if (a.type !== "Isolate" && a.type !== "Unisolate") continue;
        // Offset paging over a collection that changes between pages can repeat an action.
        const id = a.id.toLowerCase();
        if (seen.has(id)) continue;
        seen.add(id);
        const key = a.machineId.toLowerCase();
        const list = byDevice.get(key);
        if (list) list.push(a);
        else byDevice.set(key, [a]);
    }
    return byDevice;
}

/**
 * Every device with an Isolate or Unisolate action, sorted isolating, isolated, releasing, released,
 * then by name and id. `machines` holds the devices looked up: a device absent from it was not
 * looked up; one mapped to null is known to be gone.
 */
export function deviceStatuses(actions: readonly MachineAction[], machines: ReadonlyMap<string, Machine | null> = new Map()): DeviceIsolationStatus[] {
    const rows: DeviceIsolationStatus[] = [];
    for (const [id, list] of actionsByDevice(actions)) {
        const row = deviceStatus(list, machines.get(id));
        if (row) rows.push(row);
    }
    return rows.sort(compareRows);
}

/** Devices whose state is worth a lookup: every one a release or an adoption would act on. */
export function needsLookup(row: Pick<DeviceIsolationStatus, "state">): boolean {
    return row.state !== "released";
}

export function compareRows(a: DeviceIsolationStatus, b: DeviceIsolationStatus): number {
    const an = (a.computerDnsName ?? "").toLowerCase();
    const bn = (b.computerDnsName ?? "").toLowerCase();
    return ORDER[a.state] - ORDER[b.state] || (an < bn ? -1 : an > bn ? 1 : 0) || (a.machineId < b.machineId ? -1 : a.machineId > b.machineId ? 1 : 0);
}

/** Counts per state. */
export function countStates(rows: readonly Pick<DeviceIsolationStatus, "state">[]): Record<IsolationStateName, number> {
    const counts: Record<IsolationStateName, number> = { isolated: 0, isolating: 0, releasing: 0, released: 0 };
    for (const r of rows) counts[r.state]++;
    return counts;
}

function finishedAt(action: MachineAction): string {
    return action.lastUpdateDateTimeUtc ?? action.creationDateTimeUtc;
}
