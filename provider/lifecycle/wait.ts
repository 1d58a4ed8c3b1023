/**
 * Waiting for a MachineAction to finish, saying so while it lasts:
 * `waiting for Isolate 3f2a1b9c… on fin-lt-042: Pending (2m10s)` on every status change and at
 * least every PROGRESS_EVERY_MS. The wait is bounded by its timeout; polls go through the shared,
 * batched poller.
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

export async function waitForAction(ctx: Context, action: MachineAction, label: string, timeoutSeconds: number): Promise<WaitResult> {
    const start = Date.now();
    const deadline = start + timeoutSeconds * 1000;
    let last = action;
    let loggedAt = 0;
    let loggedStatus = "";
    const progress = () => {
        const now = Date.now();
        if (last.status !== loggedStatus || now - loggedAt >= PROGRESS_EVERY_MS) {
            log.info(`waiting for ${last.type} ${short(last.id)} on ${label}: ${last.status} (${elapsed(now - start)})`);
            loggedAt = now;
            loggedStatus = last.status;
        }
    };
    while (!isFinished(last.status)) {
        if (Date.now() >= deadline) return { action: last, timedOut: true };
        progress();
        try {
            last = await ctx.poller.next(last.id);
        } catch (e) {
            return { action: last, timedOut: false, pollError: e };
        }
    }
    if (loggedAt > 0) log.info(`${last.type} ${short(last.id)} on ${label}: ${last.status} after ${elapsed(Date.now() - start)}`);
    return { action: last, timedOut: false };
}

export function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
