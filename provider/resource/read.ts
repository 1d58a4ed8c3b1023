/**
 * read (refresh): is the declared isolation still real?
 *
 * Contract
 * - Our isolation is the isolate state records (machineActionId, else the resource id; see ownership.ts).
 * - The resource is gone (empty id, so the next `up` isolates again) when: the isolate action no
 *   longer exists; it ended Failed/TimeOut/Cancelled; the device no longer exists (its single read
 *   answers 404: a listing that lacks it proves nothing); or our isolation was released since (a
 *   release that finished after it, from the portal or any API client; actions are ordered by when they
 *   finished, as Defender can complete them out of order). A release ends our isolation even when
 *   someone isolated the device again afterwards: that isolation is theirs, and the next `up` adopts it
 *   knowingly (or isolates).
 * - An action of an undocumented shape (a type other than Isolate, as an UnManagedDevice contain may
 *   report) is reported with a warning and judged as the isolation it is; refresh never fails on it.
 *   An Unisolate is no isolation: the resource is gone.
 * - Otherwise the state is kept, with the action's current status and timestamps.
 * - Any other error fails the refresh and leaves state as it was.
 * - A release done outside the API (the local force-release tool, firewall edits) leaves no trace
 *   in Defender and cannot be seen: a documented limitation.
 *
 * Calls: the device's actions and existence come from batches shared by every read in the process
 * (see deviceReadBatcher); our action is read by id only when that listing does not hold it.
 */
import { deviceReadBatcherFor, isDefenderApiError, isMachineId, type DeviceSnapshot, type MachineAction } from "../defender";
import type { Context } from "./context";
import { deviceName } from "./device";
import { log, short } from "./log";
import { actionOutputs, currentActionId, declarationFromState, toOutputs } from "./outputs";
import { releaseAfter, reportedType, withOurs } from "./ownership";

const notFound = (e: unknown) => isDefenderApiError(e) && e.status === 404;
const GONE = { id: "", props: {} };

export async function readIsolation(ctx: Context, id: string, state: Record<string, unknown>): Promise<{ id: string; props: Record<string, unknown> }> {
    // Reads of one deployment run at once: their devices are read together, a few requests per 50 devices.
    const devices = deviceReadBatcherFor(ctx.client);
    const known = typeof state.machineId === "string" && isMachineId(state.machineId) ? state.machineId : undefined;
    let device: DeviceSnapshot | undefined = known === undefined ? undefined : await devices.read(known);
    // A fresh action can be missing from listings for a while; an import does not know the device yet.
    const ourId = currentActionId(id, state);
    let ours: MachineAction | undefined = device?.actions.find((a) => a.id.toLowerCase() === ourId.toLowerCase());
    if (ours === undefined) {
        try {
            ours = await ctx.client.getAction(ourId);
        } catch (e) {
            if (notFound(e)) return gone(`the isolate action ${ourId} no longer exists in Defender`);
            throw e;
        }
    }
    const fromState = Object.keys(state).length > 0;
    const name = deviceName({ id: ours.machineId, computerDnsName: ours.computerDnsName });
    if (ours.type === "Unisolate")
        return gone(`${name}: the action ${ourId} is a release (Unisolate), not an isolation; a DeviceIsolation holds an isolate action`);
    if (ours.type !== "Isolate") {
        log.warn(
            `${name}: Defender reports the action ${short(ourId)} as type ${ours.type}, not Isolate (undocumented; an UnManagedDevice contain may be reported so); it is judged as this declaration's isolation`,
        );
    }
    if (ours.status === "Failed" || ours.status === "TimeOut" || ours.status === "Cancelled") {
        return gone(`${name}: the isolate ${short(id)} ended ${ours.status}; the device is not isolated by this declaration`);
    }
    if (device === undefined || device.machineId !== ours.machineId.toLowerCase()) device = await devices.read(ours.machineId);
    if (device.machine === undefined) return gone(`${name}: the device no longer exists in Defender`);
    // Ours finished (or is still on its way): a release that finished after it ended it, whatever followed.
    // A listing that lags may not show ours yet; it exists, so the decision counts it.
    const ended = releaseAfter(withOurs(device.actions, ours), ours);
    if (ended) {
        return gone(
            `${name}: released since this isolation by ${ended.requestor ?? "unknown"} (${short(ended.id)}, ${ended.lastUpdateDateTimeUtc ?? ""}); anything done to the device since is not this declaration's`,
        );
    }

    if (fromState) return { id, props: { ...state, ...actionOutputs(ours), computerDnsName: ours.computerDnsName ?? state.computerDnsName ?? "" } };
    // Import by id: rebuild the state from the action itself.
    const type = reportedType(ours.scope) ?? "Full";
    const decl = { ...declarationFromState({}), machineId: ours.machineId, isolationType: type, comment: ours.requestorComment ?? "" };
    return { id, props: toOutputs(decl, { id: ours.machineId, computerDnsName: ours.computerDnsName }, ours) };
}

function gone(why: string): { id: string; props: Record<string, unknown> } {
    log.warn(`${why}; the next 'pulumi up' isolates the device again`);
    return GONE;
}
