/**
 * `listIsolations`: which devices are isolated right now, for programs, scripts and the
 * `defender-isolation` command. Reads through the Defender client, so every request is paced,
 * retried and bounded like the provider's own:
 *
 * 1. the fleet's Isolate and Unisolate actions: one listing per type (`type eq`, a documented
 *    filter), pages of up to 10,000 actions; or, for named devices, `machineId in (...)` listings of 50;
 * 2. the devices a release or an adoption would act on (isolated, isolating, releasing): `id in (...)`
 *    listings of 50, so at most one lookup per 50 devices. A device missing from a listing is read by
 *    id, and only a 404 there means Defender no longer knows it.
 *
 * Nothing is ever written to Defender.
 */
import type { DefenderClient, DefenderClientOptions, ListingPage, Machine, MachineAction } from "../defender";
import { countStates, deviceStatuses, needsLookup, type DeviceIsolationStatus, type IsolationStateName } from "./deviceStatus";

export interface ListIsolationsOptions {
    /** A client to read through (shares its token and pacing); else one is made from `clientOptions`. */
    client?: DefenderClient;
    /** Settings of the client made when `client` is not given. @default {} (Commercial cloud, ambient Azure credential) */
    clientOptions?: DefenderClientOptions;
    /** Only these devices (40-hex ids). @default every device with an Isolate or Unisolate action */
    machineIds?: readonly string[];
    /** Look up isolated, isolating and releasing devices (current name, health, existence). @default true */
    lookupDevices?: boolean;
    /** Pages one fleet listing may read (10,000 actions a page) before it fails instead of being cut short. @default 100 */
    maxPages?: number;
    /** Progress while reading, for a terminal. @default undefined */
    onProgress?: (event: InventoryProgress) => void;
}

export type InventoryProgress =
    { phase: "actions"; type: "Isolate" | "Unisolate" | "device"; page: number; actions: number } | { phase: "devices"; done: number; total: number };

export interface IsolationInventory {
    devices: DeviceIsolationStatus[];
    summary: Record<IsolationStateName, number>;
}

export const DEFAULT_INVENTORY_MAX_PAGES = 100;
const LOOKUP_BATCH = 50;

export async function listIsolations(options: ListIsolationsOptions = {}): Promise<IsolationInventory> {
    // The client (with @azure/identity and axios) loads when first asked for, not with the package: a
    // program that only declares isolations starts without it.
    const client = options.client ?? (await import("../defender")).createDefenderClient(options.clientOptions ?? {});
    const progress = (e: InventoryProgress) => {
        try {
            options.onProgress?.(e);
        } catch {
            // a progress listener must not break a read
        }
    };
    const actions = await readActions(client, options, progress);
    let devices = deviceStatuses(actions);
    if (options.lookupDevices !== false) {
        const ids = devices.filter(needsLookup).map((d) => d.machineId);
        if (ids.length > 0) devices = deviceStatuses(actions, await lookUp(client, ids, progress));
    }
    return { devices, summary: countStates(devices) };
}

async function readActions(client: DefenderClient, options: ListIsolationsOptions, progress: (e: InventoryProgress) => void): Promise<MachineAction[]> {
    const maxPages = options.maxPages ?? DEFAULT_INVENTORY_MAX_PAGES;
    if (options.machineIds !== undefined) {
        if (options.machineIds.length === 0) return [];
        const onPage = (p: ListingPage) => progress({ phase: "actions", type: "device", page: p.page, actions: p.items });
        return client.listActions({ machineIds: options.machineIds }, { maxPages, onPage });
    }
    const read = (type: "Isolate" | "Unisolate") =>
        client.listActions({ type }, { maxPages, onPage: (p) => progress({ phase: "actions", type, page: p.page, actions: p.items }) });
    const [isolates, releases] = await Promise.all([read("Isolate"), read("Unisolate")]);
    return [...isolates, ...releases];
}

/** Each device, or null when Defender answered 404 for it. */
async function lookUp(client: DefenderClient, ids: string[], progress: (e: InventoryProgress) => void): Promise<Map<string, Machine | null>> {
    const found = new Map<string, Machine | null>();
    let done = 0;
    const batches: Promise<void>[] = [];
    for (let i = 0; i < ids.length; i += LOOKUP_BATCH) {
        const chunk = ids.slice(i, i + LOOKUP_BATCH);
        batches.push(
            client.listMachines({ ids: chunk }).then((machines) => {
                for (const m of machines) found.set(m.id.toLowerCase(), m);
                done += chunk.length;
                progress({ phase: "devices", done, total: ids.length });
            }),
        );
    }
    await Promise.all(batches);
    // The client reads a device the listing lacks by its id, and leaves it out only on that read's 404.
    for (const id of ids) if (!found.has(id)) found.set(id, null);
    return found;
}
