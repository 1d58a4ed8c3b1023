/**
 * create: make the device isolated, and record the isolate MachineAction as the resource id.
 *
 * Contract
 * - One declaration, at most one isolate action. What to do is decided from the device's actions by
 *   the one decision (evidence.ts, steps.ts): an Isolate already Pending/InProgress is adopted, so is a
 *   current Succeeded isolation of the same type once a listing covers the start of create; a current
 *   isolation of another type is an error (change isolationType, or release first). Adopting makes that
 *   isolation this declaration's, knowingly (a log line names who requested it). A release still in
 *   flight is waited for first, because an isolate racing a release can complete in either order.
 * - Sending (observe.ts): `400 ActiveRequestAlreadyExists` or no usable answer → the device is listed
 *   again until a listing covers the request; the isolate new since the request (pending, or finished in
 *   force) is recorded as caused by it, never one known before; none → sent once more; no covering
 *   listing before the deadline → fails closed, nothing recorded.
 * - Refused before any isolate: a device that does not exist, a name matching zero or several devices,
 *   a device with a protected machine tag. Each error names the device and the fix.
 * - Once an isolate exists because of our request, it is recorded whatever follows: a failure after it
 *   goes out as a partial failure carrying its id and state (the engine records the resource and the
 *   next `up` updates it), unless the action ended Failed/TimeOut/Cancelled (nothing is isolated).
 *   So an isolate whose reported scope differs from the declaration is recorded with the type Defender
 *   reports (the next `up` changes it in place), and the error says so. An UnManagedDevice contain
 *   reported as Full, or with no scope, fits its declaration (Defender documents scope only as Full or
 *   Selective).
 * - A pending isolate found in place (not ours) whose type turns out to differ fails create, nothing
 *   recorded: it was never ours.
 * - With waitForCompletion, create returns when the action finishes, or at the deadline
 *   (completionTimeoutSeconds from the start of create; each request beyond it is bounded by
 *   defender:requestTimeoutSeconds). Failed/TimeOut/Cancelled fails create: nothing is isolated, nothing
 *   is recorded. Still Pending/InProgress at the deadline, or status polls failing after the action
 *   exists: create SUCCEEDS with the last known status and a warning, because an isolation Defender
 *   accepted must be recorded, never lost.
 * - Calls: the device and its actions come from batches shared by every create, read and delete in
 *   the process (see deviceReadBatcher), not one lookup and one listing per device; a release still in
 *   flight is waited for, then the device's actions are listed again on their own.
 * - What create returns is plain JSON built from strings Defender sent: it cannot fail to marshal.
 */
import { deviceReadBatcherFor, type DefenderApiError, type Machine, type MachineAction } from "../defender";
import { markAdopted, type Context } from "./context";
import { deviceName, noDeviceWithId, refuseOtherName, refuseProtected, findDeviceByName } from "./device";
import { errorText, fixFor, LifecycleError, recordedFailure, UNCHANGED } from "./failures";
import { toDeclaration, type Declaration } from "./inputs";
import { log, short } from "./log";
import { toOutputs, type IsolationOutputs } from "./outputs";
import { Observation, unknownOutcome } from "./observe";
import { reportedType, scopeFits } from "./scope";
import { planCreate } from "./steps";
import { deadlineAfter, hostLabel, isInFlight, waitForAction, type Deadline } from "./wait";

/** An isolate the declaration now holds; `caused`: it exists because of our request. */
interface Held {
    action: MachineAction;
    caused: boolean;
}

export async function createIsolation(ctx: Context, inputs: Record<string, unknown>): Promise<{ id: string; outs: IsolationOutputs }> {
    const decl = toDeclaration(inputs);
    const deadline = deadlineAfter(decl.completionTimeoutSeconds);
    const since = Date.now();
    const { machine, actions, at } = await lookUp(ctx, decl);
    refuseProtected(machine, decl);
    const name = deviceName(machine);
    const label = hostLabel(machine);

    const obs = new Observation(ctx, machine.id, deadline, since, undefined, { actions, at });
    const held = await isolateOrAdopt(ctx, decl, name, label, deadline, obs);
    const record = (action: MachineAction, type = decl.isolationType) => ({
        ...toOutputs({ ...decl, isolationType: type }, machine, action),
        __provider: inputs.__provider,
    });
    let action = held.action;
    try {
        if (decl.waitForCompletion && isInFlight(action.status)) {
            const waited = await waitForAction(ctx, action, label, deadline);
            action = waited.action;
            if (waited.timedOut) {
                log.warn(
                    `Isolate ${short(action.id)} on ${name} is still ${action.status} after ${decl.completionTimeoutSeconds}s (an offline device picks it up when it reconnects; Defender gives up after three days). Recorded as ${action.status}; 'pulumi refresh' updates it.`,
                );
            } else if (waited.pollError) {
                log.warn(
                    `Isolate ${short(action.id)} on ${name} was accepted but its status could not be read (${errorText(waited.pollError)}). Recorded as ${action.status}; 'pulumi refresh' updates it.`,
                );
            }
        }
    } catch (e) {
        throw recordedFailure(
            `Isolate device ${name}: the isolate ${action.id} was accepted, then waiting failed: ${errorText(e)}. It is recorded in state; run 'pulumi refresh' to update its status.`,
            action.id,
            record(action),
        );
    }
    if (action.status === "Failed" || action.status === "TimeOut" || action.status === "Cancelled") {
        throw new Error(
            `Isolate device ${name}: Defender's isolate action ${action.id} ended ${action.status}${action.status === "TimeOut" ? " (the device did not connect in time)" : ""}. The device is not isolated and nothing was recorded; check that the device is onboarded and online, then run 'pulumi up' again.`,
        );
    }
    // Defender reports no scope while an isolate is pending: its type may show only now.
    if (!scopeFits(decl.isolationType, action.scope)) {
        const actual = reportedType(action.scope) ?? decl.isolationType;
        if (!held.caused) {
            throw new Error(
                `Isolate device ${name}: the pending isolate ${action.id} that was adopted (requested by ${action.requestor ?? "unknown"}) turned out to be a ${action.scope} isolation, and this declaration asks for ${decl.isolationType}. Nothing was recorded; set isolationType: ${action.scope} to adopt it, or release the device first.`,
            );
        }
        throw recordedFailure(
            `Isolate device ${name}: Defender answered the isolate request with ${action.id} (requested by ${action.requestor ?? "unknown"}), which turned out to be a ${action.scope} isolation; this declaration asks for ${decl.isolationType}. It is recorded in state as ${actual}, so nothing is lost; run 'pulumi up' again to change it to ${decl.isolationType} in place.`,
            action.id,
            record(action, actual),
        );
    }
    return { id: action.id, outs: toOutputs(decl, machine, action) };
}

