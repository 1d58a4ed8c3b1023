/**
 * Program side, read-only: which Defender devices carry these names, asked with the stack's
 * `defender:*` config. A program (the GitOps incident program) uses it to name each device one way
 * (its id) however incidents name it, so one device gets one resource. It runs in the Pulumi program
 * process, in preview too: it reads, it never isolates or releases.
 */
import type { Machine } from "../defender";

/** For each name (lower-cased): the devices named exactly so (case-insensitive, never a substring). */
export type DeviceNameMatches = Map<string, Machine[]>;

export async function lookUpDeviceNames(config: (key: string) => string | undefined, names: readonly string[]): Promise<DeviceNameMatches> {
    const wanted = [...new Set(names.map((n) => n.toLowerCase()))];
    const out: DeviceNameMatches = new Map();
    if (wanted.length === 0) return out;
    // Loaded here, not with the program: the client brings @azure/identity and axios, which a folder
    // that names every device by id never needs (about a second of the program's start on two cores).
    const { createDefenderClient } = await import("../defender");
    const { readSettings } = await import("../resource/settings");
    const client = createDefenderClient(readSettings(config).client);
    await Promise.all(
        wanted.map(async (name) => {
            const found = await client.findMachinesByDnsName(name);
            out.set(
                name,
                found.filter((m) => (m.computerDnsName ?? "").toLowerCase() === name),
            );
        }),
    );
    return out;
}

/**
 * The names of devices declared by id, for the preview's plan: one `id in (...)` listing per 50 ids.
 * A device Defender does not know is left out (the plan says its name is not known).
 */
export async function lookUpDeviceIds(config: (key: string) => string | undefined, ids: readonly string[]): Promise<Map<string, string>> {
    const wanted = [...new Set(ids.map((i) => i.toLowerCase()))];
    const out = new Map<string, string>();
    if (wanted.length === 0) return out;
    const { createDefenderClient } = await import("../defender");
    const { readSettings } = await import("../resource/settings");
    const client = createDefenderClient(readSettings(config).client);
    for (const m of await client.listMachines({ ids: wanted })) {
        if (m.computerDnsName) out.set(m.id.toLowerCase(), m.computerDnsName);
    }
    return out;
}
