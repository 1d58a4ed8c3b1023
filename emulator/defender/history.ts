// What Defender does to the action history besides recording it: listings that lag behind new actions
// (globally, `quirks.indexingLagMs`, or per action), actions purged (retention, or on demand), and
// statuses outside the documented set. Pure over the state; the control API and the handlers use them.
import { EmulatorConfig } from "../base/runtimeOptions";
import { DefenderState, isFinal } from "./defenderState";
import { ActionRecord } from "./models";

/** Whether a listing at `now` shows the action: past the global lag and its own. */
export function isListed(a: ActionRecord, now: number, config: EmulatorConfig): boolean {
    const lag = config.quirks.indexingLagMs;
    return a.createdAt <= now - lag && (a.listedFrom === undefined || a.listedFrom <= now);
}

/** Hides the action from listings (not from GET by id) for `ms` from `now`. */
export function hideFromListings(a: ActionRecord, ms: number, now: number): void {
    a.listedFrom = Math.max(a.listedFrom ?? 0, now + ms);
}

/** Actions to purge: these ids, or every finished action of a device (or of all), finished before a time. */
export interface PurgeFilter {
    ids?: readonly string[];
    machineId?: string;
    /** Only actions that finished at or before this time (epoch ms). */
    finishedBefore?: number;
}

/** Purges what the filter selects (unfinished actions only when named by id); returns their ids. */
export function purgeActions(state: DefenderState, filter: PurgeFilter): string[] {
    const wanted = filter.ids?.map((id) => id.toLowerCase());
    const chosen = [...state.actions.values()].filter(
        (a) =>
            (wanted === undefined ? isFinal(a.status) : wanted.includes(a.id)) &&
            (filter.machineId === undefined || a.machineId === filter.machineId.toLowerCase()) &&
            (filter.finishedBefore === undefined || (isFinal(a.status) && a.lastUpdateAt <= filter.finishedBefore)),
    );
    return chosen.filter((a) => state.purge(a.id)).map((a) => a.id);
}

/** Retention (`actionRetentionMs`): finished actions older than it are gone. */
export function purgeExpired(state: DefenderState, config: EmulatorConfig, now: number): void {
    if (config.actionRetentionMs > 0) purgeActions(state, { finishedBefore: now - config.actionRetentionMs });
}
