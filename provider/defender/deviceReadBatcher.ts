/**
 * One device-read batcher per client: the creates, refreshes and deletes running at the same time in
 * the process ask for their devices together. A batch gathers reads until `batchSize` are waiting, or
 * no read has joined for `gatherMs`, or `maxGatherMs` after its first read (the engine starts
 * operations as the program's registrations reach it, a few milliseconds apart, not all at once); then
 * it is read with ONE `listActions({machineIds})` and ONE `listMachines({ids})`, so N resources cost
 * about N/50 reads of each budget instead of 2 or 3 per resource. The client falls back to one read
 * per device when the service refuses `in`.
 *
 * A failed batch fails every read in it: a read never goes on with data it did not get.
 *
 * A device is absent only when its own read answered 404: `listMachines` reads by itself every device a
 * listing's answer lacks (a short or lagging page is not a deletion).
 */
import { wholeNumberProblem } from "../base/ranges";
import { sharedWait, type SharedWaiter } from "../base/timers";
import type { CallOptions, DefenderClient } from "./client";
import { ENDPOINTS, requestOf } from "./endpoints";
import { deadlineError, invalidInputError } from "./errors";
import { assertMachineId } from "./ids";
import type { Machine, MachineAction } from "./models";

export interface DeviceReadBatcherOptions {
    /** A batch goes once no read has joined it for this long, in ms. @default 50 */
    gatherMs?: number;
    /** A batch goes at the latest this long after its first read, in ms (at least gatherMs). @default 500 */
    maxGatherMs?: number;
    /** Devices per batch (the client asks 50 ids per request); a full batch goes at once. @default 50 */
    batchSize?: number;
}

/** What Defender says about one device, as read by a batch. */
export interface DeviceSnapshot {
    /** The device id asked for, lower-cased. */
    machineId: string;
    /** The device, or undefined when Defender knows no device with this id (its single read answered 404). */
    machine: Machine | undefined;
    /** Every action of the device the listing holds (a fresh one may not be listed yet). */
    actions: MachineAction[];
}

export interface DeviceReadBatcher {
    /**
     * Resolves with the device as read by the next batch; rejects when that batch fails. `signal` ends
     * this wait (a DefenderApiError of kind `deadline`): a device no read waits for any more leaves a
     * batch not sent yet, and a batch already sent goes on for the other reads.
     */
    read(machineId: string, options?: CallOptions): Promise<DeviceSnapshot>;
    /** Batches sent and device reads they answered. */
    readonly stats: { batches: number; devices: number };
}

export const DEFAULT_GATHER_MS = 50;
export const DEFAULT_MAX_GATHER_MS = 500;
export const DEFAULT_READ_BATCH_SIZE = 50;
const MAX_GATHER_MS = 60_000;

type Waiter = SharedWaiter<DeviceSnapshot>;

export function createDeviceReadBatcher(client: DefenderClient, options: DeviceReadBatcherOptions = {}): DeviceReadBatcher {
    const gatherMs = checkWhole(options.gatherMs, "gatherMs", DEFAULT_GATHER_MS, 0, MAX_GATHER_MS);
    const maxGatherMs = Math.max(gatherMs, checkWhole(options.maxGatherMs, "maxGatherMs", DEFAULT_MAX_GATHER_MS, 0, MAX_GATHER_MS));
    const batchSize = checkWhole(options.batchSize, "batchSize", DEFAULT_READ_BATCH_SIZE, 1, 10_000);
    const stats = { batches: 0, devices: 0 };
    let gathering = new Map<string, Waiter[]>();
    let timer: NodeJS.Timeout | undefined;
    let deadline: NodeJS.Timeout | undefined;

    async function send(batch: Map<string, Waiter[]>): Promise<void> {
        const ids = [...batch.keys()];
        stats.batches++;
        stats.devices += ids.length;
        let actions: MachineAction[];
        let machines: Machine[];
        try {
            [actions, machines] = await Promise.all([client.listActions({ machineIds: ids }), client.listMachines({ ids })]);
        } catch (e) {
            batch.forEach((ws) => ws.forEach((w) => w.reject(e)));
            return;
        }
        const byDevice = new Map<string, MachineAction[]>();
        for (const a of actions) {
            const key = a.machineId.toLowerCase();
            byDevice.set(key, [...(byDevice.get(key) ?? []), a]);
        }
        const present = new Map(machines.map((m) => [m.id.toLowerCase(), m]));
        batch.forEach((ws, id) => ws.forEach((w) => w.resolve({ machineId: id, machine: present.get(id), actions: [...(byDevice.get(id) ?? [])] })));
    }

    function flush(): void {
        if (timer !== undefined) clearTimeout(timer);
        if (deadline !== undefined) clearTimeout(deadline);
        timer = undefined;
        deadline = undefined;
        const batch = gathering;
        gathering = new Map();
        if (batch.size > 0) void send(batch);
    }

    return {
        read(machineId: string, options: CallOptions = {}): Promise<DeviceSnapshot> {
            let id: string;
            try {
                id = assertMachineId(machineId, "machineId", requestOf(ENDPOINTS.listMachines)).toLowerCase();
            } catch (e) {
                return Promise.reject(e);
            }
            const join = (waiter: Waiter) => {
                gathering.set(id, [...(gathering.get(id) ?? []), waiter]);
                if (gathering.size >= batchSize) return flush();
                if (timer !== undefined) clearTimeout(timer);
                timer = setTimeout(flush, gatherMs);
                deadline ??= setTimeout(flush, maxGatherMs);
            };
            const batch = gathering;
            const leave = (waiter: Waiter) => {
                const left = (batch.get(id) ?? []).filter((w) => w !== waiter);
                // A device no read waits for any more leaves a batch not sent yet.
                if (batch === gathering && left.length === 0) batch.delete(id);
                else if (batch.has(id)) batch.set(id, left);
            };
            return sharedWait(options.signal, join, leave, () => deadlineError(requestOf(ENDPOINTS.listMachines), "waiting for the device's batched read"));
        },
        stats,
    };
}

const shared = new WeakMap<DefenderClient, DeviceReadBatcher>();

/** The process's batcher for this client (default options), so every concurrent read joins the same batches. */
export function deviceReadBatcherFor(client: DefenderClient): DeviceReadBatcher {
    let batcher = shared.get(client);
    if (batcher === undefined) {
        batcher = createDeviceReadBatcher(client);
        shared.set(client, batcher);
    }
    return batcher;
}

function checkWhole(value: unknown, field: string, fallback: number, min: number, max: number): number {
    if (value === undefined) return fallback;
    const problem = wholeNumberProblem(value, field, { min, max });
    if (problem !== undefined) throw invalidInputError(problem);
    return value as number;
}
