/**
 * One status poller per client: every action being waited on in the process is asked for together,
 * `GET /api/machineactions?$filter=id in (...)` in pages of `batchSize`, once per interval. The client
 * falls back to single reads when the service refuses `in`, and paces the reads like any other call.
 *
 * Status reads spend the same budget as the device listings creates need before they can isolate
 * (`actions.read`), so a due poll gives way while that budget is in use: it waits until the budget is
 * idle, then asks for every action waited on at once. After `maxDeferMs` it asks anyway, but for one
 * batch only (the longest waits), so a poll takes at most one slot from a busy budget. At the limit,
 * this turns one poll per interval into a few per run.
 *
 * An action missing from the batch answer (a listing can lag behind a fresh action) is read by id.
 * A failed poll is retried on the next tick; after `maxConsecutiveFailures` the waiters get the error.
 */
import { sharedWait, type SharedWaiter } from "../base/timers";
import type { CallOptions, DefenderClient } from "./client";
import { ENDPOINTS, requestOf } from "./endpoints";
import { deadlineError } from "./errors";
import type { MachineAction } from "./models";
import { isBucketIdle } from "./pacing";

export interface ActionPollerOptions {
    /** Time between polls. @default 5000 */
    intervalMs?: number;
    /** Action ids per listing request (keeps URLs short). @default 50 */
    batchSize?: number;
    /** Polls in a row that may fail before waiters are told. @default 5 */
    maxConsecutiveFailures?: number;
    /**
     * Longest a due poll waits for the read budget to be idle; it then reads one batch, the longest
     * waits first, so their statuses (and the progress lines built on them) stay at most this stale.
     * One read a minute is 1 % of Defender's 100-a-minute budget. @default 60000
     */
    maxDeferMs?: number;
    /**
     * Whether a status read can go now without taking a slot other calls need.
     * @default the process's `actions.read` pacing for the client's API host is idle: nobody queued, no Retry-After block, a free slot in every window, and no call let through for min(intervalMs, 1000) ms
     */
    readBudgetFree?: () => boolean;
}

type Waiter = SharedWaiter<MachineAction>;

export interface ActionPoller {
    /**
     * Resolves with the action as seen by the next poll that covers it. `signal` ends this wait (a
     * DefenderApiError of kind `deadline`); the polls go on for the other waiters.
     */
    next(actionId: string, options?: CallOptions): Promise<MachineAction>;
    /** Ids currently waited on. */
    readonly waiting: number;
    /** Polls made, listing requests and single reads sent, and times a due poll gave way to a busy budget. */
    readonly stats: { polls: number; listRequests: number; singleReads: number; deferrals: number };
}

export const DEFAULT_MAX_DEFER_MS = 60_000;

