/**
 * Figures of the fault, load and property suites, for docs/robustness.md: counted while the suites
 * run, printed and written to `.state/robustness/last-run.json` at the end of the mocha run.
 */
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "../paths";

export interface FaultStats {
    /** Scenarios started (each on a reset emulator). */
    scenarios: number;
    /** Requests an injected emulator fault answered (status, delay, drop, token failure), from the emulator's log. */
    faultsInjected: number;
    /** Times the five invariants were checked, and predicates evaluated in all. */
    invariantRuns: number;
    invariantChecks: number;
    /** Property-based tests run, and generated samples in all. */
    properties: number;
    propertyRuns: number;
    /** The load test's N, seed and outcome counts. */
    load?: { n: number; seed: number; created: number; createFailed: number; destroyed: number; destroyFailed: number; faults: number; ms: number };
    /** Path-injection attempts made against the client and the host. */
    injectionAttempts: number;
}

export const faultStats: FaultStats = {
    scenarios: 0,
    faultsInjected: 0,
    invariantRuns: 0,
    invariantChecks: 0,
    properties: 0,
    propertyRuns: 0,
    injectionAttempts: 0,
};

/** fast-check parameters for one property, counted for the report. */
export function counted(numRuns: number): { numRuns: number } {
    faultStats.properties++;
    faultStats.propertyRuns += numRuns;
    return { numRuns };
}

export const STATS_FILE = path.join(REPO_ROOT, ".state/robustness/last-run.json");

/** Writes the figures (merged with those of suites that ran earlier in this process) and returns them. */
export function writeFaultStats(file = STATS_FILE): FaultStats {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify({ ...faultStats, at: new Date().toISOString() }, null, 2)}\n`);
    return faultStats;
}
