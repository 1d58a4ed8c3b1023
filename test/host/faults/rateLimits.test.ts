/**
 * 429 storms, with and without Retry-After, and Defender's own sliding windows, through the real
 * provider host. A 429 means nothing was performed: the request (a POST too) waits and goes again,
 * and a storm longer than the provider waits fails the command with what to do. Every command runs in
 * a newly started host: a pause Defender asked for is remembered per host process.
 */
import { strict as assert } from "assert";
import { DEFAULT_DEVICES, type FaultSpec } from "../../../emulator";
import type { DeviceIsolationArgs } from "../../../provider";
import { journey } from "../../../testkit/faults/faultJourney";
import { actionsOf, assertFailed } from "../../../testkit/faults/faultHelpers";
import { describeScenarios, type Scenario } from "../../../testkit/faults/faultLanes";
import type { Rig } from "../../../testkit/faults/faultRig";

const LAPTOP = DEFAULT_DEVICES.finLaptop;
const laptop: DeviceIsolationArgs = { machineId: LAPTOP.id, comment: "INC-12 beacon" };
const FLEET = [DEFAULT_DEVICES.finLaptop, DEFAULT_DEVICES.finLaptop2, DEFAULT_DEVICES.hrLaptop, DEFAULT_DEVICES.sqlServer];

const storm = (route: string, count: number, retryAfterSeconds?: number): FaultSpec => ({
    route,
    kind: "status",
    status: 429,
    count,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
});
const calls = (rig: Rig, route: string) => rig.emulator.requests().filter((r) => r.route === route);

/**
 * Runs `command`; once Defender has answered `route` with 429, moves its clock `seconds` on (the window
 * passes) so the next try is accepted. The caller asserts that the 429 came.
 */
async function pastWindow<T>(rig: Rig, route: string, seconds: number, command: () => Promise<T>): Promise<T> {
    let ended = false;
    const running = command().finally(() => (ended = true));
    while (!ended && !calls(rig, route).some((r) => r.status === 429)) await new Promise((resolve) => setTimeout(resolve, 20));
    if (!ended) rig.emulator.advanceClock(seconds * 1000);
    return running;
}

const scenarios: Scenario[] = [
    {
        title: "a 429 storm with Retry-After on isolate is waited out: the POST goes again, one action",
        async run(rig) {
            const result = await journey(rig, "laptop", laptop, { freshFor: "create", before: { create: (r) => void r.inject(storm("isolate", 3, 1)) } });
            assert.ok(result.first.create?.ok);
            assert.deepEqual(
                calls(rig, "isolate").map((r) => r.status),
                [429, 429, 429, 201],
            );
            assert.equal(actionsOf(rig, "Isolate", LAPTOP.id).length, 1);
            rig.assertInvariants();
        },
    },
    {
        title: "a 429 storm without Retry-After on the device lookup (listMachines) is waited out with the default pause",
        async run(rig) {
            const result = await journey(rig, "laptop", laptop, { freshFor: "create", before: { create: (r) => void r.inject(storm("listMachines", 2)) } });
            assert.ok(result.first.create?.ok);
            assert.deepEqual(
                calls(rig, "listMachines")
                    .slice(0, 3)
                    .map((r) => r.status),
                [429, 429, 200],
            );
            rig.assertInvariants();
        },
    },
    {
        title: "a 429 storm with Retry-After on unisolate is waited out: one release",
        async run(rig) {
            const result = await journey(rig, "laptop", laptop, { freshFor: "delete", before: { delete: (r) => void r.inject(storm("unisolate", 2, 1)) } });
            assert.ok(result.first.delete?.ok);
            assert.equal(actionsOf(rig, "Unisolate", LAPTOP.id).length, 1);
            rig.assertInvariants();
        },
    },
    {
        title: "a storm longer than the provider's retries fails the command, says what to do, and sends no isolate",
        async run(rig) {
            const result = await journey(rig, "laptop", laptop, { freshFor: "create", before: { create: (r) => void r.inject(storm("listActions", 200, 0)) } });
            assertFailed(result.first.create, /Isolate device .*still rate limited.*lower defender:rateLimits or run again later/);
            assert.equal(calls(rig, "isolate").length, 1, "only the next run's isolate");
            rig.assertInvariants();
        },
    },
    {
        title: "a Retry-After longer than the provider waits fails at once, and the next run converges",
        async run(rig) {
            const result = await journey(rig, "laptop", laptop, { freshFor: "read", before: { read: (r) => void r.inject(storm("listActions", 1, 400)) } });
            assertFailed(result.first.read, /Refresh of .*Retry-After of 400 s exceeds.*run 'pulumi refresh' again/);
            rig.assertInvariants();
        },
    },
    {
        title: "Defender's own windows against four devices at once: the fourth isolate and the fourth release are refused with 429 for certain and waited out; all isolated, then all released, one action each",
        async run(rig) {
            // Four isolates (and four releases) in one command fall in one window of three for certain. Without
            // Retry-After the provider pauses for its default (1 s in the rigs) and goes again; once the 429 is
            // in the log, the test moves Defender's clock past the window, as time would. Every other API keeps
            // to 5 calls per 2 s, which the batched reads and polls may or may not meet.
            const window = { calls: 3, perSeconds: 600 };
            rig.emulator.configure({
                rateLimits: { windows: [{ calls: 5, perSeconds: 2 }], perApi: { isolate: [window], unisolate: [window] }, retryAfterHeader: false },
            });
            const declared = FLEET.map((d, i): [string, DeviceIsolationArgs] => [`dev-${i}`, { machineId: d.id, comment: "INC-12" }]);
            await rig.register(declared);
            const created = await pastWindow(rig, "isolate", window.perSeconds, () =>
                rig.command((cmd) => Promise.all(declared.map(([name, args]) => cmd.create(name, args))), { fresh: true }),
            );
            assert.deepEqual(
                created.map((c) => c.ok),
                FLEET.map(() => true),
                created.map((c) => (c.ok ? "" : c.error.message)).join(" | "),
            );
            const deleted = await pastWindow(rig, "unisolate", window.perSeconds, () =>
                rig.command((cmd) => Promise.all(declared.map(([name]) => cmd.delete(name))), { fresh: true }),
            );
            assert.deepEqual(
                deleted.map((c) => c.ok),
                FLEET.map(() => true),
                deleted.map((c) => (c.ok ? "" : c.error.message)).join(" | "),
            );
            for (const route of ["isolate", "unisolate"]) {
                const statuses = calls(rig, route).map((r) => r.status);
                assert.ok(statuses.includes(429), `Defender answered ${route} with 429: ${statuses.join(", ")}`);
                assert.equal(statuses.filter((s) => s === 201).length, FLEET.length, `one ${route} performed per device: ${statuses.join(", ")}`);
            }
            for (const d of FLEET) {
                assert.equal(actionsOf(rig, "Isolate", d.id).length, 1);
                assert.equal(rig.emulator.machine(d.id)?.isolation.isolated, false);
            }
            rig.assertInvariants();
        },
    },
];

describeScenarios("rate limits under load and storms", scenarios, { lanes: 3 });
