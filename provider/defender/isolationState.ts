/**
 * Is a device isolated right now? Defender keeps no such field. The device is in the state its last
 * *completed* Isolate or Unisolate left it: actions can complete out of order (isolate, isolate,
 * unisolate, unisolate has been seen to complete as isolate, unisolate, unisolate, isolate, leaving
 * the device isolated), so Succeeded actions are ordered by when they finished, not by when they
 * were asked for. Every Pending/InProgress one, however old, can still change the device.
 * Pure: actions in, answer out.
 */
import { invalidInputError } from "./errors";
import type { MachineAction } from "./models";

export interface IsolationState {
    /** True when the deciding action is a Succeeded Isolate. */
    isolated: boolean;
    /** The Succeeded Isolate or Unisolate that finished last: it decides. */
    current?: MachineAction;
    /** The newest Pending/InProgress Isolate or Unisolate: on its way. */
    inFlight?: MachineAction;
    /** Every Pending/InProgress Isolate or Unisolate, oldest first (present when there is one). */
    pending?: MachineAction[];
}

const COUNTED = new Set(["Isolate", "Unisolate"]);

/**
 * The isolation state of ONE device from its actions (any order; other action types are ignored).
 * Finished order: lastUpdateDateTimeUtc (creation time when missing), then creation, then id.
 * Pending order: creationDateTimeUtc, then lastUpdateDateTimeUtc, then id.
 */
export function isolationState(actions: readonly MachineAction[]): IsolationState {
    const counted = actions.filter((a) => COUNTED.has(a.type));
    const machines = new Set(counted.map((a) => a.machineId.toLowerCase()));
    if (machines.size > 1) {
        throw invalidInputError(`isolationState takes the actions of one device; got actions of ${machines.size} devices (${[...machines].join(", ")})`);
    }
    const succeeded = counted.filter((a) => a.status === "Succeeded").sort(compareFinished);
    const pending = counted.filter((a) => a.status === "Pending" || a.status === "InProgress").sort(compareActions);
    const current = succeeded[succeeded.length - 1];
    const state: IsolationState = { isolated: current?.type === "Isolate" };
    if (current) state.current = current;
    if (pending.length > 0) {
        state.inFlight = pending[pending.length - 1];
        state.pending = pending;
    }
    return state;
}

/** Oldest finish first: lastUpdateDateTimeUtc (creation time when missing), then creation order. */
export function compareFinished(a: MachineAction, b: MachineAction): number {
    return compareTimestamps(a.lastUpdateDateTimeUtc ?? a.creationDateTimeUtc, b.lastUpdateDateTimeUtc ?? b.creationDateTimeUtc) || compareActions(a, b);
}

/** Oldest first: creationDateTimeUtc, then lastUpdateDateTimeUtc (missing first), then id. */
export function compareActions(a: MachineAction, b: MachineAction): number {
    return (
        compareTimestamps(a.creationDateTimeUtc, b.creationDateTimeUtc) ||
        compareTimestamps(a.lastUpdateDateTimeUtc, b.lastUpdateDateTimeUtc) ||
        compareStrings(a.id.toLowerCase(), b.id.toLowerCase())
    );
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
