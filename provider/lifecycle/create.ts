/**
 * create: make the device isolated, and record the isolate MachineAction as the resource id.
 *
 * Contract
 * - One declaration, at most one isolate action. Before any POST the device's actions are listed:
 *   an Isolate already Pending/InProgress is adopted, so is a current Succeeded isolation of the same
 *   type; a current isolation of another type is an error (change isolationType, or release first).
 *   A release still in flight is waited for first, because an isolate racing a release can complete
 *   in either order.
 * - On `400 ActiveRequestAlreadyExists` the pending isolate is adopted. After a 5xx, a timeout or a
 *   lost response the outcome is unknown: the device's actions are listed (a few times, listings lag)
 *   and a new isolate is adopted; none found → an error that says to run again, and nothing is sent twice.
 * - Refused before any isolate: a device that does not exist, a name matching zero or several devices,
 *   a device with a protected machine tag. Each error names the device and the fix.
 * - A pending isolate's type is unknown until it runs (Defender reports no scope while Pending): an
 *   adopted one whose type turns out to differ from the declaration fails create, nothing recorded.
 * - With waitForCompletion, create returns when the action finishes. Failed/TimeOut/Cancelled fails
 *   create: nothing is isolated, nothing is recorded. Still Pending/InProgress at the timeout, or status
 *   polls failing after the action exists: create SUCCEEDS with the last known status and a warning,
 *   because an isolation Defender accepted must be recorded, never lost.
 * - What create returns is plain JSON built from strings Defender sent: it cannot fail to marshal.
 */
import { isDefenderApiError, isolationState, type MachineAction } from "../defender";
import { findActionToAdopt } from "./adopt";
import { markAdopted, type Context } from "./context";
import { deviceName, refuseProtected, resolveDevice } from "./device";
import { toDeclaration, type Declaration } from "./inputs";
import { log, short } from "./log";
import { toOutputs, type IsolationOutputs } from "./outputs";
import { hostLabel, isInFlight, waitForAction } from "./wait";

export async function createIsolation(ctx: Context, inputs: Record<string, unknown>): Promise<{ id: string; outs: IsolationOutputs }> {
    const decl = toDeclaration(inputs);
    const machine = await resolveDevice(ctx.client, decl);
    refuseProtected(machine, decl);
    const name = deviceName(machine);
    const label = hostLabel(machine);

    let action = await isolateOrAdopt(ctx, decl, machine.id, name, label);

    if (decl.waitForCompletion && isInFlight(action.status)) {
        const accepted = action;
        try {
            const waited = await waitForAction(ctx, action, label, decl.completionTimeoutSeconds);
            action = waited.action;
            if (waited.timedOut) {
                log.warn(`Isolate ${short(action.id)} on ${name} is still ${action.status} after ${decl.completionTimeoutSeconds}s (an offline device picks it up when it reconnects; Defender gives up after three days). Recorded as ${action.status}; 'pulumi refresh' updates it.`);
            } else if (waited.pollError) {
                log.warn(`Isolate ${short(action.id)} on ${name} was accepted but its status could not be read (${errorText(waited.pollError)}). Recorded as ${action.status}; 'pulumi refresh' updates it.`);
            }
        } catch (e) {
            // The isolate exists: record it through the engine's partial-failure path rather than lose it.
            throw recordedFailure(`Isolate device ${name}: the isolate ${accepted.id} was accepted, then waiting failed: ${errorText(e)}. It is recorded in state; run 'pulumi refresh' to update its status.`, accepted.id, { ...toOutputs(decl, machine, accepted), __provider: inputs.__provider });
        }
    }
    // Defender reports no scope while an isolate is pending: an adopted one shows its type only now.
    if (action.scope && action.scope !== decl.isolationType) {
        throw new Error(`Isolate device ${name}: the pending isolate ${action.id} that was adopted (requested by ${action.requestor ?? "unknown"}) turned out to be a ${action.scope} isolation, and this declaration asks for ${decl.isolationType}. Nothing was recorded; set isolationType: ${action.scope} to adopt it, or release the device first.`);
    }
    if (action.status === "Failed" || action.status === "TimeOut" || action.status === "Cancelled") {
        throw new Error(`Isolate device ${name}: Defender's isolate action ${action.id} ended ${action.status}${action.status === "TimeOut" ? " (the device did not connect in time)" : ""}. The device is not isolated and nothing was recorded; check that the device is onboarded and online, then run 'pulumi up' again.`);
    }
    return { id: action.id, outs: toOutputs(decl, machine, action) };
}

