/**
 * Waiting for a MachineAction to finish, saying so while it lasts:
 * `waiting for Isolate 3f2a1b9c… on fin-lt-042: Pending (2m10s)` on every status change and at
 * least every PROGRESS_EVERY_MS. Polls go through the shared, batched poller.
 *
 * One deadline per operation (completionTimeoutSeconds from its start) bounds every wait in it: each
 * poll is raced against the deadline, because one poll can take minutes (it gives way to other reads,
 * waits out 429s and the hourly window, retries failed reads). A poll still running at the deadline is
 * abandoned, never awaited.
 */
import type { ActionStatus, MachineAction } from "../defender";
import type { Context } from "./context";
import { elapsed, log, short } from "./log";

const PROGRESS_EVERY_MS = 30_000;
const FINISHED: readonly ActionStatus[] = ["Succeeded", "Failed", "TimeOut", "Cancelled"];

export function isFinished(status: string): boolean {
    return (FINISHED as readonly string[]).includes(status);
}

export function isInFlight(status: string): boolean {
    return status === "Pending" || status === "InProgress";
}

/** "fin-lt-042" from "fin-lt-042.contoso.com"; the id prefix when the name is unknown. */
export function hostLabel(machine: { id: string; computerDnsName?: string | null }): string {
    return machine.computerDnsName ? machine.computerDnsName.split(".")[0] : short(machine.id);
}

export interface WaitResult {
    action: MachineAction;
    /** Still Pending/InProgress when the timeout ran out. */
    timedOut: boolean;
    /** Polling kept failing: the action's last known state is returned with this error. */
    pollError?: unknown;
}

/** When an operation must stop waiting (epoch ms), and the signal every Defender call of the operation carries: it ends the call's waits there. */
export interface Deadline {
    readonly at: number;
    readonly seconds: number;
    readonly signal: AbortSignal;
}

/** Node's timers hold at most this many milliseconds. */
const MAX_TIMER_MS = 2_147_483_647;

export function deadlineAfter(seconds: number, now: number = Date.now()): Deadline {
    const at = now + seconds * 1000;
    return { at, seconds, signal: AbortSignal.timeout(Math.min(MAX_TIMER_MS, Math.max(0, at - Date.now()))) };
}

export function remainingMs(deadline: Deadline): number {
    return Math.max(0, deadline.at - Date.now());
}

const PASSED = Symbol("deadline passed");

/** `work`, or PASSED when the deadline comes first; a late rejection of `work` is swallowed, never unhandled. */
export async function beforeDeadline<T>(work: Promise<T>, deadline: Deadline): Promise<T | typeof PASSED> {
    work.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const passed = new Promise<typeof PASSED>((resolve) => {
        timer = setTimeout(() => resolve(PASSED), remainingMs(deadline));
    });
    try {
        return await Promise.race([work, passed]);
    } finally {
        clearTimeout(timer);
    }
}

export function isPassed<T>(value: T | typeof PASSED): value is typeof PASSED {
    return value === PASSED;
}

export async function waitForAction(ctx: Context, action: MachineAction, label: string, deadline: Deadline): Promise<WaitResult> {
    const start = Date.now();
    let last = action;
    let loggedAt = 0;
    let loggedStatus = "";
    const progress = () => {
        const now = Date.now();
        if (last.status !== loggedStatus || now - loggedAt >= PROGRESS_EVERY_MS) {
            log.progress(`waiting for ${last.type} ${short(last.id)} on ${label}: ${last.status} (${elapsed(now - start)})`);
            loggedAt = now;
            loggedStatus = last.status;
        }
    };
    while (!isFinished(last.status)) {
        if (Date.now() >= deadline.at) return { action: last, timedOut: true };
        progress();
        try {
            const polled = await beforeDeadline(ctx.poller.next(last.id), deadline);
            if (isPassed(polled)) return { action: last, timedOut: true };
            last = polled;
        } catch (e) {
            return { action: last, timedOut: false, pollError: e };
        }
    }
    if (loggedAt > 0) log.progress(`${last.type} ${short(last.id)} on ${label}: ${last.status} after ${elapsed(Date.now() - start)}`);
    return { action: last, timedOut: false };
}

export function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