export function createActionPoller(client: DefenderClient, options: ActionPollerOptions = {}): ActionPoller {
    const intervalMs = options.intervalMs ?? 5000;
    const batchSize = options.batchSize ?? 50;
    const maxDeferMs = options.maxDeferMs ?? DEFAULT_MAX_DEFER_MS;
    const quietMs = Math.min(intervalMs, 1000);
    const host = apiHostOf(client);
    const budgetFree = options.readBudgetFree ?? (() => isBucketIdle(host, ENDPOINTS.listActions.bucket, quietMs));
    // A deferred poll looks again soon, so it goes as soon as the budget has room.
    const recheckMs = Math.max(25, Math.min(250, intervalMs / 4));
    const waits = createWaitList(options.maxConsecutiveFailures ?? 5);
    const stats = { polls: 0, listRequests: 0, singleReads: 0, deferrals: 0 };
    let timer: NodeJS.Timeout | undefined;
    let running = false; // one poll at a time: a slow (paced) poll must not overlap the next
    let dueSince: number | undefined; // when the deferred poll became due

    async function tick(): Promise<void> {
        timer = undefined;
        const ids = waits.ids();
        if (ids.length === 0) {
            dueSince = undefined;
            return;
        }
        const now = Date.now();
        dueSince ??= now;
        const idle = isBudgetFree(budgetFree);
        if (!idle && now - dueSince < maxDeferMs) {
            stats.deferrals++;
            timer = setTimeout(() => void tick(), recheckMs);
            return;
        }
        dueSince = undefined;
        if (!idle) ids.splice(batchSize); // waits join in order: these waited longest
        running = true;
        try {
            stats.polls++;
            const batches: string[][] = [];
            for (let i = 0; i < ids.length; i += batchSize) batches.push(ids.slice(i, i + batchSize));
            await Promise.all(batches.map((batch) => pollBatch(client, batch, waits, stats)));
        } finally {
            running = false;
            schedule();
        }
    }

    function schedule(): void {
        if (!running && timer === undefined && waits.size > 0) timer = setTimeout(() => void tick(), intervalMs);
    }

    return {
        next(actionId: string, call: CallOptions = {}): Promise<MachineAction> {
            const join = (waiter: Waiter) => {
                waits.join(actionId, waiter);
                schedule();
            };
            const stopped = () => deadlineError(requestOf(ENDPOINTS.getAction), "waiting for the action's next status poll");
            return sharedWait(call.signal, join, (waiter) => waits.leave(actionId, waiter), stopped);
        },
        get waiting() {
            return waits.size;
        },
        stats,
    };
}

/** The actions waited on, each with its callers, and how many polls in a row each has failed. */
function createWaitList(maxFailures: number) {
    const waiters = new Map<string, Waiter[]>();
    const failures = new Map<string, number>();
    const settle = (id: string, fn: (w: Waiter) => void) => {
        const ws = waiters.get(id) ?? [];
        waiters.delete(id);
        failures.delete(id);
        ws.forEach(fn);
    };
    return {
        ids: () => [...waiters.keys()],
        get size() {
            return waiters.size;
        },
        join(id: string, waiter: Waiter) {
            waiters.set(id, [...(waiters.get(id) ?? []), waiter]);
        },
        leave(id: string, waiter: Waiter) {
            const left = (waiters.get(id) ?? []).filter((w) => w !== waiter);
            if (left.length > 0) waiters.set(id, left);
            else settle(id, () => undefined);
        },
        found(id: string, action: MachineAction) {
            settle(id, (w) => w.resolve(action));
        },
        /** A failed poll; after `maxFailures` in a row the waiters get the error. */
        failed(id: string, error: unknown) {
            const n = (failures.get(id) ?? 0) + 1;
            if (n >= maxFailures) settle(id, (w) => w.reject(error));
            else failures.set(id, n);
        },
    };
}

/** One batch of ids: one listing, then a read by id of each action the listing lacks. */
async function pollBatch(client: DefenderClient, ids: string[], waits: ReturnType<typeof createWaitList>, stats: ActionPoller["stats"]): Promise<void> {
    let found: MachineAction[];
    try {
        stats.listRequests++;
        found = await client.listActions({ ids });
    } catch (e) {
        ids.forEach((id) => waits.failed(id, e));
        return;
    }
    const byId = new Map(found.map((a) => [a.id.toLowerCase(), a]));
    await Promise.all(
        ids.map(async (id) => {
            const hit = byId.get(id.toLowerCase());
            if (hit) return waits.found(id, hit);
            try {
                stats.singleReads++;
                waits.found(id, await client.getAction(id));
            } catch (e) {
                waits.failed(id, e);
            }
        }),
    );
}

function isBudgetFree(budgetFree: () => boolean): boolean {
    try {
        return budgetFree();
    } catch {
        return true; // a broken probe must not stop polling
    }
}

function apiHostOf(client: DefenderClient): string | undefined {
    try {
        return new URL(client.endpoints.apiBaseUrl).host.toLowerCase();
    } catch {
        return undefined; // unknown host: every actions.read budget in the process counts
    }
}
