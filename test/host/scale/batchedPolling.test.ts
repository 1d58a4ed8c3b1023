/**
 * Waiting for many isolations at once costs a few status reads, not one per device per poll: one
 * poller per provider host asks for every action waited on with `id in (...)` listings. When the
 * service refuses `in`, the poller's reads fall back to one GET per action, and the waits still end.
 * Through the real provider host, against the emulator.
 */
import { strict as assert } from "assert";
import { syntheticDevices } from "../../../emulator";
import { DeviceIsolation } from "../../../provider";
import { apiRecorder, type ApiRequest } from "../../../testkit/requests/apiLog";
import { captureRegistrations } from "../../../testkit/host/registration";
import type { CreateResult } from "../../../testkit/host/providerHost";
import { RESOURCE_TYPE, type World } from "../../../testkit/world";
import { useWorld } from "../../../testkit/useWorld";

/** Actions take about four poll intervals (0.1 s) to succeed. */
const SLOW_ACTIONS = { toInProgressMs: 150, toSucceededMs: 250 };

async function createAll(world: World, count: number): Promise<CreateResult[]> {
    const devices = syntheticDevices(count);
    const registered = (
        await captureRegistrations(() => {
            devices.forEach((d, i) => new DeviceIsolation(`device-${i}`, { machineId: d.id, comment: "INC-9001 ransomware", waitForCompletion: true }));
        })
    ).filter((r) => r.type === RESOURCE_TYPE);
    const checked = await Promise.all(registered.map((r) => world.host.check(r.urn, {}, r.inputs)));
    return Promise.all(registered.map((r, i) => world.host.create(r.urn, checked[i].inputs)));
}

const polls = (requests: ApiRequest[]) => requests.filter((r) => r.statusPoll);

describe("scale: batched status polling through the provider host", function () {
    this.timeout(60_000);

    describe("when the service accepts id in (...)", () => {
        const recorder = apiRecorder();
        const world = useWorld({
            emulator: { fleet: { generate: 80 }, actionDelays: SLOW_ACTIONS, requestLogLimit: 0, onRequest: recorder.onRequest },
            config: { pollIntervalSeconds: "0.1" },
        });

        it("80 concurrent creates wait for Succeeded with well under one status read per device, all batched", async () => {
            recorder.clear();
            const created = await createAll(world, 80);
            assert.deepEqual(
                created.map((c) => c.properties.status),
                created.map(() => "Succeeded"),
            );
            const statusReads = polls(recorder.requests());
            assert.ok(statusReads.length > 0, "the waits polled");
            assert.ok(statusReads.length / 80 < 0.5, `${statusReads.length} status reads for 80 devices`);
            assert.deepEqual(
                statusReads.filter((r) => r.route !== "listActions"),
                [],
                "no read of a single action",
            );
            assert.deepEqual(
                statusReads.filter((r) => r.status !== 200),
                [],
            );
        });
    });

    describe("when the service refuses id in (...)", () => {
        const recorder = apiRecorder();
        const world = useWorld({
            emulator: {
                fleet: { generate: 20 },
                actionDelays: SLOW_ACTIONS,
                quirks: { filterInSupported: false },
                requestLogLimit: 0,
                onRequest: recorder.onRequest,
            },
            config: { pollIntervalSeconds: "0.1" },
        });

        it("falls back to reading each action by id after one refused listing, and every wait ends Succeeded", async () => {
            recorder.clear();
            const created = await createAll(world, 20);
            assert.deepEqual(
                created.map((c) => c.properties.status),
                created.map(() => "Succeeded"),
            );
            const statusReads = polls(recorder.requests());
            const listings = statusReads.filter((r) => r.route === "listActions");
            // The creates' batched `machineId in` listing may be the one refused first: the client then asks no
            // `in` listing again, of either kind.
            const refusedIn = recorder.requests().filter((r) => r.route === "listActions" && r.status === 400);
            assert.equal(refusedIn.length, 1, "one `in` listing refused, then no more");
            assert.ok(
                listings.every((r) => r.status === 400),
                "no id-in listing answered",
            );
            const single = statusReads.filter((r) => r.route === "getAction");
            assert.ok(single.length >= 20, `each action read by id at least once (${single.length} reads)`);
            assert.deepEqual(
                single.filter((r) => r.status !== 200),
                [],
            );
        });
    });
});
