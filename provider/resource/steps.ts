/**
 * What each operation does next, from the one assessment (evidence.ts). Pure. The operations
 * (create.ts, read.ts, update.ts, remove.ts) carry the steps out: they send what a step says, list or
 * read again when it says so, and turn a refusal into the lifecycle error (failures.ts).
 *
 * Fail closed: when the evidence does not decide, nothing is sent, the resource and its state stay as
 * they are, and the step says what is unknown.
 */
import type { MachineAction } from "../defender";
import type { Assessment, RequestOutcome, Sent } from "./evidence";
import { isInFlight } from "./evidence";
import type { IsolationType } from "./inputs";
import { short } from "./log";

/** A refusal: what happened and the one fix; the operation adds what is recorded. */
export interface Refusal {
    do: "fail";
    happened: string;
    fix: string;
}

/** List the device's actions again (and read ours by id), then decide again. */
export interface Relist {
    do: "relist";
    why: string;
}

const who = (a: MachineAction) => a.requestor ?? "unknown";
const refuse = (happened: string, fix: string): Refusal => ({ do: "fail", happened, fix });
const relist = (why: string): Relist => ({ do: "relist", why });
const WAIT_AND_RUN = "Wait for it to finish, then run the command again.";

function oddRefusal(a: Assessment): Refusal {
    const odd = a.odd[a.odd.length - 1];
    return refuse(
        `Defender reports the ${odd.type} ${odd.id} (requested by ${who(odd)}) with the status ${JSON.stringify(odd.status)}, which it does not document, so whether the device is isolated cannot be told`,
        "Check the action in the Defender portal, then run the command again once its status is one Defender documents.",
    );
}

/** Whether an isolate's reported scope contradicts the type asked for (no scope, or an unknown one, cannot). */
export function scopeDiffers(a: MachineAction, asked: IsolationType): boolean {
    if (a.scope === null || a.scope === asked) return false;
    if (asked === "UnManagedDevice" && a.scope === "Full") return false;
    return ["Full", "Selective", "UnManagedDevice"].includes(a.scope);
}

/**
 * After the last request went without a usable answer, or was refused as a duplicate: the step it
 * decides, or undefined when it was not performed and may be sent once more, which the operation's own
 * checks then decide afresh (what is in the way may have changed since).
 */
function afterRequest<T>(
    r: RequestOutcome,
    sent: Sent,
    a: Assessment,
    resent: boolean,
    found: (action: MachineAction, caused: boolean) => T,
): T | Refusal | Relist | undefined {
    const kind = sent.type === "Isolate" ? "isolate" : "release";
    if (r.kind === "found") return found(r.action, r.caused);
    if (r.kind === "unknown") return relist(r.why);
    if (r.kind !== "notPerformed") return undefined;
    const opposite = sent.type === "Isolate" ? a.pendingRelease : a.pendingIsolate;
    if (opposite) {
        return refuse(
            `Defender did not take the ${kind} while the ${opposite.type === "Isolate" ? "isolate" : "release"} ${opposite.id} (requested by ${who(opposite)}) is still in progress (${opposite.status}) on the device; the two could complete in either order`,
            WAIT_AND_RUN,
        );
    }
    if (sent.outcome === "conflict") {
        return refuse(`Defender answered that an action is already in progress, but lists no pending ${kind} to adopt`, "Run the command again in a minute.");
    }
    if (resent) {
        return refuse(
            `the outcome of the ${kind} request is unknown: it got no usable answer twice, and Defender lists no ${kind} it caused`,
            sent.type === "Isolate"
                ? "Run 'pulumi up' again: it adopts the isolate if Defender made it, and isolates otherwise."
                : "Run the command again: a release Defender made is found, never sent twice.",
        );
    }
    return undefined;
}

// ---------------------------------------------------------------------------------------------------
// create

export type CreateStep =
    | { do: "isolate" }
    | { do: "adopt"; action: MachineAction; caused: boolean; what: "pending" | "current" | "request" }
    | { do: "waitForRelease"; action: MachineAction }
    | Relist
    | Refusal;

