/**
 * The load scenario: N declarations created concurrently in one `pulumi up` (one provider host), then
 * destroyed concurrently in one `pulumi destroy` (a second host), with faults drawn from a seeded
 * generator, and Defender's own rate limits on. Every resource must end created or cleanly failed, and
 * the five invariants must hold. Shared by the load test (`npm test`) and the soak script.
 */
import { syntheticDevices, type FaultSpec } from "../../emulator";
import type { DeviceIsolationArgs } from "../../provider";
import { checkInvariants, type InvariantReport, type Violation } from "./invariants";
import { startRig, type OpResult, type Rig } from "./faultRig";
import { CLIENT_ID, CLIENT_SECRET } from "../world";

export interface LoadOptions {
    /** Declarations (one synthetic device each). @default 200 */
    n?: number;
    /** Seed of the fault generator. */
    seed: number;
    /** Share of declarations that get a fault of their own. @default 0.5 */
    faultRate?: number;
    /** Progress lines. @default none */
    log?: (line: string) => void;
}

export interface LoadReport {
    n: number;
    seed: number;
    /** Requests an injected fault answered (from the emulator's log). */
    faults: number;
    /** What was planned, per kind of fault. */
    plan: Record<string, number>;
    created: number;
    /** Create failed, nothing recorded: a clean failure (checked by the invariants). */
    createFailed: number;
    /** Create failed, but the engine recorded the resource (partial failure). */
    createRecorded: number;
    destroyed: number;
    /** Delete failed: the resource stays in state for the next run. */
    destroyFailed: number;
    invariants: InvariantReport;
    /** Declarations whose create or destroy did not end as their fault plan says it must. */
    unexpected: string[];
    /** Failed operations by the shape of their error (ids and numbers blanked), for a glance at why. */
    failureKinds: Record<string, number>;
    ms: number;
}

/** An error's shape: ids, names and numbers blanked, cut after its first clause. */
function shapeOf(kind: string, message: string): string {
    const shape = message
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "<action>")
        .replace(/[0-9a-f]{40}/gi, "<device>")
        .replace(/syn-\d+\.fleet\.contoso\.com \([0-9a-f]{8}…\)/g, "<device>")
        .replace(/\d+/g, "N");
    return `${kind}: ${shape.slice(0, 140)}`;
}

