/**
 * The benchmark's scenario runner, with tiny scenarios, so `npm run bench` cannot rot: a waited-for
 * create scenario and a GitOps preview, through the real provider host, and the report built from them.
 */
import { strict as assert } from "assert";
import { jsonLine, report } from "../../../bench/report";
import type { CreateResult, PreviewResult } from "../../../bench/results";
import { runScenario } from "../../../bench/runner";
import type { CreateScenario, PreviewScenario } from "../../../bench/scenarios";

const TINY_CREATE: CreateScenario = {
    kind: "create",
    name: "smoke-create",
    what: "6 isolations, waited for",
    devices: 6,
    configured: [{ calls: 3, perSeconds: 1 }],
    enforced: [{ calls: 3, perSeconds: 1 }],
    waitForCompletion: true,
    actionDelays: { toInProgressMs: 50, toSucceededMs: 100 },
    pollIntervalSeconds: 0.1,
};

const TINY_PREVIEW: PreviewScenario = { kind: "preview", name: "smoke-preview", what: "20 devices in 3 incidents", devices: 20, incidents: 3 };

describe("scale: the benchmark runner (smoke)", function () {
    this.timeout(60_000);
    let create: CreateResult;
    let preview: PreviewResult;

    before(async () => {
        [create] = (await runScenario(TINY_CREATE)) as CreateResult[];
        [preview] = (await runScenario(TINY_PREVIEW)) as PreviewResult[];
    });

    it("runs a create scenario: every device isolated once, each figure measured", () => {
        assert.equal(create.kind, "create");
        assert.deepEqual(
            { failed: create.failed, duplicates: create.duplicateIsolates, isolatesAccepted: create.accepted.isolate, failures: create.failures },
            { failed: 0, duplicates: 0, isolatesAccepted: 6, failures: [] },
        );
        assert.equal(create.floorMs, 1_000 + 150, "6 isolates at 3 a second take one window, plus the action's 150 ms");
        assert.ok(create.idealMs >= create.floorMs);
        assert.ok(create.wallMs > create.floorMs, `wall ${create.wallMs} ms cannot beat the floor`);
        assert.equal(create.ratio, create.wallMs / create.idealMs);
        const reads = Math.round(create.perDevice.reads * create.devices);
        assert.ok(reads >= 2 && reads <= 4, `the devices read in one or two batches (a lookup and a listing each): ${reads} reads`);
        assert.ok(create.perDevice.statusPolls > 0, "the waits polled");
        assert.ok(create.hostPeakRssMb > 10 && create.hostPeakRssMb < 2048, `host RSS ${create.hostPeakRssMb} MB`);
        assert.ok(create.providerBytes > 100 && create.providerBytes < 450, `__provider ${create.providerBytes} B`);
    });

    it("runs a preview scenario: the program declares every device, check and diff make no API call", () => {
        assert.deepEqual(
            { resources: preview.resources, checkFailures: preview.checkFailures, changed: preview.changed, apiCalls: preview.apiCalls },
            { resources: 20, checkFailures: 0, changed: 2, apiCalls: 0 },
        );
        assert.ok(preview.wallMs >= preview.programMs + preview.checkMs + preview.diffMs - 1);
    });

    it("reports both in a table and one JSON line", () => {
        const text = report([create, preview]);
        assert.match(text, /\| smoke-create +\| 6 +\| 3\/1s +\| 3\/1s +\|/);
        assert.match(text, /\| smoke-preview +\| 20 +\| 3 +\|/);
        const line = jsonLine([create, preview]);
        assert.ok(!line.includes("\n"));
        const parsed = JSON.parse(line) as { results: Array<{ scenario: string }> };
        assert.deepEqual(
            parsed.results.map((r) => r.scenario),
            ["smoke-create", "smoke-preview"],
        );
    });
});