export function planCreate(a: Assessment, asked: IsolationType, sent: readonly Sent[], waitedForRelease: boolean): CreateStep {
    const last = sent[sent.length - 1];
    if (last && a.request) {
        if (a.request.kind === "ended") {
            const x = a.request.action;
            return refuse(
                `the isolate ${x.id} that the request caused ended ${x.status}; the device is not isolated`,
                "Check that the device is onboarded and online, then run 'pulumi up' again.",
            );
        }
        const next = afterRequest<CreateStep>(a.request, last, a, sent.length > 1, (action, caused) => ({ do: "adopt", action, caused, what: "request" }));
        if (next) return next;
    }
    if (a.odd.length > 0) return oddRefusal(a);
    if (a.pendingRelease) {
        if (!waitedForRelease) return { do: "waitForRelease", action: a.pendingRelease };
        return refuse(
            `a release of this device is still in progress (${a.pendingRelease.id}, requested by ${who(a.pendingRelease)}, ${a.pendingRelease.status}), and isolating now could race it (they can complete in either order)`,
            "Run 'pulumi up' again once the release has finished.",
        );
    }
    const pending = a.pendingIsolate;
    if (pending) {
        if (scopeDiffers(pending, asked)) return otherType(pending, "pending", asked);
        return { do: "adopt", action: pending, caused: false, what: "pending" };
    }
    if (a.isolated && a.current) {
        if (scopeDiffers(a.current, asked)) return otherType(a.current, "current", asked);
        // A finished isolation is adopted only once the listing covers the start of create: a release
        // it does not show yet would leave the device released while state says isolated.
        if (!a.covered) return relist(`the isolation in place is adopted only once the device's listing covers the start of create (${a.uncovered ?? ""})`);
        return { do: "adopt", action: a.current, caused: false, what: "current" };
    }
    return { do: "isolate" };
}

function otherType(action: MachineAction, what: string, asked: IsolationType): Refusal {
    return refuse(
        `the device already has a ${what} ${action.scope} isolation (${action.id}, requested by ${who(action)}), and this declaration asks for ${asked}`,
        `Set isolationType: ${action.scope} to adopt it, or release the device first.`,
    );
}

// ---------------------------------------------------------------------------------------------------
// read (refresh)

export type ReadStep = { do: "keep"; action: MachineAction | undefined; warn?: string } | { do: "gone"; why: string };

