import { strict as assert } from "assert";
import { engineParallelism, parallelismWarning, RECOMMENDED_PARALLELISM } from "../../../../provider/apps/gitops/parallelism";
import { ENGINE_PARALLELISM } from "../../../../scripts/engine/parallelism";

describe("gitops: the engine's parallelism", () => {
    it("reads what the language host hands the program, and nothing else", () => {
        assert.equal(engineParallelism({ PULUMI_NODEJS_PARALLEL: "8" }), 8);
        assert.equal(engineParallelism({ PULUMI_NODEJS_PARALLEL: "2147483647" }), 2147483647);
        assert.equal(engineParallelism({}), undefined);
        assert.equal(engineParallelism({ PULUMI_NODEJS_PARALLEL: "0" }), undefined);
        assert.equal(engineParallelism({ PULUMI_NODEJS_PARALLEL: "-1" }), undefined);
        assert.equal(engineParallelism({ PULUMI_NODEJS_PARALLEL: "eight" }), undefined);
    });

    it("recommends what the project's own commands run with: Defender's hourly budget", () => {
        assert.equal(RECOMMENDED_PARALLELISM, 1500);
        assert.equal(RECOMMENDED_PARALLELISM, ENGINE_PARALLELISM);
    });

    it("warns when waited isolations outnumber the engine's slots, naming both counts, the wait and the fix", () => {
        const warning = parallelismWarning(150, true, 8);
        assert.ok(warning);
        assert.match(warning, /runs 8 resource operations at once/);
        assert.match(warning, /fewer than the 150 declared devices/);
        assert.match(warning, /holds one while it waits for Defender/);
        assert.match(warning, /--parallel 1500 \(or set PULUMI_PARALLEL=1500\)/);
    });

    it("warns when nothing waits too, for the refresh's reads, without speaking of waits", () => {
        const warning = parallelismWarning(150, false, 8);
        assert.ok(warning);
        assert.match(warning, /the refresh reads them a few at a time/);
        assert.doesNotMatch(warning, /waits for Defender/);
        assert.match(warning, /--parallel 1500/);
    });

    it("is silent when every device has a slot or when the parallelism is unknown", () => {
        assert.equal(parallelismWarning(8, true, 8), undefined);
        assert.equal(parallelismWarning(8, false, 8), undefined);
        assert.equal(parallelismWarning(150, true, undefined), undefined);
        assert.equal(parallelismWarning(150, false, 1500), undefined);
    });
});
