/**
 * The figures of the fault, load and property suites (docs/robustness.md), written once the whole
 * mocha run is over: a root hook, so it sees every suite that ran.
 */
import { faultStats, STATS_FILE, writeFaultStats } from "../../../testkit/faults/faultStats";

after(function () {
    if (faultStats.scenarios === 0 && faultStats.properties === 0) return;
    const s = writeFaultStats();
    const load = s.load ? `; load N=${s.load.n} seed ${s.load.seed}` : "";
    console.log(
        `\n  robustness figures: ${s.scenarios} scenarios, ${s.faultsInjected} faults injected, ${s.invariantRuns} invariant runs (${s.invariantChecks} checks), ${s.properties} properties x ${s.propertyRuns} runs, ${s.injectionAttempts} injection attempts${load} -> ${STATS_FILE}`,
    );
});
