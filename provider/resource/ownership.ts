/**
 * Whose isolation is it? Pure rules over a device's actions, written once for refresh, delete and
 * the change of isolation type.
 *
 * - Ours: the isolate action state records (the one our request caused, or the one a create adopted,
 *   knowingly: adopting makes it ours). It is in force from when it finished until a release finished
 *   after it (by anyone: the portal, another tool, us).
 * - Once a release has ended it, what anyone does to the device afterwards is theirs: a later isolate
 *   by someone else is not ours to release or cancel.
 * - An action of ours that Defender reports with an undocumented type (an UnManagedDevice contain may
 *   not be of type Isolate) still counts as the isolation it is.
 */
import { compareFinished, type MachineAction } from "../defender";
import { ISOLATION_TYPES, type IsolationType } from "./inputs";

/** Our action as the decisions count it: as an Isolate, whatever type Defender reports. */
export function asIsolate(ours: MachineAction): MachineAction {
    return ours.type === "Isolate" ? ours : { ...ours, type: "Isolate" };
}

/** The device's actions with ours counted (a lagging listing may lack it; its type may be undocumented). */
export function withOurs(actions: readonly MachineAction[], ours: MachineAction): MachineAction[] {
    const id = ours.id.toLowerCase();
    return [...actions.filter((a) => a.id.toLowerCase() !== id), asIsolate(ours)];
}

/** The first Succeeded release that finished after our (Succeeded) isolate: it ended our isolation. */
export function releaseAfter(actions: readonly MachineAction[], ours: MachineAction): MachineAction | undefined {
    if (ours.status !== "Succeeded") return undefined;
    return actions.filter((a) => a.type === "Unisolate" && a.status === "Succeeded" && compareFinished(a, ours) > 0).sort(compareFinished)[0];
}

/** Isolates someone requested once `release` had ended ours, newest last: theirs, never ours to release or cancel. */
export function isolationsSince(actions: readonly MachineAction[], release: MachineAction, ours: MachineAction): MachineAction[] {
    const ourId = ours.id.toLowerCase();
    return actions
        .filter(
            (a) => a.type === "Isolate" && a.id.toLowerCase() !== ourId && (a.status === "Succeeded" || a.status === "Pending" || a.status === "InProgress"),
        )
        .filter((a) => compareFinished(a, release) >= 0 || a.status !== "Succeeded")
        .sort(compareFinished);
}

/**
 * Whether the scope Defender reports fits the isolation type asked for. No scope (pending, or never
 * reported) and a value this provider does not know cannot contradict it. An UnManagedDevice contain
 * may be reported as Full: Defender documents scope only as Full or Selective.
 */
export function scopeFits(asked: IsolationType, reported: string | null): boolean {
    if (reported === null || reported === asked) return true;
    if (!(ISOLATION_TYPES as readonly string[]).includes(reported)) return true;
    return asked === "UnManagedDevice" && reported === "Full";
}

/** The isolation type a reported scope says, when it is one this provider knows. */
export function reportedType(reported: string | null): IsolationType | undefined {
    return (ISOLATION_TYPES as readonly string[]).includes(reported ?? "") ? (reported as IsolationType) : undefined;
}
