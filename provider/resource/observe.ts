/**
 * What one operation knows of a device's actions, gathered for the one decision (evidence.ts): the
 * last listing and when it was asked for, our isolate read by id when the listing lacks it (404: purged),
 * and the requests the operation sent with what their answers said. The operations ask it to list
 * again when a step says so; every read carries the operation's deadline as its signal.
 *
 * A request without a usable answer (or refused as a duplicate) is judged only after a few listings
 * spread over SETTLE_LISTINGS pauses: a fresh action can be missing from listings for a moment even
 * where defender:listingLagSeconds is 0.
 */
import { isDefenderApiError, type DefenderApiError, type MachineAction } from "../defender";
import type { Context } from "./context";
import { LifecycleError, UNCHANGED } from "./failures";
import { assess, type Assessment, type Evidence, type Kind, type Sent } from "./evidence";
import type { IsolationType } from "./inputs";
import { remainingMs, sleep, type Deadline } from "./wait";

export const SETTLE_LISTINGS = 5;

export type SendResult =
    { kind: "answered"; action: MachineAction } | { kind: "refused"; error: DefenderApiError } | { kind: "unanswered"; error: DefenderApiError };

const lower = (id: string) => id.toLowerCase();

export class Observation {
    private listed: MachineAction[];
    private horizon: number;
    private readonly read = new Map<string, MachineAction>();
    private readonly gone = new Set<string>();
    private readonly requests: Sent[] = [];
    /** Listings since the last request. */
    private listings = 0;

    constructor(
        private readonly ctx: Context,
        readonly machineId: string,
        private readonly deadline: Deadline,
        private readonly since: number,
        private readonly ours: string | undefined,
        first: { actions: readonly MachineAction[]; at: number },
    ) {
        this.listed = [...first.actions];
        this.horizon = first.at - ctx.listingLagMs;
    }

    get sent(): readonly Sent[] {
        return this.requests;
    }

    evidence(): Evidence {
        return {
            listed: this.listed,
            horizon: this.horizon,
            read: [...this.read.values()],
            gone: [...this.gone],
            ...(this.ours === undefined ? {} : { ours: this.ours }),
            since: this.since,
            sent: this.requests,
        };
    }

    assess(): Assessment {
        return assess(this.evidence());
    }

    /** Our isolate as read by id, when it was. */
    oursRead(): MachineAction | undefined {
        return this.ours === undefined ? undefined : this.read.get(lower(this.ours));
    }

    isGone(id: string): boolean {
        return this.gone.has(lower(id));
    }

    /** An action read since the listing (a poll, a cancel's answer): fresher than the listing. */
    note(action: MachineAction): void {
        this.read.set(lower(action.id), action);
    }

    /** Reads our isolate by id unless the listing holds it; a 404 records it as purged. */
    async readOurs(): Promise<void> {
        const id = this.ours;
        if (id === undefined || this.gone.has(lower(id))) return;
        if (this.listed.some((a) => lower(a.id) === lower(id))) {
            this.read.delete(lower(id));
            return;
        }
        try {
            this.note(await this.ctx.client.getAction(id, { signal: this.deadline.signal }));
        } catch (e) {
            if (!isDefenderApiError(e) || e.status !== 404) throw e;
            this.gone.add(lower(id));
        }
    }

    /** Whether a request of this operation went without a usable answer. */
    unanswered(): boolean {
        return this.requests.some((r) => r.outcome !== "answered");
    }

    /** Whether the last request went without a usable answer and has not been listed SETTLE_LISTINGS times since. */
    settling(): boolean {
        const last = this.requests[this.requests.length - 1];
        return last !== undefined && last.outcome !== "answered" && this.listings < SETTLE_LISTINGS;
    }

    /** Lists the device's actions again after a pause; false when the deadline leaves no time for it. */
    async relist(): Promise<boolean> {
        const pause = Math.max(this.ctx.pollIntervalMs, 500);
        if (remainingMs(this.deadline) < pause) return false;
        await sleep(pause);
        const at = Date.now();
        this.listed = await this.ctx.client.listActions({ machineId: this.machineId }, { signal: this.deadline.signal });
        this.horizon = at - this.ctx.listingLagMs;
        this.listings++;
        // What was read by id is superseded by a listing that holds it (the listing is as fresh).
        for (const a of this.listed) this.read.delete(lower(a.id));
        await this.readOurs();
        return true;
    }

    /**
     * Sends a request and records what its answer says (the ids known before it, when it went). The
     * request itself carries no deadline: an isolate or release that has waited its turn is sent and its
     * answer awaited (bounded by defender:requestTimeoutSeconds), so what Defender accepts is recorded.
     */
    async send(type: Kind, post: () => Promise<MachineAction>, scope?: IsolationType): Promise<SendResult> {
        const before = [...new Set([...this.listed.map((a) => a.id), ...this.read.keys(), ...this.gone])];
        const at = Date.now();
        const sent = (outcome: Sent["outcome"], action?: MachineAction): Sent => ({
            type,
            at,
            outcome,
            before,
            ...(action ? { action } : {}),
            ...(scope ? { scope } : {}),
        });
        try {
            const action = await post();
            this.requests.push(sent("answered", action));
            this.note(action);
            return { kind: "answered", action };
        } catch (e) {
            if (!isDefenderApiError(e)) throw e;
            const conflict = e.status === 400 && e.code === "ActiveRequestAlreadyExists";
            if (!conflict && !e.outcomeUnknown) return { kind: "refused", error: e };
            this.requests.push(sent(conflict ? "conflict" : "lost"));
            this.listings = 0;
            return { kind: "unanswered", error: e };
        }
    }
}

/** A request without a usable answer that the deadline left no time to judge: nothing is known to be recorded. */
export function unknownOutcome(op: "create" | "update" | "delete", name: string, obs: Observation): LifecycleError {
    const last = obs.sent[obs.sent.length - 1];
    const kind = last?.type === "Unisolate" ? "release" : "isolate";
    return new LifecycleError(
        op,
        name,
        `the outcome of the ${kind} request is unknown, and the deadline (completionTimeoutSeconds) passed before the device's listing showed what it caused`,
        op === "delete" ? UNCHANGED.delete : "Nothing is recorded",
        op === "delete"
            ? "Run the command again: a release Defender made is found, never sent twice"
            : "Run 'pulumi up' again: it adopts the isolate if Defender made it, and isolates otherwise",
    );
}
