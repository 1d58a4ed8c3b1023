/**
 * Release only what we own, record everything we cause, end every wait on time: each rule through
 * the real provider host against the emulator, checked against the emulator's own records.
 */
import { strict as assert } from "assert";
import { DEFAULT_DEVICES } from "../../../emulator";
import type { DeviceIsolationArgs } from "../../../provider";
import { send } from "../../../testkit/http/send";
import type { PropertyMap, ProviderHost } from "../../../testkit/host/providerHost";
import { rejects, startWorld, TENANT_ID, type World } from "../../../testkit/world";
import { useWorld } from "../../../testkit/useWorld";

const LAPTOP = DEFAULT_DEVICES.finLaptop;
const MAC = DEFAULT_DEVICES.macLaptop;
const OFFLINE = DEFAULT_DEVICES.offlineLaptop;
const UNMANAGED = DEFAULT_DEVICES.unmanagedLaptop;
const ANALYST = "analyst-app-0001";

function args(overrides: Partial<DeviceIsolationArgs> = {}): DeviceIsolationArgs {
    return { machineId: LAPTOP.id, comment: "INC-2031 beacon", ...overrides };
}

describe("ownership, recording and deadlines through the provider host", function () {
    this.timeout(60_000);
    const world = useWorld({}, { resetEach: true });

    const actionsOf = (machineId: string, type: string) => world.emulator.state().actions.filter((a) => a.machineId === machineId && a.type === type);
    const isolation = (machineId: string) => world.emulator.machine(machineId)?.isolation;
    const posts = (suffix: string) => world.apiCalls().filter((c) => c.startsWith("POST") && c.endsWith(suffix)).length;
    /** A request from another application (an analyst's tool), as Defender sees it. */
    const asAnalyst = (path: string, body: object) => {
        const token = world.emulator.issueToken({ tenantId: TENANT_ID, clientId: ANALYST });
        return send(world.emulator.url, path, { method: "POST", token, body }, world.emulator.caCertPath);
    };
    const stateOf = (created: { id: string; properties: PropertyMap }) => created.properties;

    describe("an isolate we caused is recorded (rule 1)", () => {
        it("an UnManagedDevice contain that reports scope Full is recorded, not refused", async () => {
            world.emulator.configure({ quirks: { unmanagedContainScope: "Full" } });
            const created = await world.create("guest", { machineId: UNMANAGED.id, comment: "c", isolationType: "UnManagedDevice" });
            assert.equal(created.id, actionsOf(UNMANAGED.id, "Isolate")[0].id);
            assert.equal(created.properties.isolationType, "UnManagedDevice");
            assert.equal(isolation(UNMANAGED.id)?.isolated, true);
        });

        it("an isolate our request got back that turns out to be of another type goes out as a partial failure with its id", async () => {
            world.emulator.configure({
                duplicates: "returnExisting",
                quirks: { indexingLagMs: 10_000 },
                actionDelays: { toInProgressMs: 300, toSucceededMs: 300 },
            });
            // Someone's Selective isolate is pending, hidden from listings: Defender answers our POST with it.
            const theirs = await asAnalyst(`/api/machines/${LAPTOP.id}/isolate`, { Comment: "analyst", IsolationType: "Selective" });
            assert.equal(theirs.status, 201);
            const e = await rejects(world.create("laptop", args()), /turned out to be a Selective isolation.*recorded/);
            assert.ok(e.initFailure, "the engine records the resource (ErrorResourceInitFailed)");
            assert.equal(e.initFailure.id, theirs.json.id);
            assert.equal(e.initFailure.properties.isolationType, "Selective", "state says what the device has");
            assert.equal(isolation(LAPTOP.id)?.isolationType, "Selective");
            // The next up sees the type differ and changes it in place.
            const news = await world.checked("laptop", args());
            const diff = await world.host.diff(e.initFailure.id, world.urn("laptop"), e.initFailure.properties, news);
            assert.deepEqual([diff.changes, diff.replaces], ["DIFF_SOME", []]);
        });
    });

    describe("release only what we own (rule 2)", () => {
        it("refresh reports our isolation gone once released, although someone isolated the device again since", async () => {
            const created = await world.create("laptop", args());
            world.emulator.releaseOutOfBand(LAPTOP.id);
            world.emulator.isolateOutOfBand(LAPTOP.id, { requestor: "analyst@contoso.com" });
            const read = await world.host.read(created.id, world.urn("laptop"), stateOf(created));
            assert.equal(read.id, "");
        });

        it("delete leaves in place an isolation someone else requested after ours ended, and says so", async () => {
            const created = await world.create("laptop", args());
            world.emulator.releaseOutOfBand(LAPTOP.id);
            await new Promise((resolve) => setTimeout(resolve, 20)); // a new alert, a moment later
            world.emulator.isolateOutOfBand(LAPTOP.id, { requestor: "analyst@contoso.com" });
            world.emulator.clearRequests();
            const line = world.nextLine(/left .*in place/i);
            await world.host.delete(created.id, world.urn("laptop"), stateOf(created));
            await line;
            assert.equal(posts("/unisolate") + posts("/cancel"), 0);
            assert.equal(isolation(LAPTOP.id)?.isolated, true, "the analyst's isolation stands");
        });

        it("delete does not cancel someone else's pending isolate after ours ended", async () => {
            const created = await world.create("laptop", args());
            world.emulator.releaseOutOfBand(LAPTOP.id);
            world.emulator.setOnline(LAPTOP.id, false);
            const theirs = await asAnalyst(`/api/machines/${LAPTOP.id}/isolate`, { Comment: "analyst", IsolationType: "Full" });
            world.emulator.clearRequests();
            await world.host.delete(created.id, world.urn("laptop"), stateOf(created));
            assert.equal(posts("/unisolate") + posts("/cancel"), 0);
            assert.equal(world.emulator.action(theirs.json.id)?.status, "Pending");
        });
    });

    describe("one device, two declarations (rule 3)", () => {
        it("closing one of two declarations of a device in a later deployment does not release it", async () => {
            const byId = await world.create("by-id", args());
            const byName = await world.create("by-name", { computerDnsName: LAPTOP.computerDnsName, comment: "INC-2044" });
            assert.equal(byName.id, byId.id, "the second declaration adopted the isolation");
            // A later `pulumi up`: by-name is still declared (the engine diffs it), by-id was removed (deleted).
            const next: ProviderHost = await world.nextDeployment();
            const checked = await next.check(
                world.urn("by-name"),
                {},
                await world.register("by-name", { computerDnsName: LAPTOP.computerDnsName, comment: "INC-2044" }),
            );
            await next.diff(byName.id, world.urn("by-name"), byName.properties, checked.inputs);
            world.emulator.clearRequests();
            await next.delete(byId.id, world.urn("by-id"), byId.properties);
            assert.equal(posts("/unisolate") + posts("/cancel"), 0);
            assert.equal(isolation(LAPTOP.id)?.isolated, true);
        });

        // The engine diffs during every refresh too (`pulumi destroy` and `refresh: always` included),
        // passing the inputs stored in state: such a diff is no declaration.
        it("a refresh's diff holds nothing: pulumi destroy (refresh first) releases the device", async () => {
            const created = await world.create("laptop", args());
            const destroy: ProviderHost = await world.nextDeployment();
            const read = await destroy.read(created.id, world.urn("laptop"), created.properties);
            await destroy.diff(created.id, world.urn("laptop"), read.properties, await world.register("laptop", args()));
            world.emulator.clearRequests();
            await destroy.delete(created.id, world.urn("laptop"), read.properties);
            assert.equal(posts("/unisolate"), 1);
            assert.equal(isolation(LAPTOP.id)?.isolated, false);
        });

        it("a refresh's diff holds nothing: a device removed from the program is released by the up that refreshed it", async () => {
            const kept = await world.create("kept", { machineId: MAC.id, comment: "c" });
            const removed = await world.create("removed", args());
            const up: ProviderHost = await world.nextDeployment();
            for (const [name, r, a] of [
                ["kept", kept, { machineId: MAC.id, comment: "c" }],
                ["removed", removed, args()],
            ] as const) {
                const read = await up.read(r.id, world.urn(name), r.properties);
                await up.diff(r.id, world.urn(name), read.properties, await world.register(name, a));
            }
            const checked = await up.check(world.urn("kept"), {}, await world.register("kept", { machineId: MAC.id, comment: "c" }));
            await up.diff(kept.id, world.urn("kept"), kept.properties, checked.inputs);
            world.emulator.clearRequests();
            await up.delete(removed.id, world.urn("removed"), removed.properties);
            assert.equal(posts("/unisolate"), 1);
            assert.equal(isolation(LAPTOP.id)?.isolated, false);
            assert.equal(isolation(MAC.id)?.isolated, true);
        });
    });

    describe("a change of isolation type (in place)", () => {
        it("is an update that isolates again with the new type: never released on the way", async () => {
            const created = await world.create("mac", { machineId: MAC.id, comment: "c" });
            const news = await world.checked("mac", { machineId: MAC.id, comment: "c", isolationType: "Selective" });
            const diff = await world.host.diff(created.id, world.urn("mac"), created.properties, news);
            assert.deepEqual([diff.changes, diff.replaces], ["DIFF_SOME", []]);
            world.emulator.clearRequests();
            const updated = await world.host.update(created.id, world.urn("mac"), created.properties, news);
            assert.deepEqual(isolation(MAC.id)?.isolationType, "Selective");
            assert.equal(updated.properties.isolationType, "Selective");
            assert.equal(updated.properties.machineActionId, actionsOf(MAC.id, "Isolate")[1].id);
            assert.equal(posts("/unisolate"), 0);
            // Refresh and destroy follow the new action.
            const read = await world.host.read(created.id, world.urn("mac"), updated.properties);
            assert.equal(read.properties.machineActionId, updated.properties.machineActionId);
            await world.host.delete(created.id, world.urn("mac"), read.properties);
            assert.equal(isolation(MAC.id)?.isolated, false);
        });

        it("refused by Defender: the device stays isolated in the old type and state says so", async () => {
            const created = await world.create("mac", { machineId: MAC.id, comment: "c" });
            const news = await world.checked("mac", { machineId: MAC.id, comment: "c", isolationType: "Selective" });
            world.emulator.injectFault({ route: "isolate", kind: "status", status: 403, code: "Forbidden" });
            await rejects(world.host.update(created.id, world.urn("mac"), created.properties, news), /still isolated as Full/);
            assert.deepEqual([isolation(MAC.id)?.isolated, isolation(MAC.id)?.isolationType], [true, "Full"]);
            assert.equal(posts("/unisolate"), 0);
        });

        it("ending Failed: the device stays isolated in the old type", async () => {
            const created = await world.create("mac", { machineId: MAC.id, comment: "c" });
            world.emulator.configure({ actionDelays: { toInProgressMs: 60_000, toSucceededMs: 60_000 } });
            const news = await world.checked("mac", { machineId: MAC.id, comment: "c", isolationType: "Selective" });
            const waiting = world.nextLine(/waiting for Isolate/);
            const updating = world.host.update(created.id, world.urn("mac"), created.properties, news);
            await waiting;
            world.emulator.forceAction(actionsOf(MAC.id, "Isolate")[1].id, "Failed");
            await rejects(updating, /ended Failed.*still isolated as Full/);
            assert.deepEqual([isolation(MAC.id)?.isolated, isolation(MAC.id)?.isolationType], [true, "Full"]);
        });
    });

    describe("a listing miss is not a deleted device (rule 5)", () => {
        it("refresh keeps an isolated device that a short machines page left out", async () => {
            const created = await world.create("laptop", args());
            world.emulator.injectFault({ route: "listMachines", kind: "shortPage", keepItems: 0 });
            const read = await world.host.read(created.id, world.urn("laptop"), stateOf(created));
            assert.equal(read.id, created.id);
        });

        it("delete releases a device that a short machines page left out", async () => {
            const created = await world.create("laptop", args());
            world.emulator.injectFault({ route: "listMachines", kind: "shortPage", keepItems: 0 });
            await world.host.delete(created.id, world.urn("laptop"), stateOf(created));
            assert.equal(isolation(LAPTOP.id)?.isolated, false);
        });
    });

    describe("adoption after a conflict", () => {
        it("adopts no finished isolate that a lagging listing hid: the release in flight that caused the 400 is said", async () => {
            world.emulator.configure({ quirks: { indexingLagMs: 1500, conflictAcrossTypes: true } });
            world.emulator.isolateOutOfBand(LAPTOP.id); // an old isolation, hidden for a while
            world.emulator.setOnline(LAPTOP.id, false);
            const release = await asAnalyst(`/api/machines/${LAPTOP.id}/unisolate`, { Comment: "analyst" }); // pending, hidden too
            assert.equal(release.status, 201);
            await rejects(world.create("laptop", args()), /release .*in progress/);
            world.emulator.setOnline(LAPTOP.id, true);
        });
    });

    describe("a transient 5xx", () => {
        it("to the isolate: one more isolate is sent when no new action is listed, and recorded", async () => {
            world.emulator.injectFault({ route: "isolate", kind: "status", status: 503 });
            const created = await world.create("laptop", args());
            assert.equal(posts("/isolate"), 2);
            assert.equal(actionsOf(LAPTOP.id, "Isolate").length, 1);
            assert.equal(created.id, actionsOf(LAPTOP.id, "Isolate")[0].id);
        });

        it("to the release: one more release is sent, and the device is released", async () => {
            const created = await world.create("laptop", args());
            world.emulator.injectFault({ route: "unisolate", kind: "status", status: 500 });
            world.emulator.clearRequests();
            await world.host.delete(created.id, world.urn("laptop"), stateOf(created));
            assert.equal(posts("/unisolate"), 2);
            assert.equal(actionsOf(LAPTOP.id, "Unisolate").length, 1);
            assert.equal(isolation(LAPTOP.id)?.isolated, false);
        });
    });

    describe("waits end on time", () => {
        it("create returns within completionTimeoutSeconds while status polls hang, and records the isolate", async () => {
            // Its own host and emulator: the hung polls it leaves behind must not slow other tests.
            const own = await startWorld();
            try {
                const waiting = own.nextLine(/waiting for Isolate/);
                const start = Date.now();
                const creating = own.create("offline", { machineId: OFFLINE.id, comment: "c", completionTimeoutSeconds: 2 });
                await waiting;
                own.emulator.injectFault({ route: "listActions", kind: "delay", delayMs: 20_000, count: 50 });
                own.emulator.injectFault({ route: "getAction", kind: "delay", delayMs: 20_000, count: 50 });
                const created = await creating;
                assert.ok(Date.now() - start < 6_000, `create took ${Date.now() - start} ms`);
                assert.equal(created.properties.status, "Pending");
                assert.equal(created.id, own.emulator.state().actions.filter((a) => a.type === "Isolate")[0].id);
            } finally {
                await own.stop();
            }
        });
    });

    describe("throttled writes end at the deadline", () => {
        // Each its own host and emulator: a 429 pauses the host's budget for the API for 20 s.
        const throttled = (own: World, route: string) => own.emulator.injectFault({ route, kind: "status", status: 429, count: 2, retryAfterSeconds: 20 });
        const postsTo = (own: World, suffix: string) => own.apiCalls().filter((c) => c.startsWith("POST") && c.endsWith(suffix)).length;

        it("create under two 429s with Retry-After 20 fails at completionTimeoutSeconds (3 s): nothing performed, nothing recorded", async () => {
            const own = await startWorld();
            try {
                throttled(own, "isolate");
                own.emulator.clearRequests();
                const start = Date.now();
                await rejects(own.create("laptop", args({ completionTimeoutSeconds: 3 })), /deadline[\s\S]*nothing was performed/);
                const took = Date.now() - start;
                // Without the deadline on the write, the two pauses made it about 40 s.
                assert.ok(took < 15_000, `create took ${took} ms`);
                assert.equal(postsTo(own, "/isolate"), 1, "nothing is sent after the deadline");
                assert.equal(own.emulator.machine(LAPTOP.id)?.isolation?.isolated ?? false, false);
            } finally {
                await own.stop();
            }
        });

        it("delete under two 429s with Retry-After 20 fails at completionTimeoutSeconds, keeping the device isolated and the resource in state", async () => {
            const own = await startWorld();
            try {
                const created = await own.create("laptop", args({ completionTimeoutSeconds: 3 }));
                throttled(own, "unisolate");
                own.emulator.clearRequests();
                const start = Date.now();
                await rejects(own.host.delete(created.id, own.urn("laptop"), stateOf(created)), /deadline/);
                const took = Date.now() - start;
                assert.ok(took < 15_000, `delete took ${took} ms`);
                assert.equal(postsTo(own, "/unisolate"), 1, "nothing is sent after the deadline");
                assert.equal(own.emulator.machine(LAPTOP.id)?.isolation?.isolated, true);
            } finally {
                await own.stop();
            }
        });
    });

    describe("undocumented action shapes", () => {
        it("a contain reported as type ContainDevice is refreshed and released, never a stuck stack", async () => {
            world.emulator.configure({ quirks: { unmanagedContainType: "ContainDevice" } });
            const created = await world.create("guest", { machineId: UNMANAGED.id, comment: "c", isolationType: "UnManagedDevice" });
            assert.equal(isolation(UNMANAGED.id)?.isolated, true);
            const read = await world.host.read(created.id, world.urn("guest"), created.properties);
            assert.equal(read.id, created.id);
            await world.host.delete(created.id, world.urn("guest"), read.properties);
            assert.equal(isolation(UNMANAGED.id)?.isolated, false);
        });
    });
});
