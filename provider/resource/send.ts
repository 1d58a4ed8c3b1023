/**
 * Sending an isolate or a release, and what its answer means. Written once for create, the change of
 * isolation type and delete; each words its own errors from the outcome.
 *
 * - Answered: the action is ours (`caused`).
 * - `400 ActiveRequestAlreadyExists`: the pending action of that type is adopted (it caused the
 *   conflict; `caused` false). None listed: a `conflict`, with the listing, so the caller can say what
 *   is in the way (a release in flight, say).
 * - No usable answer (5xx, timeout, lost response): the device's actions are listed a few times and a
 *   pending action of that type is adopted (ours, or one that raced ours), or the device's current
 *   state when it is already what was asked (ours completed before the listing showed it; see adopt.ts).
 *   When every listing shows neither, and nothing of the other kind is in flight, the request is sent
 *   ONE more time: Defender refuses a second request while one is pending (ActiveRequestAlreadyExists,
 *   adopted as above), so the only duplicate left is a first request that Defender listed only after
 *   every listing (lag beyond the listings' few seconds) and then sends a second action of the same kind.
 * - Any other refusal: `refused`; Defender performed nothing.
 */
import { isDefenderApiError, type DefenderApiError, type MachineAction } from "../defender";
import { findPendingToAdopt, newestPending } from "./adopt";
import type { Context } from "./context";
import { log, short } from "./log";
import type { Deadline } from "./wait";

export type SendOutcome =
    | { kind: "sent"; action: MachineAction; caused: boolean }
    | { kind: "refused"; error: DefenderApiError }
    | { kind: "conflict"; error: DefenderApiError; actions: MachineAction[] }
    | { kind: "unknown"; error: DefenderApiError; actions: MachineAction[] };

export async function sendAdopting(
    ctx: Context,
    request: { machineId: string; type: "Isolate" | "Unisolate"; name: string; deadline: Deadline },
    send: () => Promise<MachineAction>,
): Promise<SendOutcome> {
    const { machineId, type, name, deadline } = request;
    const opposite = type === "Isolate" ? "Unisolate" : "Isolate";
    for (let round = 0; ; round++) {
        try {
            return { kind: "sent", action: await send(), caused: true };
        } catch (e) {
            if (!isDefenderApiError(e)) throw e;
            const conflict = e.status === 400 && e.code === "ActiveRequestAlreadyExists";
            if (!conflict && !e.outcomeUnknown) return { kind: "refused", error: e };
            const search = await findPendingToAdopt(ctx, machineId, type, deadline, !conflict);
            if (search.found) {
                log.info(
                    `${name}: adopting the ${search.found.status} ${type} ${short(search.found.id)} (requested by ${search.found.requestor ?? "unknown"}) instead of sending another`,
                );
                return { kind: "sent", action: search.found, caused: !conflict };
            }
            if (conflict) return { kind: "conflict", error: e, actions: search.actions };
            if (round > 0 || !search.complete || newestPending(search.actions, opposite)) return { kind: "unknown", error: e, actions: search.actions };
            log.info(
                `${name}: no ${type} showed up after a request without a usable answer (${e.message}); sending it once more (Defender refuses a second one while one is pending)`,
            );
        }
    }
}
