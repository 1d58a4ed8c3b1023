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
 * - The newest isolation in force is someone else's (isolated again on top of ours) → no call: it is
 *   left in force, ours leaves state, and a warning says so. Our isolate purged from Defender's history
 *   (404) → the same when an isolation in force is listed; done when a release is listed; else an error.
 * - Otherwise one unisolate, carrying releaseComment, once a listing covers the start of delete and
 *   shows our isolate (evidence.ts, steps.ts): a release already in flight is adopted, so is the release
 *   new since a request refused as a duplicate or without a usable answer; when a covering listing shows
 *   none, the release is sent once more (observe.ts).
 * - An action of the device with a status Defender does not document → an error naming it, nothing sent.
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
import { deviceReadBatcherFor, isDefenderApiError, isMachineId, type MachineAction } from "../defender";
import { isHandedOver, type Context } from "./context";
import { deviceName } from "./device";
import { errorText, fixFor, LifecycleError, UNCHANGED } from "./failures";
import { log, short } from "./log";
import { Observation, unknownOutcome } from "./observe";
import { currentActionId, declarationFromState } from "./outputs";
import { planDelete } from "./steps";
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
        throw new LifecycleError("delete", name, what, UNCHANGED.delete, fix);
    };

    const holder = isHandedOver(ourId);
    if (holder) {
        log.info(
            `${name}: the isolation ${short(ourId)} is held by another declaration of this device in this deployment (${holder}); it is handed over, not released`,
        );
        return;
    }

    // Deletes of one deployment run at once: their devices are read together (see deviceReadBatcher).
    const since = Date.now();
    const snapshot = isMachineId(decl.machineId) ? await deviceReadBatcherFor(ctx.client).read(decl.machineId) : undefined;
    if (snapshot && snapshot.machine === undefined) {
        log.info(`${name}: the device no longer exists in Defender; nothing to release`);
        return;
    }
    const actions = snapshot?.actions ?? (await ctx.client.listActions({ machineId: decl.machineId }, { signal: deadline.signal }));
    const obs = new Observation(ctx, decl.machineId, deadline, since, ourId, { actions, at: since });
    // A fresh action can be missing from listings for a while: then it is read by id.
    await obs
        .readOurs()
        .catch((e: unknown) => fail(errorText(e), fixFor(isDefenderApiError(e) ? e.status : undefined, isDefenderApiError(e) ? e.code : undefined)));

    let release: MachineAction | undefined;
    while (release === undefined) {
        const step = planDelete(obs.assess(), obs.sent);
        if (obs.settling() && (step.do === "release" || step.do === "fail")) {
            if (await obs.relist()) continue;
            throw unknownOutcome("delete", name, obs);
        }
        switch (step.do) {
            case "fail":
                return fail(step.happened, step.fix);
            case "relist":
                if (await obs.relist()) continue;
                if (obs.unanswered()) throw unknownOutcome("delete", name, obs);
                return fail(`${step.why}, and the deadline (completionTimeoutSeconds) passed before it did; nothing was released`, "Run the command again.");
            case "done":
                if (step.leftInForce) log.warn(`${name}: ${step.note}`);
                else log.info(`${name}: ${step.note}`);
                return;
            case "cancel": {
                const ended = await cancelPending(ctx, step.action, decl.releaseComment, name, label, deadline);
                if (ended === undefined) {
                    log.info(`${name}: the pending isolate ${short(step.action.id)} no longer exists in Defender; nothing to release`);
                    return;
                }
                obs.note(ended);
                if (ended.status !== "Succeeded") {
                    log.info(`${name}: the isolate ${short(ended.id)} ended ${ended.status}; nothing to release`);
                    return;
                }
                await obs.relist(); // the cancel lost the race: decide again on what the device shows
                continue;
            }
            case "waitForRelease":
                release = step.action;
                log.info(`${name}: adopting the release ${short(release.id)} already ${release.status}`);
                break;
            case "release": {
                const sent = await obs.send("Unisolate", () => ctx.client.unisolate(decl.machineId, decl.releaseComment, { signal: deadline.signal }));
                if (sent.kind === "answered") release = sent.action;
                else if (sent.kind === "refused") {
                    if (sent.error.status === 404) {
                        log.info(`${name}: the device no longer exists in Defender; nothing to release`);
                        return;
                    }
                    return fail(sent.error.message, fixFor(sent.error.status, sent.error.code));
                } else
                    log.info(
                        `${name}: the release request got no usable answer (${sent.error.message}); deciding from the device's actions before anything is sent again`,
                    );
                break;
            }
        }
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
