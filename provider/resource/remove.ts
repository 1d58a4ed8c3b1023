/**
 * delete: release the device this resource isolated, and nothing else.
 *
 * Contract
 * - Ours is the isolate state records (machineActionId; the resource id for state written before a
 *   change of isolation type existed). It is released only while it is in force.
 * - Our isolate still Pending/InProgress → it is cancelled, never raced by an unisolate (a release
 *   sent while an isolate is pending can complete first and leave the device isolated). If the
 *   cancel loses the race and the isolate succeeds, the device is released as below.
 * - Our isolate ended Failed/TimeOut/Cancelled → no call: there is nothing to release.
 * - Our isolation already ended: a release finished after it (from the portal, any tool, us) → no
 *   call. Whatever anyone did to the device afterwards is theirs: an isolation or a pending isolate
 *   someone requested since is LEFT IN PLACE, never released or cancelled, and a log line says so.
 * - Otherwise one unisolate, carrying releaseComment, sent as send.ts says: a release already in flight
 *   is adopted, so is the one Defender reports with `400 ActiveRequestAlreadyExists` or the one that
 *   shows up after a request without a usable answer; when none does, the release is sent once more.
 * - The device no longer exists in Defender (its single read answers 404, not merely a listing that
 *   lacks it) → success: nothing is left to release.
 * - Another isolate pending on the device while ours is in force → an error: releasing now could race it.
 * - Another declaration holds the same isolation in this deployment (it adopted it, or the engine
 *   diffed a declaration holding it: the device is declared twice, say by machineId and by name) → no
 *   call: the isolation is handed over, not released, and a log line says so.
 * - Calls: the device's actions and existence come from batches shared by every delete in the
 *   process (see deviceReadBatcher); our action is read by id only when that listing lacks it.
 * - With waitForCompletion, delete returns when the release has Succeeded, or at the deadline
 *   (completionTimeoutSeconds from the start of delete). Failed/TimeOut/Cancelled, still pending at the
 *   deadline, or any error → delete FAILS and the resource stays in state, so the next
 *   `pulumi destroy`/`up` tries again (adopting what is in flight): an isolation is never forgotten
 *   while the device may still be isolated. Without waitForCompletion, delete succeeds once Defender
 *   has accepted the release.
 */
import { deviceReadBatcherFor, isDefenderApiError, isMachineId, isolationState, type MachineAction } from "../defender";
import { newestPending } from "./adopt";
import { isHandedOver, type Context } from "./context";
import { deviceName } from "./device";
import { errorText, fixFor } from "./failures";
import { log, short } from "./log";
import { currentActionId, declarationFromState } from "./outputs";
import { isolationsSince, releaseAfter, withOurs } from "./ownership";
import { sendAdopting } from "./send";
import { deadlineAfter, hostLabel, isInFlight, waitForAction, type Deadline } from "./wait";

const notFound = (e: unknown) => isDefenderApiError(e) && e.status === 404;

