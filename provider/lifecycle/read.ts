/**
 * read (refresh): is the declared isolation still real?
 *
 * Contract
 * - The resource is gone (empty id, so the next `up` isolates again) when: the isolate action no
 *   longer exists; it ended Failed/TimeOut/Cancelled; the device no longer exists; or the device
 *   was released since our isolation (a release that finished after it, from the portal or any API client;
 *   actions are ordered by when they finished, as Defender can complete them out of order).
 * - Otherwise the state is kept, with the action's current status and timestamps.
 * - Any other error fails the refresh and leaves state as it was.
 * - A release done outside the API (the local force-release tool, firewall edits) leaves no trace
 *   in Defender and cannot be seen: a documented limitation.
 *
 * Calls: the device's actions and existence come from batches shared by every read in the process
 * (see deviceReadBatcher); our action is read by id only when that listing does not hold it.
 */
import { deviceReadBatcherFor, isDefenderApiError, isMachineId, isolationState, type DeviceSnapshot, type MachineAction } from "../defender";
import type { Context } from "./context";
import { deviceName } from "./device";
import { log, short } from "./log";
import { actionOutputs, declarationFromState, toOutputs } from "./outputs";
import { ISOLATION_TYPES, type IsolationType } from "./inputs";

const notFound = (e: unknown) => isDefenderApiError(e) && e.status === 404;
const GONE = { id: "", props: {} };

export async function readIsolation(ctx: Context, id: string, state: Record<string, unknown>): Promise<{ id: string; props: Record<string, unknown> }> {
    // Reads of one deployment run at once: their devices are read together, a few requests per 50 devices.
    const devices = deviceReadBatcherFor(ctx.client);
    const known = typeof state.machineId === "string" && isMachineId(state.machineId) ? state.machineId : undefined;
    let device: DeviceSnapshot | undefined = known === undefined ? undefined : await devices.read(known);
    // A fresh action can be missing from listings for a while; an import does not know the device yet.
    let ours: MachineAction | undefined = device?.actions.find((a) => a.id.toLowerCase() === id.toLowerCase());
    if (ours === undefined) {
        try {
            ours = await ctx.client.getAction(id);
        } catch (e) {
            if (notFound(e)) return gone(`the isolate action ${id} no longer exists in Defender`);
            throw e;
        }
    }
    if (ours.type !== "Isolate") {
        throw new Error(`Refresh of DeviceIsolation ${id}: this MachineAction is of type ${ours.type}, not Isolate; a DeviceIsolation's id is the isolate action id.`);
    }
    const fromState = Object.keys(state).length > 0;
    const name = deviceName({ id: ours.machineId, computerDnsName: ours.computerDnsName });
    if (ours.status === "Failed" || ours.status === "TimeOut" || ours.status === "Cancelled") {
        return gone(`${name}: the isolate ${short(id)} ended ${ours.status}; the device is not isolated by this declaration`);
    }
    if (device === undefined || device.machineId !== ours.machineId.toLowerCase()) device = await devices.read(ours.machineId);
    if (device.machine === undefined) return gone(`${name}: the device no longer exists in Defender`);
    // Ours finished (or is still on its way): a release that finished after it leaves the device released.
    // A listing that lags may not show ours yet; it exists, so the decision counts it.
    const found = ours;
    const actions = device.actions.some((a) => a.id.toLowerCase() === found.id.toLowerCase()) ? device.actions : [...device.actions, found];
    const current = isolationState(actions).current;
    if (ours.status === "Succeeded" && current?.type === "Unisolate") {
        return gone(`${name}: released since this isolation by ${current.requestor ?? "unknown"} (${short(current.id)}, ${current.lastUpdateDateTimeUtc ?? ""})`);
    }

    if (fromState) return { id, props: { ...state, ...actionOutputs(ours), computerDnsName: ours.computerDnsName ?? state.computerDnsName ?? "" } };
    // Import by id: rebuild the state from the action itself.
    const type = (ISOLATION_TYPES as readonly string[]).includes(ours.scope ?? "") ? (ours.scope as IsolationType) : "Full";
    const decl = { ...declarationFromState({}), machineId: ours.machineId, isolationType: type, comment: ours.requestorComment ?? "" };
    return { id, props: toOutputs(decl, { id: ours.machineId, computerDnsName: ours.computerDnsName }, ours) };
}

function gone(why: string): { id: string; props: Record<string, unknown> } {
    log.warn(`${why}; the next 'pulumi up' isolates the device again`);
    return GONE;
}
