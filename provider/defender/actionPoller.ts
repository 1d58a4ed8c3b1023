/**
 * One status poller per client: every action being waited on in the process is asked for together,
 * `GET /api/machineactions?$filter=id in (...)` in pages of `batchSize`, once per interval. The client
 * falls back to single reads when the service refuses `in`, and paces the reads like any other call.
 *
 * An action missing from the batch answer (a listing can lag behind a fresh action) is read by id.
 * A failed poll is retried on the next tick; after `maxConsecutiveFailures` the waiters get the error.
 */
import type { DefenderClient } from "./client";
import type { MachineAction } from "./models";

export interface ActionPollerOptions {
    /** Time between polls. @default 5000 */
    intervalMs?: number;
    /** Action ids per listing request (keeps URLs short). @default 50 */
    batchSize?: number;
    /** Polls in a row that may fail before waiters are told. @default 5 */
    maxConsecutiveFailures?: number;
}

interface Waiter {
    resolve: (action: MachineAction) => void;
    reject: (error: unknown) => void;
}

export interface ActionPoller {
    /** Resolves with the action as seen by the next poll that covers it. */
    next(actionId: string): Promise<MachineAction>;
    /** Ids currently waited on. */
    readonly waiting: number;
    /** Listing requests and single reads made so far. */
    readonly stats: { polls: number; listRequests: number; singleReads: number };
}

export function createActionPoller(client: DefenderClient, options: ActionPollerOptions = {}): ActionPoller {
    const intervalMs = options.intervalMs ?? 5000;
    const batchSize = options.batchSize ?? 50;
    const maxFailures = options.maxConsecutiveFailures ?? 5;
    const waiters = new Map<string, Waiter[]>();
    const failures = new Map<string, number>();
    const stats = { polls: 0, listRequests: 0, singleReads: 0 };
    let timer: NodeJS.Timeout | undefined;
    let running = false; // one poll at a time: a slow (paced) poll must not overlap the next

    const settle = (id: string, fn: (w: Waiter) => void) => {
        const ws = waiters.get(id) ?? [];
        waiters.delete(id);
        failures.delete(id);
        ws.forEach(fn);
    };

    const failed = (id: string, error: unknown) => {
        const n = (failures.get(id) ?? 0) + 1;
        if (n >= maxFailures) settle(id, (w) => w.reject(error));
        else failures.set(id, n);
    };

    async function pollBatch(ids: string[]): Promise<void> {
        let found: MachineAction[];
        try {
            stats.listRequests++;
            found = await client.listActions({ ids });
        } catch (e) {
            ids.forEach((id) => failed(id, e));
            return;
        }
        const byId = new Map(found.map((a) => [a.id.toLowerCase(), a]));
        await Promise.all(ids.map(async (id) => {
            const hit = byId.get(id.toLowerCase());
            if (hit) return settle(id, (w) => w.resolve(hit));
            try {
                stats.singleReads++;
                const action = await client.getAction(id);
                settle(id, (w) => w.resolve(action));
            } catch (e) {
                failed(id, e);
            }
        }));
    }

    async function tick(): Promise<void> {
        timer = undefined;
        const ids = [...waiters.keys()];
        if (ids.length === 0) return;
        running = true;
        try {
            stats.polls++;
            const batches: string[][] = [];
            for (let i = 0; i < ids.length; i += batchSize) batches.push(ids.slice(i, i + batchSize));
            await Promise.all(batches.map(pollBatch));
        } finally {
            running = false;
            schedule();
        }
    }

    function schedule(): void {
        if (!running && timer === undefined && waiters.size > 0) timer = setTimeout(() => void tick(), intervalMs);
    }

    return {
        next(actionId: string): Promise<MachineAction> {
            return new Promise((resolve, reject) => {
                const ws = waiters.get(actionId) ?? [];
                ws.push({ resolve, reject });
                waiters.set(actionId, ws);
                schedule();
            });
        },
        get waiting() {
            return waiters.size;
        },
        stats,
    };
}
