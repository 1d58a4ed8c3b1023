/**
 * Adoption: the rule that keeps one declaration to one action. POST is not idempotent, so when
 * Defender says an action is already in progress, or a POST's outcome is unknown (5xx, timeout,
 * lost response), the device's actions are listed and the action found there is adopted instead of
 * sending a second request. A fresh action can be missing from listings for a moment, so the
 * listing is asked a few times before concluding there is none.
 */
import { compareActions, type MachineAction } from "../defender";
import type { Context } from "./context";
import { isInFlight, sleep } from "./wait";

export const ADOPT_ATTEMPTS = 6;

/**
 * The action of `type` that Defender has for the device: one in flight, or one not among
 * `knownIds` (the actions listed before our request, so any other is new). Undefined if none shows up.
 */
export async function findActionToAdopt(
    ctx: Context,
    machineId: string,
    type: "Isolate" | "Unisolate",
    knownIds: ReadonlySet<string>,
): Promise<MachineAction | undefined> {
    for (let attempt = 0; attempt < ADOPT_ATTEMPTS; attempt++) {
        if (attempt > 0) await sleep(Math.max(ctx.pollIntervalMs, 500));
        const actions = await ctx.client.listActions({ machineId });
        const found = actions
            .filter((a) => a.type === type && (isInFlight(a.status) || !knownIds.has(a.id)))
            .sort((a, b) => compareActions(b, a))[0];
        if (found) return found;
    }
    return undefined;
}