/** mulberry32: a small seeded generator, so a failing seed replays the same plan. */
export function seededRandom(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

/** A new seed: from SEED in the environment when set (to replay), else random. */
export function seedFromEnv(env: NodeJS.ProcessEnv = process.env): number {
    const given = env.SEED;
    if (given !== undefined && given !== "") {
        const n = Number(given);
        if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
            throw new Error(`SEED must be a whole number from 0 to ${0xffffffff}; got ${JSON.stringify(given)}`);
        return n;
    }
    return Math.floor(Math.random() * 0xffffffff);
}

const LISTING_LAGS_MS = [0, 0, 500, 1500];

/** The load's `defender:requestTimeoutSeconds`, and a delay that outlasts it. */
const LOAD_TIMEOUT_SECONDS = 3;
const LOAD_HANG_MS = 3600;
const LOAD_SEAMS = { retry: { backoffBaseMs: 20, backoffMaxMs: 300, defaultRetryAfterSeconds: 1 } };

interface Plan {
    kind: string;
    /** What the fault must make of create and of destroy. @default both succeed */
    fails?: "create" | "destroy";
    /**
     * The request whose answer is lost or late may not have been performed at all (Defender's rate
     * limit refused it): then the operation must fail cleanly instead of adopting.
     */
    ifPerformed?: "Isolate" | "Unisolate";
    /**
     * The deadline (completionTimeoutSeconds) may pass while the isolate still waits its turn (a 429's
     * pause under the load's bursts): create then fails cleanly, nothing sent, nothing performed.
     */
    deadlineBeforeSend?: boolean;
    /** Before the up command. */
    beforeUp?: (rig: Rig) => void;
    /** Before the destroy command. */
    beforeDestroy?: (rig: Rig) => void;
    args?: Partial<DeviceIsolationArgs>;
}

/** Fault kinds for one declaration, each on its own device's paths so plans do not interfere. */
function planFor(id: string, random: () => number, inject: (f: FaultSpec) => void, faultRate: number): Plan {
    const isolate = `POST /api/machines/${id}/isolate`;
    const unisolate = `POST /api/machines/${id}/unisolate`;
    if (random() >= faultRate) return { kind: "none" };
    const kinds: Plan[] = [
        {
            kind: "isolate 503 twice (sent once more, then create fails, nothing recorded)",
            fails: "create",
            beforeUp: () => inject({ route: isolate, kind: "status", status: 503, count: 2 }),
        },
        { kind: "isolate answer lost (adopted)", ifPerformed: "Isolate", beforeUp: () => inject({ route: isolate, kind: "dropAfterPerform" }) },
        {
            kind: "isolate timeout (performed late, adopted)",
            ifPerformed: "Isolate",
            beforeUp: () => inject({ route: isolate, kind: "delay", delayMs: LOAD_HANG_MS }),
        },
        { kind: "isolate 429 storm", beforeUp: () => inject({ route: isolate, kind: "status", status: 429, count: 2, retryAfterSeconds: 1 }) },
        // Creates read their devices in shared batches (no per-device lookup to fault): the batch's bursts
        // and outages are in test/faults/endpoints.test.ts (listMachines, listActions at create).
        {
            kind: "device offline (recorded Pending at the timeout)",
            beforeUp: (rig) => void rig.emulator.setOnline(id, false),
            args: { completionTimeoutSeconds: 1 },
            deadlineBeforeSend: true,
        },
        { kind: "device deleted before up (refused)", fails: "create", beforeUp: (rig) => rig.emulator.deleteMachine(id) },
        {
            kind: "unisolate 503 twice (sent once more, then destroy fails, stays in state)",
            fails: "destroy",
            beforeDestroy: () => inject({ route: unisolate, kind: "status", status: 503, count: 2 }),
        },
        { kind: "unisolate answer lost (adopted)", ifPerformed: "Unisolate", beforeDestroy: () => inject({ route: unisolate, kind: "dropAfterPerform" }) },
        { kind: "released out of band before destroy", beforeDestroy: (rig) => void rig.emulator.releaseOutOfBand(id) },
        { kind: "device deleted before destroy", beforeDestroy: (rig) => rig.emulator.deleteMachine(id) },
    ];
    return kinds[Math.floor(random() * kinds.length)];
}

export async function runLoad(opts: LoadOptions): Promise<LoadReport> {
    const n = opts.n ?? 200;
    const log = opts.log ?? (() => undefined);
    const started = Date.now();
    const devices = syntheticDevices(n);
    const rig = await startRig({
        emulator: {
            fleet: { devices },
            rateLimits: { windows: [{ calls: 300, perSeconds: 1 }], retryAfterHeader: true },
            actionDelays: { toInProgressMs: 50, toSucceededMs: 150 },
        },
        seams: LOAD_SEAMS,
        config: { requestTimeoutSeconds: String(LOAD_TIMEOUT_SECONDS) },
    });
    try {
        rig.reset();
        const inject = (f: FaultSpec) => void rig.inject(f);
        const random = seededRandom(opts.seed);
        // Listings may lag behind new actions; within the provider's adoption attempts (about 2.5 s).
        const listingLagMs = LISTING_LAGS_MS[Math.floor(random() * LISTING_LAGS_MS.length)];
        rig.emulator.configure({ quirks: { indexingLagMs: listingLagMs } });
        const declarations = devices.map((d, i) => {
            const plan = planFor(d.id, random, inject, opts.faultRate ?? 0.5);
            const args: DeviceIsolationArgs = { machineId: d.id, comment: `LOAD-${opts.seed} device ${i + 1}`, ...plan.args };
            return { name: `syn-${i + 1}`, args, plan };
        });
        const plan: Record<string, number> = { [`listing lag ${listingLagMs} ms`]: n };
        for (const d of declarations) plan[d.plan.kind] = (plan[d.plan.kind] ?? 0) + 1;
        // A few faults on shared routes too: any resource's call may take them.
        const shared = (route: string, status: number, count: number) => inject({ route, kind: "status", status, count });

        await rig.register(declarations.map((d) => [d.name, d.args]));
        log(`load: ${n} declarations, seed ${opts.seed}; planned faults: ${JSON.stringify(plan)}`);

        declarations.forEach((d) => d.plan.beforeUp?.(rig));
        // At most 4 each: a GET is tried 5 times, so shared faults alone never fail an operation.
        shared("listActions", 503, 4);
        shared("getAction", 500, 3);
        const up = await rig.startHost();
        const creates = await Promise.all(declarations.map((d) => rig.commandOn(up).create(d.name, d.args)));
        await up.stop();
        log(`load: up done after ${Date.now() - started} ms`);

        const inState = declarations.filter((d) => rig.ledger.state.has(d.name));
        inState.forEach((d) => d.plan.beforeDestroy?.(rig));
        shared("listActions", 503, 4);
        const destroy = await rig.startHost();
        const deletes = await Promise.all(inState.map((d) => rig.commandOn(destroy).delete(d.name)));
        await destroy.stop();
        log(`load: destroy done after ${Date.now() - started} ms`);

        const count = (results: OpResult[], pred: (r: OpResult) => boolean) => results.filter(pred).length;
        const report: LoadReport = {
            n,
            seed: opts.seed,
            faults: rig.emulator.requests().filter((r) => r.fault !== null).length,
            plan,
            created: count(creates, (r) => r.ok),
            createFailed: count(creates, (r) => !r.ok && r.op.outcome === "failed"),
            createRecorded: count(creates, (r) => !r.ok && r.op.outcome === "recorded"),
            destroyed: count(deletes, (r) => r.ok),
            destroyFailed: count(deletes, (r) => !r.ok),
            unexpected: [],
            failureKinds: {},
            invariants: checkInvariants({
                emulator: rig.emulator,
                ledger: rig.ledger,
                hostOutput: [...up.stdout(), ...up.stderr(), ...destroy.stdout(), ...destroy.stderr()],
                clientId: CLIENT_ID,
                secrets: [CLIENT_SECRET],
            }),
            ms: Date.now() - started,
        };
        for (const [kind, results] of [
            ["create", creates],
            ["delete", deletes],
        ] as const) {
            for (const r of results) {
                if (r.ok) continue;
                const shape = shapeOf(kind, r.error.message);
                report.failureKinds[shape] = (report.failureKinds[shape] ?? 0) + 1;
            }
        }
        const outcome = (r: OpResult) => (r.ok ? "succeeded" : `failed: ${r.error.message}`);
        const actions = rig.emulator.state().actions.filter((a) => a.requestor === CLIENT_ID);
        const performed = (machineId: string, type: string) => actions.some((a) => a.machineId === machineId && a.type === type);
        declarations.forEach((d, i) => {
            const machineId = typeof d.args.machineId === "string" ? d.args.machineId : "";
            const lost = d.plan.ifPerformed !== undefined && !performed(machineId, d.plan.ifPerformed);
            const createFails = d.plan.fails === "create" || (lost && d.plan.ifPerformed === "Isolate");
            const destroyFails = d.plan.fails === "destroy" || (lost && d.plan.ifPerformed === "Unisolate");
            const create = creates[i];
            const stoppedBeforeSending =
                d.plan.deadlineBeforeSend === true &&
                !create.ok &&
                /stopped at the deadline[\s\S]*nothing was (sent|performed)/.test(create.error.message) &&
                !performed(machineId, "Isolate");
            if (!stoppedBeforeSending && create.ok === createFails) report.unexpected.push(`${d.name} (${d.plan.kind}): create ${outcome(creates[i])}`);
            const deleted = deletes[inState.indexOf(d)];
            if (deleted && deleted.ok === destroyFails) report.unexpected.push(`${d.name} (${d.plan.kind}): destroy ${outcome(deleted)}`);
        });
        // Every resource ended created or cleanly failed: an outcome for each, and nothing else.
        const unsettled = creates.filter((r) => r.op.outcome === "pending" || (!r.ok && !r.op.providerError && r.op.outcome !== "recorded"));
        if (unsettled.length > 0) {
            report.invariants.violations.push(
                ...unsettled.map((r): Violation => ({ invariant: 4, message: `${r.op.name}: create did not settle cleanly: ${r.ok ? "" : r.error.message}` })),
            );
        }
        return report;
    } finally {
        await rig.stop();
    }
}