async function isolateOrAdopt(ctx: Context, decl: Declaration, machineId: string, name: string, label: string): Promise<MachineAction> {
    // At most one wait for a release in flight, then decide on what the device looks like.
    for (let round = 0; round < 2; round++) {
        const actions = await ctx.client.listActions({ machineId });
        const state = isolationState(actions);
        const releasing = newestPending(state.pending, "Unisolate");
        const isolating = newestPending(state.pending, "Isolate");

        if (releasing) {
            if (round > 0) break;
            log.info(`${name}: a release (${short(releasing.id)}) is ${releasing.status}; waiting for it before isolating`);
            const waited = await waitForAction(ctx, releasing, label, decl.completionTimeoutSeconds);
            if (waited.timedOut || waited.pollError) break;
            continue;
        }
        if (isolating) {
            return adopt(isolating, decl, name, "pending");
        }
        if (state.isolated && state.current) {
            return adopt(state.current, decl, name, "current");
        }
        return postIsolate(ctx, decl, machineId, name, new Set(actions.map((a) => a.id)));
    }
    throw new Error(`Isolate device ${name}: a release of this device is still in progress in Defender, and isolating now could race it (they can complete in either order). Nothing was isolated; run 'pulumi up' again once the release has finished.`);
}

/** The newest pending action of a type: any pending action can still complete, however old. */
export function newestPending(pending: MachineAction[] | undefined, type: "Isolate" | "Unisolate"): MachineAction | undefined {
    return (pending ?? []).filter((a) => a.type === type).pop();
}

/** `ownRequest`: the action our own POST created (its answer was lost), rather than one found in place. */
function adopt(action: MachineAction, decl: Declaration, name: string, what: "pending" | "current", ownRequest = false): MachineAction {
    if (action.scope && action.scope !== decl.isolationType) {
        throw new Error(`Isolate device ${name}: the device already has a ${what} ${action.scope} isolation (${action.id}, requested by ${action.requestor ?? "unknown"}), and this declaration asks for ${decl.isolationType}. Set isolationType: ${action.scope} to adopt it, or release the device first. Nothing was changed.`);
    }
    log.info(`${name}: adopting the ${what} isolate ${short(action.id)} (${action.status}, requested by ${action.requestor ?? "unknown"}) instead of sending another`);
    if (!ownRequest) markAdopted(action.id);
    return action;
}

async function postIsolate(ctx: Context, decl: Declaration, machineId: string, name: string, knownIds: Set<string>): Promise<MachineAction> {
    try {
        return await ctx.client.isolate(machineId, { comment: decl.comment, isolationType: decl.isolationType });
    } catch (e) {
        if (!isDefenderApiError(e)) throw e;
        const conflict = e.status === 400 && e.code === "ActiveRequestAlreadyExists";
        if (!conflict && !e.outcomeUnknown) {
            throw new Error(`Isolate device ${name}: ${e.message}. ${fixFor(e.status, e.code)} Nothing was isolated.`, { cause: e });
        }
        const found = await findActionToAdopt(ctx, machineId, "Isolate", knownIds);
        if (found) return adopt(found, decl, name, "pending", !conflict);
        if (conflict) {
            throw new Error(`Isolate device ${name}: Defender answered that an action is already in progress (${e.correlationId ? `correlation id ${e.correlationId}` : "no correlation id"}), but lists no pending isolate to adopt. Nothing was sent twice; run 'pulumi up' again in a minute.`, { cause: e });
        }
        throw new Error(`Isolate device ${name}: the outcome of the isolate request is unknown (${e.message}) and no new isolate action is listed for the device. Nothing was sent twice and nothing is recorded; run 'pulumi up' again: it adopts the action if Defender created it, and isolates otherwise.`, { cause: e });
    }
}

/** What to do about a refused request, by status and Defender code. */
export function fixFor(status: number | undefined, code: string | undefined): string {
    switch (code) {
        case "OsPlatformNotSupported":
        case "ClientVersionNotSupported":
            return "This device's platform or sensor version does not support this isolation type: use isolationType Full, or update the Defender sensor.";
        case "DisabledFeature":
            return "Enable device isolation in the Defender portal (Settings → Endpoints → Advanced features).";
        case "InvalidInput":
        case "InvalidRequestBody":
        case "MissingRequiredParameter":
            return "Defender refused the request body; check comment and isolationType.";
        default:
            break;
    }
    if (status === 401) return "The token was refused: check defender:tenantId, defender:clientId and defender:clientSecret (or the ambient Azure credential).";
    if (status === 403) return "Grant the application the Machine.Isolate permission (and Machine.Read.All for lookups by name) on the WindowsDefenderATP API, with admin consent.";
    if (status === 404) return "The device is not known to Defender (offboarded or deleted).";
    if (status === 429) return "Defender's rate limit held for longer than the provider waits: lower defender:rateLimits or run again later.";
    return "Run 'pulumi up' again; if it persists, quote the correlation id to Microsoft support.";
}

/** An error the engine treats as "created, but failed to initialize": it records id and properties. */
function recordedFailure(message: string, id: string, properties: Record<string, unknown>): Error {
    return Object.assign(new Error(message), { id, properties, reasons: [message] });
}

export function errorText(e: unknown): string {
    return e instanceof Error ? e.message : String(e);
}
