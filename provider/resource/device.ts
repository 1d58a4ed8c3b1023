/**
 * Which device a declaration means: by id (read in the shared batch, see create.ts), or by exact (case-insensitive) DNS name matching exactly
 * one device. Also the guardrail on protected machine tags, and the short label log lines use.
 */
import type { DefenderClient, Machine } from "../defender";
import type { Declaration } from "./inputs";

/** "fin-lt-042.contoso.com (1e5bc9d7…)": how errors and logs name a device. */
export function deviceName(machine: { id: string; computerDnsName?: string | null }): string {
    return machine.computerDnsName ? `${machine.computerDnsName} (${machine.id.slice(0, 8)}…)` : machine.id;
}

/** A declared machineId Defender answered 404 for. */
export function noDeviceWithId(machineId: string): Error {
    return new Error(
        `Isolate device ${machineId}: Defender knows no device with this machineId (its read answered 404). Check the id in the Defender portal (Devices → the device → its URL), or declare computerDnsName instead. Nothing was isolated.`,
    );
}

/** The one device a declaration by name means (a declaration by id is read in the shared batch instead). */
export async function findDeviceByName(client: DefenderClient, decl: Declaration): Promise<Machine> {
    const name = decl.computerDnsName as string;
    const found = await client.findMachinesByDnsName(name);
    const exact = found.filter((m) => (m.computerDnsName ?? "").toLowerCase() === name.toLowerCase());
    if (exact.length === 1) return exact[0];
    if (exact.length === 0) {
        throw new Error(
            `Isolate device ${name}: Defender knows no device named exactly '${name}' (names are matched whole, never as a substring). Check the full DNS name in the Defender portal, or declare machineId instead. Nothing was isolated.`,
        );
    }
    const ids = exact.map((m) => `${m.id} (last seen ${m.lastSeen ?? "unknown"})`).join(", ");
    throw new Error(
        `Isolate device ${name}: ${exact.length} Defender devices share this name (a re-onboarded device keeps its old record): ${ids}. Declare the intended one by machineId instead. Nothing was isolated.`,
    );
}

/** Declared by id and name: the name must be that device's, so what reviews and policies saw is what is isolated. */
export function refuseOtherName(machine: Machine, decl: Declaration): void {
    const declared = decl.machineId ? decl.computerDnsName : undefined;
    if (declared && (machine.computerDnsName ?? "").toLowerCase() !== declared.toLowerCase()) {
        throw new Error(
            `Isolate device ${deviceName(machine)}: declared as computerDnsName '${declared}', but Defender names device ${machine.id} '${machine.computerDnsName ?? "(no name)"}'. Correct the name or the id (or declare only one of them). Nothing was isolated.`,
        );
    }
}

export function refuseProtected(machine: Machine, decl: Declaration): void {
    const wanted = new Set(decl.protectedMachineTags.map((t) => t.toLowerCase()));
    const hit = (machine.machineTags ?? []).filter((t) => wanted.has(t.toLowerCase()));
    if (hit.length > 0) {
        throw new Error(
            `Isolate device ${deviceName(machine)}: refused, the device carries the protected machine tag ${hit.map((t) => `'${t}'`).join(", ")}. Remove the device from the declaration, or remove the tag in Defender if isolating it is really intended. Nothing was isolated.`,
        );
    }
}
