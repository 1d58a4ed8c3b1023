/**
 * Is a device isolated right now? Defender keeps no such field: the newest Succeeded Isolate or
 * Unisolate decides, and a newer Pending/InProgress one is on its way. Pure: actions in, answer out.
 */
import { invalidInputError } from "./errors";
import type { MachineAction } from "./models";

export interface IsolationState {
    /** True when the deciding action is a Succeeded Isolate. */
    isolated: boolean;
    /** Newest Succeeded Isolate or Unisolate: it decides. */
    current?: MachineAction;
    /** Newest Pending/InProgress Isolate or Unisolate newer than `current`: on its way. */
    inFlight?: MachineAction;
    /**
     * Pending/InProgress Isolate or Unisolate actions older than `current`, oldest first. Defender can
     * complete actions out of order, so these can still change the device.
     */
    staleInFlight?: MachineAction[];
}

const COUNTED = new Set(["Isolate", "Unisolate"]);

/**
 * The isolation state of ONE device from its actions (any order; other action types are ignored).
 * Order: creationDateTimeUtc, then lastUpdateDateTimeUtc (missing sorts first), then id.
 */
export function isolationState(actions: readonly MachineAction[]): IsolationState {
    const counted = actions.filter((a) => COUNTED.has(a.type));
    const machines = new Set(counted.map((a) => a.machineId.toLowerCase()));
    if (machines.size > 1) {
        throw invalidInputError(`isolationState takes the actions of one device; got actions of ${machines.size} devices (${[...machines].join(", ")})`);
    }
    const sorted = [...counted].sort(compareActions);
    let currentIndex = -1;
    for (let i = sorted.length - 1; i >= 0; i--) {
        if (sorted[i].status === "Succeeded") {
            currentIndex = i;
            break;
        }
    }
    const inFlightAt = (i: number) => sorted[i].status === "Pending" || sorted[i].status === "InProgress";
    const state: IsolationState = { isolated: currentIndex >= 0 && sorted[currentIndex].type === "Isolate" };
    if (currentIndex >= 0) state.current = sorted[currentIndex];
    for (let i = sorted.length - 1; i > currentIndex; i--) {
        if (inFlightAt(i)) {
            state.inFlight = sorted[i];
            break;
        }
    }
    const stale = sorted.slice(0, Math.max(currentIndex, 0)).filter((a) => a.status === "Pending" || a.status === "InProgress");
    if (stale.length > 0) state.staleInFlight = stale;
    return state;
}

/** Oldest first: creationDateTimeUtc, then lastUpdateDateTimeUtc (missing first), then id. */
export function compareActions(a: MachineAction, b: MachineAction): number {
    return compareTimestamps(a.creationDateTimeUtc, b.creationDateTimeUtc)
        || compareTimestamps(a.lastUpdateDateTimeUtc, b.lastUpdateDateTimeUtc)
        || compareStrings(a.id.toLowerCase(), b.id.toLowerCase());
}

/**
 * Compares ISO timestamps to the digit Defender sends (it sends 7 fractional digits; Date keeps 3).
 * A timestamp without a zone is read as UTC; a missing or unreadable one sorts first.
 */
export function compareTimestamps(a: string | null, b: string | null): number {
    const ka = timestampKey(a);
    const kb = timestampKey(b);
    return ka[0] - kb[0] || ka[1] - kb[1];
}

function timestampKey(value: string | null): [number, number] {
    if (value === null) return [-Infinity, 0];
    const fraction = /\.(\d+)/.exec(value);
    const whole = value.replace(/\.\d+/, "");
    const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(whole) ? whole : `${whole}Z`;
    const seconds = Date.parse(zoned);
    if (Number.isNaN(seconds)) return [-Infinity, 0];
    return [seconds, fraction ? Number(fraction[1].slice(0, 9).padEnd(9, "0")) : 0];
}

function compareStrings(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}
