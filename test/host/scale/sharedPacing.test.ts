/**
 * Every resource of one deployment shares one set of pacing windows: 60 creates sent at once through
 * the real provider host, configured for 10 calls a second per API, against the emulator enforcing
 * the same. Every request that reached the emulator (429s included) is scanned per API budget with a
 * sliding window: none may exceed the limit, and the isolate budget must be used to the full.
 */
import { strict as assert } from "assert";
import { syntheticDevices } from "../../../emulator";
import { DeviceIsolation } from "../../../provider";
import { apiRecorder, BUCKETS } from "../../../testkit/requests/apiLog";
import { maxInAnyWindow } from "../../../testkit/requests/windows";
import { captureRegistrations } from "../../../testkit/host/registration";
import { RESOURCE_TYPE } from "../../../testkit/world";
import { useWorld } from "../../../testkit/useWorld";

const DEVICES = 60;
const LIMIT = { calls: 10, perSeconds: 1 };

describe("scale: pacing shared by every resource of a provider host", function () {
    this.timeout(60_000);
    const recorder = apiRecorder();
    const world = useWorld({
        emulator: {
            fleet: { generate: DEVICES },
            rateLimits: { windows: [LIMIT] },
            actionDelays: { toInProgressMs: 100, toSucceededMs: 200 },
            requestLogLimit: 0,
            onRequest: recorder.onRequest,
        },
        config: { rateLimits: JSON.stringify([LIMIT]), pollIntervalSeconds: "0.1" },
    });

    it(`${DEVICES} concurrent creates, waited for: at most ${LIMIT.calls} calls a second reach each API, no 429, each device isolated once`, async () => {
        const w = world;
        const devices = syntheticDevices(DEVICES);
        const registered = (
            await captureRegistrations(() => {
                devices.forEach((d, i) => new DeviceIsolation(`device-${i}`, { machineId: d.id, comment: "INC-9001 ransomware" }));
            })
        ).filter((r) => r.type === RESOURCE_TYPE);
        const checked = await Promise.all(registered.map((r) => w.host.check(r.urn, {}, r.inputs)));
        recorder.clear();

        const created = await Promise.all(registered.map((r, i) => w.host.create(r.urn, checked[i].inputs)));

        assert.deepEqual(
            created.map((c) => c.properties.status),
            devices.map(() => "Succeeded"),
        );
        const requests = recorder.requests();
        assert.deepEqual(
            requests.filter((r) => r.status === 429),
            [],
            "no 429",
        );
        const peaks = Object.fromEntries(
            BUCKETS.map((b) => [
                b,
                maxInAnyWindow(
                    requests.filter((r) => r.bucket === b).map((r) => r.at),
                    LIMIT.perSeconds * 1000,
                ),
            ]),
        );
        // Creates read their devices in batches, so only the isolates fill their windows.
        assert.deepEqual(
            { ...peaks, "actions.read": Math.min(peaks["actions.read"], LIMIT.calls), "machines.read": Math.min(peaks["machines.read"], LIMIT.calls) },
            {
                isolate: LIMIT.calls,
                unisolate: 0,
                cancel: 0,
                "actions.read": peaks["actions.read"],
                "machines.read": peaks["machines.read"],
                "alerts.read": 0,
                "incidents.read": 0,
            },
        );
        assert.ok(peaks["machines.read"] > 0 && peaks["actions.read"] > 0);
        const isolates = w.emulator.state().actions.filter((a) => a.type === "Isolate");
        assert.deepEqual(isolates.map((a) => a.machineId).sort(), devices.map((d) => d.id).sort());
        assert.ok(
            requests.some((r) => r.statusPoll),
            "status polls went through the same actions.read budget",
        );
    });
});
