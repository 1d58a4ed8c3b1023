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
import { isolationState, type MachineAction } from "../defender";
import { newestPending } from "./adopt";
import type { Context } from "./context";
import { postIsolate } from "./create";
import { deviceName } from "./device";
import { errorText, PREFIX, recordedFailure } from "./failures";
import { toDeclaration, type Declaration } from "./inputs";
import { log, short } from "./log";
import { actionOutputs, currentActionId, declarationFromState } from "./outputs";
import { releaseAfter, reportedType, scopeFits, withOurs } from "./ownership";
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
    const kept = (what: string, fix: string) => new Error(`${prefix}: ${what}. The device is still isolated as ${oldType} and the state says so; ${fix}`);
    const recordAs = (action: MachineAction, type: string) => ({ ...outs, ...actionOutputs(action), isolationType: type });

    const ourId = currentActionId(id, outs);
    const listed = await ctx.client.listActions({ machineId });
    const ours = listed.find((a) => a.id.toLowerCase() === ourId.toLowerCase()) ?? (await ctx.client.getAction(ourId));
    const actions = withOurs(listed, ours);
    const now = isolationState(actions);
    const inFlight = newestPending(now.pending, "Unisolate") ?? newestPending(now.pending, "Isolate");
    if (inFlight) {
        throw kept(
            `the ${inFlight.type} ${inFlight.id} (requested by ${inFlight.requestor ?? "unknown"}) is still ${inFlight.status} on the device, and a new isolate could race it`,
            "run 'pulumi up' again once it has finished.",
        );
    }
    const ended = ours.status === "Succeeded" ? releaseAfter(actions, ours) : ours;
    if (ended) {
        throw new Error(
            `${prefix}: the isolation this resource recorded (${ourId}) is no longer in force (${ended === ours ? `it ended ${ours.status}` : `released by ${ended.requestor ?? "unknown"}`}); nothing was sent. Run 'pulumi refresh', then 'pulumi up' to isolate the device as ${decl.isolationType}.`,
        );
    }

    log.info(
        `${name}: changing the isolation from ${oldType} to ${decl.isolationType} in place: isolating again with the new type while ${short(ourId)} stays in force`,
    );
    let held: MachineAction;
    try {
        held = (await postIsolate(ctx, decl, machineId, name, deadline, prefix)).action;
    } catch (e) {
        // postIsolate words what Defender did not do; the old isolation is what stays.
        const why = errorText(e)
            .replace(/^[^:]*: /, "")
            .replace(/ Nothing (was|is) [^.;]*[.;]?/g, "")
            .replace(/\.?\s*$/, "");
        throw kept(why, "fix the cause, then run 'pulumi up' again.");
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
