/**
 * Fault scenarios spend most of their time waiting (retries, adoption listings, status polls), so
 * they run side by side in lanes: each lane has its own rig (emulator and provider hosts), takes the
 * next scenario from a shared queue and resets its emulator before each. Every scenario is still
 * one mocha test, which fails with that scenario's own error.
 */
import { startRig, type Rig, type RigOptions } from "./faultRig";

export interface Scenario {
    title: string;
    /** Runs on a freshly reset rig; throws (an assertion) to fail. */
    run(rig: Rig): Promise<void>;
}

export interface LaneOptions {
    /** Scenarios run at once. @default 4 */
    lanes?: number;
    rig?: RigOptions;
    /** Bound on the whole group, in ms. @default 150000 */
    timeoutMs?: number;
}

interface Outcome {
    failed?: { error: unknown };
    ms: number;
}

/** Runs every scenario, in lanes; never rejects: each scenario's failure is kept as its outcome. */
export async function runInLanes(scenarios: readonly Scenario[], opts: LaneOptions = {}): Promise<Map<string, Outcome>> {
    const results = new Map<string, Outcome>();
    const queue = [...scenarios];
    const lanes = Math.max(1, Math.min(opts.lanes ?? 4, scenarios.length));
    const lane = async () => {
        let rig: Rig | undefined;
        try {
            for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
                const started = Date.now();
                try {
                    rig ??= await startRig(opts.rig);
                    rig.reset();
                    await next.run(rig);
                    results.set(next.title, { ms: Date.now() - started });
                } catch (error) {
                    results.set(next.title, { failed: { error }, ms: Date.now() - started });
                }
            }
        } finally {
            await rig?.stop();
        }
    };
    await Promise.all(Array.from({ length: lanes }, lane));
    return results;
}

/** A mocha group: the scenarios run in lanes in `before`, then one test per scenario reports its outcome. */
export function describeScenarios(title: string, scenarios: readonly Scenario[], opts: LaneOptions = {}): void {
    describe(title, function () {
        const timeoutMs = opts.timeoutMs ?? 150_000;
        this.timeout(timeoutMs);
        let results = new Map<string, Outcome>();
        before(async function () {
            results = await runInLanes(scenarios, opts);
        });
        for (const s of scenarios) {
            it(s.title, function () {
                const outcome = results.get(s.title);
                if (!outcome) throw new Error("the scenario did not run");
                if (outcome.failed !== undefined) throw outcome.failed.error;
            });
        }
    });
}
