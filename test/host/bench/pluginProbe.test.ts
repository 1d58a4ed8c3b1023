// The plugin probe's round, run once per way in, so `npm run bench:plugin` cannot rot: both drive one
// isolation through create and delete with exactly two API writes (the round throws otherwise) and
// report finite figures.
import { strict as assert } from "assert";
import { startEmulator, type RunningEmulator } from "../../../emulator";
import { probeRound } from "../../../bench/pluginProbe";
import { FAST_EMULATOR } from "../../../testkit/world";

describe("bench: the plugin probe's round", function () {
    this.timeout(60_000);
    let emulator: RunningEmulator;
    before(async () => {
        emulator = await startEmulator(FAST_EMULATOR);
    });
    after(async () => emulator?.stop());

    for (const way of ["dynamic", "native"] as const) {
        it(`${way}: one isolation created and released, with its start time and memory`, async () => {
            const r = await probeRound(way, emulator);
            assert.equal(r.way, way);
            for (const k of ["startMs", "firstOpMs", "scenarioMs", "peakRssMb"] as const) assert.ok(Number.isFinite(r[k]) && r[k] > 0, `${k} = ${r[k]}`);
            assert.ok(r.scenarioMs >= r.firstOpMs);
        });
    }
});
