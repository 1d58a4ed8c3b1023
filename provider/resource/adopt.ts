/**
 * Adoption: the rule that keeps one declaration to one action. POST is not idempotent, so when
 * Defender says an action is already in progress, or a POST's outcome is unknown (5xx, timeout,
 * lost response), the device's actions are listed and the action found there is adopted instead of
 * sending a second request.
 *
 * Only a Pending/InProgress action of the requested type is adopted: it is the one that caused the
 * conflict, or the one our request created, or one that raced it. A finished action is never adopted
 * for being new: a listing that lagged before the request would make an old Succeeded or Failed one
 * look new. After a request with no usable answer (`orCurrent`), the device's CURRENT state is also
 * accepted when it is what was asked for: the deciding action is an isolate (for an isolate) or a
 * release (for a release) and nothing of the other kind is in flight. That is the rule create applies
 * before any request (a current isolation is adopted), and it covers our own request having completed
 * before a lagging listing showed it.
 * A fresh action can be missing from listings for a moment, so the listing is asked a few times
 * (the first always, the others while the operation's deadline allows).
 */
import { compareActions, isolationState, type MachineAction } from "../defender";
import type { Context } from "./context";
import { isInFlight, remainingMs, sleep, type Deadline } from "./wait";

export const ADOPT_ATTEMPTS = 6;

export interface AdoptionSearch {
    /** The newest pending action of the type, if one showed up. */
    found?: MachineAction;
    /** The device's actions as the last listing showed them. */
    actions: MachineAction[];
    /** Every attempt was made (false: the deadline cut the search short). */
    complete: boolean;
}

export async function findPendingToAdopt(
    ctx: Context,
    machineId: string,
    type: "Isolate" | "Unisolate",
    deadline: Deadline,
    orCurrent = false,
): Promise<AdoptionSearch> {
    const pause = Math.max(ctx.pollIntervalMs, 500);
    let actions: MachineAction[] = [];
    for (let attempt = 0; attempt < ADOPT_ATTEMPTS; attempt++) {
        if (attempt > 0) {
            if (remainingMs(deadline) < pause) return { actions, complete: false };
            await sleep(pause);
        }
        actions = await ctx.client.listActions({ machineId });
        const found = newestPending(actions, type) ?? (orCurrent ? currentIf(actions, type) : undefined);
        if (found) return { found, actions, complete: true };
    }
    return { actions, complete: true };
}

/** The newest Pending/InProgress action of a type: any pending action can still complete, however old. */
export function newestPending(actions: readonly MachineAction[] | undefined, type: "Isolate" | "Unisolate"): MachineAction | undefined {
    return [...(actions ?? [])]
        .filter((a) => a.type === type && isInFlight(a.status))
        .sort(compareActions)
        .pop();
}

/** The device's deciding action when it is of `type` and nothing of either kind is in flight. */
function currentIf(actions: readonly MachineAction[], type: "Isolate" | "Unisolate"): MachineAction | undefined {
    const state = isolationState(actions);
    return state.pending === undefined && state.current?.type === type ? state.current : undefined;
}
