/**
 * delete: release the device this resource isolated.
 *
 * Contract
 * - Our isolate still Pending/InProgress → it is cancelled, never raced by an unisolate (a release
 *   sent while an isolate is pending can complete first and leave the device isolated). If the
 *   cancel loses the race and the isolate succeeds, the device is released as below.
 * - Our isolate ended Failed/TimeOut/Cancelled, or the device was released since (a newer Succeeded
 *   Unisolate) → no call: there is nothing to release.
 * - Otherwise one unisolate, carrying releaseComment. A release already in flight is adopted, so is the
 *   one Defender reports with `400 ActiveRequestAlreadyExists`, or the one listed after a POST whose
 *   outcome is unknown: no second release is ever sent blindly.
 * - The device (or the isolate action) no longer exists in Defender → success: nothing is left to release.
 * - Another isolate pending on the device → an error: releasing now could race it.
 * - The same isolate action was adopted by a create earlier in this deployment (the device is now
 *   declared under another resource name) → no call: the isolation is handed over, not released.
 * - Calls: the device's actions and existence come from batches shared by every delete in the
 *   process (see deviceReadBatcher); our action is read by id only when that listing lacks it.
 * - With waitForCompletion, delete returns when the release has Succeeded. Failed/TimeOut/Cancelled,
 *   still pending at the timeout, or any error → delete FAILS and the resource stays in state, so the
 *   next `pulumi destroy`/`up` tries again (adopting what is in flight): an isolation is never
 *   forgotten while the device may still be isolated. Without waitForCompletion, delete succeeds once
 *   Defender has accepted the release.
 */
import { deviceReadBatcherFor, isDefenderApiError, isMachineId, isolationState, type MachineAction } from "../defender";
import { findActionToAdopt } from "./adopt";
import { isAdoptedThisDeployment, type Context } from "./context";
import { errorText, fixFor, newestPending } from "./create";
import { deviceName } from "./device";
import { log, short } from "./log";
import { declarationFromState } from "./outputs";
import { hostLabel, isInFlight, waitForAction } from "./wait";

const notFound = (e: unknown) => isDefenderApiError(e) && e.status === 404;

export async function deleteIsolation(ctx: Context, id: string, state: Record<string, unknown>): Promise<void> {
    const decl = declarationFromState(state);
    const device = { id: decl.machineId, computerDnsName: decl.computerDnsName };
    const name = deviceName(device);
    const label = hostLabel(device);
    const fail: (what: string, fix: string) => never = (what, fix) => {
        throw new Error(`Release device ${name}: ${what}. ${fix} The resource stays in state, so running the command again continues from here.`);
    };

    if (isAdoptedThisDeployment(id)) {
        log.info(`${name}: the isolation ${short(id)} was adopted by another declaration of this device in this deployment; it is handed over, not released`);
        return;
    }

    // Deletes of one deployment run at once: their devices are read together (see deviceReadBatcher).
    const snapshot = isMachineId(decl.machineId) ? await deviceReadBatcherFor(ctx.client).read(decl.machineId) : undefined;
    if (snapshot && snapshot.machine === undefined) {
        log.info(`${name}: the device no longer exists in Defender; nothing to release`);
        return;
    }
    let actions = snapshot?.actions;
    // A fresh action can be missing from listings for a while: then it is read by id.
    let ours: MachineAction | undefined = actions?.find((a) => a.id.toLowerCase() === id.toLowerCase());
    if (ours === undefined) {
        try {
            ours = await ctx.client.getAction(id);
        } catch (e) {
            if (!notFound(e)) fail(errorText(e), fixFor(isDefenderApiError(e) ? e.status : undefined, isDefenderApiError(e) ? e.code : undefined));
            log.warn(`${name}: Defender no longer knows the isolate action ${id}; deciding from the device's actions`);
        }
    }

    if (ours && isInFlight(ours.status)) {
        ours = await cancelPending(ctx, ours, decl.releaseComment, name, label, decl.completionTimeoutSeconds);
        actions = undefined; // the device's actions changed: read them again
    }
    if (ours && ours.status !== "Succeeded") {
        log.info(`${name}: the isolate ${short(ours.id)} ended ${ours.status}; nothing to release`);
        return;
    }

    actions ??= await ctx.client.listActions({ machineId: decl.machineId });
    // A listing that lags may not show ours yet; it exists, so the decision counts it.
    const found = ours;
    if (found && !actions.some((a) => a.id.toLowerCase() === found.id.toLowerCase())) actions = [...actions, found];
    const state_ = isolationState(actions);
    const otherIsolate = newestPending(state_.pending, "Isolate");
    const releasing = newestPending(state_.pending, "Unisolate");
    let release: MachineAction | undefined;
    if (otherIsolate) {
        fail(`another isolate (${otherIsolate.id}, requested by ${otherIsolate.requestor ?? "unknown"}) is ${otherIsolate.status} on the device, and a release now could race it`, "Wait for it to finish, then run the command again.");
    } else if (releasing) {
        release = releasing;
        log.info(`${name}: adopting the release ${short(release.id)} already ${release.status}`);
    } else if (!state_.isolated) {
        log.info(`${name}: already released${state_.current ? ` (${short(state_.current.id)} by ${state_.current.requestor ?? "unknown"})` : ""}; nothing to do`);
        return;
    } else {
        release = await postUnisolate(ctx, decl.machineId, decl.releaseComment, name, new Set(actions.map((a) => a.id)), fail);
        if (!release) return; // the device no longer exists
    }

    if (!decl.waitForCompletion || !isInFlight(release.status)) {
        if (release.status === "Failed" || release.status === "TimeOut" || release.status === "Cancelled") {
            fail(`the release ${release.id} ended ${release.status}`, "Check the device in the Defender portal, then run the command again.");
        }
        return;
    }
    const waited = await waitForAction(ctx, release, label, decl.completionTimeoutSeconds);
    if (waited.timedOut) {
        fail(`the release ${release.id} is still ${waited.action.status} after ${decl.completionTimeoutSeconds}s (an offline device picks it up when it reconnects)`, "Run the command again to keep waiting (the pending release is adopted, not resent), or set waitForCompletion: false to accept a pending release.");
    }
    if (waited.pollError) fail(`the release ${release.id} was accepted but its status could not be read (${errorText(waited.pollError)})`, "Run the command again.");
    if (waited.action.status !== "Succeeded") {
        fail(`the release ${release.id} ended ${waited.action.status}`, "Check the device in the Defender portal, then run the command again.");
    }
}

