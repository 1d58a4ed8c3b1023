/**
 * The inventory benchmark with a tiny fleet, so `npm run bench` cannot rot: the seeded history ends
 * in the intended states, the command finds each, and the figures are measured.
 */
import { strict as assert } from "assert";
import { historyOf, runInventoryScenario } from "../../../bench/inventoryRun";
import { inventoryTable, statesMatch } from "../../../bench/report";

describe("scale: the inventory benchmark (smoke)", function () {
    this.timeout(60_000);

    it("each device's history ends in its state, with the number of actions asked for", () => {
        const finals = Array.from({ length: 20 }, (_, i) => historyOf(i, 5));
        for (const { history, final } of finals) {
            const pending = final === "isolating" || final === "releasing" ? 1 : 0;
            assert.equal(history.length + pending, 5);
            assert.equal(history[history.length - 1], final === "isolated" || final === "releasing" ? "isolate" : "release", final);
        }
        assert.deepEqual(
            ["released", "isolated", "isolating", "releasing"].map((s) => finals.filter((f) => f.final === s).length),
            [12, 6, 1, 1],
        );
        assert.equal(Array.from({ length: 20 }, (_, i) => historyOf(i, 5, true)).filter((f) => f.final === "released").length, 0);
    });

    it("runs: every device listed in its seeded state, over several pages, within the request target", async () => {
        const r = await runInventoryScenario({
            kind: "inventory",
            name: "smoke-inventory",
            what: "200 devices",
            devices: 200,
            actionsPerDevice: 5,
            maxPageSize: 150,
        });
        assert.ok(statesMatch(r), JSON.stringify({ summary: r.summary, expected: r.expected }));
        assert.equal(r.actions, 1000);
        assert.equal(r.accepted["actions.read"], 4 + 4, "470 isolates and 530 unisolates, in pages of 150");
        assert.equal(r.accepted["machines.read"], 2, "80 devices held: two lookups of up to 50");
        assert.equal(r.requests, 10);
        assert.ok(r.requests <= r.targetRequests);
        assert.equal(r.rateLimited, 0);
        assert.equal(r.idealMs, 0, "10 calls fit in the first window");
        assert.ok(r.peakRssMb > 20 && r.peakRssMb < 1024, `peak RSS ${r.peakRssMb} MB`);
        assert.match(inventoryTable([r]), /smoke-inventory .* yes +\|$/m);
    });
});
