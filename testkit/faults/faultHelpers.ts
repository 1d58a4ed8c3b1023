/**
 * Small helpers the fault scenarios share: the emulator's actions of a device, waiting until the
 * provider waits on an action, checking a failed operation, and action timings.
 */
import { strict as assert } from "assert";
import type { MachineActionJson } from "../../emulator";
import type { Command, OpResult, Rig } from "./faultRig";

/** Actions stay Pending/InProgress long enough for a scenario to act on them. */
export const SLOW_ACTIONS = { actionDelays: { toInProgressMs: 60_000, toSucceededMs: 60_000 } };
/** The rig's usual action timings (FAST_EMULATOR). */
export const FAST_ACTIONS = { actionDelays: { toInProgressMs: 40, toSucceededMs: 120 } };

/** The emulator's actions of `type` on the device, in creation order. */
export function actionsOf(rig: Rig, type: "Isolate" | "Unisolate", machineId: string): MachineActionJson[] {
    return rig.emulator.state().actions.filter((a) => a.machineId === machineId && a.type === type);
}

/** Resolves once the provider says it waits for an action of `type`: that action is then the device's newest of that type. */
export async function whenWaiting(rig: Rig, cmd: Command, type: "Isolate" | "Unisolate", machineId: string): Promise<MachineActionJson> {
    await cmd.nextLine(new RegExp(`waiting for ${type} `));
    const list = actionsOf(rig, type, machineId);
    assert.ok(list.length > 0, `an ${type} action exists`);
    return list[list.length - 1];
}

/** The operation failed with a message matching `pattern`. */
export function assertFailed(result: OpResult | undefined, pattern: RegExp): void {
    assert.ok(result, "the operation ran");
    assert.ok(!result.ok, "the operation failed");
    assert.match(result.error.message, pattern);
}

export function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