/**
 * The device and its actions, read in the batches every create, read and delete of the process share
 * (see deviceReadBatcher): a mass isolation spends its read budgets on a few listings per 50 devices.
 * A device is unknown only when its own read answered 404. A name is resolved first (its own lookup).
 * `at`: when the listing was asked for (it is complete up to then, less the allowed lag).
 */
async function lookUp(ctx: Context, decl: Declaration): Promise<{ machine: Machine; actions: MachineAction[]; at: number }> {
    const devices = deviceReadBatcherFor(ctx.client);
    if (decl.machineId) {
        const at = Date.now();
        const snapshot = await devices.read(decl.machineId);
        if (snapshot.machine === undefined) throw noDeviceWithId(decl.machineId);
        refuseOtherName(snapshot.machine, decl);
        return { machine: snapshot.machine, actions: snapshot.actions, at };
    }
    const machine = await findDeviceByName(ctx.client, decl);
    const at = Date.now();
    const snapshot = await devices.read(machine.id);
    return { machine, actions: snapshot.actions, at };
}

/**
 * Decides from the device's actions (evidence.ts, steps.ts) until an isolate is held: adopts what is in
 * place or what a lost request caused, waits for a release in flight once, lists again while the
 * listing does not cover what matters, and sends the isolate only when the decision says so.
 */
async function isolateOrAdopt(ctx: Context, decl: Declaration, name: string, label: string, deadline: Deadline, obs: Observation): Promise<Held> {
    let waitedForRelease = false;
    for (;;) {
        const step = planCreate(obs.assess(), decl.isolationType, obs.sent, waitedForRelease);
        if (obs.settling() && (step.do === "isolate" || step.do === "fail")) {
            if (await obs.relist()) continue;
            throw unknownOutcome("create", name, obs);
        }
        switch (step.do) {
            case "fail":
                throw new LifecycleError("create", name, step.happened, obs.unanswered() ? "Nothing is recorded" : UNCHANGED.create, step.fix);
            case "relist":
                if (await obs.relist()) continue;
                if (obs.unanswered()) throw unknownOutcome("create", name, obs);
                throw new LifecycleError(
                    "create",
                    name,
                    `${step.why}, and the deadline (completionTimeoutSeconds) passed before it did; what is in force is unknown`,
                    UNCHANGED.create,
                    "Run 'pulumi up' again.",
                );
            case "waitForRelease": {
                log.info(`${name}: a release (${short(step.action.id)}) is ${step.action.status}; waiting for it before isolating`);
                const waited = await waitForAction(ctx, step.action, label, deadline);
                obs.note(waited.action);
                waitedForRelease = true;
                await obs.relist(); // when the deadline leaves no time, the release's own answer decides
                continue;
            }
            case "adopt":
                return { action: adopt(step.action, name, step.what, step.caused), caused: step.caused };
            case "isolate": {
                const sent = await obs.send(
                    "Isolate",
                    () => ctx.client.isolate(obs.machineId, { comment: decl.comment, isolationType: decl.isolationType }, { signal: deadline.signal }),
                    decl.isolationType,
                );
                if (sent.kind === "answered") return { action: sent.action, caused: true };
                if (sent.kind === "refused") throw refusedRequest("create", name, sent.error);
                log.info(
                    `${name}: the isolate request got no usable answer (${sent.error.message}); deciding from the device's actions before anything is sent again`,
                );
                continue;
            }
        }
    }
}

export function refusedRequest(op: "create" | "update", name: string, e: DefenderApiError): LifecycleError {
    return new LifecycleError(op, name, e.message, op === "create" ? "Nothing was isolated" : "", fixFor(e.status, e.code), { cause: e });
}

/** A pending or current isolation found in place (or the one our lost request caused) becomes this declaration's, knowingly. */
function adopt(action: MachineAction, name: string, what: "pending" | "current" | "request", caused: boolean): MachineAction {
    if (caused) {
        log.info(
            `${name}: the isolate request got no answer, but Defender made ${short(action.id)} (${action.status}); recording it instead of sending another`,
        );
    } else {
        log.info(
            `${name}: adopting the ${what === "request" ? "pending" : what} isolate ${short(action.id)} (${action.status}, requested by ${action.requestor ?? "unknown"}) instead of sending another; it is this declaration's from now on, and deleting the declaration releases it`,
        );
        markAdopted(action.id);
    }
    return action;
}
