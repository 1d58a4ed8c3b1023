/**
 * A user's journey with one declaration, as the engine runs it: `pulumi up` (create) in one provider
 * host, then `pulumi destroy --refresh` (read, then delete) in another. A command that fails is run
 * again by the user, in a new host, from the phase that failed, once the fault has passed: the
 * journey must converge. The invariants are checked by the caller at its end.
 */
import { strict as assert } from "assert";
import type { DeviceIsolationArgs } from "../../provider";
import type { Command, OpResult, Rig } from "./faultRig";

export type Phase = "create" | "read" | "delete";

export interface JourneyHooks {
    /** Runs before the phase's first attempt (inject faults here). */
    before?: Partial<Record<Phase, (rig: Rig) => void | Promise<void>>>;
    /** Runs alongside the phase's first attempt (e.g. inject a fault once the wait has begun). */
    during?: Partial<Record<Phase, (rig: Rig, cmd: Command) => Promise<void>>>;
    /** Destroy without refresh. @default false */
    noRefresh?: boolean;
    /** Stored properties to override at delete (e.g. waitForCompletion). */
    deleteOverride?: Record<string, unknown>;
    /** Runs of each command, the first one included. @default 3 */
    attempts?: number;
    /**
     * The command that first runs this phase starts in a new host (so it asks for its own token and
     * keeps no pause from earlier scenarios), stopped after it. @default none: warm hosts
     */
    freshFor?: Phase;
}

export interface JourneyResult {
    /** Every attempt of every phase, in order. */
    attempts: Array<{ phase: Phase; result: OpResult }>;
    /** The first attempt's result per phase. */
    first: Partial<Record<Phase, OpResult>>;
    /** Commands run (provider hosts used). */
    commands: number;
}

const settled = (r: OpResult) => r.ok || r.op.outcome === "recorded";

export async function journey(rig: Rig, name: string, args: DeviceIsolationArgs, hooks: JourneyHooks = {}): Promise<JourneyResult> {
    const out: JourneyResult = { attempts: [], first: {}, commands: 0 };
    const attempts = hooks.attempts ?? 3;
    const seen = new Set<Phase>();
    const call = (cmd: Command, phase: Phase): Promise<OpResult> =>
        phase === "create" ? cmd.create(name, args) : phase === "read" ? cmd.read(name) : cmd.delete(name, hooks.deleteOverride);

    /** Runs `phases` in one command; returns the phase to start from next time, or undefined when all settled. */
    const runCommand = (phases: Phase[]) =>
        rig.command(
            async (cmd) => {
                out.commands++;
                for (let i = 0; i < phases.length; i++) {
                    const phase = phases[i];
                    if (phase !== "create" && !rig.ledger.state.has(name)) return undefined; // refresh found it gone
                    const firstTime = !seen.has(phase);
                    seen.add(phase);
                    if (firstTime) await hooks.before?.[phase]?.(rig);
                    const during = firstTime ? hooks.during?.[phase]?.(rig, cmd) : undefined;
                    const result = await call(cmd, phase);
                    await during;
                    out.attempts.push({ phase, result });
                    if (firstTime) out.first[phase] = result;
                    if (!settled(result)) return i;
                }
                return undefined;
            },
            { fresh: hooks.freshFor !== undefined && phases.includes(hooks.freshFor) && !seen.has(hooks.freshFor) },
        );

    const commands: Phase[][] = [["create"], hooks.noRefresh ? ["delete"] : ["read", "delete"]];
    for (const phases of commands) {
        let remaining = phases;
        for (let attempt = 0; attempt < attempts && remaining.length > 0; attempt++) {
            if (attempt > 0) rig.emulator.clearFaults(); // the user runs the command again once the fault has passed
            const failedAt = await runCommand(remaining);
            remaining = failedAt === undefined ? [] : remaining.slice(failedAt);
        }
        assert.deepEqual(remaining, [], `${name}: ${remaining[0]} still fails after ${attempts} runs: ${lastError(out, remaining[0])}`);
    }
    assert.ok(!rig.ledger.state.has(name), `${name} is still in state after destroy`);
    return out;
}

function lastError(out: JourneyResult, phase: Phase | undefined): string {
    const last = [...out.attempts].reverse().find((a) => a.phase === phase)?.result;
    return last && !last.ok ? last.error.message : "";
}