/** Cancels our pending isolate; returns the action as it ended (Succeeded if the cancel lost the race). */
async function cancelPending(ctx: Context, ours: MachineAction, comment: string, name: string, label: string, timeoutSeconds: number): Promise<MachineAction | undefined> {
    log.info(`${name}: the isolate ${short(ours.id)} is still ${ours.status}; cancelling it instead of racing it with a release`);
    try {
        ours = await ctx.client.cancelAction(ours.id, comment);
    } catch (e) {
        if (notFound(e)) return undefined;
        if (!isDefenderApiError(e) || e.status !== 400) throw new Error(`Release device ${name}: cancelling the pending isolate ${ours.id} failed: ${errorText(e)}. The resource stays in state; run the command again.`, { cause: e });
        ours = await ctx.client.getAction(ours.id); // it finished meanwhile
    }
    if (isInFlight(ours.status)) {
        const waited = await waitForAction(ctx, ours, label, timeoutSeconds);
        if (waited.timedOut || waited.pollError) {
            throw new Error(`Release device ${name}: the cancelled isolate ${ours.id} is still ${waited.action.status}. The resource stays in state; run the command again.`);
        }
        ours = waited.action;
    }
    return ours;
}

async function postUnisolate(
    ctx: Context, machineId: string, comment: string, name: string, knownIds: Set<string>,
    fail: (what: string, fix: string) => never,
): Promise<MachineAction | undefined> {
    try {
        return await ctx.client.unisolate(machineId, comment);
    } catch (e) {
        if (notFound(e)) {
            log.info(`${name}: the device no longer exists in Defender; nothing to release`);
            return undefined;
        }
        if (!isDefenderApiError(e)) throw e;
        const conflict = e.status === 400 && e.code === "ActiveRequestAlreadyExists";
        if (!conflict && !e.outcomeUnknown) fail(e.message, fixFor(e.status, e.code));
        const found = await findActionToAdopt(ctx, machineId, "Unisolate", knownIds);
        if (found) {
            log.info(`${name}: adopting the release ${short(found.id)} (${found.status})`);
            return found;
        }
        return fail(
            conflict ? "Defender answered that an action is already in progress but lists no release to adopt" : `the outcome of the release request is unknown (${e.message}) and no new release is listed`,
            "Nothing was sent twice.",
        );
    }
}