export async function deleteIsolation(ctx: Context, id: string, state: Record<string, unknown>): Promise<void> {
    const decl = declarationFromState(state);
    const deadline = deadlineAfter(decl.completionTimeoutSeconds);
    const device = { id: decl.machineId, computerDnsName: decl.computerDnsName };
    const name = deviceName(device);
    const label = hostLabel(device);
    const ourId = currentActionId(id, state);
    const fail: (what: string, fix: string) => never = (what, fix) => {
        throw new Error(`Release device ${name}: ${what}. ${fix} The resource stays in state, so running the command again continues from here.`);
    };

    const holder = isHandedOver(ourId);
    if (holder) {
        log.info(
            `${name}: the isolation ${short(ourId)} is held by another declaration of this device in this deployment (${holder}); it is handed over, not released`,
        );
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
    let ours: MachineAction | undefined = actions?.find((a) => a.id.toLowerCase() === ourId.toLowerCase());
    if (ours === undefined) {
        try {
            ours = await ctx.client.getAction(ourId);
        } catch (e) {
            if (!notFound(e)) fail(errorText(e), fixFor(isDefenderApiError(e) ? e.status : undefined, isDefenderApiError(e) ? e.code : undefined));
            log.warn(`${name}: Defender no longer knows the isolate action ${ourId}; deciding from the device's actions`);
        }
    }

    if (ours && isInFlight(ours.status)) {
        ours = await cancelPending(ctx, ours, decl.releaseComment, name, label, deadline);
        actions = undefined; // the device's actions changed: read them again
    }
    if (ours && ours.status !== "Succeeded") {
        log.info(`${name}: the isolate ${short(ours.id)} ended ${ours.status}; nothing to release`);
        return;
    }

    actions ??= await ctx.client.listActions({ machineId: decl.machineId });
    if (ours) actions = withOurs(actions, ours);
    const ended = ours ? releaseAfter(actions, ours) : undefined;
    const now = isolationState(actions);
    const otherIsolate = newestPending(now.pending, "Isolate");
    if (ended && ours) {
        const theirs = isolationsSince(actions, ended, ours).pop();
        log.info(
            `${name}: this declaration's isolation ${short(ourId)} already ended (released by ${ended.requestor ?? "unknown"}, ${short(ended.id)}); nothing of ours to release${theirs ? `. The ${theirs.status} isolate ${short(theirs.id)} requested since by ${theirs.requestor ?? "unknown"} is theirs: left in place` : ""}`,
        );
        return;
    }
    const releasing = newestPending(now.pending, "Unisolate");
    let release: MachineAction | undefined;
    if (otherIsolate) {
        fail(
            `another isolate (${otherIsolate.id}, requested by ${otherIsolate.requestor ?? "unknown"}) is ${otherIsolate.status} on the device, and a release now could race it`,
            "Wait for it to finish, then run the command again.",
        );
    } else if (releasing) {
        release = releasing;
        log.info(`${name}: adopting the release ${short(release.id)} already ${release.status}`);
    } else if (!now.isolated) {
        log.info(`${name}: already released${now.current ? ` (${short(now.current.id)} by ${now.current.requestor ?? "unknown"})` : ""}; nothing to do`);
        return;
    } else {
        release = await postUnisolate(ctx, decl.machineId, decl.releaseComment, name, deadline, fail);
        if (!release) return; // the device no longer exists
    }

    if (!decl.waitForCompletion || !isInFlight(release.status)) {
        if (release.status === "Failed" || release.status === "TimeOut" || release.status === "Cancelled") {
            fail(`the release ${release.id} ended ${release.status}`, "Check the device in the Defender portal, then run the command again.");
        }
        return;
    }
    const waited = await waitForAction(ctx, release, label, deadline);
    if (waited.timedOut) {
        fail(
            `the release ${release.id} is still ${waited.action.status} after ${decl.completionTimeoutSeconds}s (an offline device picks it up when it reconnects)`,
            "Run the command again to keep waiting (the pending release is adopted, not resent), or set waitForCompletion: false to accept a pending release.",
        );
    }
    if (waited.pollError)
        fail(`the release ${release.id} was accepted but its status could not be read (${errorText(waited.pollError)})`, "Run the command again.");
    if (waited.action.status !== "Succeeded") {
        fail(`the release ${release.id} ended ${waited.action.status}`, "Check the device in the Defender portal, then run the command again.");
    }
}

/** Cancels our pending isolate; returns the action as it ended (Succeeded if the cancel lost the race). */
async function cancelPending(
    ctx: Context,
    ours: MachineAction,
    comment: string,
    name: string,
    label: string,
    deadline: Deadline,
): Promise<MachineAction | undefined> {
    log.info(`${name}: the isolate ${short(ours.id)} is still ${ours.status}; cancelling it instead of racing it with a release`);
    try {
        ours = await ctx.client.cancelAction(ours.id, comment);
    } catch (e) {
        if (notFound(e)) return undefined;
        if (!isDefenderApiError(e) || e.status !== 400)
            throw new Error(
                `Release device ${name}: cancelling the pending isolate ${ours.id} failed: ${errorText(e)}. The resource stays in state; run the command again.`,
                { cause: e },
            );
        ours = await ctx.client.getAction(ours.id); // it finished meanwhile
    }
    if (isInFlight(ours.status)) {
        const waited = await waitForAction(ctx, ours, label, deadline);
        if (waited.timedOut || waited.pollError) {
            throw new Error(
                `Release device ${name}: the cancelled isolate ${ours.id} is still ${waited.action.status}. The resource stays in state; run the command again.`,
            );
        }
        ours = waited.action;
    }
    return ours;
}

async function postUnisolate(
    ctx: Context,
    machineId: string,
    comment: string,
    name: string,
    deadline: Deadline,
    fail: (what: string, fix: string) => never,
): Promise<MachineAction | undefined> {
    const outcome = await sendAdopting(ctx, { machineId, type: "Unisolate", name, deadline }, () => ctx.client.unisolate(machineId, comment));
    if (outcome.kind === "sent") return outcome.action;
    const e = outcome.error;
    if (outcome.kind === "refused") {
        if (notFound(e)) {
            log.info(`${name}: the device no longer exists in Defender; nothing to release`);
            return undefined;
        }
        return fail(e.message, fixFor(e.status, e.code));
    }
    return fail(
        outcome.kind === "conflict"
            ? "Defender answered that an action is already in progress but lists no release to adopt"
            : `the outcome of the release request is unknown (${e.message}) and no new release is listed`,
        "Run the command again once Defender lists the device's actions: a release in flight is adopted, not resent.",
    );
}
