/**
 * Load: 200 declarations created and then destroyed concurrently (one provider host for `up`,
 * another for `destroy`, as the engine does), with faults from a seeded generator and Defender's own
 * rate limits on. The seed is printed; `SEED=<n> npm test` replays a failing run. Longer and bigger
 * runs: `npm run soak`.
 */
import { strict as assert } from "assert";
import { runLoad, seedFromEnv } from "../../../testkit/faults/faultLoad";
import { faultStats } from "../../../testkit/faults/faultStats";

const N = 200;

describe("load: 200 resources up and down at once, with seeded faults", function () {
    this.timeout(180_000);

    it("every resource ends created or cleanly failed, as its fault plan says, and the five invariants hold", async () => {
        const seed = seedFromEnv();
        console.log(`      load seed: ${seed} (replay with SEED=${seed})`);
        const report = await runLoad({ n: N, seed });
        faultStats.load = {
            n: report.n,
            seed,
            created: report.created + report.createRecorded,
            createFailed: report.createFailed,
            destroyed: report.destroyed,
            destroyFailed: report.destroyFailed,
            faults: report.faults,
            ms: report.ms,
        };
        faultStats.invariantChecks += report.invariants.checks;
        faultStats.invariantRuns++;
        faultStats.faultsInjected += report.faults;
        console.log(
            `      created ${report.created} (+${report.createRecorded} recorded on failure), create failed cleanly ${report.createFailed}, destroyed ${report.destroyed}, destroy failed ${report.destroyFailed}; ${report.faults} faults; ${report.invariants.checks} invariant checks; ${report.ms} ms`,
        );
        assert.equal(report.created + report.createRecorded + report.createFailed, N, "every create settled");
        assert.deepEqual(report.unexpected, [], `every outcome is the one its fault plan says (seed ${seed})`);
        assert.deepEqual(
            report.invariants.violations.map((v) => `invariant ${v.invariant}: ${v.message}`),
            [],
            `seed ${seed}`,
        );
    });
});
