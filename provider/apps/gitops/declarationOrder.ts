/**
 * The order the program declares its devices in: the devices the stack's last deployment did not
 * declare come first. The engine works through declarations in the order they arrive, and with
 * `refresh: always` each device the stack holds costs it a read, a check and two diffs (about 90 ms
 * each with 500 held, on two cores): declared in name order, a new incident's devices waited for the
 * held ones before them, its last isolate a minute after the command started. Order changes nothing
 * else: what is declared, and so what is isolated or released, is the same.
 */
import * as pulumi from "@pulumi/pulumi";
import { READ_STACK_OUTPUTS } from "./previousSelection";

/** The device ids the outputs list (`incidents.<id>.devices[].machineId`), lower-cased; empty when they list none. */
export function declaredDevices(outputs: unknown): Set<string> {
    const out = new Set<string>();
    const incidents = typeof outputs === "object" && outputs !== null ? (outputs as Record<string, unknown>).incidents : undefined;
    if (typeof incidents !== "object" || incidents === null) return out;
    for (const incident of Object.values(incidents as Record<string, unknown>)) {
        const devices = typeof incident === "object" && incident !== null ? (incident as Record<string, unknown>).devices : undefined;
        if (!Array.isArray(devices)) continue;
        for (const d of devices) {
            const id = typeof d === "object" && d !== null ? (d as Record<string, unknown>).machineId : undefined;
            if (typeof id === "string") out.add(id.toLowerCase());
        }
    }
    return out;
}

/** New devices first, each group in its own order; `held` empty keeps the order. */
export function newDevicesFirst<T extends { machineId?: string }>(devices: readonly T[], held: ReadonlySet<string>): T[] {
    const isHeld = (d: T) => d.machineId !== undefined && held.has(d.machineId.toLowerCase());
    return [...devices.filter((d) => !isHeld(d)), ...devices.filter(isHeld)];
}

/**
 * The devices this stack's last deployment declared, read through the engine's `readStackOutputs`.
 * Only the order depends on it, so a failed read is no error: every device counts as new.
 */
export async function readDeclaredDevices(): Promise<Set<string>> {
    try {
        const name = `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
        const result = (await pulumi.runtime.invoke(READ_STACK_OUTPUTS, { name })) as { outputs?: unknown } | undefined;
        return declaredDevices(result?.outputs);
    } catch {
        return new Set();
    }
}