export function planRead(a: Assessment): ReadStep {
    const ours = a.ours;
    switch (a.standing) {
        case "failed":
            return { do: "gone", why: `the isolate ${short(ours?.id ?? "")} ended ${ours?.status}; the device is not isolated by this declaration` };
        case "ended":
            return {
                do: "gone",
                why: `released since this isolation by ${who(a.endedBy as MachineAction)} (${short(a.endedBy?.id ?? "")}, ${a.endedBy?.lastUpdateDateTimeUtc ?? ""}); anything done to the device since is not this declaration's`,
            };
        case "gone":
            if (a.endedBy)
                return {
                    do: "gone",
                    why: `Defender no longer knows the isolate this resource recorded, and lists a release of the device (${short(a.endedBy.id)}) after it`,
                };
            return { do: "keep", action: undefined, warn: `${a.unknown}; kept in state` };
        case "odd":
            return { do: "keep", action: ours, warn: `${a.unknown}; kept in state as it was` };
        default: {
            if (a.odd.length > 0) {
                const odd = a.odd[a.odd.length - 1];
                return {
                    do: "keep",
                    action: ours,
                    warn: `Defender reports the ${odd.type} ${odd.id} with the undocumented status ${JSON.stringify(odd.status)}; this isolation is kept as it was`,
                };
            }
            return { do: "keep", action: ours };
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// delete

export type DeleteStep =
    | { do: "done"; note: string; leftInForce?: MachineAction }
    | { do: "cancel"; action: MachineAction }
    | { do: "release" }
    | { do: "waitForRelease"; action: MachineAction }
    | Relist
    | Refusal;

export function planDelete(a: Assessment, sent: readonly Sent[]): DeleteStep {
    const last = sent[sent.length - 1];
    if (last && a.request) {
        if (a.request.kind === "done") return { do: "done", note: `released (${short(a.request.by.id)}, requested by ${who(a.request.by)})` };
        const next = afterRequest<DeleteStep>(a.request, last, a, sent.length > 1, (action) => ({ do: "waitForRelease", action }));
        if (next) return next;
    }
    const ours = a.ours;
    switch (a.standing) {
        case "odd":
            return refuse(a.unknown ?? "", "Check the action in the Defender portal, then run the command again.");
        case "failed":
            return { do: "done", note: `the isolate ${short(ours?.id ?? "")} ended ${ours?.status}; nothing to release` };
        case "pending":
            return { do: "cancel", action: ours as MachineAction };
        case "ended": {
            const theirs = a.since[a.since.length - 1];
            return {
                do: "done",
                note: `this declaration's isolation already ended (released by ${who(a.endedBy as MachineAction)}, ${short(a.endedBy?.id ?? "")}); nothing of ours to release${theirs ? `. The ${theirs.status} isolate ${short(theirs.id)} requested since by ${who(theirs)} is theirs: left in place` : ""}`,
            };
        }
        case "gone":
            if (a.onTop) return onTop(a.onTop, "Defender no longer knows the isolate this resource recorded (purged)");
            if (a.endedBy)
                return {
                    do: "done",
                    note: `Defender no longer knows the isolate this resource recorded (purged), and lists a release after it (${short(a.endedBy.id)}); nothing to release`,
                };
            if (a.pendingRelease) return { do: "waitForRelease", action: a.pendingRelease };
            return refuse(
                a.unknown ?? "",
                "Check the device in the Defender portal: if it is isolated and should not be, release it there; then run 'pulumi state delete' for this resource.",
            );
        default:
            break;
    }
    if (a.odd.length > 0) return oddRefusal(a);
    if (a.onTop) return onTop(a.onTop, "an isolation was made on top of this declaration's");
    if (a.pendingIsolate) {
        return refuse(
            `another isolate (${a.pendingIsolate.id}, requested by ${who(a.pendingIsolate)}) is ${a.pendingIsolate.status} on the device, and a release now could race it`,
            WAIT_AND_RUN,
        );
    }
    if (a.pendingRelease) return { do: "waitForRelease", action: a.pendingRelease };
    // Releasing ends whatever is in force: only once the listing covers the start of delete, so an
    // isolation someone made on top of ours just before is seen.
    if (!a.covered) return relist(`a release is sent only once the device's listing covers the start of delete (${a.uncovered ?? ""})`);
    return { do: "release" };
}

function onTop(theirs: MachineAction, what: string): DeleteStep {
    return {
        do: "done",
        leftInForce: theirs,
        note: `${what}: the ${theirs.scope ?? ""} isolate ${short(theirs.id)} requested by ${who(theirs)} is the newest isolation in force, and it is theirs: left in force, not released; this declaration leaves state`,
    };
}

// ---------------------------------------------------------------------------------------------------
// a change of isolation type

export type ChangeStep = { do: "isolate" } | { do: "record"; action: MachineAction; caused: boolean } | Relist | Refusal;

export function planTypeChange(a: Assessment, sent: readonly Sent[]): ChangeStep {
    const last = sent[sent.length - 1];
    if (last && a.request) {
        if (a.request.kind === "ended")
            return refuse(
                `the new isolate ${a.request.action.id} ended ${a.request.action.status}`,
                "Check the device in the Defender portal, then run 'pulumi up' again.",
            );
        const next = afterRequest<ChangeStep>(a.request, last, a, sent.length > 1, (action, caused) => ({ do: "record", action, caused }));
        if (next) return next;
    }
    const ours = a.ours;
    switch (a.standing) {
        case "odd":
        case "gone":
            return refuse(a.unknown ?? "", "Run 'pulumi refresh', then 'pulumi up' again.");
        case "failed":
        case "ended":
            return refuse(
                `the isolation this resource recorded (${ours?.id ?? ""}) is no longer in force (${a.standing === "failed" ? `it ended ${ours?.status}` : `released by ${who(a.endedBy as MachineAction)}`}); nothing was sent`,
                "Run 'pulumi refresh', then 'pulumi up' to isolate the device in the new type.",
            );
        case "pending":
            return refuse(`the isolate ${ours?.id ?? ""} this resource holds is still ${ours?.status}, and a new isolate could race it`, WAIT_AND_RUN);
        default:
            break;
    }
    if (a.odd.length > 0) return oddRefusal(a);
    const inFlight = a.pendingRelease ?? a.pendingIsolate;
    if (inFlight && isInFlight(inFlight.status)) {
        return refuse(
            `the ${inFlight.type} ${inFlight.id} (requested by ${who(inFlight)}) is still ${inFlight.status} on the device, and a new isolate could race it`,
            WAIT_AND_RUN,
        );
    }
    return { do: "isolate" };
}
