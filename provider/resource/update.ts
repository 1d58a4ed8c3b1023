/**
 * update: comments, waiting and guardrails are state only (no API call); a change of isolation type
 * isolates the device again with the new type, in place.
 *
 * Contract of a change of isolation type
 * - Never a release on the way: the new isolate is sent while the old isolation stays in force. When
 *   it succeeds the device is isolated in the new type (Defender makes the newer isolate the deciding
 *   one; see emulator/README.md) and state records the new action as machineActionId (the resource id
 *   stays the first isolate's).
 * - Any other end leaves the device isolated in the old type, and state says so (unchanged): Defender
 *   refusing the isolate (4xx), the isolate ending Failed/TimeOut/Cancelled, a release or another
 *   isolate in flight on the device (nothing is sent), our isolation having ended already (refresh
 *   drops it; the next `up` isolates in the new type). The error names the type still in force.
 * - Still Pending at the deadline (completionTimeoutSeconds from the start of update): the new isolate
 *   is cancelled, so the old type stays the one in force; if the cancel loses the race and the isolate
 *   succeeded, that is recorded. If the cancel cannot be confirmed, the new isolate is recorded through
 *   the engine's partial-failure path (state holds it, the next `up` updates again): never lost.
 * - Without waitForCompletion, the accepted new isolate is recorded as it is (Pending).
 * - A new isolate that succeeds with a scope other than the one asked for is recorded with the type
 *   Defender reports, through the partial-failure path (the next `up` tries the change again).
 * - Protected tags are not checked again: the device is isolated already; only the type changes.
 */
import type { MachineAction } from "../defender";
import type { Context } from "./context";
import { deviceName } from "./device";
import { fixFor, LifecycleError, PREFIX, recordedFailure } from "./failures";
import { toDeclaration, type Declaration } from "./inputs";
import { log, short } from "./log";
import { actionOutputs, currentActionId, declarationFromState } from "./outputs";
import { Observation } from "./observe";
import { reportedType, scopeFits } from "./scope";
import { planTypeChange } from "./steps";
import { deadlineAfter, hostLabel, isInFlight, waitForAction } from "./wait";

type Props = Record<string, unknown>;

const STATE_ONLY = ["comment", "releaseComment", "waitForCompletion", "completionTimeoutSeconds", "protectedMachineTags"] as const;

/** `ctx` is asked for only when Defender must be called (a state-only update needs no configuration). */
export async function updateIsolation(ctx: () => Context, id: string, olds: Props, news: Props): Promise<{ outs: Props }> {
    const decl = toDeclaration(news);
    const outs: Props = { ...olds };
    for (const key of STATE_ONLY) outs[key] = decl[key];
    const oldType = declarationFromState(olds).isolationType;
    if (decl.isolationType === oldType) return { outs };
    return { outs: await changeType(ctx(), id, outs, decl, oldType) };
}

