/**
 * read (refresh): is the declared isolation still real?
 *
 * Contract (the decision is evidence.ts's and steps.ts's planRead)
 * - Our isolation is the isolate state records (machineActionId, else the resource id).
 * - The resource is gone (empty id, so the next `up` isolates again) when: it ended
 *   Failed/TimeOut/Cancelled; the device no longer exists (its single read answers 404: a listing that
 *   lacks it proves nothing); our isolation was released since (a release that finished after it, from
 *   the portal or any API client; actions are ordered by when they finished, as Defender can complete
 *   them out of order), even when someone isolated the device again afterwards: that isolation is theirs;
 *   or the isolate is purged from Defender's history and a release of the device is listed.
 * - Kept, with a warning: the isolate purged and no release listed (nothing tells it ended); an action
 *   with a status Defender does not document (it proves nothing).
 * - An action of an undocumented type (an UnManagedDevice contain may report one) is judged as the
 *   isolation it is, with a warning. An Unisolate is no isolation: the resource is gone.
 * - Import by id (state without a machineId; the native provider imports, a dynamic resource cannot):
 *   the state is rebuilt from the action (its device, reported type and comment, defaults otherwise),
 *   then judged as any other; an id Defender answers 404 for is gone.
 * - Any other error fails the refresh and leaves state as it was.
 * - A release done outside the API (the local force-release tool, firewall edits) leaves no trace
 *   in Defender and cannot be seen: a documented limitation.
 *
 * Calls: the device's actions and existence come from batches shared by every read in the process
 * (see deviceReadBatcher); our action is read by id only when that listing does not hold it.
 */
import { deviceReadBatcherFor, isDefenderApiError, isMachineId, type MachineAction } from "../defender";
import type { Context } from "./context";
import { deviceName } from "./device";
import { log, short } from "./log";
import { Observation } from "./observe";
import { actionOutputs, currentActionId, declarationFromState, toOutputs } from "./outputs";
import { reportedType } from "./scope";
import { planRead } from "./steps";
import { deadlineAfter } from "./wait";

const GONE = { id: "", props: {} };
/** A refresh reads; it never waits for an action: its calls end after this long. */
const READ_DEADLINE_SECONDS = 600;

export async function readIsolation(ctx: Context, id: string, stored: Record<string, unknown>): Promise<{ id: string; props: Record<string, unknown> }> {
    let state = stored;
    const deadline = deadlineAfter(READ_DEADLINE_SECONDS);
    if (!(typeof state.machineId === "string" && isMachineId(state.machineId))) {
        // Import by id (the native provider): the state is rebuilt from the action, then judged as any other.
        const imported = await stateFromAction(ctx, id, deadline.signal);
        if (imported === undefined) return gone(`the isolate action ${id} does not exist in Defender`);
        state = imported;
    }
    const machineId = state.machineId as string;
    const since = Date.now();
    // Reads of one deployment run at once: their devices are read together, a few requests per 50 devices.
    const device = await deviceReadBatcherFor(ctx.client).read(machineId);
    const name = deviceName({ id: machineId, computerDnsName: typeof state.computerDnsName === "string" ? state.computerDnsName : null });
    if (device.machine === undefined) return gone(`${name}: the device no longer exists in Defender`);
    const ourId = currentActionId(id, state);
    const obs = new Observation(ctx, machineId, deadline, since, ourId, { actions: device.actions, at: since });
    // A fresh action can be missing from listings for a while: then it is read by id.
    await obs.readOurs();
    const ours = obs.oursRead() ?? device.actions.find((a) => a.id.toLowerCase() === ourId.toLowerCase());
    if (ours?.type === "Unisolate")
        return gone(`${name}: the action ${ourId} is a release (Unisolate), not an isolation; a DeviceIsolation holds an isolate action`);
    if (ours && ours.type !== "Isolate") {
        log.warn(
            `${name}: Defender reports the action ${short(ourId)} as type ${ours.type}, not Isolate (undocumented; an UnManagedDevice contain may be reported so); it is judged as this declaration's isolation`,
        );
    }
    const step = planRead(obs.assess());
    if (step.do === "gone") return gone(`${name}: ${step.why}`);
    if (step.warn) log.warn(`${name}: ${step.warn}`);
    if (step.action === undefined) return { id, props: state };
    return { id, props: { ...state, ...actionOutputs(step.action), computerDnsName: step.action.computerDnsName ?? state.computerDnsName ?? "" } };
}

/** The state an import by id starts from: the declaration the action says (its device, type and comment), with the defaults. */
async function stateFromAction(ctx: Context, id: string, signal: AbortSignal): Promise<Record<string, unknown> | undefined> {
    let action: MachineAction;
    try {
        action = await ctx.client.getAction(id, { signal });
    } catch (e) {
        if (isDefenderApiError(e) && e.status === 404) return undefined;
        throw e;
    }
    const decl = {
        ...declarationFromState({}),
        machineId: action.machineId,
        isolationType: reportedType(action.scope) ?? "Full",
        comment: action.requestorComment ?? "",
    };
    return toOutputs(decl, { id: action.machineId, computerDnsName: action.computerDnsName }, action);
}

function gone(why: string): { id: string; props: Record<string, unknown> } {
    log.warn(`${why}; the next 'pulumi up' isolates the device again`);
    return GONE;
}