async function changeType(ctx: Context, id: string, outs: Props, decl: Declaration, oldType: string): Promise<Props> {
    const machineId = typeof outs.machineId === "string" ? outs.machineId : "";
    const device = { id: machineId, computerDnsName: typeof outs.computerDnsName === "string" ? outs.computerDnsName : "" };
    const name = deviceName(device);
    const label = hostLabel(device);
    const deadline = deadlineAfter(decl.completionTimeoutSeconds);
    const prefix = `${PREFIX.update} ${name} to ${decl.isolationType}`;
    const subject = `${name} to ${decl.isolationType}`;
    const stillOld = `The device is still isolated as ${oldType} and the state says so`;
    const kept = (what: string, fix: string) => new LifecycleError("update", subject, what, stillOld, fix);
    const recordAs = (action: MachineAction, type: string) => ({ ...outs, ...actionOutputs(action), isolationType: type });

    const ourId = currentActionId(id, outs);
    const since = Date.now();
    const listed = await ctx.client.listActions({ machineId }, { signal: deadline.signal });
    const obs = new Observation(ctx, machineId, deadline, since, ourId, { actions: listed, at: since });
    await obs.readOurs();
    let held: MachineAction | undefined;
    while (held === undefined) {
        const step = planTypeChange(obs.assess(), obs.sent);
        const unknown = () =>
            kept(
                "the outcome of the new isolate request is unknown, and the deadline (completionTimeoutSeconds) passed before the device's listing showed what it caused",
                "run 'pulumi up' again: it records the new isolate if Defender made it, and sends it otherwise.",
            );
        if (obs.settling() && (step.do === "isolate" || step.do === "fail")) {
            if (await obs.relist()) continue;
            throw unknown();
        }
        switch (step.do) {
            case "fail":
                throw step.happened.includes("no longer in force")
                    ? new LifecycleError("update", subject, step.happened, "", step.fix.replace("in the new type", `as ${decl.isolationType}`))
                    : kept(step.happened, step.fix);
            case "relist":
                if (await obs.relist()) continue;
                if (obs.unanswered()) throw unknown();
                throw kept(`${step.why}, and the deadline (completionTimeoutSeconds) passed before it did`, "run 'pulumi up' again.");
            case "record":
                log.info(
                    `${name}: the new isolate request got no answer, but Defender made ${short(step.action.id)} (${step.action.status}); recording it instead of sending another`,
                );
                held = step.action;
                break;
            case "isolate": {
                if (obs.sent.length === 0) {
                    log.info(
                        `${name}: changing the isolation from ${oldType} to ${decl.isolationType} in place: isolating again with the new type while ${short(ourId)} stays in force`,
                    );
                }
                const sent = await obs.send(
                    "Isolate",
                    () => ctx.client.isolate(machineId, { comment: decl.comment, isolationType: decl.isolationType }, { signal: deadline.signal }),
                    decl.isolationType,
                );
                if (sent.kind === "answered") held = sent.action;
                else if (sent.kind === "refused") throw kept(sent.error.message, `${fixFor(sent.error.status, sent.error.code)} Then run 'pulumi up' again.`);
                else
                    log.info(
                        `${name}: the new isolate request got no usable answer (${sent.error.message}); deciding from the device's actions before anything is sent again`,
                    );
                break;
            }
        }
    }
    if (decl.waitForCompletion && isInFlight(held.status)) {
        const waited = await waitForAction(ctx, held, label, deadline);
        held = waited.action;
        if (isInFlight(held.status)) held = await cancelLate(ctx, { id, held, pending: recordAs(held, decl.isolationType) }, decl, name, prefix, kept);
    }
    if (held.status === "Failed" || held.status === "TimeOut" || held.status === "Cancelled") {
        throw kept(`the new isolate ${held.id} ended ${held.status}`, "check the device in the Defender portal, then run 'pulumi up' again.");
    }
    if (!scopeFits(decl.isolationType, held.scope)) {
        const actual = reportedType(held.scope) ?? decl.isolationType;
        throw recordedFailure(
            `${prefix}: the new isolate ${held.id} turned out to be a ${held.scope} isolation. It is recorded in state as ${actual}; run 'pulumi up' again to retry the change.`,
            id,
            recordAs(held, actual),
        );
    }
    if (isInFlight(held.status))
        log.warn(
            `${name}: the isolate ${short(held.id)} as ${decl.isolationType} is ${held.status} (waitForCompletion is false); until it runs the device stays isolated as ${oldType}. 'pulumi refresh' updates it.`,
        );
    return recordAs(held, decl.isolationType);
}

/** The new isolate outlived the deadline: cancel it, so the old type stays the one in force. */
async function cancelLate(
    ctx: Context,
    late: { id: string; held: MachineAction; pending: Props },
    decl: Declaration,
    name: string,
    prefix: string,
    kept: (what: string, fix: string) => Error,
): Promise<MachineAction> {
    const { held, pending } = late;
    let after: MachineAction;
    try {
        after = await ctx.client.cancelAction(held.id, `Not applied in time: ${decl.comment}`.slice(0, 1000));
    } catch {
        after = await ctx.client.getAction(held.id).catch(() => held);
    }
    if (after.status === "Cancelled") {
        throw kept(
            `the new isolate ${held.id} was still ${held.status} after ${decl.completionTimeoutSeconds}s, so it was cancelled`,
            "run 'pulumi up' again when the device is online, or raise completionTimeoutSeconds.",
        );
    }
    if (isInFlight(after.status)) {
        throw recordedFailure(
            `${prefix}: the new isolate ${held.id} is still ${after.status} after ${decl.completionTimeoutSeconds}s and cancelling it could not be confirmed. It is recorded in state, so nothing is lost; run 'pulumi refresh' and 'pulumi up' again.`,
            late.id,
            pending,
        );
    }
    log.info(`${name}: the isolate ${short(held.id)} finished ${after.status} before the cancel`);
    return after;
}
